// The admin verbs' Win32 work (service/host/windows/admin_*.hpp) under Wine, against a
// real SCM service the test creates and the prefix's real registry: each does what it
// says, a second run changes nothing more, and the undo restores what was there before.
// The command line of the verbs runs in tests/e2e/windows_flow.sh.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app_test_support.hpp"
#include "config/service_config.hpp"
#include "host/windows/admin_config.hpp"
#include "host/windows/admin_path.hpp"
#include "host/windows/admin_service.hpp"
#include "host/windows/scm.hpp"
#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {
namespace {

using app::test::TempFolder;

// A stopped, demand-start service of this test's own, deleted at the end.
class TestService {
 public:
  TestService() : name_(L"RasBrokerAdminTest-" + std::to_wstring(GetCurrentProcessId())) {
    scm_.reset(OpenSCManagerW(nullptr, nullptr, SC_MANAGER_ALL_ACCESS));
    if (!scm_) throw Win32Error("OpenSCManager", GetLastError());
    service_.reset(CreateServiceW(scm_.get(), name_.c_str(), name_.c_str(), SERVICE_ALL_ACCESS,
                                  SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL,
                                  L"C:\\windows\\system32\\notepad.exe", nullptr, nullptr, nullptr, nullptr, nullptr));
    if (!service_) throw Win32Error("CreateService", GetLastError());
  }
  ~TestService() { DeleteService(service_.get()); }
  const std::wstring& name() const { return name_; }
  SC_HANDLE handle() const { return service_.get(); }
  std::wstring key() const { return L"SYSTEM\\CurrentControlSet\\Services\\" + name_; }

 private:
  std::wstring name_;
  ServiceHandle scm_;
  ServiceHandle service_;
};

// A registry value's type and bytes; type REG_NONE when there is no such value.
struct RegistryValue {
  DWORD type = REG_NONE;
  std::vector<BYTE> data;
  bool operator==(const RegistryValue&) const = default;
};

RegistryValue read_value(const std::wstring& key, const wchar_t* name) {
  RegistryValue value;
  DWORD size = 0;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, key.c_str(), name, RRF_RT_ANY | RRF_NOEXPAND, &value.type, nullptr, &size) !=
      ERROR_SUCCESS)
    return {};
  value.data.resize(size);
  EXPECT_EQ(RegGetValueW(HKEY_LOCAL_MACHINE, key.c_str(), name, RRF_RT_ANY | RRF_NOEXPAND, &value.type,
                         value.data.data(), &size),
            ERROR_SUCCESS);
  value.data.resize(size);
  return value;
}

std::wstring as_text(const RegistryValue& value) {
  std::wstring text(reinterpret_cast<const wchar_t*>(value.data.data()), value.data.size() / sizeof(wchar_t));
  while (!text.empty() && text.back() == L'\0') text.pop_back();
  return text;
}

// ---------------------------------------------------------------- recovery

// Wine 8 accepts SERVICE_CONFIG_FAILURE_ACTIONS and stores nothing: QueryServiceConfig2W
// answers ERROR_INVALID_LEVEL. Windows reads back what was set.
void expect_recovery(const std::wstring& service, const RecoveryPolicy& expected) {
  try {
    EXPECT_EQ(query_recovery_actions(service), expected);
  } catch (const Win32Error& e) {
    EXPECT_EQ(e.code(), static_cast<DWORD>(ERROR_INVALID_LEVEL)) << e.what();
  }
}

TEST(AdminRecovery, SetTwiceThenClearedLeavesTheServiceAsCreated) {
  TestService service;
  const RegistryValue before_key_actions = read_value(service.key(), L"FailureActions");
  expect_recovery(service.name(), {});
  set_recovery_actions(service.name(), kRecoveryPolicy);
  expect_recovery(service.name(), kRecoveryPolicy);
  set_recovery_actions(service.name(), kRecoveryPolicy);
  expect_recovery(service.name(), kRecoveryPolicy);
  clear_recovery_actions(service.name());
  expect_recovery(service.name(), {});
  EXPECT_EQ(read_value(service.key(), L"FailureActions"), before_key_actions);
}

TEST(AdminRecovery, ThePolicyIsDocumentedRestartsBackingOffWithADailyReset) {
  EXPECT_EQ(kRecoveryPolicy.restart_delays_ms, (std::vector<std::uint32_t>{5'000, 10'000, 60'000}));
  EXPECT_EQ(kRecoveryPolicy.reset_after_s, 86'400u);
}

TEST(AdminRecovery, AMissingServiceIsAnErrorNamingIt) {
  try {
    set_recovery_actions(L"RasBrokerNoSuchService", kRecoveryPolicy);
    FAIL() << "no error";
  } catch (const Win32Error& e) {
    EXPECT_EQ(e.code(), static_cast<DWORD>(ERROR_SERVICE_DOES_NOT_EXIST));
    EXPECT_NE(std::string(e.what()).find("RasBrokerNoSuchService"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------- service settings

TEST(AdminServiceSettings, NameDescriptionDependencyAndPreshutdownAreSetAndStaySo) {
  TestService service;
  for (int run = 0; run < 2; ++run) {
    SCOPED_TRACE(run);
    configure_service(service.name(), 35'000);
    EXPECT_EQ(as_text(read_value(service.key(), L"DisplayName")), kServiceDisplayName);
    EXPECT_EQ(as_text(read_value(service.key(), L"Description")), kServiceDescription);
    const RegistryValue depends = read_value(service.key(), L"DependOnService");
    EXPECT_EQ(depends.type, static_cast<DWORD>(REG_MULTI_SZ));
    EXPECT_EQ(as_text(depends), L"RasMan");
    const RegistryValue preshutdown = read_value(service.key(), L"PreshutdownTimeout");
    ASSERT_EQ(preshutdown.data.size(), sizeof(DWORD));
    EXPECT_EQ(*reinterpret_cast<const DWORD*>(preshutdown.data.data()), 35'000u);
  }
  // The SCM's own view agrees.
  DWORD needed = 0;
  QueryServiceConfigW(service.handle(), nullptr, 0, &needed);
  std::vector<BYTE> buffer(needed);
  ASSERT_TRUE(QueryServiceConfigW(service.handle(), reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data()), needed,
                                  &needed));
  EXPECT_STREQ(reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data())->lpDisplayName, kServiceDisplayName);
}

// ---------------------------------------------------------------- machine PATH

const std::wstring kEnvironment = kEnvironmentKey;

// Puts the machine Path back as it was, whatever a test did to it.
class MachinePathTest : public ::testing::Test {
 protected:
  void SetUp() override { before_ = read_value(kEnvironment, L"Path"); }
  void TearDown() override {
    if (read_value(kEnvironment, L"Path") == before_) return;
    RegistryKey key;
    ASSERT_EQ(RegOpenKeyExW(HKEY_LOCAL_MACHINE, kEnvironmentKey, 0, KEY_SET_VALUE, key.out()), ERROR_SUCCESS);
    RegSetValueExW(key.get(), L"Path", 0, before_.type, before_.data.data(), static_cast<DWORD>(before_.data.size()));
  }
  RegistryValue before_;
  const std::wstring folder_ = L"C:\\RasBroker Admin Test " + std::to_wstring(GetCurrentProcessId());
};

TEST_F(MachinePathTest, AddAppendsOnceAsExpandableAndRemoveRestoresTheValue) {
  ASSERT_EQ(before_.type, static_cast<DWORD>(REG_EXPAND_SZ)) << "Wine's prefix keeps Path expandable";
  const std::wstring original = as_text(before_);
  ASSERT_EQ(read_machine_path(), original);

  EXPECT_TRUE(add_to_machine_path(folder_));
  const RegistryValue added = read_value(kEnvironment, L"Path");
  EXPECT_EQ(added.type, static_cast<DWORD>(REG_EXPAND_SZ));
  EXPECT_EQ(as_text(added), original + L";" + folder_);

  EXPECT_FALSE(add_to_machine_path(folder_));
  EXPECT_FALSE(add_to_machine_path(L"c:\\rasbroker admin test " + std::to_wstring(GetCurrentProcessId()) + L"\\"));
  EXPECT_EQ(read_value(kEnvironment, L"Path"), added);

  EXPECT_TRUE(remove_from_machine_path(folder_));
  EXPECT_EQ(read_value(kEnvironment, L"Path"), before_);
  EXPECT_FALSE(remove_from_machine_path(folder_));
  EXPECT_EQ(read_value(kEnvironment, L"Path"), before_);
}

TEST_F(MachinePathTest, RemoveTakesOnlyOurEntryWhateverItsSpelling) {
  RegistryKey key;
  ASSERT_EQ(RegOpenKeyExW(HKEY_LOCAL_MACHINE, kEnvironmentKey, 0, KEY_SET_VALUE, key.out()), ERROR_SUCCESS);
  const std::wstring others = L"%SystemRoot%\\system32;;C:\\Tools\\";
  const std::wstring value = L"\"" + folder_ + L"\\\";" + others;
  ASSERT_EQ(RegSetValueExW(key.get(), L"Path", 0, REG_EXPAND_SZ, reinterpret_cast<const BYTE*>(value.c_str()),
                           static_cast<DWORD>((value.size() + 1) * sizeof(wchar_t))),
            ERROR_SUCCESS);
  EXPECT_TRUE(remove_from_machine_path(folder_));
  EXPECT_EQ(read_machine_path(), others);
}

TEST_F(MachinePathTest, AFolderThatCannotBeAnEntryChangesNothing) {
  EXPECT_THROW(add_to_machine_path(L"relative\\folder"), std::invalid_argument);
  EXPECT_THROW(add_to_machine_path(L"C:\\a;b"), std::invalid_argument);
  EXPECT_EQ(read_value(kEnvironment, L"Path"), before_);
}

TEST(AdminPath, OwnFolderIsTheFolderOfTheRunningExe) {
  wchar_t exe[MAX_PATH];
  const DWORD n = GetModuleFileNameW(nullptr, exe, MAX_PATH);
  ASSERT_GT(n, 0u);
  EXPECT_EQ(own_folder() + L"\\", std::wstring(exe, n).substr(0, std::wstring(exe, n).find_last_of(L'\\') + 1));
}

// ---------------------------------------------------------------- set-config

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class AdminConfigTest : public ::testing::Test {
 protected:
  TempFolder dir_{"admin-config"};
  std::filesystem::path file_ = dir_.path() / "config.json";
  std::string path_ = file_.string();
  bool no_temporary_left() const { return !std::filesystem::exists(path_ + ".new"); }
};

TEST_F(AdminConfigTest, WritesTheGivenKeysOnceAndKeepsAnAdministratorsEdits) {
  const config::InstallSettings settings{.allowed_groups = "Users", .pipe_name = "rb-admin", .on_stop = "leave"};
  EXPECT_TRUE(write_install_settings(path_, settings));
  auto cfg = config::load_service_config(path_, false);
  EXPECT_EQ(cfg.allowed_groups, std::vector<std::string>{"Users"});
  EXPECT_EQ(cfg.pipe_name, "rb-admin");
  EXPECT_EQ(cfg.broker.on_stop, broker::OnStop::leave);

  const std::string first = read_text(file_);
  EXPECT_FALSE(write_install_settings(path_, settings));
  EXPECT_EQ(read_text(file_), first);

  // An administrator's edit survives an upgrade that passes the properties again.
  dir_.write("config.json", R"({"max_clients": 9, "pipe_name": "rb-admin", "on_stop": "hangup"})");
  EXPECT_TRUE(write_install_settings(path_, {.on_stop = "leave"}));
  cfg = config::load_service_config(path_, false);
  EXPECT_EQ(cfg.max_clients, 9u);
  EXPECT_EQ(cfg.pipe_name, "rb-admin");
  EXPECT_EQ(cfg.broker.on_stop, broker::OnStop::leave);
  EXPECT_TRUE(no_temporary_left());
}

TEST_F(AdminConfigTest, ABadValueOrAnUnknownGroupFailsAndChangesNothing) {
  const std::string admin = R"({"max_clients": 9})";
  dir_.write("config.json", admin);
  EXPECT_THROW(write_install_settings(path_, {.on_stop = "sometimes"}), config::ConfigError);
  EXPECT_THROW(write_install_settings(path_, {.pipe_name = "a\\b"}), config::ConfigError);
  try {
    write_install_settings(path_, {.allowed_groups = "Users;No Such Group 5c2a", .pipe_name = "rb"});
    FAIL() << "an unknown group was accepted";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("No Such Group 5c2a"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_text(file_), admin);
  EXPECT_TRUE(no_temporary_left());
}

TEST_F(AdminConfigTest, NoFileAndNothingGivenWritesNothing) {
  EXPECT_FALSE(write_install_settings(path_, {.allowed_groups = "", .pipe_name = "", .on_stop = ""}));
  EXPECT_FALSE(std::filesystem::exists(file_));
}

TEST_F(AdminConfigTest, AFolderInPlaceOfTheFileIsRefused) {
  std::filesystem::create_directory(file_);
  EXPECT_THROW(write_install_settings(path_, {.pipe_name = "rb"}), config::ConfigError);
}

}  // namespace
}  // namespace rasbroker::winhost
