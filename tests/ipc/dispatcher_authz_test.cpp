// The dispatcher hands every request the caller the transport proved (ClientContext::caller),
// never anything from the request: what a refusal looks like on the wire, in the log and as an
// Event Log event (both identities), and the watch a user gets.
#include <algorithm>

#include <spdlog/sinks/ringbuffer_sink.h>

#include "../broker/broker_harness.hpp"
#include "ipc/dispatcher.hpp"

namespace rasbroker::testing {
namespace {

using nlohmann::json;

const json kTwoEntries = {{"entries",
                         {{{"name", "Office VPN"}, {"connect_ms", 100}, {"teardown_ms", 100}},
                          {{"name", "Branch VPN"}, {"connect_ms", 100}, {"teardown_ms", 100}}}}};

class DispatcherAuthorization : public BrokerHarness {
 protected:
  void start(authz::Rules rules = {}) {
    auto config = fast_config();
    config.authorization = std::move(rules);
    make(kTwoEntries, config);
    auto log = std::make_shared<spdlog::logger>("dispatcher", dispatcher_log_);
    dispatcher_ = std::make_unique<ipc::Dispatcher>(broker_, log, dispatcher_events_.admin_events());
  }
  static ipc::ClientContext client(std::int64_t pid, std::string user, bool admin = false) {
    ipc::ClientContext c;
    c.caller = authz::Caller{.owner = {pid, std::move(user)}, .admin = admin, .member_of = {}};
    return c;
  }
  // Sends one request as `who` and runs until it is answered.
  json call(ipc::ClientContext& who, std::string method, json params = json::object()) {
    auto answer = spawn(dispatcher_->handle(protocol::Call{1, false, std::move(method), std::move(params)}, who));
    EXPECT_TRUE(run_until([&] { return answer->done; }));
    const auto response = answer->value.value_or(std::nullopt);
    return response ? ipc::to_json(*response) : json();
  }
  std::size_t dispatcher_logged(std::string_view text) const {
    const auto lines = dispatcher_log_->last_formatted();
    return static_cast<std::size_t>(
        std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; }));
  }

  ipc::ClientContext alice_ = client(100, "CORP\\alice");
  ipc::ClientContext bob_ = client(200, "CORP\\bob");
  ipc::ClientContext admin_ = client(1, "NT AUTHORITY\\SYSTEM", true);
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> dispatcher_log_ =
      std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256);
  events::test::RecordedEvents dispatcher_events_;
  std::unique_ptr<ipc::Dispatcher> dispatcher_;
};

TEST_F(DispatcherAuthorization, TheOwnerIsTheCallerNotWhatTheRequestSays) {
  start();
  const auto dialled = call(alice_, "dial", {{"entry", "Office VPN"}, {"wait", "connected"}});
  ASSERT_TRUE(dialled.contains("result")) << dialled.dump();
  EXPECT_EQ(dialled["result"]["owner"], (json{{"pid", 100}, {"user", "CORP\\alice"}}));
  // An "owner" in the request is not a parameter: refused before anything is done.
  const auto forged = call(bob_, "hangup", {{"entry", "Office VPN"}, {"owner", {{"pid", 100}, {"user", "CORP\\alice"}}}});
  EXPECT_EQ(forged["error"]["code"], static_cast<int>(protocol::ErrorCode::invalid_params)) << forged.dump();
  expect_nothing_leaked();
}

TEST_F(DispatcherAuthorization, ARefusalNamesBothIdentitiesInTheLogAndTheEvent) {
  authz::Rules rules;
  rules.show_other_owners = false;  // the client is not told whose it is; the administrator is
  start(rules);
  const auto id = call(alice_, "dial", {{"entry", "Office VPN"}, {"wait", "connected"}})["result"]["id"].get<std::string>();
  const auto refused = call(bob_, "hangup", {{"id", id}});
  ASSERT_EQ(refused["error"]["code"], static_cast<int>(protocol::ErrorCode::unauthorized)) << refused.dump();
  EXPECT_EQ(refused["error"]["message"],
            "connection " + id + " belongs to another user; only its owner or an administrator may hang it up");
  const std::string logged_reason = "connection " + id +
                                    " (entry \"Office VPN\") belongs to CORP\\alice (pid 100); only its owner or an "
                                    "administrator may hang it up";
  const auto events = dispatcher_events_.of(events::Kind::unauthorized_request);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].inserts, (std::vector<std::string>{"\"hangup\"", "200", "CORP\\bob", logged_reason}));
  EXPECT_EQ(dispatcher_logged("request \"hangup\" from pid 200 user 'CORP\\bob'"), 1u);
  EXPECT_EQ(dispatcher_logged("-> refused (unauthorized): " + logged_reason), 1u);
  // Nothing was hung up; her own request is not refused.
  EXPECT_EQ(call(alice_, "get", {{"id", id}})["result"]["state"], "connected");
  EXPECT_EQ(dispatcher_events_.of(events::Kind::unauthorized_request).size(), 1u);
  expect_nothing_leaked();
}

TEST_F(DispatcherAuthorization, ListGetAndHangupAllAnswerForTheCaller) {
  authz::Rules rules;
  rules.list = authz::ListScope::own;
  start(rules);
  call(alice_, "dial", {{"entry", "Office VPN"}, {"wait", "connected"}});
  call(bob_, "dial", {{"entry", "Branch VPN"}, {"wait", "connected"}});
  const auto bobs = call(bob_, "list")["result"]["connections"];
  ASSERT_EQ(bobs.size(), 1u) << bobs.dump();
  EXPECT_EQ(bobs[0]["entry"], "Branch VPN");
  EXPECT_EQ(call(admin_, "list")["result"]["connections"].size(), 2u);
  EXPECT_EQ(call(bob_, "get", {{"entry", "Office VPN"}})["error"]["code"],
            static_cast<int>(protocol::ErrorCode::unauthorized));
  const auto hung = call(bob_, "hangup", {{"all", true}, {"wait", "gone"}})["result"]["connections"];
  ASSERT_EQ(hung.size(), 1u) << hung.dump();
  EXPECT_EQ(hung[0]["entry"], "Branch VPN");
  EXPECT_EQ(call(admin_, "list")["result"]["connections"].size(), 1u) << "alice's is still up";
  expect_nothing_leaked();
}

TEST_F(DispatcherAuthorization, AWatchShowsOnlyWhatTheCallerMaySee) {
  authz::Rules rules;
  rules.list = authz::ListScope::own;
  start(rules);
  std::vector<json> bobs_notifications;
  bob_.send_notification = [&](json n) { bobs_notifications.push_back(std::move(n)); };
  EXPECT_EQ(call(bob_, "subscribe")["result"]["subscribed"], true);
  call(alice_, "dial", {{"entry", "Office VPN"}, {"wait", "connected"}});
  call(bob_, "dial", {{"entry", "Branch VPN"}, {"wait", "connected"}});
  call(admin_, "hangup", {{"all", true}, {"wait", "gone"}});
  ASSERT_FALSE(bobs_notifications.empty());
  for (const auto& n : bobs_notifications) EXPECT_EQ(n["params"]["connection"]["entry"], "Branch VPN") << n.dump();
  EXPECT_EQ(bobs_notifications.back()["params"]["connection"]["state"], "gone");
  bob_.subscription.reset();
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
