// The admission policy both listeners share (app::Admission), through the core and the
// Unix socket listener: at most max_clients at once, one `busy` line for the next, a
// place freed when a session ends — also one ended for sending nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include <pwd.h>
#include <unistd.h>

#include "app/admission.hpp"
#include "core_fixture.hpp"
#include "rasbroker/protocol/errors.hpp"

using namespace rasbroker;
using namespace rasbroker::app;
using namespace rasbroker::app::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string kPing = R"({"jsonrpc":"2.0","id":1,"method":"ping"})" "\n";

// A client that is refused while the service is full gets the busy line first (before
// anything it sent is read); an admitted one gets its answer. Retries while refused
// (bounded): a place is freed when the session's coroutine has ended.
std::optional<json> ping_once_admitted(const std::string& endpoint) {
  for (int i = 0; i < 100; ++i) {
    LineClient client(endpoint);
    client.send(kPing);
    const auto line = client.read_line(5s);
    if (!line) return std::nullopt;
    auto answer = json::parse(*line);
    if (!answer.contains("error") || answer["error"]["code"] != static_cast<int>(protocol::ErrorCode::busy))
      return answer;
    std::this_thread::sleep_for(50ms);
  }
  return std::nullopt;
}

// The name the socket listener logs for this process's user (getpwuid_r of our uid).
std::string current_user_name() {
  passwd pw{};
  passwd* found = nullptr;
  char buf[1024];
  if (getpwuid_r(::getuid(), &pw, buf, sizeof buf, &found) == 0 && found) return found->pw_name;
  return std::to_string(::getuid());
}
}  // namespace

class AdmissionTest : public CoreTest {
 protected:
  // With `config`, two clients (of this process's user) are served; a third gets one line,
  // returned, and is disconnected; the two are served on, and when one leaves a place is
  // free again.
  std::string third_clients_refusal(const json& config) {
    RecordingReporter reporter;
    ServiceThread service(options(write_config(config)), reporter, log_.logger());
    EXPECT_TRUE(reporter.wait_for(ServiceState::running));
    LineClient a(socket_), b(socket_);
    EXPECT_EQ(a.call("ping")["result"]["pong"], true);
    EXPECT_EQ(b.call("ping")["result"]["pong"], true);

    LineClient c(socket_);
    const auto line = c.read_line();
    EXPECT_TRUE(line);
    EXPECT_FALSE(c.read_line(5s)) << "the refused client is disconnected";
    EXPECT_EQ(a.call("ping")["result"]["pong"], true) << "the admitted clients are served on";

    b.close();
    const auto answer = ping_once_admitted(socket_);
    EXPECT_TRUE(answer) << "no place was freed when b left";
    if (answer) {
      EXPECT_EQ((*answer)["result"]["pong"], true);
    }
    EXPECT_EQ(service.stop(), 0);
    return line.value_or("");
  }
};

TEST(BusyLine, IsOneJsonRpcErrorLineWithNoId) {
  const std::string line = busy_line(2);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
  const auto j = json::parse(line);
  EXPECT_EQ(j["jsonrpc"], "2.0");
  EXPECT_TRUE(j["id"].is_null());
  EXPECT_EQ(j["error"]["code"], static_cast<int>(protocol::ErrorCode::busy));
  EXPECT_EQ(j["error"]["message"], "too many clients (2); try again later");
}

TEST_F(AdmissionTest, AtMaxClientsTheNextClientGetsBusyAndIsDisconnected) {
  // Every client here is one user: its share must not be what refuses.
  const std::string refusal = third_clients_refusal({{"max_clients", 2}, {"max_clients_per_user", 2}});
  EXPECT_EQ(refusal + "\n", busy_line(2));
  EXPECT_TRUE(log_.contains("refusing client pid " + std::to_string(::getpid()) + ": 2 clients already connected"))
      << log_.text();
}

// The Unix socket knows the user at accept: a user beyond its share is refused then, with
// `busy` saying why, while the service has places left for others.
TEST_F(AdmissionTest, BeyondMaxClientsPerUserTheUsersNextClientGetsBusy) {
  const auto refusal = json::parse(third_clients_refusal({{"max_clients", 8}, {"max_clients_per_user", 2}}));
  EXPECT_EQ(refusal["error"]["code"], static_cast<int>(protocol::ErrorCode::busy)) << refusal.dump();
  EXPECT_TRUE(refusal["id"].is_null());
  EXPECT_EQ(refusal["error"]["message"], "user " + current_user_name() +
                                             " already has 2 connections to the service (max_clients_per_user)");
  EXPECT_TRUE(log_.contains("refusing client pid " + std::to_string(::getpid()) + " user '" + current_user_name() +
                            "': the user already has 2 connections (max_clients_per_user)"))
      << log_.text();
}

TEST_F(AdmissionTest, ASilentClientIsDisconnectedAndItsPlaceFreed) {
  RecordingReporter reporter;
  auto opts = options(write_config({{"max_clients", 1}}));
  opts.session_limits.first_request_timeout = 300ms;
  ServiceThread service(std::move(opts), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  LineClient silent(socket_);
  EXPECT_FALSE(silent.read_line(10s)) << "the service answered a client that said nothing";
  const auto answer = ping_once_admitted(socket_);
  ASSERT_TRUE(answer) << "the silent client still holds the only place";
  EXPECT_EQ((*answer)["result"]["pong"], true);
  EXPECT_EQ(service.stop(), 0);
}

TEST(LogStatusReporter, SaysHowToStopOnceRunning) {
  CapturedLog log;
  LogStatusReporter reporter(log.logger(), "Ctrl-C or `kill 42`");
  reporter.report({ServiceState::start_pending, 1, 5000, 0});
  reporter.report({ServiceState::running, 0, 0, 0});
  reporter.report({ServiceState::stopped, 0, 0, 2});
  EXPECT_TRUE(log.contains("running; stop with Ctrl-C or `kill 42`")) << log.text();
  EXPECT_FALSE(log.contains("START_PENDING")) << "pending steps are debug-level: " << log.text();
}
