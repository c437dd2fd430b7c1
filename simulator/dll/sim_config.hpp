#pragma once
// Where the simulated rasapi32.dll finds its scenario and keeps its state, and the file
// helpers it needs (wide paths, atomic replace).
#include <windows.h>

#include <string>

namespace rasbroker::sim::dll {

struct SimConfig {
  std::wstring scenario_path;  // empty: not configured
  std::wstring state_path;     // empty: no state file
  std::wstring account;        // the calling account (SimulatorOptions::calling_account)
};

// Environment first (RASBROKER_SIM_SCENARIO, RASBROKER_SIM_STATE, RASBROKER_SIM_ACCOUNT),
// then the registry (HKLM\Software\RasBroker\Simulator, REG_SZ values Scenario, StateFile
// and Account): a service started by the SCM does not inherit a test's environment. The
// state file defaults to the scenario path + ".state.json", the account to SYSTEM (what
// the service runs as).
SimConfig read_sim_config();
// The same, with explicit paths taking precedence (RasSimResetW); null: look up as above.
SimConfig read_sim_config(const wchar_t* scenario_path, const wchar_t* state_path);

// Whole-file read; returns 0 or the Win32 error (ERROR_FILE_NOT_FOUND when absent).
DWORD read_file(const std::wstring& path, std::string& out);
// Writes `path` + ".tmp" and moves it over `path` (MOVEFILE_REPLACE_EXISTING): readers see
// the old or the new document, never half of one. Returns 0 or the Win32 error.
DWORD replace_file(const std::wstring& path, const std::string& contents);

}  // namespace rasbroker::sim::dll
