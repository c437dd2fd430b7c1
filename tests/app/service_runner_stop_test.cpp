// A stop does not drop answers already decided (app::ServiceRunner's stop sequence,
// Admission::finish_sessions, ipc::Session::finish): over the real Unix socket, a
// hang-up waiting for `gone` when the stop begins gets its answer, and a dial waiting to
// connect gets `shutting_down`, before the service closes the connection.
#include <gtest/gtest.h>

#include "core_fixture.hpp"

using namespace rasbroker;
using namespace rasbroker::app;
using namespace rasbroker::app::test;
using nlohmann::json;

namespace {

using StopAnswersTest = CoreTest;

TEST_F(StopAnswersTest, AHangupWaitingForGoneWhenTheStopBeginsGetsItsAnswer) {
  RecordingReporter reporter([this] { return accepting(); });
  ServiceThread service(options(write_config()), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  expect_hangup_answered_across_stop(service, socket_);
  EXPECT_FALSE(log_.contains("closing with")) << log_.text();
  EXPECT_TRUE(sim_.leak_report().clean()) << sim_.leak_report().describe();
}

TEST_F(StopAnswersTest, ADialWaitingToConnectIsAnsweredShuttingDown) {
  RecordingReporter reporter([this] { return accepting(); });
  ServiceThread service(options(write_config()), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  expect_dial_answered_shutting_down_across_stop(service, socket_);
  EXPECT_TRUE(sim_.leak_report().clean()) << sim_.leak_report().describe();
}

}  // namespace
