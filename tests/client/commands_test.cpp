// Commands end to end against an in-memory fake of the service.
#include <gtest/gtest.h>

#include <rasbroker/protocol/jsonrpc.hpp>

#include "endpoint.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "test_support.hpp"

namespace rasbroker::client {
namespace {

using nlohmann::json;
using protocol::Connection;
using protocol::ConnectionState;
using protocol::ErrorCode;
using protocol::RpcError;
using test::FakeService;
using test::make_connection;
using test::run_cli;
using test::RunOptions;
using test::RunOutput;

// A service that answers every method with canned results.
struct CannedService : FakeService {
  std::vector<Connection> connections{make_connection("c1", "Office VPN"),
                                      make_connection("c2", "Lab", ConnectionState::dialing, "RASCS_Authenticate")};
  CannedService() {
    handler = [this](const json& req, FakeService& s) {
      const std::string method = req.at("method");
      if (method == "subscribe") {
        s.respond(req, {{"subscribed", true}});
      } else if (method == "list") {
        s.respond(req, protocol::to_json(protocol::ConnectionList{connections, {}}));
      } else if (method == "dial") {
        Connection c = make_connection("c3", req["params"]["entry"],
                                       req["params"]["wait"] == "connected" ? ConnectionState::connected
                                                                            : ConnectionState::dialing,
                                       req["params"]["wait"] == "connected" ? "RASCS_Connected" : "RASCS_OpenPort");
        s.respond(req, json(c));
      } else if (method == "hangup") {
        const json& p = req["params"];
        std::vector<Connection> hit;
        for (auto c : connections) {
          if (p.value("all", false) || p.value("entry", "") == c.entry || p.value("id", "") == c.id) {
            c.state = p["wait"] == "gone" ? ConnectionState::gone : ConnectionState::hanging_up;
            hit.push_back(c);
          }
        }
        if (hit.empty() && !p.value("all", false)) {
          s.respond_error(req, RpcError(ErrorCode::not_found, "no such connection"));
        } else {
          s.respond(req, protocol::to_json(protocol::ConnectionList{hit, {}}));
        }
      } else if (method == "get") {
        s.respond(req, json(connections[0]));
      } else if (method == "entries") {
        s.respond(req, protocol::to_json(protocol::EntriesResult{{{"Office VPN", ""}, {"Lab", ""}}}));
      } else if (method == "status") {
        protocol::StatusResult st;
        st.version = "0.1.0";
        st.pid = 77;
        st.uptime_s = 5;
        st.backend = "sim";
        st.connections = {1, 1, 0, 0, 2};
        s.respond(req, protocol::to_json(st));
      } else {
        s.respond_error(req, RpcError(ErrorCode::method_not_found, "no such method"));
      }
    };
  }
  const json& params(std::size_t i) const { return requests.at(i).at("params"); }
};

TEST(Commands, DialAcceptedSendsTheParams) {
  CannedService svc;
  auto r = run_cli({"dial", "Office VPN", "--user", "alice", "--domain", "CORP", "--phonebook", "x.pbk", "--timeout",
                    "45"},
                   svc);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(svc.connected_to, "test-endpoint");
  ASSERT_EQ(svc.requests.size(), 1u);
  EXPECT_EQ(svc.requests[0]["method"], "dial");
  EXPECT_EQ(svc.requests[0]["jsonrpc"], "2.0");
  EXPECT_EQ(svc.params(0),
            (json{{"entry", "Office VPN"}, {"username", "alice"}, {"domain", "CORP"}, {"phonebook", "x.pbk"},
                  {"wait", "accepted"}, {"timeout_ms", 45000}}));
  EXPECT_EQ(r.out, "Dialing \"Office VPN\" (id c3); the dial continues in the service.\n");
  EXPECT_EQ(r.err, "");
}

TEST(Commands, RequestIdsIncrease) {
  CannedService svc;
  RunOptions opts;
  opts.terminal = true;
  run_cli({"dial", "Office VPN", "--wait"}, svc, &opts);
  ASSERT_EQ(svc.requests.size(), 2u);
  EXPECT_LT(svc.requests[0]["id"].get<int>(), svc.requests[1]["id"].get<int>());
}

TEST(Commands, DialPasswordFromStdinIsSentButNeverShown) {
  CannedService svc;
  RunOptions opts;
  opts.password = "Sup3r$ecret";
  auto r = run_cli({"dial", "Office VPN", "--user", "alice", "--password-stdin", "--wait"}, svc, &opts);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(opts.password_read);
  EXPECT_EQ(opts.prompt_seen, "Password: ");
  EXPECT_EQ(svc.params(0)["password"], "Sup3r$ecret");
  EXPECT_EQ(svc.params(0)["wait"], "connected");
  EXPECT_EQ(r.out.find("Sup3r$ecret"), std::string::npos);
  EXPECT_EQ(r.err.find("Sup3r$ecret"), std::string::npos);
  EXPECT_EQ(r.out, "Connected \"Office VPN\" (id c3).\n");
}

// A service that answers subscribe, and a dial with these notifications and then `dialed`.
void serve_live_dial(FakeService& svc, std::vector<Connection> notifications, Connection dialed) {
  svc.handler = [notifications = std::move(notifications), dialed = std::move(dialed)](const json& req,
                                                                                        FakeService& s) {
    if (req["method"] == "subscribe") {
      s.respond(req, {{"subscribed", true}});
      return;
    }
    for (const Connection& c : notifications) s.notify_changed(c);
    s.respond(req, json(dialed));
  };
}

RunOutput dial_wait_on_a_terminal(FakeService& svc, const std::string& entry) {
  RunOptions opts;
  opts.terminal = true;
  return run_cli({"dial", entry, "--wait"}, svc, &opts);
}

TEST(Commands, DialWaitOnATerminalShowsTheRasStateLive) {
  FakeService svc;
  serve_live_dial(svc,
                  {make_connection("c3", "Office VPN", ConnectionState::dialing, "RASCS_OpenPort"),
                   make_connection("c4", "Lab", ConnectionState::dialing, "RASCS_Authenticate"),
                   make_connection("c3", "Office VPN", ConnectionState::dialing, "RASCS_Authenticate"),
                   make_connection("c3", "office vpn", ConnectionState::dialing, "RASCS_Projected")},
                  make_connection("c3", "Office VPN"));
  auto r = dial_wait_on_a_terminal(svc, "Office VPN");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(svc.requests.size(), 2u);
  EXPECT_EQ(svc.requests[0]["method"], "subscribe");
  EXPECT_EQ(svc.requests[1]["method"], "dial");
  EXPECT_EQ(r.out,
            "\rOffice VPN: RASCS_OpenPort..."
            "\rOffice VPN: RASCS_Authenticate..."
            "\roffice vpn: RASCS_Projected...   "
            "\rConnected \"Office VPN\" (id c3).  \n");
  EXPECT_EQ(r.out.find("Lab"), std::string::npos);
}

// The live line follows the dialled entry under RAS's rule for entry names
// (protocol::same_entry): case-insensitive beyond ASCII too, as Windows compares them.
TEST(Commands, DialWaitLiveLineMatchesEntryNamesAsRasDoes) {
  FakeService svc;
  serve_live_dial(svc,
                  {make_connection("c3", "B\xC3\x9CRO VPN", ConnectionState::dialing, "RASCS_OpenPort"),
                   make_connection("c4", "B\xC3\xBCro VPN 2", ConnectionState::dialing, "RASCS_OpenPort"),
                   make_connection("c5", "Buro VPN", ConnectionState::dialing, "RASCS_OpenPort"),
                   make_connection("c3", "b\xC3\xBCro vpn", ConnectionState::dialing, "RASCS_Authenticate")},
                  make_connection("c3", "B\xC3\xBCro VPN"));
  auto r = dial_wait_on_a_terminal(svc, "B\xC3\xBCro VPN");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "\rB\xC3\x9CRO VPN: RASCS_OpenPort..."
            "\rb\xC3\xBCro vpn: RASCS_Authenticate..."
            "\rConnected \"B\xC3\xBCro VPN\" (id c3).  \n");
}

// A name RAS would refuse is refused before connecting: exit 2, nothing sent.
TEST(Commands, DialOfANameRasWouldRefuseSendsNothing) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"dial", "Office|VPN"}, {"dial", ".hidden", "--wait"}, {"rasdial", "VPN:2"}, {"--json", "dial", "***"}}) {
    CannedService svc;
    auto r = run_cli(args, svc);
    EXPECT_EQ(r.exit_code, 2) << args[1];
    EXPECT_TRUE(svc.requests.empty());
    EXPECT_TRUE(svc.connected_to.empty()) << "not even connected";
  }
}

TEST(Commands, DialWaitNotOnATerminalHasNoLiveLine) {
  CannedService svc;
  auto r = run_cli({"dial", "Office VPN", "--wait"}, svc);
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(svc.requests.size(), 1u);
  EXPECT_EQ(svc.requests[0]["method"], "dial");
  EXPECT_EQ(r.out, "Connected \"Office VPN\" (id c3).\n");
}

TEST(Commands, DialJsonPrintsTheConnection) {
  CannedService svc;
  RunOptions opts;
  opts.terminal = true;
  auto r = run_cli({"--json", "dial", "Office VPN", "--wait"}, svc, &opts);
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(svc.requests.size(), 1u) << "no subscribe in --json mode";
  const json doc = json::parse(r.out);
  EXPECT_EQ(doc, json(make_connection("c3", "Office VPN")));
  EXPECT_EQ(r.out.back(), '\n');
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1);
}

TEST(Commands, DialRasFailure) {
  FakeService svc;
  svc.handler = [](const json& req, FakeService& s) {
    if (req["method"] == "subscribe") return s.respond(req, {{"subscribed", true}});
    s.notify_changed(make_connection("c3", "Office VPN", ConnectionState::dialing, "RASCS_Authenticate"));
    s.respond_error(req, RpcError::ras(691, "Access was denied.", "dial of \"Office VPN\" failed"));
  };
  RunOptions opts;
  opts.terminal = true;
  auto r = run_cli({"dial", "Office VPN", "--wait"}, svc, &opts);
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(r.out, "\rOffice VPN: RASCS_Authenticate...\n");
  EXPECT_EQ(r.err, "rasbroker: RAS error 691: Access was denied.\n");

  FakeService svc2;
  svc2.handler = svc.handler;
  auto j = run_cli({"--json", "dial", "Office VPN", "--wait"}, svc2);
  EXPECT_EQ(j.exit_code, 5);
  EXPECT_EQ(j.err, "");
  const json doc = json::parse(j.out);
  EXPECT_EQ(doc["error"]["code"], 2);
  EXPECT_EQ(doc["error"]["name"], "ras_failure");
  EXPECT_EQ(doc["error"]["data"]["ras_error"], 691);
  EXPECT_EQ(doc["error"]["data"]["ras_message"], "Access was denied.");
}

TEST(Commands, ErrorCodesMapToExitCodes) {
  const std::vector<std::pair<ErrorCode, int>> cases{
      {ErrorCode::not_found, 6},      {ErrorCode::ras_failure, 5},     {ErrorCode::timeout, 4},
      {ErrorCode::unauthorized, 7},   {ErrorCode::shutting_down, 8},   {ErrorCode::busy, 8},
      {ErrorCode::invalid_params, 9}, {ErrorCode::method_not_found, 9}, {ErrorCode::internal_error, 9}};
  for (const auto& [code, exit] : cases) {
    FakeService svc;
    svc.handler = [code = code](const json& req, FakeService& s) { s.respond_error(req, RpcError(code, "it failed")); };
    auto r = run_cli({"get", "--id", "c9"}, svc);
    EXPECT_EQ(r.exit_code, exit) << static_cast<int>(code);
    EXPECT_EQ(r.err.rfind("rasbroker: ", 0), 0u) << r.err;
    auto j = run_cli({"get", "--id", "c9", "--json"}, svc);
    EXPECT_EQ(j.exit_code, exit);
    EXPECT_EQ(json::parse(j.out)["error"]["code"], static_cast<int>(code));
    EXPECT_EQ(json::parse(j.out)["error"]["name"], protocol::error_code_name(code));
  }
}

TEST(Commands, ServiceUnreachable) {
  FakeService svc;
  svc.refuse_connect = true;
  auto r = run_cli({"list"}, svc);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("test-endpoint"), std::string::npos) << r.err;
#ifdef _WIN32
  EXPECT_NE(r.err.find("sc start RasBroker"), std::string::npos) << r.err;
#else
  EXPECT_NE(r.err.find("rasbrokerd --simulate SCENARIO.json"), std::string::npos) << r.err;
#endif
  auto j = run_cli({"list", "--json"}, svc);
  EXPECT_EQ(j.exit_code, 3);
  const json doc = json::parse(j.out);
  EXPECT_TRUE(doc["error"]["code"].is_null());
  EXPECT_EQ(doc["error"]["name"], "service_unreachable");
  EXPECT_EQ(doc["error"]["data"]["endpoint"], "test-endpoint");
}

// A pipe that refuses the user exists: the message says how to get in (elevation,
// allowed_groups), and no "is the service running?" hint muddles it.
TEST(Commands, AccessDeniedSaysWhatToDoWithoutTheStartHint) {
  FakeService svc;
  svc.deny_access = true;
  auto r = run_cli({"list"}, svc);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("elevated"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("allowed_groups"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(start_service_hint()), std::string::npos) << r.err;
}

TEST(Commands, ServiceClosesBeforeAnswering) {
  FakeService svc;
  svc.handler = [](const json&, FakeService& s) { s.close(); };
  auto r = run_cli({"status"}, svc);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("closed the connection"), std::string::npos) << r.err;
}

TEST(Commands, MalformedResultIsAProtocolError) {
  FakeService svc;
  svc.handler = [](const json& req, FakeService& s) { s.respond(req, {{"connections", 5}}); };
  auto r = run_cli({"list"}, svc);
  EXPECT_EQ(r.exit_code, 9);
  auto j = run_cli({"list", "--json"}, svc);
  EXPECT_EQ(j.exit_code, 9);
  EXPECT_EQ(json::parse(j.out)["error"]["name"], "protocol_error");
}

TEST(Commands, HangupMessages) {
  CannedService svc;
  auto r = run_cli({"hangup", "Office VPN"}, svc);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(svc.params(0), (json{{"entry", "Office VPN"}, {"wait", "issued"}}));
  EXPECT_EQ(r.out, "Hanging up \"Office VPN\" (c1); teardown continues in the service.\n");

  auto w = run_cli({"hangup", "--id", "c1", "--wait", "--timeout", "10"}, svc);
  EXPECT_EQ(svc.params(1), (json{{"id", "c1"}, {"wait", "gone"}, {"timeout_ms", 10000}}));
  EXPECT_EQ(w.out, "\"Office VPN\" (c1) is gone.\n");

  auto all = run_cli({"hangup", "--all"}, svc);
  EXPECT_EQ(svc.params(2), (json{{"all", true}, {"wait", "issued"}}));
  EXPECT_EQ(all.out,
            "Hanging up \"Office VPN\" (c1); teardown continues in the service.\n"
            "Hanging up \"Lab\" (c2); teardown continues in the service.\n");

  auto missing = run_cli({"hangup", "Nope"}, svc);
  EXPECT_EQ(missing.exit_code, 6);
  EXPECT_EQ(missing.err, "rasbroker: no such connection\n");

  svc.connections.clear();
  auto none = run_cli({"hangup", "--all"}, svc);
  EXPECT_EQ(none.out, "No connections to hang up.\n");
  auto json_out = run_cli({"--json", "hangup", "--all"}, svc);
  EXPECT_EQ(json::parse(json_out.out), (json{{"connections", json::array()}}));
}

TEST(Commands, ListGetEntriesStatus) {
  CannedService svc;
  auto list = run_cli({"list"}, svc);
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_EQ(list.out, format_connection_table(svc.connections));
  EXPECT_EQ(svc.params(0), json::object());

  auto list_json = run_cli({"list", "--json"}, svc);
  EXPECT_EQ(json::parse(list_json.out), protocol::to_json(protocol::ConnectionList{svc.connections, {}}));

  auto get = run_cli({"get", "Office VPN"}, svc);
  EXPECT_EQ(svc.params(2), (json{{"entry", "Office VPN"}}));
  EXPECT_EQ(get.out, format_connection_details(svc.connections[0]));

  auto entries = run_cli({"entries", "--phonebook", "a.pbk"}, svc);
  EXPECT_EQ(svc.params(3), (json{{"phonebook", "a.pbk"}}));
  EXPECT_EQ(entries.out, "Office VPN\nLab\n");
  auto entries_json = run_cli({"--json", "entries"}, svc);
  EXPECT_EQ(json::parse(entries_json.out)["entries"][1]["name"], "Lab");

  auto status = run_cli({"status"}, svc);
  EXPECT_NE(status.out.find("rasbroker 0.1.0 (protocol 1)"), std::string::npos);
  EXPECT_NE(status.out.find("test-endpoint"), std::string::npos);
  EXPECT_NE(status.out.find("pid:           77"), std::string::npos) << status.out;
  auto status_json = run_cli({"status", "--json"}, svc);
  EXPECT_EQ(json::parse(status_json.out)["backend"], "sim");

  svc.connections.clear();
  EXPECT_EQ(run_cli({"list"}, svc).out, "No connections.\n");
}

TEST(Commands, WatchPrintsOneLinePerEventUntilTheServiceCloses) {
  FakeService svc;
  svc.handler = [](const json& req, FakeService& s) {
    s.notify_changed(make_connection("c0", "Early", ConnectionState::dialing, "RASCS_OpenPort"));
    s.respond(req, {{"subscribed", true}});
    s.notify_changed(make_connection("c3", "Office VPN", ConnectionState::dialing, "RASCS_Authenticate"));
    s.send_json(protocol::make_notification("something.else", {{"x", 1}}));
    s.notify_changed(make_connection("c3", "Office VPN"));
    s.close();
  };
  auto r = run_cli({"watch"}, svc);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(svc.requests.at(0)["method"], "subscribe");
  EXPECT_EQ(r.out,
            "2026-11-25T13:33:41.123Z  c0  \"Early\"  dialing  RASCS_OpenPort\n"
            "2026-11-25T13:33:41.123Z  c3  \"Office VPN\"  dialing  RASCS_Authenticate\n"
            "2026-11-25T13:33:41.123Z  c3  \"Office VPN\"  connected  RASCS_Connected\n");
  EXPECT_EQ(r.err, "rasbroker: the service closed the connection.\n");

  FakeService svc2;
  svc2.handler = svc.handler;
  auto j = run_cli({"--json", "watch"}, svc2);
  EXPECT_EQ(j.exit_code, 0);
  std::istringstream lines(j.out);
  std::string line;
  std::vector<json> events;
  while (std::getline(lines, line)) events.push_back(json::parse(line));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1]["event"], "connection.changed");
  EXPECT_EQ(events[1]["received_at"], "2026-11-25T13:33:41.123Z");
  EXPECT_EQ(events[1]["connection"],
            json(make_connection("c3", "Office VPN", ConnectionState::dialing, "RASCS_Authenticate")));
}

TEST(Commands, WatchRejectsAMalformedEvent) {
  FakeService svc;
  svc.handler = [](const json& req, FakeService& s) {
    s.respond(req, {{"subscribed", true}});
    s.send_json(protocol::make_notification("connection.changed", {{"connection", {{"id", 5}}}}));
  };
  auto r = run_cli({"watch"}, svc);
  EXPECT_EQ(r.exit_code, 9);
}

TEST(Commands, RasdialList) {
  CannedService svc;
  auto r = run_cli({"rasdial"}, svc);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(svc.requests.at(0)["method"], "list");
  EXPECT_EQ(r.out, "Connected to\nOffice VPN\nLab\nCommand completed successfully.\n");
  svc.connections.clear();
  EXPECT_EQ(run_cli({"rasdial"}, svc).out, "No connections\nCommand completed successfully.\n");
}

TEST(Commands, RasdialDialWithStar) {
  CannedService svc;
  RunOptions opts;
  opts.password = "hunter2!";
  opts.terminal = true;
  auto r = run_cli({"rasdial", "Office VPN", "alice", "*", "/DOMAIN:CORP"}, svc, &opts);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(opts.prompt_seen, "Enter password: ");
  ASSERT_EQ(svc.requests.size(), 1u);
  EXPECT_EQ(svc.params(0), (json{{"entry", "Office VPN"}, {"username", "alice"}, {"password", "hunter2!"},
                                 {"domain", "CORP"}, {"wait", "connected"}}));
  EXPECT_EQ(r.out,
            "Connecting to Office VPN...\n"
            "Successfully connected to Office VPN.\n"
            "Command completed successfully.\n");
  EXPECT_EQ(r.err, "");
}

TEST(Commands, RasdialLiteralPasswordWarns) {
  CannedService svc;
  auto r = run_cli({"rasdial", "Office VPN", "alice", "Tr0ub4dor&3"}, svc);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(svc.params(0)["password"], "Tr0ub4dor&3");
  EXPECT_NE(r.err.find("warning: a password on the command line is visible to other users"), std::string::npos);
  EXPECT_NE(r.err.find("Use * instead"), std::string::npos);
  EXPECT_EQ(r.err.find("Tr0ub4dor&3"), std::string::npos);
  EXPECT_EQ(r.out.find("Tr0ub4dor&3"), std::string::npos);
}

TEST(Commands, RasdialDisconnect) {
  CannedService svc;
  auto r = run_cli({"rasdial", "Office VPN", "/DISCONNECT"}, svc);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(svc.params(0), (json{{"entry", "Office VPN"}, {"wait", "issued"}}));
  EXPECT_EQ(r.out, "Command completed successfully.\n");
  auto all = run_cli({"rasdial", "/d"}, svc);
  EXPECT_EQ(svc.params(1), (json{{"all", true}, {"wait", "issued"}}));
  EXPECT_EQ(all.out, "Command completed successfully.\n");
  auto j = run_cli({"rasdial", "/d", "--json"}, svc);
  EXPECT_EQ(json::parse(j.out)["connections"].size(), 2u);
}

TEST(Commands, RasdialFailureExitCode) {
  FakeService svc;
  svc.handler = [](const json& req, FakeService& s) {
    s.respond_error(req, RpcError::ras(691, "Access was denied.", "dial failed"));
  };
  auto r = run_cli({"rasdial", "VPN", "u", "*"}, svc);
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(r.out, "Connecting to VPN...\n");
  EXPECT_EQ(r.err, "rasbroker: RAS error 691: Access was denied.\n");
}

// The password must not show up in any output or error, whatever happens.
TEST(Commands, PasswordNeverAppearsInOutput) {
  const std::string secret = "Zq7#pass-W0rd";
  const std::vector<std::function<void(const json&, FakeService&)>> behaviours{
      [](const json& req, FakeService& s) { s.respond(req, json(make_connection("c3", "VPN"))); },
      [](const json& req, FakeService& s) { s.respond_error(req, RpcError::ras(691, "Access was denied.", "x")); },
      [](const json& req, FakeService& s) {
        s.respond_error(req, RpcError(ErrorCode::invalid_params, "invalid params: \"password\" is too long"));
      },
      [](const json&, FakeService& s) { s.close(); },
      [](const json&, FakeService& s) { s.send("{not json\n"); },
      [](const json& req, FakeService& s) { s.respond(req, {{"id", 1}}); },
  };
  for (const auto& behaviour : behaviours) {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"dial", "VPN", "--user", "u", "--password-stdin", "--wait"},
             {"--json", "dial", "VPN", "--password-stdin"},
             {"rasdial", "VPN", "u", "*"},
             {"rasdial", "VPN", "u", secret},
             {"--json", "rasdial", "VPN", "u", secret}}) {
      FakeService svc;
      svc.handler = behaviour;
      RunOptions opts;
      opts.password = secret;
      opts.terminal = true;
      auto r = run_cli(args, svc, &opts);
      EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
      EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
      const bool dialed = std::any_of(svc.requests.begin(), svc.requests.end(),
                                      [](const json& q) { return q["method"] == "dial"; });
      if (dialed) {
        EXPECT_NE(svc.received.find(secret), std::string::npos) << "the service did get it";
      }
    }
  }
  FakeService unreachable;
  unreachable.refuse_connect = true;
  RunOptions opts;
  opts.password = secret;
  auto r = run_cli({"rasdial", "VPN", "u", secret}, unreachable, &opts);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out.find(secret), std::string::npos);
  EXPECT_EQ(r.err.find(secret), std::string::npos);
}

}  // namespace
}  // namespace rasbroker::client
