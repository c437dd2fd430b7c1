// RAS's entry-name rules (protocol/entry_name.hpp): one comparison, one validator.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "rasbroker/protocol/entry_name.hpp"
#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/methods.hpp"

using namespace rasbroker::protocol;

TEST(EntryName, ComparesLikeWindowsIniSections) {
  EXPECT_TRUE(same_entry("Office VPN", "office vpn"));
  EXPECT_TRUE(same_entry("OFFICE VPN", "Office VPN"));
  EXPECT_FALSE(same_entry("Office VPN", "Office VPN2"));
  EXPECT_FALSE(same_entry("Office VPN", "Office  VPN"));
  EXPECT_TRUE(same_entry("", ""));
}

TEST(EntryName, FoldsEuropeanScriptsAndLeavesTheRestExact) {
  EXPECT_TRUE(same_entry("Büro VPN", "BÜRO vpn"));           // Latin-1
  EXPECT_TRUE(same_entry("Łódź", "łÓDŹ"));                   // Latin Extended-A
  EXPECT_TRUE(same_entry("Офис", "ОФИС"));                   // Cyrillic
  EXPECT_TRUE(same_entry("ΑΘΗΝΑ", "αθηνα"));                 // Greek
  EXPECT_FALSE(same_entry("東京", "京東"));
  EXPECT_TRUE(same_entry("東京", "東京"));
  EXPECT_FALSE(same_entry("a\xff", "a\xfe"));                // invalid bytes compare as themselves
  EXPECT_TRUE(same_entry("a\xff", "A\xff"));
}

TEST(EntryName, OrderIsConsistentWithTheComparison) {
  std::set<std::string, EntryNameLess> names{"Office VPN", "Branch VPN"};
  EXPECT_TRUE(names.contains("office vpn"));
  EXPECT_TRUE(names.contains(std::string_view("BRANCH VPN")));
  EXPECT_FALSE(names.insert("OFFICE VPN").second);
  EXPECT_FALSE(names.contains("Home"));
}

// The folded key (entry_name_key) agrees with the comparison, name pair by name pair: equal
// keys exactly for the same entry, and bytewise order as EntryNameLess orders the names.
TEST(EntryName, TheFoldedKeyAgreesWithTheComparisonOnEveryPair) {
  const std::vector<std::string> names{
      "", "a", "A", "ab", "Office VPN", "office vpn", "OFFICE VPN", "Office VPN2", "Office  VPN", "Büro VPN",
      "BÜRO vpn", "büro", "Łódź", "łÓDŹ", "Офис", "ОФИС", "ΑΘΗΝΑ", "αθηνα", "東京", "京東", "a\xff", "A\xff",
      "a\xfe", "a\xc3", "\xf4\x90\x82\x80", "\x80", "\xc0\x80", "Z", "z", "[", "_", "\x7f", "Ÿ", "ÿ", "ÿa",
      "ÀÞ", "àþ", "×", "÷", "Ğ", "ğ", "Ĺ", "ĺ", "Ž", "ž", "Ѐ", "ѐ", "\xf7\xbf\xbf\xbf", std::string("a\0b", 3)};
  const EntryNameLess less;
  for (const auto& a : names)
    for (const auto& b : names) {
      const auto ka = entry_name_key(a), kb = entry_name_key(b);
      EXPECT_EQ(ka == kb, same_entry(a, b)) << a << " / " << b;
      EXPECT_EQ(ka < kb, less(a, b)) << a << " / " << b;
    }
  EXPECT_EQ(entry_name_key("Office VPN"), "office vpn");  // ASCII: the lower-case spelling
  EXPECT_EQ(entry_name_key("BÜRO"), "büro");
}

TEST(EntryName, RefusesWhatRasValidateEntryNameRefuses) {
  EXPECT_EQ(entry_name_problem("Office VPN"), "");
  EXPECT_EQ(entry_name_problem("Büro-VPN (2)"), "");
  EXPECT_EQ(entry_name_problem("7"), "");
  for (const char* bad : {"a|b", "a>b", "a<b", "a?b", "a*b", "a\\b", "a/b", "a:b"})
    EXPECT_NE(entry_name_problem(bad), "") << bad;
  EXPECT_NE(entry_name_problem(".hidden"), "");
  EXPECT_NE(entry_name_problem(""), "");
  EXPECT_NE(entry_name_problem("   "), "");
  EXPECT_NE(entry_name_problem("-- _ --"), "");
  EXPECT_NE(entry_name_problem("a\tb"), "");
}

TEST(EntryName, DialRefusesAnInvalidNameAsInvalidParams) {
  try {
    (void)parse_dial_params({{"entry", "vpn|evil"}});
    FAIL() << "no error";
  } catch (const RpcError& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_params);
    EXPECT_NE(std::string(e.what()).find("entry"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("evil"), std::string::npos) << "no echo of the value";
  }
  EXPECT_EQ(parse_dial_params({{"entry", "office vpn"}}).entry, "office vpn");  // kept as given
}

TEST(EntryName, SelectorsAcceptNamesRasReports) {
  // A connection dialled without an entry is reported as "." and its phone number.
  EXPECT_EQ(parse_hangup_params({{"entry", ".5551234"}}).target.entry.value(), ".5551234");
}
