// Dials that depend on credentials the client did not send: the saved credentials the
// service (LocalSystem) can see, and EAP entries, with the errors that say what to do.
#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::ErrorCode;

const nlohmann::json kCredentialEntries = {{"entries", nlohmann::json::parse(R"([
  {"name": "Shared VPN", "connect_ms": 800, "teardown_ms": 100, "username": "alice", "password": "right",
   "saved_credentials": {"for": "all_users", "username": "alice", "password": "right"}},
  {"name": "Alice VPN", "connect_ms": 800, "teardown_ms": 100, "username": "alice", "password": "right",
   "saved_credentials": {"for": "alice", "username": "alice", "password": "right"}},
  {"name": "Certificate VPN", "connect_ms": 800, "teardown_ms": 100, "eap": "non_interactive"},
  {"name": "Smart Card VPN", "connect_ms": 800, "teardown_ms": 100, "eap": "interactive",
   "saved_credentials": {"for": "all_users", "username": "alice", "password": "right"}}])")}};

class CredentialsTest : public BrokerHarness {
 protected:
  std::shared_ptr<Pending<Connection>> dial_as(const std::string& entry, DialWait wait, const std::string& user = "",
                                               const std::string& password = "") {
    auto p = dial_params(entry, wait);
    if (!user.empty()) p.username = user;
    p.password = protocol::Secret(password);
    return spawn(broker_->dial(std::move(p), admin()));
  }
  static bool says(const protocol::RpcError& e, const char* text) {
    return std::string(e.what()).find(text) != std::string::npos;
  }
};

// Credentials saved for all users (the service sees them), and an EAP entry whose method
// finds its identity without asking: no password needed.
TEST_F(CredentialsTest, SavedForAllUsersAndNonInteractiveEapDialWithoutAPassword) {
  make(kCredentialEntries);
  for (const char* entry : {"Shared VPN", "Certificate VPN"}) {
    auto d = dial_as(entry, DialWait::connected);
    ASSERT_TRUE(run_until([&] { return d->done; }));
    ASSERT_TRUE(d->value) << entry << ": " << d->rpc_error().what();
    EXPECT_EQ(d->value->state, ConnectionState::connected);
  }
  expect_nothing_leaked();
}

TEST_F(CredentialsTest, A691WithTheSavedCredentialsSaysWhereTheServiceLooksAndWhatToDo) {
  make(kCredentialEntries);
  // Saved by alice for herself: the service (SYSTEM) cannot see them.
  for (const char* user : {"", "alice"}) {
    auto d = dial_as("Alice VPN", DialWait::connected, user);
    ASSERT_TRUE(run_until([&] { return d->done; }));
    const auto e = d->rpc_error();
    EXPECT_EQ(e.code(), ErrorCode::ras_failure);
    EXPECT_EQ(e.data()["ras_error"], 691);
    EXPECT_TRUE(says(e, "(RAS error 691)")) << e.what();
    EXPECT_TRUE(says(e, "no password was sent")) << e.what();
    EXPECT_TRUE(says(e, "saved for all users")) << e.what();
    EXPECT_TRUE(says(e, "\"Anyone who uses this computer\"")) << e.what();
    EXPECT_TRUE(says(e, "RASCM_DefaultCreds")) << e.what();
    EXPECT_TRUE(says(e, "--password-stdin")) << e.what();
    ASSERT_TRUE(e.data().contains("advice"));
    EXPECT_TRUE(std::string(e.data()["advice"]).find("as an administrator") != std::string::npos);
    ASSERT_TRUE(run_until([&] { return !find("Alice VPN"); }));  // hung up and reaped
  }
  expect_nothing_leaked();
}

TEST_F(CredentialsTest, A691WithAPasswordSentHasNoSavedCredentialsAdvice) {
  make(kCredentialEntries);
  auto d = dial_as("Alice VPN", DialWait::connected, "alice", "wrong");
  ASSERT_TRUE(run_until([&] { return d->done; }));
  const auto e = d->rpc_error();
  EXPECT_EQ(e.data()["ras_error"], 691);
  EXPECT_FALSE(e.data().contains("advice")) << e.data().dump();
  EXPECT_FALSE(says(e, "saved")) << e.what();
  EXPECT_FALSE(says(e, "wrong")) << e.what();
  expect_nothing_leaked();
}

TEST_F(CredentialsTest, AnEapEntryNeedingInteractiveSignInIsRefusedWithNoConnection) {
  make(kCredentialEntries);
  for (const auto wait : {DialWait::accepted, DialWait::connected}) {
    auto d = dial_as("Smart Card VPN", wait);
    ASSERT_TRUE(d->done);  // refused before RasDial: nothing to wait for
    const auto e = d->rpc_error();
    EXPECT_EQ(e.code(), ErrorCode::ras_failure);
    EXPECT_EQ(e.data()["ras_error"], 703);
    EXPECT_TRUE(says(e, "entry \"Smart Card VPN\" needs interactive sign-in (EAP); the service cannot dial it"))
        << e.what();
    EXPECT_TRUE(says(e, "(RAS error 703)")) << e.what();
    EXPECT_TRUE(e.data().contains("advice"));
    EXPECT_FALSE(find("Smart Card VPN"));  // no handle, no record
  }
  EXPECT_EQ(sim_->stats().dial_calls, 0u);
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
