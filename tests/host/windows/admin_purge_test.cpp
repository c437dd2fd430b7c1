// rasbrokerd.exe purge-data's work (service/host/windows/admin_purge.hpp) under Wine: the
// data folder goes with everything in it, a second run finds nothing, and nothing but a
// real folder named RasBroker is ever touched. The verb itself runs in the MSI test
// (tests/installer: uninstall with PURGE=1).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app_test_support.hpp"
#include "host/windows/admin_purge.hpp"
#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {
namespace {

using app::test::TempFolder;
namespace fs = std::filesystem;

class PurgeTest : public ::testing::Test {
 protected:
  TempFolder dir_{"purge"};
  // A data folder as the service leaves it: config.json, logs\ with a rotated log.
  fs::path make_data_folder(const std::wstring& name) const {
    const fs::path data = dir_.path() / name;
    fs::create_directories(data / "logs");
    std::ofstream(data / "config.json") << R"({"max_clients": 9})";
    std::ofstream(data / "logs" / "rasbroker.log") << "log\n";
    std::ofstream(data / "logs" / "rasbroker.1.log") << "older log\n";
    return data;
  }
};

TEST_F(PurgeTest, RemovesTheFolderWithEverythingInItThenFindsNothing) {
  const fs::path data = make_data_folder(L"RasBroker");
  // An administrator's read-only copy does not stop it.
  std::ofstream(data / "config.json.orig") << "{}";
  ASSERT_TRUE(SetFileAttributesW((data / "config.json.orig").c_str(), FILE_ATTRIBUTE_READONLY));
  EXPECT_TRUE(purge_data_folder(data.wstring()));
  EXPECT_FALSE(fs::exists(data));
  EXPECT_TRUE(fs::exists(dir_.path())) << "only the data folder goes, not its parent";
  EXPECT_FALSE(purge_data_folder(data.wstring()));
}

TEST_F(PurgeTest, TheNameIsMatchedWithoutRegardToCase) {
  const fs::path data = make_data_folder(L"rasbroker");
  EXPECT_TRUE(purge_data_folder(data.wstring()));
  EXPECT_FALSE(fs::exists(data));
}

TEST_F(PurgeTest, AnyOtherFolderOrARelativePathOrAFileIsRefusedAndKept) {
  const fs::path other = make_data_folder(L"RasBrokerOld");
  EXPECT_THROW(purge_data_folder(other.wstring()), std::invalid_argument);
  EXPECT_THROW(purge_data_folder(dir_.path().wstring()), std::invalid_argument);
  EXPECT_THROW(purge_data_folder(L"RasBroker"), std::invalid_argument);
  EXPECT_THROW(purge_data_folder(L"..\\RasBroker"), std::invalid_argument);
  EXPECT_TRUE(fs::exists(other / "logs" / "rasbroker.log"));

  const fs::path file = dir_.path() / "sub" / "RasBroker";
  fs::create_directories(file.parent_path());
  std::ofstream(file) << "not a folder";
  EXPECT_THROW(purge_data_folder(file.wstring()), std::invalid_argument);
  EXPECT_TRUE(fs::exists(file));
}

// Links are never followed: one inside the folder goes as a link, its target stays; a
// link in place of the folder is refused on Windows (FILE_ATTRIBUTE_REPARSE_POINT). Wine 8
// makes a Unix symbolic link to the Windows path, which resolves to nothing: there the
// linked folder is "not there". Either way its target is left alone.
TEST_F(PurgeTest, LinksAreRemovedAsLinksAndALinkedDataFolderIsRefused) {
  const fs::path elsewhere = make_data_folder(L"Elsewhere");
  const fs::path data = make_data_folder(L"RasBroker");
  ASSERT_TRUE(CreateSymbolicLinkW((data / "logs-link").c_str(), elsewhere.c_str(), SYMBOLIC_LINK_FLAG_DIRECTORY))
      << GetLastError();
  EXPECT_TRUE(purge_data_folder(data.wstring()));
  EXPECT_FALSE(fs::exists(data));
  EXPECT_TRUE(fs::exists(elsewhere / "logs" / "rasbroker.log"));

  const fs::path linked = dir_.path() / "linked" / "RasBroker";
  fs::create_directories(linked.parent_path());
  ASSERT_TRUE(CreateSymbolicLinkW(linked.c_str(), elsewhere.c_str(), SYMBOLIC_LINK_FLAG_DIRECTORY)) << GetLastError();
  try {
    EXPECT_FALSE(purge_data_folder(linked.wstring()));
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("is a link"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::exists(elsewhere / "config.json"));
  EXPECT_TRUE(fs::exists(elsewhere / "logs" / "rasbroker.log"));
}

}  // namespace
}  // namespace rasbroker::winhost
