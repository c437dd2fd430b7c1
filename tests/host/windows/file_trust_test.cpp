// The Windows host's phonebook trust check (host/windows/file_trust.hpp). Judging is
// tested on security descriptors built from SDDL; reading on real files under Wine,
// which makes file descriptors up from Unix mode bits: a DACL granting Everyone write
// becomes mode o+w and reads back as an Everyone write ACE, while the owner always reads
// back as the Wine user (so no real file passes here; docs/security.md).
#include <gtest/gtest.h>

#include <windows.h>
#include <sddl.h>

#include <filesystem>

#include "app_test_support.hpp"
#include "host/windows/file_trust.hpp"
#include "host/windows/win32_util.hpp"
#include "test_support.hpp"

using namespace rasbroker;
using namespace rasbroker::winhost;
using rasbroker::app::test::TempFolder;
using rasbroker::winhost::test::set_path_dacl;

namespace {

// The judgement of a descriptor written as SDDL.
std::optional<std::string> judge(const std::string& sddl, PathPart part = PathPart::file) {
  LocalPtr<void> sd;
  const std::wstring wide = widen(sddl);
  EXPECT_TRUE(ConvertStringSecurityDescriptorToSecurityDescriptorW(wide.c_str(), SDDL_REVISION_1, sd.out(), nullptr))
      << sddl << ": " << win32_error_text(GetLastError());
  if (!sd) return "no descriptor";
  return judge_descriptor(sd.get(), part);
}

constexpr const char* kAdminOnly = "O:BAG:SYD:P(A;;FA;;;BA)(A;;FA;;;SY)";
// FILE_GENERIC_READ | FILE_GENERIC_EXECUTE: read, no write.
constexpr const char* kUsersRead = "(A;;0x1200a9;;;BU)";

TEST(JudgeDescriptor, AdministratorsSystemAndTrustedInstallerMayWrite) {
  EXPECT_EQ(judge(std::string(kAdminOnly) + kUsersRead), std::nullopt);
  EXPECT_EQ(judge("O:SYG:SYD:P(A;;FA;;;SY)(A;;FA;;;BA)" + std::string(kUsersRead)), std::nullopt);
  const std::string ti = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";
  EXPECT_EQ(judge("O:" + ti + "G:SYD:P(A;;FA;;;" + ti + ")(A;;0x1200a9;;;SY)(A;;0x1200a9;;;BA)"), std::nullopt);
}

TEST(JudgeDescriptor, AnyoneElseWhoMayWriteIsNamed) {
  // 0x12019f: FILE_GENERIC_READ | FILE_GENERIC_WRITE.
  EXPECT_EQ(judge(std::string(kAdminOnly) + "(A;;0x12019f;;;BU)"), "is writable by BUILTIN\\Users");
  EXPECT_EQ(judge(std::string(kAdminOnly) + "(A;;FA;;;WD)(A;;GA;;;BU)"), "is writable by Everyone, BUILTIN\\Users");
  // Each right that lets someone change what RAS reads, or who may: write, append, delete,
  // change the DACL or the owner, GENERIC_WRITE, GENERIC_ALL.
  for (const char* right : {"0x2", "0x4", "SD", "WD", "WO", "GW", "GA"})
    EXPECT_EQ(judge(std::string(kAdminOnly) + "(A;;" + right + ";;;AU)"),
              "is writable by NT AUTHORITY\\Authenticated Users")
        << right;
}

TEST(JudgeDescriptor, TheOwnerMustBeTrustedToo) {
  EXPECT_EQ(judge("O:BUG:SYD:P(A;;FA;;;BA)(A;;FA;;;SY)"), "is owned by BUILTIN\\Users");
  EXPECT_EQ(judge("O:BUG:SYD:P(A;;FA;;;BA)(A;;FA;;;BU)"),
            "is writable by BUILTIN\\Users and is owned by BUILTIN\\Users");
}

TEST(JudgeDescriptor, WhatGrantsNoOneWriteAccessIsIgnored) {
  // Attributes and extended attributes (0x110) change neither content nor permissions.
  EXPECT_EQ(judge(std::string(kAdminOnly) + "(A;;0x120119;;;BU)"), std::nullopt);
  // CREATOR OWNER is a placeholder no token holds; OWNER RIGHTS is the (trusted) owner.
  EXPECT_EQ(judge(std::string(kAdminOnly) + "(A;;FA;;;CO)(A;;FA;;;S-1-3-4)"), std::nullopt);
  // Inherit-only: for what a folder will hold, not for the folder.
  EXPECT_EQ(judge(std::string(kAdminOnly) + "(A;OICIIO;FA;;;BU)", PathPart::folder), std::nullopt);
  // A deny ACE is no grant.
  EXPECT_EQ(judge(std::string(kAdminOnly) + "(D;;FA;;;BU)"), std::nullopt);
}

// A NULL DACL (or none at all) grants everyone everything.
TEST(JudgeDescriptor, NoDaclMeansEveryoneMayWrite) {
  EXPECT_EQ(judge("O:BAG:SY"), "has no DACL (everyone has full control)");
  SECURITY_DESCRIPTOR sd{};
  ASSERT_TRUE(InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION));
  ASSERT_TRUE(SetSecurityDescriptorDacl(&sd, TRUE, nullptr, FALSE));
  EXPECT_EQ(judge_descriptor(&sd, PathPart::file), "has no owner and has no DACL (everyone has full control)");
}

// C:\ProgramData lets Users add files and folders (WD = FILE_ADD_FILE, AD, WEA, WA, for
// this folder and subfolders): wrong for a phonebook's own folder, harmless further up.
// Deleting what a folder holds (FILE_DELETE_CHILD, 0x40) counts everywhere.
TEST(JudgeDescriptor, FoldersAreJudgedForWhatTheyLetOthersDoToTheFileBelow) {
  const std::string program_data = std::string(kAdminOnly) + "(A;CI;0x116;;;BU)";
  EXPECT_EQ(judge(program_data, PathPart::folder), "is writable by BUILTIN\\Users");
  EXPECT_EQ(judge(program_data, PathPart::above), std::nullopt);
  const std::string delete_child = std::string(kAdminOnly) + "(A;;0x40;;;BU)";
  EXPECT_EQ(judge(delete_child, PathPart::folder), "is writable by BUILTIN\\Users");
  EXPECT_EQ(judge(delete_child, PathPart::above), "is writable by BUILTIN\\Users");
  // Adding a subfolder (AD) changes nothing on the file's path.
  EXPECT_EQ(judge(std::string(kAdminOnly) + "(A;;0x4;;;BU)", PathPart::folder), std::nullopt);
}

class WindowsFileTrustTest : public ::testing::Test {
 protected:
  TempFolder dir_{"trust"};
  std::string file_ = dir_.write("vpn.pbk", "[Lab]\r\n");
};

TEST_F(WindowsFileTrustTest, AFileEveryoneMayWriteIsRefusedAndSaysSo) {
  set_path_dacl(widen(file_), "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;WD)");
  const auto why = windows_file_trust(file_);
  ASSERT_TRUE(why);
  EXPECT_EQ(why->rfind(narrow(std::filesystem::path(file_).wstring()) + " is writable by ", 0), 0u) << *why;
  EXPECT_NE(why->find("Everyone"), std::string::npos) << *why;
}

TEST_F(WindowsFileTrustTest, AFileOnlyReadByEveryoneIsNotWritableByEveryone) {
  set_path_dacl(widen(file_), "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;WD)");
  const auto why = windows_file_trust(file_);
  // Under Wine the owner is the Wine user, never Administrators: refused for that alone.
  // What matters here is that the mode bits were read: Everyone may not write.
  if (why) {
    EXPECT_EQ(why->find("Everyone"), std::string::npos) << *why;
  }
}

TEST_F(WindowsFileTrustTest, PathsThatCannotBeJudgedAreRefused) {
  const std::string missing = narrow((dir_.path() / L"missing.pbk").wstring());
  auto why = windows_file_trust(missing);
  ASSERT_TRUE(why);
  EXPECT_EQ(why->rfind(missing + " cannot be checked: ", 0), 0u) << *why;
  for (const char* path : {"vpn.pbk", "C:vpn.pbk", "\\pbk\\vpn.pbk", "\\\\server\\share\\vpn.pbk"}) {
    why = windows_file_trust(path);
    ASSERT_TRUE(why) << path;
    EXPECT_EQ(*why, std::string(path) + " is not a full local path like C:\\Phonebooks\\vpn.pbk (network shares and "
                                        "relative paths are not dialled from)");
  }
}

}  // namespace
