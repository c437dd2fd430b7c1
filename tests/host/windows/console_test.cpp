// --console's stop paths (service/host/windows/console.hpp), without a console window:
// the control handler is called directly, as Windows would on its own thread.
#include <gtest/gtest.h>

#include <windows.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <spdlog/sinks/null_sink.h>

#include "host/windows/console.hpp"

namespace rasbroker::winhost {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<spdlog::logger> quiet_log() {
  return std::make_shared<spdlog::logger>("console-test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

TEST(ConsoleStop, CtrlCAndCtrlBreakRequestTheStopAndReturnAtOnce) {
  std::string why;
  ConsoleStopSources sources([&](const std::string& w) { why = w; }, quiet_log());
  EXPECT_TRUE(handle_console_event(CTRL_C_EVENT));
  EXPECT_EQ(why, "Ctrl-C");
  EXPECT_TRUE(handle_console_event(CTRL_BREAK_EVENT));
  EXPECT_EQ(why, "Ctrl-Break");
  EXPECT_FALSE(handle_console_event(CTRL_LOGOFF_EVENT)) << "logoff is left to the next handler";
}

// Windows ends the process when the CTRL_CLOSE_EVENT handler returns: it must hold the
// process until the graceful stop is over (the run's ConsoleStopSources is gone).
TEST(ConsoleStop, ClosingTheWindowWaitsForTheStopToComplete) {
  std::atomic<bool> stop_requested = false;
  std::atomic<bool> handler_returned = false;
  auto sources = std::make_unique<ConsoleStopSources>([&](const std::string&) { stop_requested = true; }, quiet_log());
  std::thread windows_thread([&] {
    handle_console_event(CTRL_CLOSE_EVENT, 60'000);
    handler_returned = true;
  });
  for (int i = 0; i < 500 && !stop_requested; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(stop_requested);
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(handler_returned) << "returned while the stop was still running";
  sources.reset();  // the run is over
  windows_thread.join();
  EXPECT_TRUE(handler_returned);
}

TEST(ConsoleStop, TheRunningLineSaysHowToStopThisInstance) {
  EXPECT_EQ(console_how_to_stop(),
            "Ctrl-C or `rasbrokerd --stop-console " + std::to_string(GetCurrentProcessId()) + "`");
}

TEST(ConsoleStop, ClosingTheWindowWaitsNoLongerThanAllowed) {
  ConsoleStopSources sources([](const std::string&) {}, quiet_log());
  EXPECT_TRUE(handle_console_event(CTRL_CLOSE_EVENT, 50));  // returns although the stop never completes
}

}  // namespace
}  // namespace rasbroker::winhost
