#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "rasbroker/protocol/framing.hpp"
#include "rasbroker/protocol/jsonrpc.hpp"

namespace rp = rasbroker::protocol;
using Kind = rp::Frame::Kind;

namespace {

// What a frame looks like in expectations: the text, or "<too_long>".
std::string show(const rp::Frame& f) { return f.kind == Kind::too_long ? "<too_long>" : f.text; }

std::vector<std::string> drain(rp::LineFramer& framer) {
  std::vector<std::string> out;
  while (auto f = framer.next()) out.push_back(show(*f));
  return out;
}

// Feeds `stream` in chunks of `chunk` bytes, draining after every read like a server
// does, and checks the buffered bytes bound after each step.
std::vector<std::string> feed_in_chunks(rp::LineFramer& framer, const std::string& stream, std::size_t chunk) {
  std::vector<std::string> out;
  for (std::size_t pos = 0; pos < stream.size(); pos += chunk) {
    const std::string_view piece = std::string_view(stream).substr(pos, chunk);
    framer.feed(piece);
    EXPECT_LE(framer.buffered_bytes(), framer.max_line_bytes() + piece.size()) << "after byte " << pos;
    auto frames = drain(framer);
    out.insert(out.end(), frames.begin(), frames.end());
    EXPECT_LE(framer.buffered_bytes(), framer.max_line_bytes()) << "after draining at byte " << pos;
  }
  return out;
}

}  // namespace

// One stream with every framing feature, cut into reads of many sizes: the frames must
// not depend on how the bytes arrived.
class FramingChunks : public ::testing::TestWithParam<std::size_t> {};

TEST_P(FramingChunks, SameFramesWhateverTheReadSize) {
  constexpr std::size_t kMax = 32;
  const std::string exact(kMax, 'e');        // exactly max: accepted
  const std::string over(kMax + 1, 'o');     // one byte too many
  const std::string huge(10 * kMax, 'h');    // far too long
  const std::string stream = "{\"a\":1}\n"                     // plain
                             "{\"b\":2}\r\n"                   // CRLF
                             "\n\r\n\n"                        // empty lines: skipped
                             + exact + "\n" + over + "\n"     //
                             + "after-over\n" + huge + "\r\n"  //
                             + "after-huge\n" + huge + "\n" + huge + "\n"  // two in a row
                             + "a\rb\r\n"                      // inner '\r' kept
                             + "tail-without-newline";
  rp::LineFramer framer(kMax);
  const auto frames = feed_in_chunks(framer, stream, GetParam());
  const std::vector<std::string> expected = {"{\"a\":1}",  "{\"b\":2}",   exact,        "<too_long>",
                                             "after-over", "<too_long>", "after-huge", "<too_long>",
                                             "<too_long>", "a\rb"};
  EXPECT_EQ(frames, expected);
  EXPECT_EQ(framer.buffered_bytes(), std::string("tail-without-newline").size());
  framer.feed("\n");
  EXPECT_EQ(drain(framer), std::vector<std::string>{"tail-without-newline"});
  EXPECT_EQ(framer.buffered_bytes(), 0u);
}

INSTANTIATE_TEST_SUITE_P(ReadSizes, FramingChunks, ::testing::Values(1, 2, 3, 7, 31, 32, 33, 64, 1000, 100000),
                         [](const auto& info) { return "chunk" + std::to_string(info.param); });

TEST(Framing, ByteByByte) {
  rp::LineFramer framer;
  const std::string stream = R"({"jsonrpc":"2.0","method":"ping","id":1})" "\n"
                             R"({"jsonrpc":"2.0","method":"list","id":2})" "\r\n";
  std::vector<std::string> frames;
  for (const char c : stream) {
    framer.feed(std::string_view(&c, 1));
    auto got = drain(framer);
    frames.insert(frames.end(), got.begin(), got.end());
  }
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], R"({"jsonrpc":"2.0","method":"ping","id":1})");
  EXPECT_EQ(frames[1], R"({"jsonrpc":"2.0","method":"list","id":2})");
}

TEST(Framing, ManyMessagesInOneRead) {
  rp::LineFramer framer;
  std::string stream;
  for (int i = 0; i < 500; ++i) stream += R"({"jsonrpc":"2.0","method":"ping","id":)" + std::to_string(i) + "}\n";
  framer.feed(stream);
  const auto frames = drain(framer);
  ASSERT_EQ(frames.size(), 500u);
  EXPECT_EQ(frames[499], R"({"jsonrpc":"2.0","method":"ping","id":499})");
  EXPECT_EQ(framer.buffered_bytes(), 0u);
}

TEST(Framing, PartialLineWaitsForItsNewline) {
  rp::LineFramer framer;
  framer.feed(R"({"jsonrpc":"2.0",)");
  EXPECT_FALSE(framer.next().has_value());
  EXPECT_EQ(framer.buffered_bytes(), 17u);
  framer.feed(R"("method":"ping"})" "\n");
  const auto f = framer.next();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->kind, Kind::message);
  EXPECT_EQ(f->text, R"({"jsonrpc":"2.0","method":"ping"})");
  EXPECT_FALSE(framer.next().has_value());
}

TEST(Framing, ExactlyDefaultMaxLengthLineIsAccepted) {
  rp::LineFramer framer;
  EXPECT_EQ(framer.max_line_bytes(), 64u * 1024u);
  const std::string line = "\"" + std::string(rp::kDefaultMaxLineBytes - 2, 'x') + "\"";
  ASSERT_EQ(line.size(), rp::kDefaultMaxLineBytes);
  framer.feed(line + "\n");
  auto f = framer.next();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->kind, Kind::message);
  EXPECT_EQ(f->text, line);

  framer.feed(line + "y\n");  // one byte more
  f = framer.next();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->kind, Kind::too_long);
  EXPECT_TRUE(f->text.empty());
}

// A peer streaming an endless line: the framer must never hold more than the limit plus
// one read, whether or not the caller pops frames in between.
TEST(Framing, OverLongLineIsNotBufferedAndReportedOnce) {
  constexpr std::size_t kMax = 1024;
  constexpr std::size_t kRead = 100;
  for (const bool pop_between_reads : {true, false}) {
    SCOPED_TRACE(pop_between_reads ? "popping after every read" : "popping only at the end");
    rp::LineFramer framer(kMax);
    std::size_t too_long = 0;
    const std::string chunk(kRead, 'z');
    for (int i = 0; i < 1000; ++i) {  // 100 KB without a newline
      framer.feed(chunk);
      ASSERT_LE(framer.buffered_bytes(), kMax + kRead);
      if (pop_between_reads) {
        while (auto f = framer.next()) {
          EXPECT_EQ(f->kind, Kind::too_long);
          ++too_long;
        }
        ASSERT_LE(framer.buffered_bytes(), kMax);
      }
    }
    framer.feed("zzz\n{\"next\":true}\n");
    std::vector<std::string> rest = drain(framer);
    too_long += static_cast<std::size_t>(std::count(rest.begin(), rest.end(), "<too_long>"));
    rest.erase(std::remove(rest.begin(), rest.end(), "<too_long>"), rest.end());
    EXPECT_EQ(too_long, 1u);
    EXPECT_EQ(rest, std::vector<std::string>{"{\"next\":true}"});
    EXPECT_EQ(framer.buffered_bytes(), 0u);
  }
}

TEST(Framing, TooLongFrameKeepsItsPlaceInTheStream) {
  rp::LineFramer framer(8);
  framer.feed("one\n" + std::string(50, 'x'));  // a complete line, then an over-long partial one
  EXPECT_EQ(drain(framer), (std::vector<std::string>{"one", "<too_long>"}));
  EXPECT_EQ(framer.buffered_bytes(), 0u);
  framer.feed("still the long line\ntwo\n");
  EXPECT_EQ(drain(framer), std::vector<std::string>{"two"});
}

TEST(Framing, NewlineRightAfterTheLimit) {
  rp::LineFramer framer(4);
  framer.feed("abcd");  // at the limit, not yet too long
  EXPECT_FALSE(framer.next().has_value());
  framer.feed("\n");
  EXPECT_EQ(drain(framer), std::vector<std::string>{"abcd"});
  framer.feed("abcde");  // over the limit before its newline
  EXPECT_EQ(drain(framer), std::vector<std::string>{"<too_long>"});
  framer.feed("\nok\n");
  EXPECT_EQ(drain(framer), std::vector<std::string>{"ok"});
}

TEST(Framing, EmptyAndCarriageReturnOnlyLinesAreSkipped) {
  rp::LineFramer framer;
  framer.feed("\n\r\n\n\r\n{}\r\n\n");
  EXPECT_EQ(drain(framer), std::vector<std::string>{"{}"});
  EXPECT_EQ(framer.buffered_bytes(), 0u);
}

TEST(Framing, InvalidUtf8LineBecomesParseError) {
  rp::LineFramer framer;
  framer.feed("{\"jsonrpc\":\"2.0\",\"method\":\"p\xff\xfeng\",\"id\":1}\n");
  const auto f = framer.next();
  ASSERT_TRUE(f.has_value());
  ASSERT_EQ(f->kind, Kind::message);
  const auto in = rp::parse_incoming(f->text);
  ASSERT_EQ(in.entries.size(), 1u);
  const auto* response = std::get_if<nlohmann::json>(&in.entries[0]);
  ASSERT_NE(response, nullptr);
  EXPECT_EQ((*response)["error"]["code"], -32700);
  EXPECT_TRUE((*response)["id"].is_null());
}

TEST(Framing, EncodeLineIsOneCompactUtf8Line) {
  const nlohmann::json message = {{"jsonrpc", "2.0"}, {"id", 1}, {"result", {{"text", "two\nlines \u00e9"}}}};
  const std::string line = rp::encode_line(message);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  EXPECT_EQ(line.find("\": "), std::string::npos) << "compact: no space after ':'";
  EXPECT_EQ(line.find(", "), std::string::npos) << "compact: no space after ','";
  EXPECT_NE(line.find("\xc3\xa9"), std::string::npos) << "non-ASCII is written as UTF-8, not \\u escapes";
  EXPECT_EQ(nlohmann::json::parse(line), message);
}

TEST(Framing, EncodeLineNeverThrowsOnInvalidUtf8) {
  const nlohmann::json message = {{"error", {{"message", std::string("bad \xff\xfe bytes")}}}};
  std::string line;
  EXPECT_NO_THROW(line = rp::encode_line(message));
  EXPECT_NE(line.find("\xef\xbf\xbd"), std::string::npos) << "replaced by U+FFFD";
  EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded());
}

TEST(Framing, EncodedLinesRoundTripThroughTheFramer) {
  rp::LineFramer framer;
  std::string stream;
  std::vector<nlohmann::json> messages;
  for (int i = 0; i < 20; ++i) {
    messages.push_back(rp::make_request(i, "get", {{"entry", "Office VPN " + std::to_string(i) + "\n"}}));
    stream += rp::encode_line(messages.back());
  }
  const auto frames = feed_in_chunks(framer, stream, 5);
  ASSERT_EQ(frames.size(), messages.size());
  for (std::size_t i = 0; i < frames.size(); ++i) EXPECT_EQ(nlohmann::json::parse(frames[i]), messages[i]);
}
