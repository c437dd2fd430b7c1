#pragma once
// Shared by the journal's tests (natively and under Wine): a journal with every field set,
// a field-by-field comparison, and a scratch folder for the file store.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <system_error>

#include "journal/journal.hpp"

namespace rasbroker::journal::test {

using namespace std::chrono_literals;

inline protocol::TimePoint at_ms(std::int64_t ms) { return protocol::TimePoint{} + std::chrono::milliseconds(ms); }

// Two records between them setting every field: a connected one with credentials' names,
// an owner and a redial policy; one hanging up with a reason, an error and stuck.
inline Journal full_journal() {
  Journal j;
  j.next_seq = 42;
  JournalRecord connected;
  connected.seq = 7;
  connected.handle = 0x1234'5678'9ABCull;
  connected.info.id = "c7";
  connected.info.entry = "Office VPN";
  connected.info.phonebook = "C:\\ProgramData\\Microsoft\\Network\\Connections\\Pbk\\rasphone.pbk";
  connected.info.state = protocol::ConnectionState::connected;
  connected.info.ras_state = "RASCS_Connected";
  connected.info.owner = protocol::Owner{4242, "CORP\\alice"};
  connected.info.dialed_at = at_ms(1'795'000'000'123);
  connected.info.connected_at = at_ms(1'795'000'004'567);
  connected.username = "alice";
  connected.domain = "CORP";
  connected.password_sent = true;
  connected.redial = protocol::RedialPolicy{3, 2500};
  connected.redials_used = 1;
  j.records.push_back(connected);

  JournalRecord hanging_up;
  hanging_up.seq = 41;
  hanging_up.handle = 99;
  hanging_up.info.id = "c41";
  hanging_up.info.entry = "Backup link";
  hanging_up.info.phonebook = "";
  hanging_up.info.state = protocol::ConnectionState::hanging_up;
  hanging_up.info.ras_state = "RASCS_Disconnected";
  hanging_up.info.owner = protocol::Owner{0, "NT AUTHORITY\\SYSTEM"};
  hanging_up.info.reason = protocol::Reason::link_lost;
  hanging_up.info.error = protocol::ConnectionError{629, "The port was disconnected by the remote machine.", 0};
  hanging_up.info.stuck = true;
  hanging_up.info.dialed_at = at_ms(1'795'000'100'000);
  hanging_up.info.connected_at = at_ms(1'795'000'101'000);
  hanging_up.info.hangup_at = at_ms(1'795'000'200'999);
  j.records.push_back(hanging_up);
  j.pins.push_back({"Office VPN", "", {5'000, 600'000}});
  j.pins.push_back({"Lab VPN", "D:\\lab\\lab.pbk", {1'000, 86'400'000}});
  return j;
}

inline void expect_same(const Journal& expected, const Journal& actual) {
  EXPECT_EQ(actual.version, expected.version);
  EXPECT_EQ(actual.next_seq, expected.next_seq);
  ASSERT_EQ(actual.records.size(), expected.records.size());
  for (std::size_t i = 0; i < expected.records.size(); ++i) {
    SCOPED_TRACE("record " + std::to_string(i));
    const auto& e = expected.records[i];
    const auto& a = actual.records[i];
    EXPECT_EQ(a.seq, e.seq);
    EXPECT_EQ(a.handle, e.handle);
    EXPECT_EQ(a.info, e.info);
    EXPECT_EQ(a.username, e.username);
    EXPECT_EQ(a.domain, e.domain);
    EXPECT_EQ(a.password_sent, e.password_sent);
    EXPECT_EQ(a.redial.attempts, e.redial.attempts);
    EXPECT_EQ(a.redial.backoff_ms, e.redial.backoff_ms);
    EXPECT_EQ(a.redials_used, e.redials_used);
  }
  EXPECT_EQ(actual.pins, expected.pins);
}

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

// A folder of its own for one test, removed with what the test left in it.
class ScratchFolder {
 public:
  ScratchFolder() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() / "rasbroker-journal-tests" /
            (std::string(test->test_suite_name()) + "." + test->name() + "-" + std::to_string(std::random_device{}()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path journal() const { return path_ / "journal.json"; }

 private:
  std::filesystem::path path_;
};

// The instant the store names moved-aside journals by, in the tests: 2026-11-29 22:40:05 UTC.
inline std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::sys_days{std::chrono::year{2026} / 11 / 29} + 22h + 40min + 5s + 700ms;
}
inline constexpr const char* kFixedStamp = "20261129T224005Z";

}  // namespace rasbroker::journal::test
