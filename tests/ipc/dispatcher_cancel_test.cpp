// A client that disconnects while its request waits (a dial waiting for its connection, a
// hang-up waiting for the teardown): the session cancels the request. That is no internal
// error — nothing went wrong in the service — and no one is left to answer. Found by the
// deterministic simulation (tests/dst), seed 2.
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include "../broker/broker_harness.hpp"
#include "ipc/dispatcher.hpp"

namespace rasbroker::testing {
namespace {

using nlohmann::json;

const json kSlowVpn = {{"entries", {{{"name", "Slow VPN"}, {"connect_ms", 60000}, {"teardown_ms", 100}}}}};

class DispatcherCancelTest : public BrokerHarness {
 protected:
  // Sends `params` to `method` and runs a second; then the client goes away.
  void ask_then_disconnect(std::string method, json params) {
    auto log = std::make_shared<spdlog::logger>("dispatcher", log_);
    dispatcher_ = std::make_unique<ipc::Dispatcher>(broker_, log, dispatcher_events_.admin_events());
    client_.caller = admin();
    auto answered = [this](std::exception_ptr e, std::optional<ipc::Response> a) {
      done_ = true;
      error_ = e;
      answer_ = std::move(a);
    };
    boost::asio::co_spawn(*io_, dispatcher_->handle(protocol::Call{7, false, std::move(method), std::move(params)}, client_),
                          boost::asio::bind_cancellation_slot(cancel_.slot(), answered));
    run_for(1s);
    ASSERT_FALSE(done_) << "the request did not wait";
    cancel_.emit(boost::asio::cancellation_type::terminal);  // as the session does when the client leaves
    settle();
  }
  void expect_abandoned_quietly() {
    ASSERT_TRUE(done_);
    EXPECT_FALSE(error_);
    EXPECT_FALSE(answer_) << ipc::to_json(*answer_).dump();
    EXPECT_TRUE(dispatcher_events_.of(events::Kind::internal_error).empty());
    EXPECT_EQ(logged("internal error"), 0u) << log_text();
    EXPECT_EQ(logged("-> abandoned: the client disconnected before the answer"), 1u) << log_text();
  }

  events::test::RecordedEvents dispatcher_events_;
  std::unique_ptr<ipc::Dispatcher> dispatcher_;
  ipc::ClientContext client_;
  boost::asio::cancellation_signal cancel_;
  bool done_ = false;
  std::exception_ptr error_;
  std::optional<ipc::Response> answer_;
};

TEST_F(DispatcherCancelTest, ADialWaitingForItsConnectionIsAbandonedNotAnInternalError) {
  make(kSlowVpn);
  ask_then_disconnect("dial", {{"entry", "Slow VPN"}, {"wait", "connected"}});
  expect_abandoned_quietly();
  // The dial itself goes on: the broker owns the connection, whoever asked for it.
  const auto c = find("Slow VPN");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, ConnectionState::dialing);
  expect_nothing_leaked();
}

TEST_F(DispatcherCancelTest, AHangupWaitingForTheTeardownIsAbandonedNotAnInternalError) {
  make({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 100}, {"teardown_ms", 20000}}}}});
  auto d = dial("Office VPN", protocol::DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ask_then_disconnect("hangup", {{"entry", "Office VPN"}, {"wait", "gone"}, {"timeout_ms", 120000}});
  expect_abandoned_quietly();
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
