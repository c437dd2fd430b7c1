#pragma once
// The admin verbs' work on the service's SCM configuration (rasbrokerd.exe
// configure-service, set-recovery, clear-recovery; docs/operations.md): what `sc create`
// and wixl's ServiceInstall cannot say. Each takes the service's name (kServiceName in
// the verbs, a service of their own in the tests) and throws Win32Error naming the step
// that failed.
#include <windows.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rasbroker::winhost {

// Restart-on-failure. Windows runs the n-th action at the n-th failure counted since the
// last reset, the last action again for every failure after it, and resets the count
// after `reset_after_s` without a failure.
struct RecoveryPolicy {
  std::vector<std::uint32_t> restart_delays_ms;
  std::uint32_t reset_after_s = 0;
  bool operator==(const RecoveryPolicy&) const = default;
};

// Restart 5 s after the first failure, 10 s after the second, 60 s after each further
// one; a day without a failure starts the count again. A crash leaves RAS connections
// that only a running broker reaps (a new instance adopts them), so the first restart is
// quick; the later ones back off so that a service failing at once does not spin.
inline const RecoveryPolicy kRecoveryPolicy{.restart_delays_ms = {5'000, 10'000, 60'000}, .reset_after_s = 86'400};

// SERVICE_CONFIG_FAILURE_ACTIONS. Failure means the process ended without reporting
// STOPPED; the "actions for stops with errors" flag is left as it is (off by default):
// a refused start (bad configuration, pipe taken) would only fail again.
void set_recovery_actions(const std::wstring& service, const RecoveryPolicy& policy);
// No failure actions and no reset period: the state of a service `sc create` made.
void clear_recovery_actions(const std::wstring& service);
// The restart actions read back with QueryServiceConfig2W (delays of SC_ACTION_RESTART
// actions only; any other action type is reported as a Win32Error with
// ERROR_INVALID_DATA). Wine 8 stores none and answers ERROR_INVALID_LEVEL.
RecoveryPolicy query_recovery_actions(const std::wstring& service);

// What the service says it is and needs: display name and description (scm.hpp), a
// dependency on RasMan (the SCM starts the Remote Access Connection Manager first), and
// the preshutdown timeout (`preshutdown_ms`: app::stop_budget_ms of the configuration;
// the service sets it again at every start, as stop_timeout_ms may change).
void configure_service(const std::wstring& service, std::uint32_t preshutdown_ms);

}  // namespace rasbroker::winhost
