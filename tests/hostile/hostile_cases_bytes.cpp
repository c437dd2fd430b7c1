// Bytes and framing: what arrives before any JSON is read.
#include "hostile_case.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "rasbroker/protocol/limits.hpp"

namespace rasbroker::hostile {

using nlohmann::json;
using namespace std::string_literals;

namespace {

const std::string kPing1 = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";

Reply nul_at(std::size_t byte) {
  return error(nullptr, -32700, "Parse error: a NUL byte at byte " + std::to_string(byte) + "; JSON text cannot hold one");
}

// nlohmann counts the byte it stopped at from 1 (the NUL check above counts from 0).
Reply invalid_at(std::size_t byte) {
  return error(nullptr, -32700, "Parse error: invalid JSON or invalid UTF-8 at byte " + std::to_string(byte));
}

Reply too_long() {
  return error(nullptr, -32600,
               "line longer than " + std::to_string(protocol::kDefaultMaxLineBytes) + " bytes; skipped up to the next newline");
}

// A ping with id 1 padded with spaces inside the object to exactly `bytes` bytes.
std::string ping_of_size(std::size_t bytes) {
  std::string line = kPing1;
  line.insert(line.size() - 1, bytes - line.size(), ' ');
  return line;
}

// A ping whose id is `id_bytes` (raw, between the quotes).
std::string ping_with_raw_id(const std::string& id_bytes) {
  return R"({"jsonrpc":"2.0","id":")" + id_bytes + R"(","method":"ping"})" "\n";
}

// Sends `total` bytes without a newline in 64 KiB writes, checks the one answer and that
// this process (the service's) did not grow by anything like the line, then ends the line
// and is served on the same connection.
void huge_line_without_newline(const HostileTarget& target) {
  HostileLink link = target.connect();
  const std::string block(64 * 1024, 'x');
  const std::size_t before = resident_bytes();
  std::size_t sent = 0;
  while (sent < target.scale.huge_line_bytes) {
    ASSERT_TRUE(link.write(block)) << "closed after " << sent << " bytes";
    sent += block.size();
  }
  const std::size_t after = resident_bytes();
  const auto read = link.read_line();
  ASSERT_EQ(read.got, HostileLink::Got::line);
  EXPECT_EQ(json::parse(read.line), too_long().exact);
  // Bounded memory: the service discards the line as it comes (a copy would show as
  // the line's size).
  const std::size_t bound = std::min<std::size_t>(32u * 1024 * 1024, target.scale.huge_line_bytes / 4);
  EXPECT_LT(after, before + bound) << "resident memory grew from " << before << " to " << after << " bytes";
  ASSERT_TRUE(link.write("\n" + ping_line(2)));
  const auto next = link.read_line();
  ASSERT_EQ(next.got, HostileLink::Got::line);
  EXPECT_EQ(json::parse(next.line), pong(2).exact);
}

}  // namespace

std::vector<HostileCase> byte_and_framing_cases() {
  std::vector<HostileCase> t;
  auto add = [&t](std::string klass, std::string name, std::vector<std::string> writes, std::vector<Reply> replies) {
    t.push_back(sends(std::move(klass), std::move(name), std::move(writes), std::move(replies)));
  };
  // ---- bytes ----
  add("bytes", "nul_after_a_request", {kPing1 + "\0"s + R"({"jsonrpc":"2.0","id":2,"method":"ping"})" "\n"},
      {nul_at(kPing1.size())});
  add("bytes", "nul_inside_a_string", {R"({"jsonrpc":"2.0","id":1,"method":"pi)" "\0"s R"(ng"})" "\n"}, {nul_at(36)});
  add("bytes", "nul_alone", {"\0\n"s}, {nul_at(0)});
  add("bytes", "invalid_utf8_byte", {ping_with_raw_id("\xff")}, {invalid_at(24)});
  add("bytes", "continuation_byte_alone", {ping_with_raw_id("a\x80z")}, {invalid_at(25)});
  add("bytes", "overlong_utf8_slash", {ping_with_raw_id("\xc0\xaf")}, {invalid_at(24)});
  add("bytes", "truncated_utf8_sequence", {ping_with_raw_id("\xe2\x82")}, {invalid_at(26)});
  add("bytes", "raw_utf16_surrogate", {ping_with_raw_id("\xed\xa0\x80")}, {invalid_at(25)});
  add("bytes", "escaped_lone_surrogate", {ping_with_raw_id("\\ud800")}, {invalid_at(30)});
  add("bytes", "escaped_surrogate_pair_is_fine", {ping_with_raw_id("\\ud83d\\ude00")}, {pong("\xf0\x9f\x98\x80")});
  add("bytes", "valid_non_ascii_id_echoed", {ping_with_raw_id("\xc3\x9cn\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9")},
      {pong("\xc3\x9cn\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9")});
  // nlohmann skips one UTF-8 byte order mark before the text (documented in protocol.md).
  add("bytes", "bom_before_the_line_is_skipped", {"\xef\xbb\xbf" + kPing1 + "\n"}, {pong(1)});
  add("bytes", "bom_inside_the_object", {R"({"jsonrpc":"2.0",)" "\xef\xbb\xbf" R"("id":1,"method":"ping"})" "\n"},
      {invalid_at(18)});
  add("bytes", "raw_control_character_in_a_string", {R"({"jsonrpc":"2.0","id":1,"method":"pi)" "\x01" R"(ng"})" "\n"},
      {invalid_at(37)});
  add("bytes", "escape_sequence_in_a_method", {R"({"jsonrpc":"2.0","id":1,"method":"\u001b[31mping"})" "\n"},
      {no_such_method(1)});
  add("bytes", "raw_del_in_a_method_is_json", {R"({"jsonrpc":"2.0","id":1,"method":"pi)" "\x7f" R"(ng"})" "\n"},
      {no_such_method(1)});
  add("bytes", "high_bytes_only", {"\x80\x81\xfe\n"}, {invalid_at(1)});
  add("bytes", "crlf_ends_a_line", {kPing1 + "\r\n"}, {pong(1)});
  add("bytes", "cr_only_line_is_empty", {"\r\n\r\n" + kPing1 + "\n"}, {pong(1)});
  add("bytes", "cr_inside_is_whitespace", {R"({"jsonrpc":"2.0",)" "\r" R"("id":1,"method":"ping"})" "\n"}, {pong(1)});
  add("bytes", "cr_cr_lf_leaves_one_cr", {kPing1 + "\r\r\n"}, {pong(1)});
  // ---- framing ----
  {
    std::vector<std::string> bytes;
    for (const char ch : kPing1 + "\n") bytes.emplace_back(1, ch);
    add("framing", "one_byte_per_write", std::move(bytes), {pong(1)});
  }
  add("framing", "a_utf8_character_split_between_writes",
      {R"({"jsonrpc":"2.0","id":"caf)" "\xc3", "\xa9" R"(","method":"ping"})" "\n"}, {pong("caf\xc3\xa9")});
  add("framing", "a_line_split_after_its_newline_starts_the_next",
      {kPing1 + "\n" + R"({"jsonrpc":"2.0","id":2,)", R"("method":"ping"})" "\n"}, {pong(1), pong(2)});
  {
    std::string many;
    std::vector<Reply> pongs;
    for (int id = 1; id <= 50; ++id) {
      many += ping_line(id);
      pongs.push_back(pong(id));
    }
    add("framing", "fifty_requests_in_one_write", {many}, std::move(pongs));
  }
  add("framing", "empty_lines_are_ignored", {"\n\n\n" + kPing1 + "\n\n"}, {pong(1)});
  add("framing", "exactly_the_line_limit", {ping_of_size(protocol::kDefaultMaxLineBytes) + "\n"}, {pong(1)});
  add("framing", "the_limit_with_its_cr", {ping_of_size(protocol::kDefaultMaxLineBytes - 1) + "\r\n"}, {pong(1)});
  add("framing", "one_byte_over_the_limit", {ping_of_size(protocol::kDefaultMaxLineBytes + 1) + "\n"}, {too_long()});
  add("framing", "the_cr_counts_toward_the_limit", {ping_of_size(protocol::kDefaultMaxLineBytes) + "\r\n"}, {too_long()});
  add("framing", "over_the_limit_then_a_request_in_one_write",
      {ping_of_size(protocol::kDefaultMaxLineBytes + 100) + "\n" + ping_line(7)}, {too_long(), pong(7)});
  add("framing", "over_the_limit_in_small_writes",
      {std::string(40000, ' '), std::string(40000, ' '), "\n" + ping_line(8)}, {too_long(), pong(8)});
  HostileCase huge;
  huge.klass = "framing";
  huge.name = "a_huge_line_without_newline";
  huge.script = huge_line_without_newline;
  huge.scaled = "100 MB natively; 16 MB under sanitizers; 8 MB under Wine";
  t.push_back(std::move(huge));
  return t;
}

}  // namespace rasbroker::hostile
