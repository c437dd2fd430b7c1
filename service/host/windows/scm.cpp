#include "host/windows/scm.hpp"

#include <string>
#include <utility>

#include "win32/handles.hpp"
#include "win32/win32_message.hpp"

namespace rasbroker::winhost {

namespace {

// The SCM's callbacks are plain functions: the process hosts one service, so its state
// is process-wide.
std::function<void(ScmSession&)> g_body;
ServiceControls g_controls;

DWORD WINAPI control_handler(DWORD control, DWORD event_type, LPVOID, LPVOID) {
  return g_controls.handle(control, event_type);
}

class ScmStatusReporter final : public StatusReporter {
 public:
  explicit ScmStatusReporter(SERVICE_STATUS_HANDLE handle) : handle_(handle) {}
  void report(const ServiceStatus& status) override {
    SERVICE_STATUS s = to_service_status(status);
    SetServiceStatus(handle_, &s);
  }
  // The preshutdown timeout follows stop_timeout_ms, which an administrator may change
  // between starts: a system shutdown then waits for the whole stop. The display name,
  // description and dependency are the installer's (the MSI, or `rasbrokerd.exe
  // configure-service` after `sc create`: admin_service.hpp), set once.
  std::string apply_settings(std::uint32_t stop_budget_ms) override {
    const ServiceHandle scm(OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
    if (!scm) return "OpenSCManager: " + win32_error_text(GetLastError());
    const ServiceHandle service(OpenServiceW(scm.get(), kServiceName, SERVICE_CHANGE_CONFIG));
    if (!service) return "OpenService: " + win32_error_text(GetLastError());
    SERVICE_PRESHUTDOWN_INFO preshutdown{stop_budget_ms};
    if (!ChangeServiceConfig2W(service.get(), SERVICE_CONFIG_PRESHUTDOWN_INFO, &preshutdown))
      return "cannot set the preshutdown timeout: " + win32_error_text(GetLastError());
    return {};
  }

 private:
  SERVICE_STATUS_HANDLE handle_;
};

class Session final : public ScmSession {
 public:
  explicit Session(SERVICE_STATUS_HANDLE handle) : reporter_(handle) {}
  StatusReporter& reporter() override { return reporter_; }
  void set_stop_handler(StopHandler handler) override { g_controls.set_stop_handler(std::move(handler)); }
  void set_host_event_handler(HostEventHandler handler) override {
    g_controls.set_host_event_handler(std::move(handler));
  }

 private:
  ScmStatusReporter reporter_;
};

void WINAPI service_main(DWORD, LPWSTR*) {
  SERVICE_STATUS_HANDLE handle = RegisterServiceCtrlHandlerExW(kServiceName, control_handler, nullptr);
  if (handle == nullptr) return;  // the SCM knows nothing of us; nothing to report to
  Session session(handle);
  g_body(session);
  session.set_stop_handler({});
  session.set_host_event_handler({});
}

}  // namespace

bool run_scm_dispatcher(std::function<void(ScmSession&)> body, DWORD& error) {
  g_body = std::move(body);
  wchar_t name[] = L"RasBroker";
  const SERVICE_TABLE_ENTRYW table[] = {{name, service_main}, {nullptr, nullptr}};
  if (StartServiceCtrlDispatcherW(table)) return true;
  error = GetLastError();
  return false;
}

}  // namespace rasbroker::winhost
