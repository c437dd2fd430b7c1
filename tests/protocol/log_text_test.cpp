#include <gtest/gtest.h>

#include <string>

#include "rasbroker/protocol/log_text.hpp"

namespace rp = rasbroker::protocol;
using nlohmann::json;

TEST(LogText, PlainTextIsQuotedAsAJsonString) { EXPECT_EQ(rp::quoted("Office VPN"), R"("Office VPN")"); }

TEST(LogText, ANewlineCannotForgeALogLine) {
  const std::string forged = rp::quoted("x\n[2026-11-30 01:00:00.000] [info] request dial -> ok");
  EXPECT_EQ(forged.find('\n'), std::string::npos);
  EXPECT_EQ(forged.substr(0, 5), R"("x\n[)");
}

TEST(LogText, EscapeSequencesDelAndNonAsciiNeverReachATerminalRaw) {
  EXPECT_EQ(rp::quoted("\x1b[31mred\x7f"), R"("\u001b[31mred\u007f")");
  EXPECT_EQ(rp::quoted("B\xc3\xbcro \xe2\x80\xae"), R"("B\u00fcro \u202e")");  // right-to-left override
  EXPECT_EQ(rp::quoted(std::string("a\0b", 3)), R"("a\u0000b")");
}

TEST(LogText, InvalidUtf8BecomesTheReplacementCharacter) { EXPECT_EQ(rp::quoted("a\xff"), R"("a\ufffd")"); }

TEST(LogText, LongTextIsCutAndSaysHowLongItWas) {
  const std::string huge(60000, 'm');
  const std::string q = rp::quoted(huge);
  EXPECT_EQ(q, "\"" + std::string(rp::kMaxLoggedBytes, 'm') + "\"...(60000 bytes)");
  EXPECT_EQ(rp::quoted(huge, 4), R"("mmmm"...(60000 bytes))");
  EXPECT_EQ(rp::quoted("mmmm", 4), R"("mmmm")");
}

TEST(LogText, JsonValuesAreCompactEscapedAndCut) {
  EXPECT_EQ(rp::quoted_json(json{{"entry", "a\nb"}}), R"({"entry":"a\nb"})");
  EXPECT_EQ(rp::quoted_json(json(42)), "42");
  const std::string q = rp::quoted_json(json(std::string(1000, 'i')), 10);
  EXPECT_EQ(q, R"("iiiiiiiii...(1002 bytes))");
}
