#include "host/windows/logging.hpp"

#include <filesystem>
#include <system_error>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {

namespace {

constexpr const char* kPattern = "%Y-%m-%dT%H:%M:%S.%e %-5l %v";

// `name` in log.dir (created if missing), rotated at log.max_size_mb, `rotated` older files kept.
std::string add_rotating_file(spdlog::logger& log, const config::LogConfig& cfg, const wchar_t* name,
                              std::size_t rotated) {
  const std::filesystem::path dir = cfg.dir.empty() ? std::filesystem::path(default_log_dir())
                                                    : std::filesystem::path(widen(cfg.dir));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create the log folder " + narrow(dir.wstring()) + ": " + ec.message());
  // spdlog takes narrow file names: fine for the ASCII paths under %ProgramData%.
  const std::string file = narrow((dir / name).wstring());
  auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
      file, static_cast<std::size_t>(cfg.max_size_mb) * 1024 * 1024, rotated);
  sink->set_pattern(kPattern);
  log.sinks().push_back(std::move(sink));
  return file;
}

}  // namespace

std::shared_ptr<spdlog::logger> make_service_logger(const EarlySinks& sinks) {
  auto log = std::make_shared<spdlog::logger>("rasbrokerd");
  if (sinks.console) {
    auto err = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    err->set_pattern(kPattern);
    log->sinks().push_back(std::move(err));
  }
  log->set_level(spdlog::level::info);
  log->flush_on(spdlog::level::info);  // a service's log must survive a crash or a kill
  return log;
}

std::string add_file_sink(spdlog::logger& log, const config::LogConfig& cfg) {
  return add_rotating_file(log, cfg, L"rasbroker.log", cfg.max_files);
}

std::shared_ptr<spdlog::logger> make_refusal_logger(const spdlog::logger& service_log) {
  auto refusals = std::make_shared<spdlog::logger>("rasbrokerd-refusals", service_log.sinks().begin(),
                                                   service_log.sinks().end());
  refusals->set_level(service_log.level());
  refusals->flush_on(spdlog::level::info);
  return refusals;
}

std::string add_refusal_file_sink(spdlog::logger& refusals, const config::LogConfig& cfg) {
  return add_rotating_file(refusals, cfg, L"refusals.log", 1);
}

}  // namespace rasbroker::winhost
