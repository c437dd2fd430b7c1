// Subscriptions end when their token is dropped (a watching client disconnects). The broker
// must not keep what ended: clients that subscribe and leave while no connection changes
// would otherwise pile up without bound. Found by the deterministic simulation (tests/dst),
// seed 1.
#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using SubscriptionTest = BrokerHarness;

TEST_F(SubscriptionTest, EndedSubscriptionsAreForgottenWhileNothingChanges) {
  make(kOfficeVpn);
  for (int i = 0; i < 1000; ++i) {
    auto token = broker_->subscribe([](const Connection&) {});
    settle();
  }
  // The harness's own listener, and at most the last of the 1000 that ended (pruned when the
  // next one subscribes or a change is published).
  EXPECT_LE(broker_->subscription_slots(), 2u);
  // What still subscribes still hears every change.
  auto d = dial("Office VPN");
  ASSERT_TRUE(run_until([&] { return saw_event("c1", ConnectionState::connected); }));
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
