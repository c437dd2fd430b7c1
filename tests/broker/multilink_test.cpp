// Multilink entries and extended errors (docs/ras-rules.md#dial): a link lost once the
// connection is up never hangs it up; any error before RASCS_Connected fails the dial,
// which is hung up and reaped; RasDialFunc2's dwExtendedError is logged and kept. Each in
// both of the simulator's readings of one link's error (link_error_ends_dial), and of what
// RasGetConnectStatus says afterwards (link_fail.status_error).
#include <spdlog/sinks/ringbuffer_sink.h>

#include <string>
#include <tuple>

#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::ErrorCode;
using protocol::Reason;

// "Bonded": two links, connects in 0.95 s; `link_fail` and the reading are the test's.
nlohmann::json bonded(nlohmann::json link_fail, bool link_error_ends_dial) {
  return {{"entries",
           {{{"name", "Bonded"},
             {"links", 2},
             {"connect_ms", 950},
             {"teardown_ms", 500},
             {"link_error_ends_dial", link_error_ends_dial},
             {"link_fail", std::move(link_fail)}}}}};
}

class MultilinkTest : public BrokerHarness {};

// Both readings of one link's error before RASCS_Connected (the simulator's
// link_error_ends_dial) by both readings of RasGetConnectStatus once a link is lost while the
// connection stays up (link_fail.status_error: dwError reports the link's error, or 0).
class MultilinkReadings : public MultilinkTest, public ::testing::WithParamInterface<std::tuple<bool, bool>> {
 protected:
  bool ends_dial() const { return std::get<0>(GetParam()); }
  bool status_error() const { return std::get<1>(GetParam()); }
};

// Before the fix the link watch took a dwError beside RASCS_Connected for a lost link and hung
// the whole connection up, and redialled it (the status_error cases failed).
TEST_P(MultilinkReadings, ALinkLostAfterConnectedDoesNotHangUpTheConnection) {
  auto cfg = fast_config();
  cfg.redial["Bonded"] = {2, 500};
  make(bonded({{"sub_entry", 2}, {"after_connected", true}, {"error", 650}, {"extended_error", 5},
               {"status_error", status_error()}},
              ends_dial()),
       cfg);
  auto d = dial("Bonded", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(d->value) << d->rpc_error().what();
  run_for(5s);  // several link polls (link_poll 1 s)
  auto c = find("Bonded");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, d->value->id);
  EXPECT_EQ(c->state, ConnectionState::connected);
  EXPECT_EQ(c->ras_state, "RASCS_Connected");
  EXPECT_FALSE(c->error);
  EXPECT_EQ(sim_->stats().hang_up_calls, 0u);
  EXPECT_EQ(sim_->stats().dial_calls, 1u);  // nothing was lost: nothing to redial
  EXPECT_TRUE(logged("link 2 failed at RASCS_SubEntryDisconnected: RAS error 650")) << log_text();
  EXPECT_TRUE(logged("extended error 5; the connection stays up")) << log_text();
  EXPECT_EQ(logged("is up, but RAS reports error 650 (") > 0, status_error()) << log_text();
  expect_nothing_leaked();
}

TEST_P(MultilinkReadings, ALinkErrorBeforeConnectedFailsTheDialWhichIsReaped) {
  make(bonded({{"sub_entry", 2}, {"state", "RASCS_Authenticate"}, {"error", 640}, {"extended_error", 22},
               {"status_error", status_error()}},
              ends_dial()));
  auto d = dial("Bonded", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  const auto err = d->rpc_error();
  EXPECT_EQ(err.code(), ErrorCode::ras_failure);
  EXPECT_EQ(err.data()["ras_error"], 640);
  EXPECT_EQ(err.data()["ras_extended_error"], 22);
  EXPECT_NE(std::string(err.what()).find("(RAS error 640, extended error 22)"), std::string::npos) << err.what();
  auto c = find("Bonded");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, ConnectionState::hanging_up);
  EXPECT_EQ(c->reason, Reason::dial_failed);
  ASSERT_TRUE(c->error);
  EXPECT_EQ(c->error->ras_error, 640u);
  EXPECT_EQ(c->error->extended_error, 22u);
  // Reading (a) reports the failing state, reading (b) the link's disconnection.
  EXPECT_EQ(c->ras_state, ends_dial() ? "RASCS_Authenticate" : "RASCS_SubEntryDisconnected");
  EXPECT_TRUE(logged("on link 2: RAS error 640")) << log_text();
  EXPECT_TRUE(logged("extended error 22")) << log_text();
  ASSERT_TRUE(run_until([&] { return !find("Bonded"); }));
  EXPECT_TRUE(saw_event(c->id, ConnectionState::gone));
  for (auto& e : events_) EXPECT_NE(e.state, ConnectionState::connected);
  expect_nothing_leaked();
}

INSTANTIATE_TEST_SUITE_P(Readings, MultilinkReadings, ::testing::Combine(::testing::Bool(), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<std::tuple<bool, bool>>& info) {
                           return std::string(std::get<0>(info.param) ? "EndsDial" : "OnlyTheLink") +
                                  (std::get<1>(info.param) ? "_StatusError" : "_StatusClean");
                         });

TEST_F(MultilinkTest, TheExtendedErrorOfASingleLinkDialIsKeptAndLogged) {
  make({{"entries",
         {{{"name", "Office VPN"},
           {"fail_state", "RASCS_ConnectDevice"},
           {"fail_error", 650},
           {"fail_extended_error", 5}}}}});
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  EXPECT_EQ(d->rpc_error().data()["ras_extended_error"], 5);
  auto c = find("Office VPN");
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->error);
  EXPECT_EQ(c->error->extended_error, 5u);
  EXPECT_EQ(nlohmann::json(*c)["error"]["extended_error"], 5);
  EXPECT_TRUE(logged("failed at RASCS_ConnectDevice on link 1: RAS error 650")) << log_text();
  EXPECT_TRUE(logged("extended error 5")) << log_text();
  expect_nothing_leaked();
}

TEST_F(MultilinkTest, ErrorsWithoutAnExtendedErrorSayNothingOfOne) {
  make({{"entries", {{{"name", "Office VPN"}, {"fail_state", "RASCS_Authenticate"}, {"fail_error", 691}}}}});
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  EXPECT_FALSE(d->rpc_error().data().contains("ras_extended_error"));
  EXPECT_EQ(std::string(d->rpc_error().what()).find("extended"), std::string::npos);
  auto c = find("Office VPN");
  ASSERT_TRUE(c && c->error);
  EXPECT_EQ(c->error->extended_error, 0u);
  EXPECT_FALSE(nlohmann::json(*c)["error"].contains("extended_error"));
  EXPECT_FALSE(logged("extended")) << log_text();
  expect_nothing_leaked();
}

TEST_F(MultilinkTest, TwoLinksThatBothConnectAreOneConnection) {
  make({{"entries", {{{"name", "Bonded"}, {"links", 2}, {"connect_ms", 950}}}}});
  auto d = dial("Bonded", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(d->value) << d->rpc_error().what();
  EXPECT_EQ(d->value->ras_state, "RASCS_Connected");
  bool saw_link_connected = false;
  for (auto& e : events_) saw_link_connected |= e.ras_state == "RASCS_SubEntryConnected";
  EXPECT_TRUE(saw_link_connected);  // published while dialling, like every other state
  EXPECT_EQ(broker_->list().size(), 1u);
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
