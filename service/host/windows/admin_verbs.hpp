#pragma once
// The admin verbs of rasbrokerd.exe: what an installer does beyond copying files and
// `sc create` / wixl's ServiceInstall. Deferred, non-impersonated MSI custom actions run
// them (as LocalSystem), an administrator after a hand install (docs/operations.md,
// "Installing by hand"). Each does one thing, changes nothing when run again, reports on
// stdout, and on failure says why on stderr and exits non-zero having changed nothing:
//   configure-service              display name, description, depend= RasMan, preshutdown timeout
//   set-recovery / clear-recovery  restart-on-failure actions (admin_service.hpp)
//   add-to-path / remove-from-path the install folder on the machine PATH (admin_path.hpp)
//   set-config                     ALLOWEDGROUPS, PIPENAME, ONSTOP into config.json (admin_config.hpp)
//   register-event-log / unregister-event-log
//                                  the Event Log source RasBroker and its message table (event_source.hpp)
//   purge-data                     delete %ProgramData%\RasBroker: config and logs (admin_purge.hpp)
#include <string>

#include <CLI/CLI.hpp>

#include "config/install_settings.hpp"

namespace rasbroker::winhost {

class AdminVerbs {
 public:
  // Adds the verbs as subcommands of `app`. `config_path` is the main program's
  // --config value (default %ProgramData%\RasBroker\config.json); the verbs that read or
  // write the configuration take --config too.
  AdminVerbs(CLI::App& app, std::string& config_path);

  // After parsing: whether a verb was given, and running it (the process's exit code:
  // 0, kExitUsage, kExitBadConfig for a bad value, kExitAdminFailed).
  bool chosen() const;
  int run() const;

 private:
  const CLI::App* parsed_verb() const;  // nullptr when no verb was given

  std::string& config_path_;
  CLI::App* configure_service_;
  CLI::App* set_recovery_;
  CLI::App* clear_recovery_;
  CLI::App* add_to_path_;
  CLI::App* remove_from_path_;
  CLI::App* set_config_;
  CLI::App* register_event_log_;
  CLI::App* unregister_event_log_;
  CLI::App* purge_data_;
  std::string folder_;
  config::InstallSettings settings_;
};

}  // namespace rasbroker::winhost
