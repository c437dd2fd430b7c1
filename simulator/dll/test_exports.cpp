// Test-only entry points of the simulated rasapi32.dll (prefixed RasSim; rasapi32 has
// none of them, so a test can tell this DLL from the system's with GetProcAddress).
#include <windows.h>

#include <string>

#include <nlohmann/json.hpp>

#include "simulator/dll/credential_exports.hpp"
#include "simulator/dll/sim_host.hpp"
#include "simulator/state_document.hpp"
#include "win32/utf16.hpp"
#include "win32/wide_field.hpp"

using rasbroker::sim::dll::SimHost;

extern "C" {

// Replaces the engine: waits for calls in flight, joins the old engine's thread (its state
// file is complete), forgets notification registrations, then initialises from the given
// paths (null: environment / registry, as on the first call). A state file at the state
// path is restored, like a process restart. Returns 0 or ERROR_DLL_INIT_FAILED.
DWORD WINAPI RasSimResetW(LPCWSTR scenario_path, LPCWSTR state_path) {
  return SimHost::instance().reset(scenario_path, state_path);
}

// The leak report of the current engine as UTF-16 JSON ({"leaks": [...], "clean": bool,
// "eap_identities_not_freed": n}); EAP identity buffers not freed make it unclean too.
// `chars` holds the buffer's size in characters; on ERROR_INSUFFICIENT_BUFFER it receives
// the size needed (including the terminating NUL).
DWORD WINAPI RasSimLeakReportW(LPWSTR buffer, LPDWORD chars) {
  if (chars == nullptr) return ERROR_INVALID_PARAMETER;
  DWORD error = 0;
  const auto engine = SimHost::instance().engine(error);
  if (!engine) return error;
  nlohmann::json report = rasbroker::sim::leak_report_json(engine->leak_report());
  const std::size_t identities = rasbroker::sim::dll::eap_identities_not_freed();
  report["eap_identities_not_freed"] = identities;
  if (identities != 0) report["clean"] = false;
  const std::wstring text = rasbroker::widen(report.dump());
  const bool copied = buffer != nullptr && rasbroker::copy_to_wide_buffer(text, buffer, *chars);
  *chars = static_cast<DWORD>(text.size() + 1);
  return copied ? ERROR_SUCCESS : ERROR_INSUFFICIENT_BUFFER;
}

}  // extern "C"
