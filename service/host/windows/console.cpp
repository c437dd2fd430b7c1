#include "host/windows/console.hpp"

#include <mutex>

namespace rasbroker::winhost {

namespace {

std::mutex g_mutex;
StopHandler g_stop;
// Set once the stop of a run has completed (ConsoleStopSources' destructor). Created once
// and never closed: a control handler still waiting on it may outlive the run.
HANDLE g_finished = nullptr;

BOOL WINAPI console_handler(DWORD event) { return handle_console_event(event) ? TRUE : FALSE; }

}  // namespace

bool handle_console_event(DWORD event, DWORD close_wait_ms) {
  const char* why = nullptr;
  switch (event) {
    case CTRL_C_EVENT: why = "Ctrl-C"; break;
    case CTRL_BREAK_EVENT: why = "Ctrl-Break"; break;
    case CTRL_CLOSE_EVENT: why = "console closed"; break;
    default: return false;  // logoff/shutdown: not ours to handle in console mode
  }
  HANDLE finished = nullptr;
  {
    std::lock_guard lock(g_mutex);
    if (g_stop) g_stop(why);
    finished = g_finished;
  }
  // Windows ends the process as soon as the CTRL_CLOSE_EVENT handler returns (and at the
  // latest ~5 s after the event): hold it here while the graceful stop runs.
  if (event == CTRL_CLOSE_EVENT && finished != nullptr) WaitForSingleObject(finished, close_wait_ms);
  return true;
}

std::wstring console_stop_event_name(DWORD pid) { return L"Local\\RasBrokerStop-" + std::to_wstring(pid); }

std::string console_how_to_stop() {
  return "Ctrl-C or `rasbrokerd --stop-console " + std::to_string(GetCurrentProcessId()) + "`";
}

ConsoleStopSources::ConsoleStopSources(StopHandler stop, std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {
  {
    std::lock_guard lock(g_mutex);
    g_stop = stop;
    if (g_finished == nullptr) g_finished = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    if (g_finished != nullptr) ResetEvent(g_finished);
  }
  SetConsoleCtrlHandler(console_handler, TRUE);

  const std::wstring name = console_stop_event_name(GetCurrentProcessId());
  // Default security: only this user (and SYSTEM/administrators) may signal it.
  stop_event_.reset(CreateEventW(nullptr, TRUE, FALSE, name.c_str()));
  if (stop_event_ && GetLastError() == ERROR_ALREADY_EXISTS) {
    // Someone created it before us: it is not ours to trust. Ctrl-C still works.
    log_->warn("{} already exists: --stop-console is disabled for this instance", narrow(name));
    stop_event_.reset();
  } else if (!stop_event_) {
    log_->warn("cannot create {}: {}; --stop-console is disabled", narrow(name), win32_error_text(GetLastError()));
  }
  quit_event_.reset(CreateEventW(nullptr, TRUE, FALSE, nullptr));
  if (stop_event_ && quit_event_) {
    waiter_ = std::thread([this, stop = std::move(stop)] {
      const HANDLE events[] = {stop_event_.get(), quit_event_.get()};
      if (WaitForMultipleObjects(2, events, FALSE, INFINITE) == WAIT_OBJECT_0) stop("--stop-console");
    });
  }
}

ConsoleStopSources::~ConsoleStopSources() {
  {
    std::lock_guard lock(g_mutex);
    g_stop = nullptr;
    if (g_finished != nullptr) SetEvent(g_finished);
  }
  SetConsoleCtrlHandler(console_handler, FALSE);
  if (waiter_.joinable()) {
    SetEvent(quit_event_.get());
    waiter_.join();
  }
}

bool signal_console_stop(DWORD pid, std::string& why) {
  const std::wstring name = console_stop_event_name(pid);
  UniqueHandle event(OpenEventW(EVENT_MODIFY_STATE, FALSE, name.c_str()));
  if (!event) {
    const DWORD err = GetLastError();
    why = err == ERROR_FILE_NOT_FOUND ? "no rasbrokerd --console with pid " + std::to_string(pid) + " is running"
                                      : "cannot open " + narrow(name) + ": " + win32_error_text(err);
    return false;
  }
  if (!SetEvent(event.get())) {
    why = "SetEvent: " + win32_error_text(GetLastError());
    return false;
  }
  return true;
}

}  // namespace rasbroker::winhost
