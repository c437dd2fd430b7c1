#pragma once
// Fixture of the Windows RAS tests: the simulated rasapi32.dll (beside the test, loaded
// through WINEDLLOVERRIDES=rasapi32=n,b) gets a fresh scenario and state file per test.
#include <gtest/gtest.h>

#include <windows.h>

#include <chrono>
#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "ras/win32/win32_ras.hpp"

namespace rasbroker::ras::test {

using namespace std::chrono_literals;

class SimDll : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Writes `scenario_json` to this test's folder and restarts the simulated RAS with it
  // and a fresh state file.
  void start(const char* scenario_json);
  // Like a process restart: a new engine with the same scenario, restoring the state file.
  void restart();
  // The state file as JSON (null when it does not exist).
  nlohmann::json state_file() const;
  // RasSimLeakReportW: {"leaks": [...], "clean": bool}.
  nlohmann::json leak_report() const;

  const std::wstring& dir() const { return dir_; }
  const std::wstring& scenario_path() const { return scenario_path_; }
  const std::wstring& state_path() const { return state_path_; }

  using ResetFn = DWORD(WINAPI*)(LPCWSTR, LPCWSTR);
  using LeakReportFn = DWORD(WINAPI*)(LPWSTR, LPDWORD);
  ResetFn reset_ = nullptr;
  LeakReportFn leak_report_ = nullptr;
  // The executor a Win32Ras delivers connection notifications on (the broker's, in the
  // service); run it with run_until().
  boost::asio::io_context io_;

 private:
  std::wstring dir_;
  std::wstring scenario_path_;
  std::wstring state_path_;
};

// Polls `done` every few milliseconds until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s);
// Polls `ras`'s status of `h` like the broker's reaper until RAS lets go of the handle;
// returns that last answer (6 once the teardown is complete).
std::uint32_t reap_handle(Win32Ras& ras, Handle h);
// The same, running `io` on this thread meanwhile.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds timeout = 10s);

std::string read_text(const std::wstring& path);
void write_text(const std::wstring& path, const std::string& text);

}  // namespace rasbroker::ras::test
