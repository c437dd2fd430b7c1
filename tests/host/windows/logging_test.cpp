// The Windows service's log files (host/windows/logging.hpp): refusals have a rotating file
// of their own, so that a flood of them never rotates the audit (rasbroker.log) away.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "app_test_support.hpp"
#include "host/windows/logging.hpp"
#include "host/windows/win32_util.hpp"

using namespace rasbroker;
using namespace rasbroker::winhost;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST(ServiceLogFiles, AFloodOfRefusalsRotatesOnlyTheRefusalsFile) {
  app::test::TempFolder dir("logfiles");
  config::LogConfig cfg;
  cfg.dir = narrow(dir.path().wstring());
  cfg.max_size_mb = 1;
  cfg.max_files = 1;
  {
    auto log = make_service_logger({});
    auto refusals = make_refusal_logger(*log);
    EXPECT_EQ(add_file_sink(*log, cfg), narrow((dir.path() / L"rasbroker.log").wstring()));
    EXPECT_EQ(add_refusal_file_sink(*refusals, cfg), narrow((dir.path() / L"refusals.log").wstring()));
    log->info("request \"dial\" from pid 100 user 'CORP\\alice': {\"entry\":\"Office VPN\"} -> ok");
    // Three times the size cap: rotated, and rotated again.
    const std::string padding(500, 'x');
    for (int i = 0; i < 6'000; ++i) refusals->info("refused from pid 666 user 'CORP\\mallory': error -32700: {}", padding);
  }  // the files are closed
  const std::string audit = read_file(dir.path() / L"rasbroker.log");
  EXPECT_NE(audit.find("request \"dial\" from pid 100 user 'CORP\\alice'"), std::string::npos) << audit;
  EXPECT_EQ(audit.find("mallory"), std::string::npos) << "refusals are not in the audit";
  EXPECT_FALSE(fs::exists(dir.path() / L"rasbroker.1.log")) << "the audit was rotated by refusals";
  EXPECT_TRUE(fs::exists(dir.path() / L"refusals.log"));
  EXPECT_TRUE(fs::exists(dir.path() / L"refusals.1.log"));
  EXPECT_FALSE(fs::exists(dir.path() / L"refusals.2.log")) << "one rotated refusals file is kept";
  EXPECT_LE(fs::file_size(dir.path() / L"refusals.log") + fs::file_size(dir.path() / L"refusals.1.log"),
            2u * 1024 * 1024);
}

TEST(ServiceLogFiles, TheRefusalLoggerWritesWhereTheServiceLogsAtItsLevel) {
  auto log = make_service_logger({.console = true});
  log->set_level(spdlog::level::warn);
  const auto refusals = make_refusal_logger(*log);
  EXPECT_EQ(refusals->sinks(), log->sinks()) << "the console, in --console mode";
  EXPECT_EQ(refusals->level(), spdlog::level::warn);
}
