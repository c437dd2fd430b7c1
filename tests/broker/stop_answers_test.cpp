// Waits that a stop cuts say so, instead of going silent: a hang-up still waiting for
// `gone` when the stop gives up on its teardown answers with what it did; a dial waiting
// to connect is answered `shutting_down`, never a RAS error.
#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::ErrorCode;
using protocol::HangupWait;

class StopAnswersTest : public BrokerHarness {
 protected:
  // A connection whose teardown never ends, connected; a stop gives up on it after 5 s.
  void make_stuck_connection() {
    auto cfg = fast_config();
    cfg.stop_timeout = 5s;
    make({{"entries", {{{"name", "Stuck VPN"}, {"connect_ms", 100}, {"teardown_never", true}}}},
          {"connected", nlohmann::json::array()}},
         cfg);
    auto up = dial("Stuck VPN", DialWait::connected);
    ASSERT_TRUE(run_until([&] { return up->done; }));
  }
};

TEST_F(StopAnswersTest, AHangupWaitingForGoneWhenTheStopGivesUpSaysWhatItDid) {
  ASSERT_NO_FATAL_FAILURE(make_stuck_connection());
  auto waiting = hangup(hangup_entry("Stuck VPN", HangupWait::gone));
  run_for(2s);
  ASSERT_FALSE(waiting->done);

  auto stopped = spawn_stop();
  ASSERT_TRUE(run_until([&] { return stopped->done; }, 60s));
  settle();
  ASSERT_TRUE(waiting->done) << "the hang-up would wait for ever: nothing polls the teardown after the stop";
  const auto error = waiting->rpc_error();
  EXPECT_EQ(error.code(), ErrorCode::shutting_down);
  EXPECT_NE(std::string(error.what()).find("hang-up issued, but the teardown had not finished"), std::string::npos)
      << error.what();
  ASSERT_EQ(error.data()["connections"].size(), 1u) << error.data().dump();
  EXPECT_EQ(error.data()["connections"][0]["entry"], "Stuck VPN");
  EXPECT_EQ(error.data()["connections"][0]["state"], "hanging_up");
}

// A hang-up asked for while the service is already stopping, after it gave up on the
// teardowns, is answered at once, the same way.
TEST_F(StopAnswersTest, AHangupAfterTheStopGaveUpIsAnsweredAtOnce) {
  ASSERT_NO_FATAL_FAILURE(make_stuck_connection());
  ASSERT_TRUE(hangup(hangup_entry("Stuck VPN"))->done);
  auto stopped = spawn_stop();
  ASSERT_TRUE(run_until([&] { return stopped->done; }, 60s));
  auto late = hangup(hangup_entry("Stuck VPN", HangupWait::gone));
  settle();
  ASSERT_TRUE(late->done);
  EXPECT_EQ(late->rpc_error().code(), ErrorCode::shutting_down);
}

}  // namespace
}  // namespace rasbroker::testing
