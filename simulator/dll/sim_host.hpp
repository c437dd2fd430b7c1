#pragma once
// The process-wide state of the simulated rasapi32.dll: one simulator engine (threaded
// mode: callbacks come from its own thread, like RAS), created lazily on the first API
// call, its state file, and the events registered with RasConnectionNotificationW.
//
// Lifetime: the host is created on first use and never destroyed, and the DLL pins itself
// once the engine runs. Nothing is done in DllMain (loader lock). At process exit
// (DLL_PROCESS_DETACH with lpReserved != NULL) Windows has already terminated the
// engine's thread, possibly inside the engine's lock, so joining it or running its
// destructor could hang: the engine is deliberately let go. Nothing is lost, because the
// state file is rewritten atomically after every change; the next process restores it.
#include <windows.h>
#include <ras.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "simulator/dll/sim_config.hpp"
#include "simulator/simulator.hpp"
#include "win32/handles.hpp"

namespace rasbroker::sim::dll {

class SimHost {
 public:
  static SimHost& instance();

  // The engine, initialised on the first call. Null when the simulator is not configured
  // or its scenario cannot be loaded, and while RasSimResetW runs: `error` is then
  // ERROR_DLL_INIT_FAILED (every simulated RAS function returns it).
  std::shared_ptr<Simulator> engine(DWORD& error);

  // RasSimResetW: drops the current engine (waiting for calls in flight, joining its
  // thread), forgets notification registrations, and initialises again from the given
  // paths (null: environment / registry). Returns 0 or the initialisation error.
  DWORD reset(const wchar_t* scenario_path, const wchar_t* state_path);

  // RasConnectionNotificationW: `event` is duplicated, so the caller may close its handle.
  DWORD register_notification(HRASCONN conn, HANDLE event, DWORD flags);

 private:
  struct Registration {  // for every connection (one connection's are the engine's)
    UniqueHandle event;  // our duplicate
  };

  SimHost() = default;
  void init_locked();
  void fail_init_locked(const SimConfig& config, const std::string& message);
  void write_state(const Simulator& sim, const std::wstring& path, const std::string& restore_error);
  void signal_notifications();
  void clear_notifications();

  std::mutex mu_;
  bool initialised_ = false;
  bool resetting_ = false;
  DWORD init_error_ = ERROR_SUCCESS;
  std::optional<SimConfig> override_;  // paths given to RasSimResetW
  std::shared_ptr<Simulator> engine_;

  std::mutex write_mu_;   // one state file write at a time, each with a fresh snapshot
  std::mutex notify_mu_;
  std::vector<Registration> registrations_;
};

}  // namespace rasbroker::sim::dll
