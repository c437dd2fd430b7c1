// The simulated rasapi32.dll's process-wide state (lifetime rules: sim_host.hpp).
#include "simulator/dll/sim_host.hpp"

#include <cstdint>
#include <exception>
#include <memory>
#include <utility>

#include <nlohmann/json.hpp>

#include "simulator/state_document.hpp"
#include "win32/utf16.hpp"

namespace rasbroker::sim::dll {
namespace {

void debug_message(const std::string& text) {
  OutputDebugStringW(widen("rasapi32 (simulated): " + text + "\n").c_str());
}

// Keeps the DLL loaded until process exit: the engine's thread runs code in it.
void pin_this_module() {
  HMODULE self = nullptr;
  GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                     reinterpret_cast<LPCWSTR>(&pin_this_module), &self);
}

}  // namespace

SimHost& SimHost::instance() {
  // Never destroyed: see the lifetime notes in sim_host.hpp.
  static SimHost* const host = new SimHost();
  return *host;
}

std::shared_ptr<Simulator> SimHost::engine(DWORD& error) {
  std::lock_guard lock(mu_);
  if (resetting_) {
    error = ERROR_DLL_INIT_FAILED;
    return nullptr;
  }
  if (!initialised_) init_locked();
  error = init_error_;
  return engine_;
}

void SimHost::fail_init_locked(const SimConfig& config, const std::string& message) {
  init_error_ = ERROR_DLL_INIT_FAILED;
  debug_message(message);
  // The state file itself is left alone (it may hold connections worth restoring later);
  // the reason goes beside it, where a test or a developer looks.
  if (!config.state_path.empty()) replace_file(config.state_path + L".error.txt", message + "\n");
}

void SimHost::init_locked() {
  initialised_ = true;
  init_error_ = ERROR_SUCCESS;
  const SimConfig config = override_ ? *override_ : read_sim_config();
  if (config.scenario_path.empty()) {
    fail_init_locked(config,
                     "no scenario: set RASBROKER_SIM_SCENARIO or the REG_SZ value Scenario under "
                     "HKLM\\Software\\RasBroker\\Simulator");
    return;
  }
  const std::string scenario_name = narrow(config.scenario_path);
  std::string text;
  if (const DWORD rc = read_file(config.scenario_path, text); rc != ERROR_SUCCESS) {
    fail_init_locked(config, scenario_name + ": cannot read the scenario (error " + std::to_string(rc) + ")");
    return;
  }
  std::shared_ptr<Simulator> engine;
  try {
    engine = std::make_shared<Simulator>(parse_scenario_text(text, scenario_name),
                                         SimulatorOptions{.mode = Mode::threaded, .account = narrow(config.account)});
  } catch (const std::exception& e) {
    fail_init_locked(config, e.what());
    return;
  }

  // A previous process's state: its live connections carry on in this one.
  std::string restore_error;
  std::string state_text;
  if (!config.state_path.empty() && read_file(config.state_path, state_text) == ERROR_SUCCESS) {
    if (auto why = restore_state_document(*engine, state_text); !why.empty()) {
      restore_error = narrow(config.state_path) + ": not restored: " + why;
      debug_message(restore_error);
    }
  }
  DeleteFileW((config.state_path + L".error.txt").c_str());

  if (!config.state_path.empty()) {
    const Simulator* raw = engine.get();  // the hook runs only while the engine exists
    engine->set_change_hook([this, raw, path = config.state_path, restore_error] {
      write_state(*raw, path, restore_error);
    });
    write_state(*engine, config.state_path, restore_error);
  }
  engine->set_connection_notifier([this] { signal_notifications(); });
  pin_this_module();
  engine_ = std::move(engine);
}

void SimHost::write_state(const Simulator& sim, const std::wstring& path, const std::string& restore_error) {
  std::lock_guard lock(write_mu_);
  // The snapshot is taken inside the write lock: the last write always holds the latest state.
  const nlohmann::json doc = state_document(sim, restore_error);
  if (const DWORD rc = replace_file(path, doc.dump(2) + "\n"); rc != ERROR_SUCCESS) {
    debug_message(narrow(path) + ": cannot write the state file (error " + std::to_string(rc) + ")");
  }
}

DWORD SimHost::reset(const wchar_t* scenario_path, const wchar_t* state_path) {
  std::shared_ptr<Simulator> old;
  {
    std::lock_guard lock(mu_);
    if (resetting_) return ERROR_BUSY;
    resetting_ = true;
    old = std::move(engine_);
    initialised_ = false;
    override_.reset();
    if (scenario_path != nullptr || state_path != nullptr) override_ = read_sim_config(scenario_path, state_path);
  }
  clear_notifications();
  // Calls still running on the old engine (its own callbacks calling back in) finish
  // first: the engine must not be destroyed on its own thread.
  while (old && old.use_count() > 1) Sleep(1);
  old.reset();  // joins the event thread; its last change is already in the state file

  std::lock_guard lock(mu_);
  resetting_ = false;
  init_locked();
  return init_error_;
}

DWORD SimHost::register_notification(HRASCONN conn, HANDLE event, DWORD flags) {
  if (event == nullptr || event == INVALID_HANDLE_VALUE) return ERROR_INVALID_PARAMETER;
  if ((flags & (RASCN_Connection | RASCN_Disconnection)) == 0) return ERROR_INVALID_PARAMETER;
  // RASCN_Connection makes sense only for "any connection".
  if ((flags & RASCN_Connection) != 0 && conn != INVALID_HANDLE_VALUE) return ERROR_INVALID_PARAMETER;
  auto dup = std::make_shared<UniqueHandle>();
  if (!DuplicateHandle(GetCurrentProcess(), event, GetCurrentProcess(), dup->out(), 0, FALSE,
                       DUPLICATE_SAME_ACCESS)) {
    return GetLastError();
  }
  if (conn != INVALID_HANDLE_VALUE) {
    // One connection: the engine signals it once, when that connection ends (as the
    // scenario's notifications.one_connection reading says); 6 for a handle it does not know.
    DWORD error = ERROR_SUCCESS;
    const auto sim = engine(error);
    if (!sim) return error;
    const auto h = static_cast<ras::Handle>(reinterpret_cast<std::uintptr_t>(conn));
    return sim->watch_termination(h, [dup] { SetEvent(dup->get()); });
  }
  std::lock_guard lock(notify_mu_);
  registrations_.push_back({std::move(*dup)});
  return ERROR_SUCCESS;
}

void SimHost::signal_notifications() {
  // The engine's notifier carries no detail (a hint, like RAS's): every registration for
  // all connections is signalled on every change.
  std::lock_guard lock(notify_mu_);
  for (const auto& r : registrations_) SetEvent(r.event.get());
}

void SimHost::clear_notifications() {
  std::lock_guard lock(notify_mu_);
  registrations_.clear();  // closes our duplicates
}

}  // namespace rasbroker::sim::dll
