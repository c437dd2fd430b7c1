#include "host/windows/service_options.hpp"

#include "host/windows/file_trust.hpp"
#include "host/windows/logging.hpp"
#include "host/windows/pipe_listener.hpp"
#include "host/windows/pipe_security.hpp"
#include "journal/file_store.hpp"
#include "security/pipe_sddl.hpp"

namespace rasbroker::winhost {

app::RunnerOptions service_runner_options(ServiceOptions options, std::shared_ptr<spdlog::logger> log) {
  // The pipe's DACL: made while the configuration is checked, used when the pipe is made.
  auto sddl = std::make_shared<std::string>();
  app::RunnerOptions o;
  o.config_path = std::move(options.config_path);
  o.config_missing_ok = true;
  o.log_level = std::move(options.log_level);
  o.check_config = [sddl](const config::ServiceConfig& cfg) {
    // The journal decides who owns which connection: it lives only where nobody but
    // administrators can write (data_folder.hpp). Refused rather than ignored, so that a
    // configuration copied from a Linux host does not look as if it were obeyed.
    if (!cfg.data_dir.empty())
      throw config::ConfigError("\"data_dir\" is for the Linux dev host only: the Windows service keeps its journal in "
                                "%ProgramData%\\RasBroker, which only administrators can change; remove the key");
    *sddl = security::pipe_sddl(resolve_group_sids(cfg.allowed_groups));
  };
  auto refusals = make_refusal_logger(*log);
  o.refusal_log = refusals;
  if (options.file_log) {
    o.open_log_file = [log, refusals](const config::LogConfig& cfg) {
      const std::string file = add_file_sink(*log, cfg);
      return file + " (refused requests: " + add_refusal_file_sink(*refusals, cfg) + ")";
    };
  }
  o.make_listener = [sddl, log](boost::asio::io_context& io, const config::ServiceConfig& cfg) {
    try {
      return std::make_unique<PipeListener>(io, PipeListenerOptions{.pipe_name = cfg.pipe_name, .sddl = *sddl}, log);
    } catch (const PipeListenError& e) {
      // The first instance is refused with ERROR_ACCESS_DENIED only when another process
      // owns the name (pipe_listener.hpp); any other code is the system refusing the pipe.
      if (e.code() == ERROR_ACCESS_DENIED) throw app::EndpointSquatted(e.what());
      throw;
    }
  };
  o.make_ras = std::move(options.make_ras);
  o.phonebook_trust = windows_file_trust;
  o.on_listening = std::move(options.on_listening);
  o.events = std::move(options.events);
  if (!options.journal_path.empty()) {
    o.make_journal = [path = std::move(options.journal_path)](const config::ServiceConfig&) {
      return std::make_shared<journal::FileJournalStore>(path);
    };
  }
  return o;
}

}  // namespace rasbroker::winhost
