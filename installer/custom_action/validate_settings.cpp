// rasbroker_ca.dll: the MSI's custom action ValidateSettings (immediate, scheduled before
// InstallInitialize). It checks ALLOWEDGROUPS, PIPENAME and ONSTOP with the code
// `rasbrokerd.exe set-config` and the service use, so a value set-config would refuse
// later (in a deferred action whose reason msiexec does not log) stops the install now,
// before anything is changed, with the reason in the MSI log. The configuration file is
// checked with them, as set-config will: on an upgrade, a key an administrator left bad
// would make set-config fail just as silently.
#include <windows.h>
#include <msi.h>

#include <exception>

#include "host/windows/admin_config.hpp"
#include "host/windows/pipe_security.hpp"
#include "host/windows/win32_util.hpp"
#include "install/settings_refusal.hpp"
#include "msi_session.hpp"
#include "security/file_trust.hpp"

namespace rasbroker::installer {
namespace {

// The configuration file set-config will update (its default: the MSI passes no --config),
// read as set-config reads it. One this action cannot read (it runs as the installing
// user) is left to set-config, which runs as LocalSystem: never an install stopped here
// for a file only this action cannot see.
install::CurrentConfig current_config(const MsiSession& session) {
  install::CurrentConfig current{.where = narrow(winhost::default_config_path())};
  try {
    current.text = winhost::read_config_file(winhost::default_config_path());
  } catch (const std::exception& e) {
    session.log_info("RasBroker: the configuration file is not checked here: " + security::printable(e.what()));
  }
  return current;
}

UINT validate_settings(const MsiSession& session) {
  config::InstallSettings settings;
  for (const auto& property : install::kSettingsProperties) settings.*property.setting = session.property(property.name);
  // The groups are looked up as the service will at start: a name it cannot resolve
  // would leave it unable to start.
  const auto refusal = install::refusal_of(
      settings, [](const std::vector<std::string>& names) { winhost::resolve_group_sids(names); },
      current_config(session));
  if (refusal) {
    session.report_error("RasBroker: install stopped: " + *refusal);
    return ERROR_INSTALL_FAILURE;
  }
  session.log_info("RasBroker: settings accepted; given: " + install::given_properties(settings));
  return ERROR_SUCCESS;
}

}  // namespace
}  // namespace rasbroker::installer

// The export msiexec calls (CustomAction DllEntry="ValidateSettings"): undecorated (x64 has
// one calling convention), and no exception may leave it.
extern "C" __declspec(dllexport) UINT WINAPI ValidateSettings(MSIHANDLE install) {
  const rasbroker::installer::MsiSession session(install);
  try {
    return rasbroker::installer::validate_settings(session);
  } catch (const std::exception& e) {
    session.report_error(std::string("RasBroker: install stopped, the settings could not be checked: ") +
                         rasbroker::security::printable(e.what()));
    return ERROR_INSTALL_FAILURE;
  }
}
