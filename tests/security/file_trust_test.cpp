// The portable half of the phonebook trust seam (security/file_trust.hpp): how a reason
// is worded on every platform, and how it is made fit for a log line or an error reply.
#include <gtest/gtest.h>

#include "security/file_trust.hpp"

using rasbroker::security::printable;
using rasbroker::security::problems_text;
using rasbroker::security::untrusted_reason;

TEST(UntrustedReason, NamesTheFileAndTheFolderAtFault) {
  EXPECT_EQ(untrusted_reason("C:\\pbk\\vpn.pbk", "C:\\pbk\\vpn.pbk", "is writable by BUILTIN\\Users"),
            "C:\\pbk\\vpn.pbk is writable by BUILTIN\\Users");
  EXPECT_EQ(untrusted_reason("C:\\pbk\\vpn.pbk", "C:\\pbk", "is writable by Everyone"),
            "C:\\pbk\\vpn.pbk: the folder C:\\pbk is writable by Everyone");
}

TEST(ProblemsText, WritersFirstThenTheRest) {
  EXPECT_EQ(problems_text({}, {}), "");
  EXPECT_EQ(problems_text({"BUILTIN\\Users", "Everyone"}, {}), "is writable by BUILTIN\\Users, Everyone");
  EXPECT_EQ(problems_text({"everyone"}, {"is owned by bob"}), "is writable by everyone and is owned by bob");
  EXPECT_EQ(problems_text({}, {"is owned by bob", "has no DACL"}), "is owned by bob and has no DACL");
}

TEST(Printable, KeepsTextAndEscapesControlCharacters) {
  EXPECT_EQ(printable("C:\\pbk\\vpn.pbk is owned by CONTOSO\\bob"), "C:\\pbk\\vpn.pbk is owned by CONTOSO\\bob");
  EXPECT_EQ(printable("a\nb\r\tc\x7f"), "a\\x0Ab\\x0D\\x09c\\x7F");
  EXPECT_EQ(printable("caf\xC3\xA9"), "caf\xC3\xA9");  // UTF-8 passes
}

TEST(Printable, CutsOnACharacterBoundary) {
  EXPECT_EQ(printable("abcdef", 4), "abcd...");
  EXPECT_EQ(printable("abc\xC3\xA9z", 4), "abc...");  // not half of the 2-byte 'é'
  EXPECT_EQ(printable("ab\ncd", 4), "ab...");        // not half of an escape
  EXPECT_EQ(printable("abcd", 4), "abcd");
  EXPECT_EQ(printable(std::string(5000, 'x')).size(), 512u + 3u);
}
