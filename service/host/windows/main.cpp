// rasbrokerd.exe: the RAS connection broker as a Windows service ("RasBroker"), or in
// the foreground with --console. The lifecycle is the service core's (app::ServiceRunner,
// with service_options.hpp); scm.cpp and console.cpp only connect it to the SCM or to
// the console. The admin verbs an installer runs (configure-service, set-recovery, ...)
// are admin_verbs.hpp's. docs/operations.md is the manual.
#include <windows.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <utility>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "host/windows/admin_verbs.hpp"
#include "host/windows/console.hpp"
#include "host/windows/data_folder.hpp"
#include "host/windows/event_log.hpp"
#include "host/windows/logging.hpp"
#include "host/windows/network_watch.hpp"
#include "host/windows/scm.hpp"
#include "host/windows/service_options.hpp"
#include "host/windows/win32_util.hpp"
#include "ras/win32/win32_ras.hpp"
#include "win32/arguments.hpp"

using namespace rasbroker;
using namespace rasbroker::winhost;

namespace {

struct Options {
  bool console = false;
  std::string config = narrow(default_config_path());
  std::string log_level;
  DWORD stop_console_pid = 0;
};

app::RunnerOptions runner_options(const Options& opt, std::shared_ptr<spdlog::logger> log,
                                  const events::AdminEvents& events) {
  ServiceOptions o;
  o.events = events;
  o.config_path = opt.config;
  o.log_level = opt.log_level;
  o.make_ras = [](boost::asio::any_io_executor ex) { return std::make_unique<ras::Win32Ras>(std::move(ex)); };
  // In the data folder secured before the start (secure_default_data_folder): the journal
  // says who owns which connection.
  o.journal_path = std::filesystem::path(default_data_dir()) / L"journal.json";
  return service_runner_options(std::move(o), std::move(log));
}

// Before the configuration is read from it: see data_folder.hpp.
void secure_default_data_folder(spdlog::logger& log, const events::AdminEvents& events) {
  const std::wstring dir = default_data_dir();
  if (auto why = secure_data_folder(dir); !why.empty()) {
    log.warn("{} could not be restricted to administrators ({}); make sure no one else can write to it",
             narrow(dir), why);
    events.data_folder_unsecured(narrow(dir), why);
  }
}

// Network changes tell the broker to look at every link at once (ServiceRunner debounces
// them). Declared after the runner: cancelled before the runner goes away.
std::unique_ptr<NetworkChangeWatch> watch_network(app::ServiceRunner& runner, std::shared_ptr<spdlog::logger> log) {
  return std::make_unique<NetworkChangeWatch>(
      [&runner] { runner.notify_host_event(broker::HostEvent::network_changed); }, std::move(log));
}

events::AdminEvents event_log_events() { return events::AdminEvents(event_log_writer(make_win32_event_log())); }

int run_console(const Options& opt) {
  auto log = make_service_logger({.console = true});
  const auto events = event_log_events();
  secure_default_data_folder(*log, events);
  app::LogStatusReporter reporter(log, console_how_to_stop());
  app::ServiceRunner runner(runner_options(opt, log, events), reporter, log);
  ConsoleStopSources stops([&runner](const std::string& why) { runner.request_stop(why); }, log);
  // No power events in the foreground: they come through the SCM only.
  const auto network = watch_network(runner, log);
  return runner.run();
}

int run_service(const Options& opt) {
  int exit_code = kExitOk;
  DWORD error = 0;
  const bool ok = run_scm_dispatcher(
      [&](ScmSession& scm) {
        auto log = make_service_logger({.console = false});
        const auto events = event_log_events();
        secure_default_data_folder(*log, events);
        app::ServiceRunner runner(runner_options(opt, log, events), scm.reporter(), log);
        scm.set_stop_handler([&runner](const std::string& why) { runner.request_stop(why); });
        scm.set_host_event_handler([&runner](broker::HostEvent event) { runner.notify_host_event(event); });
        auto network = watch_network(runner, log);
        exit_code = runner.run();
        network.reset();
        scm.set_host_event_handler({});
        scm.set_stop_handler({});
      },
      error);
  if (ok) return exit_code;
  // Never guess "not a service" and carry on in the foreground: say what to do instead.
  std::cerr << "rasbrokerd: the Service Control Manager did not start this process (StartServiceCtrlDispatcher: "
            << win32_error_text(error) << ").\n"
            << "Run it as a service (sc start RasBroker) or in the foreground with --console.\n";
  return kExitNotUnderScm;
}

}  // namespace

int main() {
  Options opt;
  CLI::App app{"rasbrokerd: the RAS connection broker (Windows service \"RasBroker\")"};
  app.set_version_flag("--version", std::string("rasbrokerd ") + RASBROKER_VERSION);
  app.add_flag("--console", opt.console, "Run in the foreground (Ctrl-C stops) instead of under the SCM");
  app.add_option("--config", opt.config, "Configuration file (JSON); a missing file means defaults")
      ->capture_default_str();
  app.add_option("--log-level", opt.log_level, "trace|debug|info|warn|error|critical|off (overrides the config)");
  app.add_option("--stop-console", opt.stop_console_pid,
                 "Stop the `rasbrokerd --console` instance with this process id, gracefully, and exit");
  AdminVerbs verbs(app, opt.config);
  app.name("rasbrokerd");  // argv[0] is dropped below: name the program for --help
  // main's argv is in the ANSI code page; if even splitting fails (no memory), no options.
  auto args = utf8_argv(GetCommandLineW()).value_or(std::vector<std::string>{});
  if (!args.empty()) args.erase(args.begin());
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last-first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    const int printed = app.exit(e);  // prints help/version (0) or the error
    return printed == 0 ? kExitOk : kExitUsage;
  }

  if (verbs.chosen()) return verbs.run();
  if (opt.stop_console_pid != 0) {
    std::string why;
    if (!signal_console_stop(opt.stop_console_pid, why)) {
      std::cerr << "rasbrokerd: " << why << "\n";
      return kExitUsage;
    }
    std::cout << "stop requested for rasbrokerd --console (pid " << opt.stop_console_pid << ")\n";
    return kExitOk;
  }
  return opt.console ? run_console(opt) : run_service(opt);
}
