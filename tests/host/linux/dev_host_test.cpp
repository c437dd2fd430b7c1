// The Linux dev host's part of the service (host/linux/dev_host.hpp) in the real core:
// the scenario read with the configuration, the Unix socket, and the simulator's ledger
// deciding the exit code.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "app/service_runner.hpp"
#include "app_test_support.hpp"
#include "host/linux/dev_host.hpp"
#include "host/linux/peer_identity.hpp"

using namespace rasbroker;
using namespace rasbroker::app;
using namespace rasbroker::app::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

class DevHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    opt_.socket_path = (dir_.path() / "rasbroker.sock").string();
    opt_.scenario_path = dir_.write("scenario.json", R"({"entries": [
      {"name": "Office VPN", "connect_ms": 50, "teardown_ms": 100}]})");
  }

  // Dials "Office VPN" through the socket, then stops the service.
  int dial_then_stop() {
    RecordingReporter reporter;
    ServiceThread service(host::dev_host_runner_options(opt_, log_.logger()), reporter, log_.logger());
    EXPECT_TRUE(reporter.wait_for(ServiceState::running));
    LineClient client(opt_.socket_path);
    const auto dial = client.call("dial", {{"entry", "Office VPN"}, {"wait", "connected"}});
    EXPECT_EQ(dial["result"]["state"], "connected") << dial.dump();
    return service.stop("SIGTERM");
  }

  TempFolder dir_{"devhost"};
  host::DevHostOptions opt_;
  CapturedLog log_;
};

}  // namespace

TEST_F(DevHostTest, ACleanStopExits0AndSaysNothingLeaked) {
  EXPECT_EQ(dial_then_stop(), 0);
  EXPECT_TRUE(log_.contains("stopping (SIGTERM)")) << log_.text();
  EXPECT_TRUE(log_.contains("simulator: no handle leaked")) << log_.text();
}

// on_stop "leave" keeps the connection up for the next instance: within this one run the
// handle was never hung up, which the simulator's ledger reports.
TEST_F(DevHostTest, AHandleLeftUpIsReportedAndExits4) {
  opt_.config_path = dir_.write("config.json", R"({"on_stop": "leave"})");
  EXPECT_EQ(dial_then_stop(), kExitRasBackend);
  EXPECT_TRUE(log_.contains("simulator: handles leaked:")) << log_.text();
  EXPECT_TRUE(log_.contains("(Office VPN)")) << log_.text();
}

TEST_F(DevHostTest, ABadScenarioIsABadConfigBeforeAnySocket) {
  opt_.scenario_path = dir_.write("scenario.json", R"({"entries": [{"name": ""}]})");
  RecordingReporter reporter;
  ServiceRunner runner(host::dev_host_runner_options(opt_, log_.logger()), reporter, log_.logger());
  EXPECT_EQ(runner.run(), kExitBadConfig);
  EXPECT_FALSE(fs::exists(opt_.socket_path));
  EXPECT_TRUE(log_.contains("cannot start: bad configuration: " + opt_.scenario_path)) << log_.text();
}

TEST_F(DevHostTest, ASecondInstanceOnALiveSocketExits3) {
  RecordingReporter first_reporter;
  ServiceThread first(host::dev_host_runner_options(opt_, log_.logger()), first_reporter, log_.logger());
  ASSERT_TRUE(first_reporter.wait_for(ServiceState::running));
  RecordingReporter reporter;
  ServiceRunner second(host::dev_host_runner_options(opt_, log_.logger()), reporter, log_.logger());
  EXPECT_EQ(second.run(), kExitCannotListen);
  EXPECT_TRUE(log_.contains("cannot start: another rasbrokerd is already listening on " + opt_.socket_path))
      << log_.text();
  LineClient client(opt_.socket_path);
  EXPECT_EQ(client.call("ping")["result"]["pong"], true) << "the first instance serves on";
  EXPECT_EQ(first.stop(), 0);
}

TEST_F(DevHostTest, AStaleSocketFileIsReplaced) {
  // What a crashed instance leaves behind: a socket file nobody answers on (closing a
  // socket does not remove its file).
  {
    boost::asio::io_context io;
    boost::asio::local::stream_protocol::acceptor left_behind(io, opt_.socket_path);
  }
  ASSERT_TRUE(fs::is_socket(opt_.socket_path));
  RecordingReporter reporter;
  ServiceRunner runner(host::dev_host_runner_options(opt_, log_.logger()), reporter, log_.logger());
  runner.request_stop("test");
  EXPECT_EQ(runner.run(), 0);
  EXPECT_TRUE(log_.contains("removing stale socket " + opt_.socket_path)) << log_.text();
}

// The dev host wires its stat() check (host/linux/file_trust.hpp): a configured phonebook
// others can write is not dialled from, as its permissions are at the moment of the dial.
TEST_F(DevHostTest, AConfiguredPhonebookOthersCanWriteIsNotDialledFrom) {
  ASSERT_EQ(chmod(dir_.path().c_str(), 0755), 0);
  const std::string pbk = dir_.write("lab.pbk", "[Lab]\n");
  ASSERT_EQ(chmod(pbk.c_str(), 0666), 0);
  opt_.scenario_path = dir_.write(
      "scenario.json",
      json{{"entries", {{{"name", "Lab"}, {"phonebook", pbk}, {"connect_ms", 50}, {"teardown_ms", 100}}}}}.dump());
  opt_.config_path = dir_.write("config.json", json{{"phonebooks", {pbk}}}.dump());
  RecordingReporter reporter;
  ServiceThread service(host::dev_host_runner_options(opt_, log_.logger()), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  EXPECT_TRUE(log_.contains("phonebooks: not dialled from until fixed: " + pbk + " is writable by")) << log_.text();

  LineClient client(opt_.socket_path);
  const json lab = {{"entry", "Lab"}, {"phonebook", pbk}, {"wait", "connected"}};
  const auto refused = client.call("dial", lab);
  EXPECT_EQ(refused["error"]["code"], 4) << refused.dump();
  EXPECT_NE(refused["error"]["message"].get<std::string>().find(pbk + " is writable by"), std::string::npos)
      << refused.dump();

  ASSERT_EQ(chmod(pbk.c_str(), 0644), 0);  // fixed: no restart needed
  const auto dial = client.call("dial", lab);
  EXPECT_EQ(dial["result"]["state"], "connected") << dial.dump();
  EXPECT_EQ(service.stop("SIGTERM"), 0);
}

// --socket-group: the socket is the group's too, 0660, from before it accepts anyone.
TEST_F(DevHostTest, WithASocketGroupTheSocketIs0660AndTheGroups) {
  const auto group = host::group_id("nogroup");
  if (!group) GTEST_SKIP() << "no group \"nogroup\" on this system";
  if (::geteuid() != 0) GTEST_SKIP() << "giving the socket another group needs root (or membership of nogroup)";
  opt_.socket_group = "nogroup";
  RecordingReporter reporter;
  ServiceThread service(host::dev_host_runner_options(opt_, log_.logger()), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  struct stat st {};
  ASSERT_EQ(::stat(opt_.socket_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0660u);
  EXPECT_EQ(st.st_gid, *group);
  LineClient client(opt_.socket_path);
  EXPECT_EQ(client.call("ping")["result"]["pong"], true);
  EXPECT_EQ(service.stop(), 0);
}

// The same from the configuration; a group that does not exist is a bad configuration,
// found before any socket exists.
TEST_F(DevHostTest, AnUnknownSocketGroupIsABadConfigBeforeAnySocket) {
  opt_.config_path = dir_.write("config.json", R"({"socket_group": "no-such-group-7e1f"})");
  RecordingReporter reporter;
  ServiceRunner runner(host::dev_host_runner_options(opt_, log_.logger()), reporter, log_.logger());
  EXPECT_EQ(runner.run(), kExitBadConfig);
  EXPECT_FALSE(fs::exists(opt_.socket_path));
  EXPECT_TRUE(log_.contains("socket_group: there is no group \"no-such-group-7e1f\" on this system")) << log_.text();

  opt_.config_path.clear();
  opt_.socket_group = "no-such-group-7e1f";
  ServiceRunner second(host::dev_host_runner_options(opt_, log_.logger()), reporter, log_.logger());
  EXPECT_EQ(second.run(), kExitBadConfig);
  EXPECT_TRUE(log_.contains("--socket-group: there is no group \"no-such-group-7e1f\"")) << log_.text();
}
