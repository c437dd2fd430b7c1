// %ProgramData%\RasBroker's protection (service/host/windows/data_folder.hpp).
// Wine 8 neither enforces nor keeps a folder's DACL: it answers GetNamedSecurityInfo
// from the Unix mode bits (seen: "D:(A;OICI;FA;;;SY)(A;OICI;FA;;;<user>)(A;OICI;0x1200a9;;;WD)"
// whatever was set). So these tests check the policy itself and that every call the
// service makes succeeds; reading the result back needs real Windows.
#include <gtest/gtest.h>

#include <windows.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "host/windows/data_folder.hpp"
#include "host/windows/pipe_security.hpp"
#include "win32/utf16.hpp"
#include "test_support.hpp"

namespace rasbroker::winhost {
namespace {

namespace fs = std::filesystem;

class DataFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    wchar_t tmp[MAX_PATH];
    GetTempPathW(MAX_PATH, tmp);
    dir_ = fs::path(tmp) / widen(test::unique_pipe_name("data"));
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  fs::path dir_;
};

TEST(DataFolderPolicy, AdministratorsAndSystemOnlyUsersRead) {
  const std::string canonical = canonical_dacl_sddl(kDataFolderSddl);
  EXPECT_EQ(canonical.rfind("D:P", 0), 0u) << "protected: nothing inherited from ProgramData";
  EXPECT_NE(canonical.find("(A;OICI;FA;;;SY)"), std::string::npos) << canonical;
  EXPECT_NE(canonical.find("(A;OICI;FA;;;BA)"), std::string::npos) << canonical;
  EXPECT_NE(canonical.find("(A;OICI;0x1200a9;;;BU)"), std::string::npos) << canonical;  // read and execute
  // No one else: three entries, every one inheritable by files and subfolders (logs\).
  std::size_t aces = 0;
  for (auto at = canonical.find("(A;OICI;"); at != std::string::npos; at = canonical.find("(A;OICI;", at + 1)) ++aces;
  EXPECT_EQ(aces, 3u) << canonical;
  EXPECT_EQ(std::count(canonical.begin(), canonical.end(), '('), 3) << canonical;
}

TEST_F(DataFolder, ANewFolderIsCreated) {
  ASSERT_EQ(secure_data_folder(dir_.wstring()), "");
  EXPECT_TRUE(fs::is_directory(dir_));
  EXPECT_FALSE(read_path_dacl_sddl(dir_.wstring()).empty());
}

TEST_F(DataFolder, AnExistingFolderIsRestrictedWithoutError) {
  // As if a user had created it first, with whatever ProgramData lets them inherit.
  ASSERT_TRUE(fs::create_directories(dir_));
  fs::create_directories(dir_ / L"logs");
  EXPECT_EQ(secure_data_folder(dir_.wstring()), "");
  EXPECT_TRUE(fs::is_directory(dir_ / L"logs"));
}

TEST_F(DataFolder, FailureIsReportedNotThrown) {
  const std::wstring impossible = (dir_ / L"missing-parent" / L"RasBroker").wstring();
  const std::string why = secure_data_folder(impossible);
  EXPECT_NE(why.find("cannot create"), std::string::npos) << why;
}

}  // namespace
}  // namespace rasbroker::winhost
