// The Linux dev host's phonebook trust check (host/linux/file_trust.hpp) on real files
// and folders, their modes set with chmod.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "host/linux/file_trust.hpp"

using rasbroker::host::posix_file_trust;
namespace fs = std::filesystem;

namespace {

class PosixFileTrustTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "rasbroker-trust-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
    // The folders above the test's must pass, or no test here means anything.
    ASSERT_EQ(check(dir_), std::nullopt) << "the temporary folder's own path is not trusted";
    file_ = dir_ + "/vpn.pbk";
    std::ofstream(file_) << "[Lab]\n";
    ASSERT_EQ(chmod(file_.c_str(), 0644), 0);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  static std::optional<std::string> check(const std::string& path) { return posix_file_trust(path, geteuid()); }

  std::string dir_, file_;
};

TEST_F(PosixFileTrustTest, AFileOnlyItsOwnerCanWriteInAFolderOnlyItsOwnerCanWriteIsTrusted) {
  EXPECT_EQ(check(file_), std::nullopt);
  ASSERT_EQ(chmod(file_.c_str(), 0600), 0);
  EXPECT_EQ(check(file_), std::nullopt);
}

TEST_F(PosixFileTrustTest, AFileOthersCanWriteIsRefused) {
  ASSERT_EQ(chmod(file_.c_str(), 0646), 0);
  EXPECT_EQ(check(file_), file_ + " is writable by everyone");
  ASSERT_EQ(chmod(file_.c_str(), 0664), 0);
  auto why = check(file_);
  ASSERT_TRUE(why);
  EXPECT_EQ(why->rfind(file_ + " is writable by group ", 0), 0u) << *why;
  ASSERT_EQ(chmod(file_.c_str(), 0666), 0);
  why = check(file_);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find(", everyone"), std::string::npos) << *why;
}

TEST_F(PosixFileTrustTest, AFolderOthersCanWriteIsRefusedUnlessSticky) {
  ASSERT_EQ(chmod(dir_.c_str(), 0757), 0);
  EXPECT_EQ(check(file_), file_ + ": the folder " + dir_ + " is writable by everyone");
  ASSERT_EQ(chmod(dir_.c_str(), 0777), 0);
  auto why = check(file_);
  ASSERT_TRUE(why);
  EXPECT_EQ(why->rfind(file_ + ": the folder " + dir_ + " is writable by group ", 0), 0u) << *why;
  // Sticky: others may add files but not delete or rename ours.
  ASSERT_EQ(chmod(dir_.c_str(), 01777), 0);
  EXPECT_EQ(check(file_), std::nullopt);
}

TEST_F(PosixFileTrustTest, EveryFolderUpToTheRootIsChecked) {
  const std::string sub = dir_ + "/pbk";
  ASSERT_EQ(mkdir(sub.c_str(), 0755), 0);
  const std::string file = sub + "/lab.pbk";
  std::ofstream(file) << "[Lab]\n";
  ASSERT_EQ(chmod(file.c_str(), 0644), 0);
  EXPECT_EQ(check(file), std::nullopt);
  // A folder above the file's own lets anyone rename that folder and put theirs there.
  ASSERT_EQ(chmod(dir_.c_str(), 0757), 0);
  EXPECT_EQ(check(file), file + ": the folder " + dir_ + " is writable by everyone");
}

TEST_F(PosixFileTrustTest, AFileOwnedBySomeoneElseIsRefused) {
  if (geteuid() == 0) {
    // As root: give the file away.
    ASSERT_EQ(chown(file_.c_str(), 65534, static_cast<gid_t>(-1)), 0);
    auto why = check(file_);
    ASSERT_TRUE(why);
    EXPECT_EQ(why->rfind(file_ + " is owned by ", 0), 0u) << *why;
  } else {
    // As anyone else: the file is ours, so a service running as another account refuses it.
    auto why = posix_file_trust(file_, geteuid() + 1);
    ASSERT_TRUE(why);
    EXPECT_EQ(why->rfind(file_ + " is owned by ", 0), 0u) << *why;
  }
}

TEST_F(PosixFileTrustTest, ALinkAMissingFileAndARelativePathAreRefused) {
  const std::string link = dir_ + "/link.pbk";
  ASSERT_EQ(symlink(file_.c_str(), link.c_str()), 0);
  EXPECT_EQ(check(link), link + " is a symbolic link (name the file it points to instead)");
  EXPECT_EQ(check(dir_ + "/missing.pbk"), dir_ + "/missing.pbk cannot be checked: No such file or directory");
  EXPECT_EQ(check("vpn.pbk"), "vpn.pbk is not an absolute path");
}

}  // namespace
