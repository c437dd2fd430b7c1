// RAS faults, the dial: a failure at every state of the walk, in both readings of what
// RasEnumConnections lists (a failed handle listed or not), and bad credentials (691). Each
// failed dial is answered with RAS's error, hung up, reaped, never redialled, never adopted.
#include <tuple>

#include "ras_faults.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::ErrorCode;
using protocol::Reason;

constexpr std::uint32_t kVpnFailed = 800;  // ERROR_AUTOMATIC_VPN_FAILED: any error will do

// (the failing state, the scenario's enum_lists reading)
class DialFailureAtEveryState : public RasFaults,
                                public ::testing::WithParamInterface<std::tuple<ras::ConnState, const char*>> {
 protected:
  static std::string state() { return ras::state_name(std::get<0>(GetParam())); }
  static const char* reading() { return std::get<1>(GetParam()); }
};

std::vector<ras::ConnState> states_before_connected() {
  auto walk = sim::dial_walk();
  walk.pop_back();  // RASCS_Connected: nothing left to fail
  return walk;
}

INSTANTIATE_TEST_SUITE_P(
    Walk, DialFailureAtEveryState,
    ::testing::Combine(::testing::ValuesIn(states_before_connected()), ::testing::Values("connected", "not_hung_up")),
    [](const auto& info) {
      return ras::state_name(std::get<0>(info.param)).substr(6) + "_" + std::get<1>(info.param);  // no "RASCS_"
    });

TEST_P(DialFailureAtEveryState, IsAnsweredWithRasErrorHungUpReapedAndNotRedialled) {
  auto cfg = fast_config();
  cfg.redial["Office VPN"] = {2, 500};  // a redial policy is for drops, never for a failed first dial
  make({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 1600}, {"fail_state", state()}, {"fail_error", kVpnFailed}}}},
        {"enum_lists", reading()}},
       cfg);
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  const auto error = d->rpc_error();
  EXPECT_EQ(error.code(), ErrorCode::ras_failure);
  EXPECT_EQ(error.data()["ras_error"], kVpnFailed);

  const auto failed = find("Office VPN");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->state, ConnectionState::hanging_up);
  EXPECT_EQ(failed->reason, Reason::dial_failed);
  EXPECT_EQ(failed->ras_state, state());  // where it failed
  ASSERT_TRUE(failed->error);
  EXPECT_EQ(failed->error->ras_error, kVpnFailed);
  EXPECT_EQ(admin_events_.of(events::Kind::dial_failed).size(), 1u);

  ASSERT_TRUE(run_until([&] { return !find("Office VPN"); }));
  EXPECT_TRUE(saw_event(failed->id, ConnectionState::gone));
  run_for(30s, 100ms);
  EXPECT_EQ(sim_->stats().dial_calls, 1u);     // not redialled
  EXPECT_EQ(sim_->stats().hang_up_calls, 1u);  // the RasHangUp the failed RasDial still required
  for (const auto& e : events_) EXPECT_FALSE(e.adopted) << "its own failed handle was adopted";
  expect_nothing_leaked();
}

class BadCredentials : public RasFaults {
 protected:
  static nlohmann::json scenario() {
    return {{"entries", {{{"name", "Office VPN"}, {"username", "alice"}, {"password", "right"}}}}};
  }
};

TEST_F(BadCredentials, A691IsAnsweredWithoutThePasswordHungUpAndNeverRetried) {
  make(scenario());
  auto p = dial_params("Office VPN", DialWait::connected);
  p.username = "alice";
  p.password = protocol::Secret("wrong-secret");
  p.redial = protocol::RedialPolicy{3, 500};  // retrying bad credentials would only lock the account
  auto d = spawn(broker_->dial(std::move(p), admin()));
  ASSERT_TRUE(run_until([&] { return d->done; }));
  const auto error = d->rpc_error();
  EXPECT_EQ(error.code(), ErrorCode::ras_failure);
  EXPECT_EQ(error.data()["ras_error"], ras::err::kAuthenticationFailure);
  EXPECT_EQ(error.data().dump().find("wrong-secret"), std::string::npos);
  EXPECT_EQ(std::string(error.what()).find("wrong-secret"), std::string::npos);
  EXPECT_EQ(log_text().find("wrong-secret"), std::string::npos);
  const auto failed = find("Office VPN");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->ras_state, "RASCS_Authenticate");
  run_for(30s, 100ms);
  EXPECT_FALSE(find("Office VPN"));
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
  expect_nothing_leaked();
}

TEST_F(BadCredentials, TheRightPasswordAfterA691Connects) {
  make(scenario());
  auto wrong = dial_params("Office VPN", DialWait::connected);
  wrong.username = "alice";
  wrong.password = protocol::Secret("wrong");
  auto first = spawn(broker_->dial(std::move(wrong), admin()));
  ASSERT_TRUE(run_until([&] { return first->done; }));
  EXPECT_EQ(first->rpc_error().data()["ras_error"], ras::err::kAuthenticationFailure);
  // Dialled again at once: the broker waits out the failed handle's teardown, then dials.
  auto right = dial_params("Office VPN", DialWait::connected);
  right.username = "alice";
  right.password = protocol::Secret("right");
  auto second = spawn(broker_->dial(std::move(right), admin()));
  ASSERT_TRUE(run_until([&] { return second->done; }));
  ASSERT_TRUE(second->value) << second->rpc_error().what();
  EXPECT_EQ(second->value->state, ConnectionState::connected);
  EXPECT_EQ(sim_->stats().dial_calls, 2u);
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
