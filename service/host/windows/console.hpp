#pragma once
// --console: the same service logic in the foreground. Two ways to stop it, both
// running the same graceful stop as the SCM's STOP:
//   - Ctrl-C / Ctrl-Break (or closing the console window) — SetConsoleCtrlHandler;
//     closing the window leaves the stop about 5 s, Windows' limit for that event;
//   - from any other process of the same user (or an administrator), e.g. a script or a
//     test that has no console to send Ctrl-C to: `rasbrokerd --stop-console PID`,
//     which signals the named event Local\RasBrokerStop-<PID> the instance created.
#include <windows.h>

#include <memory>
#include <string>
#include <thread>

#include <spdlog/logger.h>

#include "host/windows/scm.hpp"
#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {

// Local\RasBrokerStop-<pid>
std::wstring console_stop_event_name(DWORD pid);

// How to stop this instance, for the console's status line (app::LogStatusReporter):
// "Ctrl-C or `rasbrokerd --stop-console <pid>`".
std::string console_how_to_stop();

// Installs both stop paths for its lifetime; `stop` is called from another thread.
class ConsoleStopSources {
 public:
  ConsoleStopSources(StopHandler stop, std::shared_ptr<spdlog::logger> log);
  ~ConsoleStopSources();
  ConsoleStopSources(const ConsoleStopSources&) = delete;
  ConsoleStopSources& operator=(const ConsoleStopSources&) = delete;

 private:
  std::shared_ptr<spdlog::logger> log_;
  UniqueHandle stop_event_;
  UniqueHandle quit_event_;
  std::thread waiter_;
};

// The console control handler (public for tests): Ctrl-C, Ctrl-Break and closing the
// window request the stop; for a close it then waits, at most `close_wait_ms`, until the
// ConsoleStopSources of the run is gone (the stop completed), since Windows ends the
// process once it returns. False for events it leaves to the next handler.
inline constexpr DWORD kConsoleCloseWaitMs = 4500;
bool handle_console_event(DWORD event, DWORD close_wait_ms = kConsoleCloseWaitMs);

// `rasbrokerd --stop-console PID`: signals that instance's stop event. False (with `why`)
// when there is no such console instance or access is denied.
bool signal_console_stop(DWORD pid, std::string& why);

}  // namespace rasbroker::winhost
