#include "install/path_list.hpp"

#include <gtest/gtest.h>

namespace rasbroker::install {
namespace {

using Parts = std::vector<std::string>;
const std::string kOurs = R"(C:\Program Files\RasBroker)";

TEST(PathList, SplitKeepsEveryPartSoThatJoiningGivesTheValueBack) {
  EXPECT_EQ(split_path_list(""), Parts{});
  EXPECT_EQ(split_path_list("a"), Parts{"a"});
  EXPECT_EQ(split_path_list("a;;b;"), (Parts{"a", "", "b", ""}));
  EXPECT_EQ(split_path_list(";"), (Parts{"", ""}));
}

TEST(PathList, SameEntryIgnoresAsciiCaseQuotesSpacesAndTrailingBackslashes) {
  EXPECT_TRUE(same_path_entry(kOurs, R"(c:\program files\rasbroker)"));
  EXPECT_TRUE(same_path_entry(kOurs, R"(C:\Program Files\RasBroker\)"));
  EXPECT_TRUE(same_path_entry(kOurs, R"(C:\Program Files\RasBroker\\)"));
  EXPECT_TRUE(same_path_entry(kOurs, R"("C:\Program Files\RasBroker\")"));
  EXPECT_TRUE(same_path_entry(kOurs, R"(  C:\Program Files\RasBroker )"));
  EXPECT_FALSE(same_path_entry(kOurs, R"(C:\Program Files\RasBroker2)"));
  EXPECT_FALSE(same_path_entry(kOurs, R"(C:\Program Files)"));
  EXPECT_FALSE(same_path_entry(kOurs, R"(%ProgramFiles%\RasBroker)"));  // never expanded
  // A drive root keeps its backslash: "C:" is the drive's current folder, not its root.
  EXPECT_TRUE(same_path_entry(R"(C:\)", R"(c:\)"));
  EXPECT_FALSE(same_path_entry(R"(C:\)", "C:"));
  // An empty entry names no folder, not even an empty one.
  EXPECT_FALSE(same_path_entry("", ""));
  // Beyond ASCII, case counts (documented).
  EXPECT_FALSE(same_path_entry("C:\\\xC3\x9C" "ber", "C:\\\xC3\xBC" "ber"));
}

TEST(PathList, AppendsOnlyOurEntryAndNeverTwice) {
  EXPECT_EQ(path_list_with("", kOurs), kOurs);
  EXPECT_EQ(path_list_with(R"(%SystemRoot%\system32;%SystemRoot%)", kOurs),
            R"(%SystemRoot%\system32;%SystemRoot%;)" + kOurs);
  // After a trailing ';' too: removing gives back exactly the value before.
  EXPECT_EQ(path_list_with("a;", kOurs), "a;;" + kOurs);
  EXPECT_EQ(path_list_with("a;" + kOurs + ";b", kOurs), std::nullopt);
  EXPECT_EQ(path_list_with(R"(a;"c:\program files\rasbroker\")", kOurs), std::nullopt);
}

TEST(PathList, RemovesEveryEntryOfOursAndKeepsTheRestVerbatim) {
  EXPECT_EQ(path_list_without("a;b", kOurs), std::nullopt);
  EXPECT_EQ(path_list_without("", kOurs), std::nullopt);
  EXPECT_EQ(path_list_without(kOurs, kOurs), "");
  EXPECT_EQ(path_list_without("a;" + kOurs + ";;b ; c:\\PROGRAM FILES\\RASBROKER\\", kOurs), "a;;b ");
  EXPECT_EQ(path_list_without(R"(C:\Program Files\RasBroker2;)" + kOurs, kOurs), R"(C:\Program Files\RasBroker2)");
}

TEST(PathList, AddThenRemoveRestoresTheValueExactly) {
  for (const std::string before : {"", "a", "a;", ";", "a;;b", R"(%SystemRoot%\system32;C:\Tools\)"}) {
    const auto added = path_list_with(before, kOurs);
    ASSERT_TRUE(added.has_value()) << before;
    EXPECT_EQ(path_list_with(*added, kOurs), std::nullopt) << before;  // twice: nothing more
    EXPECT_EQ(path_list_without(*added, kOurs), before);
    EXPECT_EQ(path_list_without(before, kOurs), std::nullopt) << before;
  }
}

TEST(PathList, OurFolderMustBeAbsoluteAndNeedNoQuoting) {
  EXPECT_EQ(path_folder_problem(kOurs), "");
  EXPECT_EQ(path_folder_problem(R"(\\server\share\RasBroker)"), "");
  EXPECT_NE(path_folder_problem("RasBroker"), "");
  EXPECT_NE(path_folder_problem(R"(\RasBroker)"), "");
  EXPECT_NE(path_folder_problem(R"(C:\a;b)"), "");
  EXPECT_NE(path_folder_problem(R"(C:\"a")"), "");
}

}  // namespace
}  // namespace rasbroker::install
