// Saved credentials (where they were saved, which account sees them, the password handle)
// and EAP identities (non-interactive, interactive, not EAP) in the simulator engine.
#include <string>
#include <vector>

#include "sim_test_util.hpp"

namespace rasbroker::sim::test {
namespace {

constexpr const char* kCredentials = R"({"entries": [
  {"name": "All Users VPN", "connect_ms": 0, "teardown_ms": 0, "username": "alice", "password": "secret",
   "saved_credentials": {"for": "all_users", "username": "alice", "password": "secret"}},
  {"name": "Alice VPN", "connect_ms": 0, "teardown_ms": 0, "username": "alice", "password": "secret",
   "saved_credentials": {"for": "alice", "username": "alice", "password": "secret"}},
  {"name": "System VPN", "connect_ms": 0, "teardown_ms": 0, "username": "svc", "password": "pw",
   "saved_credentials": [{"for": "SYSTEM", "username": "svc", "password": "pw"}]},
  {"name": "Nothing Saved", "connect_ms": 0, "teardown_ms": 0, "username": "alice", "password": "secret"},
  {"name": "Name Only", "connect_ms": 0, "teardown_ms": 0, "username": "bob", "password": "pw",
   "saved_credentials": {"for": "all_users", "username": "bob"}},
  {"name": "Both", "connect_ms": 0, "teardown_ms": 0, "username": "alice", "password": "right",
   "saved_credentials": [{"for": "SYSTEM", "username": "bob", "password": "stale"},
                         {"for": "all_users", "username": "alice", "password": "right"}]},
  {"name": "Stale", "connect_ms": 0, "teardown_ms": 0, "username": "alice", "password": "new",
   "saved_credentials": {"for": "all_users", "username": "alice", "password": "old"}},
  {"name": "Certificate VPN", "connect_ms": 0, "teardown_ms": 0, "eap": "non_interactive"},
  {"name": "Smart Card VPN", "connect_ms": 0, "teardown_ms": 0, "eap": "interactive",
   "saved_credentials": {"for": "all_users", "username": "alice", "password": "secret"}},
  {"name": "Open VPN", "connect_ms": 0, "teardown_ms": 0}]})";

class CredentialsTest : public VirtualTime {
 protected:
  static Simulator make(std::string account = "SYSTEM") {
    return Simulator(scenario(kCredentials), SimulatorOptions{.account = std::move(account)});
  }
  // Dials through the seam, runs the walk to its end and hangs up and reaps what RAS gave:
  // the last progress (or the immediate error when there was no handle).
  static Progress dial_to_end(Simulator& sim, const ras::DialRequest& request) {
    Recorder rec;
    const auto r = sim.dial(request, rec.fn());
    return finish(sim, r, rec);
  }
  static Progress ras_dial_to_end(Simulator& sim, const RasDialCall& call) {
    Recorder rec;
    const auto r = sim.ras_dial(call, rec.fn());
    return finish(sim, r, rec);
  }
  static Progress finish(Simulator& sim, const ras::DialResult& r, const Recorder& rec) {
    if (r.handle == ras::kNullHandle) return {r.handle, ConnState::OpenPort, r.error};
    settle(sim);
    EXPECT_EQ(sim.hang_up(r.handle), err::kSuccess);
    settle(sim);
    EXPECT_EQ(status(sim, r.handle), err::kInvalidHandle);
    return rec.calls.back();
  }
  static bool connects(Simulator& sim, const ras::DialRequest& request) {
    return dial_to_end(sim, request).state == ConnState::Connected;
  }
  static bool refused_691(const Progress& p) {
    return p.state == ConnState::Authenticate && p.error == err::kAuthenticationFailure;
  }
};

TEST_F(CredentialsTest, EachAccountSeesTheCredentialsSavedForAllUsersAndItsOwn) {
  Simulator system = make();
  Simulator alice = make("Alice");
  SavedCredentialsInfo info;
  ASSERT_EQ(system.saved_credentials("", "All Users VPN", CredentialsScope::all_users, info), err::kSuccess);
  EXPECT_TRUE(info.found);
  EXPECT_EQ(info.username, "alice");
  EXPECT_TRUE(info.has_password);
  ASSERT_EQ(system.saved_credentials("", "All Users VPN", CredentialsScope::own, info), err::kSuccess);
  EXPECT_FALSE(info.found);  // saved for all users, not for SYSTEM itself
  EXPECT_EQ(info.username, "");
  // Credentials alice saved for herself: hers only (account names compare without case).
  for (const auto scope : {CredentialsScope::all_users, CredentialsScope::own}) {
    ASSERT_EQ(system.saved_credentials("", "Alice VPN", scope, info), err::kSuccess);
    EXPECT_FALSE(info.found);
  }
  ASSERT_EQ(alice.saved_credentials("", "alice vpn", CredentialsScope::own, info), err::kSuccess);
  EXPECT_TRUE(info.found);
  ASSERT_EQ(system.saved_credentials("", "System VPN", CredentialsScope::own, info), err::kSuccess);
  EXPECT_TRUE(info.found);
  ASSERT_EQ(alice.saved_credentials("", "System VPN", CredentialsScope::own, info), err::kSuccess);
  EXPECT_FALSE(info.found);
  // A user name saved without its password.
  ASSERT_EQ(system.saved_credentials("", "Name Only", CredentialsScope::all_users, info), err::kSuccess);
  EXPECT_TRUE(info.found);
  EXPECT_EQ(info.username, "bob");
  EXPECT_FALSE(info.has_password);
  // Entries RAS cannot find, by name or phonebook.
  EXPECT_EQ(system.saved_credentials("", "Nowhere", CredentialsScope::all_users, info),
            err::kCannotFindPhonebookEntry);
  EXPECT_EQ(system.saved_credentials("C:\\other.pbk", "All Users VPN", CredentialsScope::all_users, info),
            err::kCannotFindPhonebookEntry);
}

TEST_F(CredentialsTest, ADialWithoutAPasswordUsesTheSavedCredentialsTheAccountSees) {
  Simulator sim = make();
  EXPECT_TRUE(connects(sim, request("All Users VPN")));
  EXPECT_TRUE(connects(sim, request("System VPN")));
  // Saved by the service's own account and for all users: the all-users ones come first.
  EXPECT_TRUE(connects(sim, request("Both")));
  // What SYSTEM cannot see, or nothing saved: the dial goes ahead without a password and
  // the server refuses it.
  EXPECT_TRUE(refused_691(dial_to_end(sim, request("Alice VPN"))));
  EXPECT_TRUE(refused_691(dial_to_end(sim, request("Nothing Saved"))));
  EXPECT_TRUE(refused_691(dial_to_end(sim, request("Name Only"))));  // a user name, no password
  EXPECT_TRUE(refused_691(dial_to_end(sim, request("Stale"))));      // saved, but no longer right
  // A user name without a password: the saved password if it is that user's (any case).
  EXPECT_TRUE(connects(sim, request("All Users VPN", "ALICE")));
  EXPECT_TRUE(refused_691(dial_to_end(sim, request("All Users VPN", "mallory"))));
  // Alice's own saved credentials work for a caller running as alice.
  Simulator alice = make("alice");
  EXPECT_TRUE(connects(alice, request("Alice VPN")));
  EXPECT_TRUE(refused_691(dial_to_end(alice, request("System VPN"))));
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
  EXPECT_TRUE(alice.leak_report().clean()) << alice.leak_report().describe();
}

TEST_F(CredentialsTest, AConnectionDialledWithTheAllUsersCredentialsIsFlaggedGlobalCreds) {
  Simulator sim = make();
  const auto flags_of = [&](const ras::DialRequest& request) {
    const auto r = sim.dial(request, {});
    settle(sim);
    std::vector<ras::ActiveConnection> conns;
    EXPECT_EQ(sim.enum_connections(conns), err::kSuccess);
    std::uint32_t flags = 0xFFFFFFFF;
    for (const auto& c : conns)
      if (c.handle == r.handle) flags = c.flags;
    EXPECT_EQ(sim.hang_up(r.handle), err::kSuccess);
    settle(sim);
    EXPECT_EQ(status(sim, r.handle), err::kInvalidHandle);
    return flags;
  };
  namespace flag = ras::conn_flags;
  EXPECT_TRUE(flags_of(request("All Users VPN")) & flag::kGlobalCreds);         // the saved all-users password
  EXPECT_TRUE(flags_of(request("Both")) & flag::kGlobalCreds);                  // all-users ones first
  EXPECT_FALSE(flags_of(request("System VPN")) & flag::kGlobalCreds);           // SYSTEM's own
  EXPECT_FALSE(flags_of(request("All Users VPN", "alice", "secret")) & flag::kGlobalCreds);  // sent by the client
  EXPECT_FALSE(flags_of(request("Open VPN")) & flag::kGlobalCreds);             // nothing saved
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(CredentialsTest, RasDialTakesThePasswordHandleForTheSavedPasswordAndAnEmptyOneLiterally) {
  Simulator sim = make();
  const auto call = [](const char* entry, const char* user, std::string_view password) {
    return RasDialCall{.params = dial_request(entry, user, std::string(password)), .eap_info = std::nullopt};
  };
  EXPECT_EQ(ras_dial_to_end(sim, call("All Users VPN", "alice", kSavedPasswordHandle)).state, ConnState::Connected);
  EXPECT_EQ(ras_dial_to_end(sim, call("All Users VPN", "alice", "secret")).state, ConnState::Connected);
  // An empty password is no password: RAS documents the handle, not "empty means saved".
  EXPECT_TRUE(refused_691(ras_dial_to_end(sim, call("All Users VPN", "alice", ""))));
  EXPECT_TRUE(refused_691(ras_dial_to_end(sim, call("All Users VPN", "", ""))));
  // The handle stands for a password saved with that user name, and one the account sees.
  EXPECT_TRUE(refused_691(ras_dial_to_end(sim, call("Both", "alice", "****************x"))));
  EXPECT_EQ(ras_dial_to_end(sim, call("Both", "alice", kSavedPasswordHandle)).state, ConnState::Connected);
  EXPECT_TRUE(refused_691(ras_dial_to_end(sim, call("Both", "bob", kSavedPasswordHandle))));
  EXPECT_TRUE(refused_691(ras_dial_to_end(sim, call("Alice VPN", "alice", kSavedPasswordHandle))));
  EXPECT_TRUE(refused_691(ras_dial_to_end(sim, call("Nothing Saved", "alice", kSavedPasswordHandle))));
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(CredentialsTest, EapIdentityByMode) {
  Simulator sim = make();
  EapIdentity id;
  EXPECT_EQ(sim.eap_user_identity("", "Open VPN", true, id), err::kInvalidFunctionForEntry);
  EXPECT_EQ(sim.eap_user_identity("", "All Users VPN", false, id), err::kInvalidFunctionForEntry);
  EXPECT_EQ(sim.eap_user_identity("", "Nowhere", true, id), err::kCannotFindPhonebookEntry);
  EXPECT_EQ(sim.eap_user_identity("", "Smart Card VPN", true, id), err::kInteractiveMode);
  EXPECT_TRUE(id.eap_info.empty());
  ASSERT_EQ(sim.eap_user_identity("", "certificate vpn", true, id), err::kSuccess);
  EXPECT_EQ(id.username, "SYSTEM");  // "identity information for the current user"
  EXPECT_FALSE(id.eap_info.empty());
  // Without RASEAPF_NonInteractive the method may ask: the simulator answers as if the user did.
  EapIdentity asked;
  ASSERT_EQ(sim.eap_user_identity("", "Smart Card VPN", false, asked), err::kSuccess);
  EXPECT_FALSE(asked.eap_info.empty());
  EXPECT_NE(sim.error_string(703).find("does not allow user interaction"), std::string::npos);
  EXPECT_NE(sim.error_string(780).find("not valid for this connection"), std::string::npos);
}

TEST_F(CredentialsTest, RasDialOfAnEapEntryNeedsItsIdentity) {
  Simulator sim = make();
  EapIdentity id;
  ASSERT_EQ(sim.eap_user_identity("", "Certificate VPN", true, id), err::kSuccess);
  RasDialCall with{.params = dial_request("Certificate VPN", id.username), .eap_info = id.eap_info};
  EXPECT_EQ(ras_dial_to_end(sim, with).state, ConnState::Connected);
  // No RasEapInfo: the method would need the user, RasDial may not ask (VPNCredentialsHelper #3).
  RasDialCall without{.params = dial_request("Certificate VPN", id.username), .eap_info = std::nullopt};
  const Progress refused = ras_dial_to_end(sim, without);
  EXPECT_EQ(refused.state, ConnState::Authenticate);
  EXPECT_EQ(refused.error, err::kInteractiveMode);
  // Saved RAS credentials do not stand in for an EAP identity.
  RasDialCall saved{.params = dial_request("Smart Card VPN", "alice", std::string(kSavedPasswordHandle)),
                    .eap_info = std::nullopt};
  EXPECT_EQ(ras_dial_to_end(sim, saved).error, err::kInteractiveMode);
  // Another entry's identity, or another user name: refused.
  EapIdentity interactive;
  ASSERT_EQ(sim.eap_user_identity("", "Smart Card VPN", false, interactive), err::kSuccess);
  RasDialCall foreign{.params = dial_request("Certificate VPN", id.username), .eap_info = interactive.eap_info};
  EXPECT_TRUE(refused_691(ras_dial_to_end(sim, foreign)));
  RasDialCall renamed{.params = dial_request("Certificate VPN", "mallory"), .eap_info = id.eap_info};
  EXPECT_TRUE(refused_691(ras_dial_to_end(sim, renamed)));
  // The identity the user gave interactively dials.
  RasDialCall asked{.params = dial_request("Smart Card VPN", interactive.username), .eap_info = interactive.eap_info};
  EXPECT_EQ(ras_dial_to_end(sim, asked).state, ConnState::Connected);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(CredentialsTest, TheSeamDialsEapEntriesAsACorrectBackendWould) {
  Simulator sim = make();
  // Non-interactive: the identity is fetched and passed; whatever the client sent is not used.
  EXPECT_TRUE(connects(sim, request("Certificate VPN")));
  EXPECT_TRUE(connects(sim, request("Certificate VPN", "mallory", "wrong")));
  // Interactive: 703 and no handle; RasDial is never called, so nothing to hang up.
  Recorder rec;
  const auto r = sim.dial(request("Smart Card VPN"), rec.fn());
  EXPECT_EQ(r.error, err::kInteractiveMode);
  EXPECT_EQ(r.handle, ras::kNullHandle);
  settle(sim);
  EXPECT_TRUE(rec.calls.empty());
  EXPECT_EQ(sim.stats().dial_calls, 2u);  // the two certificate dials
  // Not EAP (780): dialled as before.
  EXPECT_TRUE(connects(sim, request("Open VPN")));
  EXPECT_EQ(sim.dial(request("Nowhere"), {}).error, err::kCannotFindPhonebookEntry);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(CredentialsTest, ScenarioKeys) {
  const auto s = scenario(R"({"default_creds_flag": "output", "entries": [
    {"name": "A", "saved_credentials": [{"for": "all_users", "username": "u", "password": "p", "comment": "c"},
                                        {"for": "alice", "username": ""}]},
    {"name": "B", "eap": "interactive"}, {"name": "C", "eap": "non_interactive"}, {"name": "D"}]})");
  EXPECT_EQ(s.default_creds_flag, DefaultCredsFlag::output);
  ASSERT_EQ(s.entries[0].saved_credentials.size(), 2u);
  EXPECT_EQ(s.entries[0].saved_credentials[0].saved_for, kAllUsers);
  EXPECT_EQ(s.entries[0].saved_credentials[0].password, "p");
  EXPECT_FALSE(s.entries[0].saved_credentials[1].password);
  EXPECT_EQ(s.entries[1].eap, EapMode::interactive);
  EXPECT_EQ(s.entries[2].eap, EapMode::non_interactive);
  EXPECT_EQ(s.entries[3].eap, EapMode::none);
  EXPECT_TRUE(s.entries[3].saved_credentials.empty());
  EXPECT_EQ(scenario(R"({"entries": []})").default_creds_flag, DefaultCredsFlag::input);

  const auto problem = [](const char* json) {
    try {
      (void)parse_scenario_text(json, "");
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(problem(R"({"entries": [{"name": "A", "saved_credentials": "alice"}]})"),
            "entries[0].saved_credentials: must be an object or an array of objects");
  EXPECT_EQ(problem(R"({"entries": [{"name": "A", "saved_credentials": {"username": "u"}}]})"),
            "entries[0].saved_credentials.for: is required (\"all_users\" or an account name)");
  EXPECT_EQ(problem(R"({"entries": [{"name": "A", "saved_credentials": [{"for": "x"}]}]})"),
            "entries[0].saved_credentials[0].username: is required");
  EXPECT_EQ(problem(R"({"entries": [{"name": "A", "saved_credentials": {"for": "x", "username": "u", "pw": "s"}}]})"),
            "entries[0].saved_credentials: unknown key \"pw\"");
  EXPECT_EQ(problem(R"({"entries": [{"name": "A", "saved_credentials": [{"for": "Bob", "username": "u"},
                                                                        {"for": "bob", "username": "v"}]}]})"),
            "entries[0].saved_credentials[1].for: credentials for \"bob\" saved twice");
  EXPECT_EQ(problem(R"({"entries": [{"name": "A", "saved_credentials": {"for": "x", "username": "u", "password": 7}}]})"),
            "entries[0].saved_credentials.password: must be a string");
  EXPECT_EQ(problem(R"({"entries": [{"name": "A", "eap": "tls"}]})"),
            "entries[0].eap: unknown EAP mode \"tls\" (one of non_interactive, interactive)");
  EXPECT_EQ(problem(R"({"entries": [{"name": "A", "eap": "interactive", "username": "u", "password": "p"}]})"),
            "entries[0]: \"eap\" entries authenticate with their EAP identity, not \"username\" and \"password\"");
  EXPECT_EQ(problem(R"({"entries": [], "default_creds_flag": "both"})"),
            "default_creds_flag: unknown reading \"both\" (one of input, output)");
  // Saved passwords never appear in messages.
  EXPECT_EQ(problem(R"({"entries": [{"name": "A", "saved_credentials": {"for": "", "password": "hunter2"}}]})"),
            "entries[0].saved_credentials.for: must be a non-empty string");
}

}  // namespace
}  // namespace rasbroker::sim::test
