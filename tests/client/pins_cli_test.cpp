// The client's pinned entries: `pin`, `unpin`, `dial --keep` on the command line and on the
// wire, and how list, status and hangup show pins (docs/client.md, "pin and unpin").
#include <gtest/gtest.h>

#include "command_line.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "test_support.hpp"

namespace rasbroker::client {
namespace {

using nlohmann::json;
using protocol::Pin;
using protocol::PinState;
using test::FakeService;
using test::make_connection;
using test::run_cli;

Pin office_waiting() {
  Pin p;
  p.entry = "Office VPN";
  p.source = protocol::PinSource::config;
  p.state = PinState::waiting;
  p.failures = 2;
  p.last_error = protocol::ConnectionError{800, "The remote server did not respond.", 0};
  p.next_attempt_at = std::chrono::system_clock::now() + std::chrono::seconds(40) - std::chrono::milliseconds(300);
  return p;
}

// Answers pin, unpin, list, status and hangup as a service with pins would.
struct PinService : FakeService {
  PinService() {
    handler = [](const json& req, FakeService& s) {
      const std::string method = req.at("method");
      const json& params = req.contains("params") ? req["params"] : json::object();
      if (method == "pin") {
        Pin p;
        p.entry = params.at("entry");
        p.state = PinState::dialing;
        p.connection = "c9";
        s.respond(req, json(p));
      } else if (method == "unpin") {
        protocol::UnpinResult r{params.at("entry"), std::nullopt};
        if (r.entry == "Office VPN") {
          r.pin = office_waiting();
          r.pin->state = PinState::stopped;
          r.pin->next_attempt_at.reset();
          r.pin->stopped_reason = "unpinned by an administrator";
        }
        s.respond(req, protocol::to_json(r));
      } else if (method == "list") {
        auto up = make_connection("c9", "Lab VPN");
        up.pinned = true;
        s.respond(req, protocol::to_json(protocol::ConnectionList{{up}, {office_waiting()}}));
      } else if (method == "status") {
        protocol::StatusResult st;
        st.version = "0.1.0";
        st.backend = "sim";
        st.pins = {office_waiting()};
        s.respond(req, protocol::to_json(st));
      } else if (method == "hangup") {
        json answer = protocol::to_json(protocol::ConnectionList{{make_connection("c9", "Lab VPN")}, {}});
        answer["unpinned"] = {"Lab VPN"};
        s.respond(req, answer);
      } else if (method == "dial") {
        auto c = make_connection("c9", params.at("entry"));
        c.pinned = params.value("keep", false);
        s.respond(req, json(c));
      }
    };
  }
};

TEST(PinsCli, PinAndUnpinParseAndSendTheirParams) {
  PinService svc;
  auto pinned = run_cli({"pin", "Lab VPN", "--phonebook", "D:\\lab.pbk"}, svc);
  EXPECT_EQ(pinned.exit_code, 0) << pinned.err;
  EXPECT_EQ(svc.requests.at(0)["method"], "pin");
  EXPECT_EQ(svc.requests.at(0)["params"], (json{{"entry", "Lab VPN"}, {"phonebook", "D:\\lab.pbk"}}));
  EXPECT_EQ(pinned.out, "Pinned \"Lab VPN\": dialing.\n");
  auto unpinned = run_cli({"unpin", "Lab VPN"}, svc);
  EXPECT_EQ(unpinned.out, "Unpinned \"Lab VPN\" (any connection of it stays up).\n");
  auto config = run_cli({"unpin", "Office VPN"}, svc);
  EXPECT_EQ(config.out, "\"Office VPN\" is pinned by the service's configuration: stopped after 800: The remote server "
                        "did not respond. (unpinned by an administrator).\n");
  auto as_json = run_cli({"--json", "pin", "Lab VPN"}, svc);
  EXPECT_EQ(json::parse(as_json.out)["state"], "dialing");
}

TEST(PinsCli, DialKeepPinsAndRefusesCredentials) {
  PinService svc;
  auto r = run_cli({"dial", "Lab VPN", "--keep"}, svc);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(svc.requests.at(0)["params"]["keep"], true);
  EXPECT_NE(r.out.find("Pinned \"Lab VPN\": the service keeps it connected.\n"), std::string::npos) << r.out;
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"rasbroker", "dial", "E", "--keep", "--user", "u"},
                                              std::vector<std::string>{"rasbroker", "dial", "E", "--keep", "--password-stdin"},
                                              std::vector<std::string>{"rasbroker", "pin"},
                                              std::vector<std::string>{"rasbroker", "pin", "a|b"},
                                              std::vector<std::string>{"rasbroker", "unpin", "E", "--phonebook", "x"}}) {
    const auto parsed = parse_command_line(bad);
    EXPECT_EQ(parsed.exit_code, exit_code::usage) << testing::PrintToString(bad);
  }
}

TEST(PinsCli, ListStatusAndHangupShowThePins) {
  PinService svc;
  const auto list = run_cli({"list"}, svc);
  EXPECT_NE(list.out.find("Pinned entries (kept connected by the service):"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("Office VPN  config     -   retrying in 40 s after 800: The remote server did not respond."),
            std::string::npos)
      << list.out;
  const auto status = run_cli({"status"}, svc);
  EXPECT_NE(status.out.find("retrying in 40 s after 800"), std::string::npos) << status.out;
  const auto hangup = run_cli({"hangup", "Lab VPN"}, svc);
  EXPECT_EQ(hangup.out.rfind("Unpinned \"Lab VPN\": the service no longer keeps it connected.\n", 0), 0u) << hangup.out;
}

TEST(PinsCli, APinnedConnectionSaysSoInItsDetails) {
  auto c = make_connection("c9", "Lab VPN");
  EXPECT_EQ(format_connection_details(c).find("pinned"), std::string::npos);
  c.pinned = true;
  EXPECT_NE(format_connection_details(c).find("pinned:        yes: the service keeps it connected"), std::string::npos)
      << format_connection_details(c);
  EXPECT_EQ(format_pins({}, std::chrono::system_clock::now()), "");
}

}  // namespace
}  // namespace rasbroker::client
