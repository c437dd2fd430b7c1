// Fixture of the Windows RAS tests (see sim_dll_fixture.hpp).
#include "sim_dll_fixture.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "win32/utf16.hpp"

namespace rasbroker::ras::test {

std::string read_text(const std::wstring& path) {
  std::ifstream in(std::filesystem::path(path), std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const std::wstring& path, const std::string& text) {
  std::ofstream out(std::filesystem::path(path), std::ios::binary | std::ios::trunc);
  out << text;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

std::uint32_t reap_handle(Win32Ras& ras, Handle h) {
  std::uint32_t rc = 0;
  wait_until([&] {
    ConnectStatus st;
    rc = ras.get_connect_status(h, st);
    return rc != 0;
  });
  return rc;
}

bool run_until(boost::asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    if (io.run_for(2ms) == 0) std::this_thread::sleep_for(2ms);  // nothing to wait for
  }
  return true;
}

void SimDll::SetUp() {
  // The test-only exports prove that the rasapi32.dll in this process is the simulator,
  // not Wine's stubs (loaded only with WINEDLLOVERRIDES=rasapi32=n,b).
  const HMODULE ras = LoadLibraryW(L"rasapi32.dll");
  ASSERT_NE(ras, nullptr);
  reset_ = reinterpret_cast<ResetFn>(reinterpret_cast<void*>(GetProcAddress(ras, "RasSimResetW")));
  leak_report_ = reinterpret_cast<LeakReportFn>(reinterpret_cast<void*>(GetProcAddress(ras, "RasSimLeakReportW")));
  ASSERT_TRUE(reset_ != nullptr && leak_report_ != nullptr)
      << "rasapi32.dll is not the simulator: run with WINEDLLOVERRIDES=rasapi32=n,b and the built "
         "rasapi32.dll beside the test";

  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::wstring temp(MAX_PATH + 1, L'\0');
  temp.resize(GetTempPathW(static_cast<DWORD>(temp.size()), temp.data()));
  const std::string name = std::string(info->test_suite_name()) + "." + info->name() + "." +
                           std::to_string(GetCurrentProcessId());
  dir_ = temp + L"rasbroker-win32-tests\\" + std::wstring(name.begin(), name.end());
  std::filesystem::remove_all(std::filesystem::path(dir_));
  std::filesystem::create_directories(std::filesystem::path(dir_));
  scenario_path_ = dir_ + L"\\scenario.json";
  state_path_ = dir_ + L"\\state.json";
}

void SimDll::TearDown() {
  if (reset_ != nullptr) {
    // Stops the engine (its thread joined, its last state written) before the folder
    // goes away; with no scenario every call then fails with ERROR_DLL_INIT_FAILED.
    reset_(L"", L"");
  }
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(std::filesystem::path(dir_), ignored);
}

void SimDll::start(const char* scenario_json) {
  write_text(scenario_path_, scenario_json);
  DeleteFileW(state_path_.c_str());
  ASSERT_EQ(reset_(scenario_path_.c_str(), state_path_.c_str()), 0u);
}

void SimDll::restart() { ASSERT_EQ(reset_(scenario_path_.c_str(), state_path_.c_str()), 0u); }

nlohmann::json SimDll::state_file() const {
  const auto text = read_text(state_path_);
  return text.empty() ? nlohmann::json() : nlohmann::json::parse(text);
}

nlohmann::json SimDll::leak_report() const {
  DWORD chars = 0;
  EXPECT_EQ(leak_report_(nullptr, &chars), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  std::wstring text(chars, L'\0');
  EXPECT_EQ(leak_report_(text.data(), &chars), 0u);
  text.resize(chars > 0 ? chars - 1 : 0);
  return nlohmann::json::parse(narrow(text));
}

}  // namespace rasbroker::ras::test
