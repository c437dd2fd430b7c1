#include "host/windows/admin_verbs.hpp"

#include <iostream>
#include <stdexcept>

#include "app/service_runner.hpp"
#include "app/service_status.hpp"
#include "config/service_config.hpp"
#include "host/windows/admin_config.hpp"
#include "host/windows/admin_path.hpp"
#include "host/windows/admin_purge.hpp"
#include "host/windows/admin_service.hpp"
#include "host/windows/data_folder.hpp"
#include "host/windows/event_source.hpp"
#include "host/windows/scm.hpp"
#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {
namespace {

std::string describe(const RecoveryPolicy& policy) {
  std::string text = "restart after";
  for (std::size_t i = 0; i < policy.restart_delays_ms.size(); ++i)
    text += (i == 0 ? " " : ", ") + std::to_string(policy.restart_delays_ms[i] / 1000) + " s";
  return text + " (the last for every further failure); failure count reset after " +
         std::to_string(policy.reset_after_s) + " s without one";
}

std::string folder_or_own(const std::string& folder) { return folder.empty() ? narrow(own_folder()) : folder; }

}  // namespace

AdminVerbs::AdminVerbs(CLI::App& app, std::string& config_path) : config_path_(config_path) {
  configure_service_ = app.add_subcommand(
      "configure-service",
      "Set the RasBroker service's display name, description, dependency on RasMan and preshutdown timeout "
      "(from --config's stop_timeout_ms), after `sc create`");
  configure_service_->add_option("--config", config_path_, "Configuration file (JSON)")->capture_default_str();
  set_recovery_ = app.add_subcommand("set-recovery", "Restart the RasBroker service when it fails: " +
                                                         describe(kRecoveryPolicy));
  clear_recovery_ = app.add_subcommand("clear-recovery", "Remove the RasBroker service's recovery actions");
  add_to_path_ = app.add_subcommand("add-to-path", "Add the install folder to the machine PATH (once)");
  remove_from_path_ = app.add_subcommand("remove-from-path", "Remove the install folder from the machine PATH");
  for (auto* verb : {add_to_path_, remove_from_path_})
    verb->add_option("--folder", folder_, "The folder (default: the folder of this rasbrokerd.exe)");
  set_config_ = app.add_subcommand(
      "set-config", "Write install-time settings into the configuration file, keeping every other key");
  set_config_->add_option("--config", config_path_, "Configuration file (JSON)")->capture_default_str();
  set_config_->add_option("--allowed-groups", settings_.allowed_groups,
                          "allowed_groups: group names or SIDs separated by ';' (MSI: ALLOWEDGROUPS)");
  set_config_->add_option("--pipe-name", settings_.pipe_name, "pipe_name (MSI: PIPENAME)");
  set_config_->add_option("--on-stop", settings_.on_stop, "on_stop: hangup or leave (MSI: ONSTOP)");
  register_event_log_ = app.add_subcommand(
      "register-event-log", "Register the Event Log source RasBroker with this exe's message table");
  unregister_event_log_ = app.add_subcommand("unregister-event-log", "Remove the Event Log source RasBroker");
  purge_data_ = app.add_subcommand(
      "purge-data", "Delete " + narrow(default_data_dir()) + " with the configuration and the logs (MSI: PURGE=1)");
  app.require_subcommand(0, 1);
}

const CLI::App* AdminVerbs::parsed_verb() const {
  for (const auto* verb : {configure_service_, set_recovery_, clear_recovery_, add_to_path_, remove_from_path_,
                           set_config_, register_event_log_, unregister_event_log_, purge_data_})
    if (verb->parsed()) return verb;
  return nullptr;
}

bool AdminVerbs::chosen() const { return parsed_verb() != nullptr; }

int AdminVerbs::run() const {
  const CLI::App* verb = parsed_verb();
  const std::string name = verb->get_name();
  const std::string service = narrow(kServiceName);
  try {
    if (verb == configure_service_) {
      const auto cfg = config::load_service_config(config_path_, true);
      configure_service(kServiceName, app::stop_budget_ms(cfg));
      std::cout << "service " << service << ": display name, description, dependency on RasMan and preshutdown timeout ("
                << app::stop_budget_ms(cfg) << " ms) set\n";
    } else if (verb == set_recovery_) {
      set_recovery_actions(kServiceName, kRecoveryPolicy);
      std::cout << "service " << service << ": recovery set: " << describe(kRecoveryPolicy) << "\n";
    } else if (verb == clear_recovery_) {
      clear_recovery_actions(kServiceName);
      std::cout << "service " << service << ": recovery actions removed\n";
    } else if (verb == add_to_path_ || verb == remove_from_path_) {
      const std::string folder = folder_or_own(folder_);
      const bool changed =
          verb == add_to_path_ ? add_to_machine_path(widen(folder)) : remove_from_machine_path(widen(folder));
      std::cout << "machine PATH: " << folder
                << (changed ? (verb == add_to_path_ ? " added" : " removed")
                            : (verb == add_to_path_ ? " already there, unchanged" : " not there, unchanged"))
                << "\n";
    } else if (verb == register_event_log_ || verb == unregister_event_log_) {
      const bool registering = verb == register_event_log_;
      const std::wstring exe = this_executable_path();
      const std::string why = registering ? register_event_source(exe) : unregister_event_source();
      if (!why.empty()) throw std::runtime_error(why);
      std::cout << (registering ? "Event Log source RasBroker registered (messages from " + narrow(exe) + ")"
                                : std::string("Event Log source RasBroker unregistered"))
                << "\n";
    } else if (verb == purge_data_) {
      const std::wstring folder = default_data_dir();
      std::cout << narrow(folder)
                << (purge_data_folder(folder) ? ": removed, with the configuration and the logs" : ": not there, unchanged")
                << "\n";
    } else {
      // The default file's folder is created, or its access list repaired, as the service
      // does at start: a configuration only administrators can change.
      if (config_path_ == narrow(default_config_path())) {
        if (auto why = secure_data_folder(default_data_dir()); !why.empty()) throw std::runtime_error(why);
      }
      const bool changed = write_install_settings(config_path_, settings_);
      std::cout << config_path_ << (changed ? ": settings written" : ": already as given, unchanged") << "\n";
    }
    return app::kExitOk;
  } catch (const config::ConfigError& e) {
    std::cerr << "rasbrokerd " << name << ": " << e.what() << "\nnothing was changed\n";
    return app::kExitBadConfig;
  } catch (const std::invalid_argument& e) {
    std::cerr << "rasbrokerd " << name << ": " << e.what() << "\nnothing was changed\n";
    return app::kExitBadConfig;
  } catch (const std::exception& e) {
    std::cerr << "rasbrokerd " << name << ": " << e.what() << "\n";
    return app::kExitAdminFailed;
  }
}

}  // namespace rasbroker::winhost
