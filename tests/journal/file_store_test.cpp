// The journal's file store (service/journal/file_store) natively: save and load, a missing
// journal, a leftover temporary file, and every kind of bad journal moved aside with a
// timestamped name that never overwrites an earlier one.
#include "journal/file_store.hpp"

#include <gtest/gtest.h>

#include "journal/durable_replace.hpp"
#include "journal/journal_json.hpp"
#include "journal_test_support.hpp"

namespace rasbroker::journal {
namespace {

namespace fs = std::filesystem;
using test::expect_same;
using test::fixed_now;
using test::full_journal;
using test::kFixedStamp;
using test::read_text;
using test::ScratchFolder;
using test::write_text;

FileJournalStore store_at(const ScratchFolder& folder, FileJournalStoreOptions options = {}) {
  if (!options.now) options.now = fixed_now;
  return FileJournalStore(folder.journal(), std::move(options));
}

fs::path bad_path(const ScratchFolder& folder, const std::string& suffix = "") {
  return folder.path() / ("journal.bad-" + std::string(kFixedStamp) + suffix + ".json");
}

TEST(FileJournalStore, AMissingJournalIsNoJournalAndNoProblem) {
  ScratchFolder folder;
  auto store = store_at(folder);
  const auto loaded = store.load();
  EXPECT_FALSE(loaded.journal);
  EXPECT_EQ(loaded.problem, "");
  EXPECT_EQ(loaded.moved_to, "");
  EXPECT_EQ(store.where(), folder.journal().string());
}

TEST(FileJournalStore, LoadsWhatWasSavedLast) {
  ScratchFolder folder;
  auto store = store_at(folder);
  Journal first;
  first.next_seq = 3;
  ASSERT_EQ(store.save(first), "");
  const Journal second = full_journal();
  ASSERT_EQ(store.save(second), "");
  const auto loaded = store_at(folder).load();  // as the next instance reads it
  ASSERT_TRUE(loaded.journal);
  expect_same(second, *loaded.journal);
  EXPECT_EQ(loaded.problem, "");
  EXPECT_FALSE(fs::exists(temporary_path(folder.journal())));
  EXPECT_EQ(fs::status(folder.journal()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST(FileJournalStore, TheHookRunsWithTheNewJournalFlushedAndTheOldOneInPlace) {
  ScratchFolder folder;
  Journal old_journal;
  old_journal.next_seq = 5;
  ASSERT_EQ(store_at(folder).save(old_journal), "");
  bool called = false;
  auto store = store_at(folder, {.before_replace = [&] {
                                   called = true;
                                   EXPECT_EQ(read_text(temporary_path(folder.journal())), encode_journal(full_journal()));
                                   EXPECT_EQ(read_text(folder.journal()), encode_journal(old_journal));
                                 }});
  ASSERT_EQ(store.save(full_journal()), "");
  EXPECT_TRUE(called);
  EXPECT_EQ(read_text(folder.journal()), encode_journal(full_journal()));
}

TEST(FileJournalStore, ALeftoverTemporaryFileIsIgnoredAndRemoved) {
  ScratchFolder folder;
  auto store = store_at(folder);
  ASSERT_EQ(store.save(full_journal()), "");
  write_text(temporary_path(folder.journal()), R"({"version": 1, "next_seq": 99, "rec)");
  auto loaded = store.load();
  ASSERT_TRUE(loaded.journal);
  expect_same(full_journal(), *loaded.journal);
  EXPECT_EQ(loaded.problem, "");
  EXPECT_FALSE(fs::exists(temporary_path(folder.journal())));

  // Also with no journal beside it: the first save ever was cut short.
  fs::remove(folder.journal());
  write_text(temporary_path(folder.journal()), encode_journal(full_journal()));
  loaded = store.load();
  EXPECT_FALSE(loaded.journal);
  EXPECT_EQ(loaded.problem, "");
  EXPECT_FALSE(fs::exists(temporary_path(folder.journal())));
}

TEST(FileJournalStore, AFailedSaveSaysWhatFailedAndLeavesNothing) {
  ScratchFolder folder;
  FileJournalStore store(folder.path() / "missing-folder" / "journal.json");
  const auto problem = store.save(full_journal());
  EXPECT_EQ(problem.rfind("cannot create " + (folder.path() / "missing-folder" / "journal.json.tmp").string(), 0), 0u)
      << problem;
  EXPECT_FALSE(fs::exists(folder.path() / "missing-folder"));
}

struct BadJournal {
  const char* name;
  std::string text;
  std::string problem;  // Loaded.problem starts with this
};
void PrintTo(const BadJournal& bad, std::ostream* out) { *out << bad.name; }

class FileJournalStoreMovesAside : public ::testing::TestWithParam<BadJournal> {};

TEST_P(FileJournalStoreMovesAside, WithATimestampAndTheReason) {
  ScratchFolder folder;
  write_text(folder.journal(), GetParam().text);
  auto store = store_at(folder);
  const auto loaded = store.load();
  EXPECT_FALSE(loaded.journal);
  EXPECT_EQ(loaded.problem.rfind(GetParam().problem, 0), 0u) << loaded.problem;
  EXPECT_EQ(loaded.moved_to, bad_path(folder).string());
  EXPECT_FALSE(fs::exists(folder.journal()));
  EXPECT_EQ(read_text(bad_path(folder)), GetParam().text);  // kept as it was, for whoever investigates
  // The service carries on: the next save and load work.
  ASSERT_EQ(store.save(full_journal()), "");
  const auto next = store.load();
  ASSERT_TRUE(next.journal);
  EXPECT_EQ(next.problem, "");
}

INSTANTIATE_TEST_SUITE_P(
    JournalFiles, FileJournalStoreMovesAside,
    ::testing::Values(BadJournal{"Empty", "", "(journal): is not JSON (syntax error at byte 1)"},
                      BadJournal{"Torn", R"({"version": 1, "next_seq": 4, "records": [{"seq": 3, "ha)",
                                 "(journal): is not JSON (syntax error at byte"},
                      BadJournal{"Binary", std::string("\x00\xff\xfe garbage", 11), "(journal): is not JSON"},
                      BadJournal{"NotAJournal", R"({"hello": "world"})", "version: is required"},
                      BadJournal{"Invalid", R"({"version": 1, "next_seq": 0, "records": []})",
                                 "next_seq: must be at least 1"},
                      BadJournal{"Newer", R"({"version": 7, "next_seq": 1, "records": []})",
                                 "version: 7 is newer than this service reads (2)"}),
    [](const ::testing::TestParamInfo<BadJournal>& info) { return std::string(info.param.name); });

TEST(FileJournalStore, AFolderInItsPlaceIsMovedAside) {
  ScratchFolder folder;
  fs::create_directory(folder.journal());
  const auto loaded = store_at(folder).load();
  EXPECT_FALSE(loaded.journal);
  EXPECT_EQ(loaded.problem, "is not a regular file");
  EXPECT_EQ(loaded.moved_to, bad_path(folder).string());
  EXPECT_TRUE(fs::is_directory(bad_path(folder)));
}

TEST(FileJournalStore, TwoBadJournalsInTheSameSecondAreBothKept) {
  ScratchFolder folder;
  auto store = store_at(folder);
  write_text(folder.journal(), "first");
  EXPECT_EQ(store.load().moved_to, bad_path(folder).string());
  write_text(folder.journal(), "second");
  EXPECT_EQ(store.load().moved_to, bad_path(folder, "-2").string());
  write_text(folder.journal(), "third");
  EXPECT_EQ(store.load().moved_to, bad_path(folder, "-3").string());
  EXPECT_EQ(read_text(bad_path(folder)), "first");
  EXPECT_EQ(read_text(bad_path(folder, "-2")), "second");
  EXPECT_EQ(read_text(bad_path(folder, "-3")), "third");
}

TEST(FileJournalStore, AProblemQuotingTheFileIsEscapedAndCapped) {
  // An unknown member's name is the one piece of the file a problem repeats.
  ScratchFolder folder;
  const std::string name = "line\nbreak\x1b[31m" + std::string(2000, 'x');
  write_text(folder.journal(), nlohmann::json{{"version", 1}, {name, 1}}.dump());
  const auto loaded = store_at(folder).load();
  EXPECT_EQ(loaded.problem.rfind("line\\x0Abreak\\x1B[31mxxx", 0), 0u) << loaded.problem;
  EXPECT_LE(loaded.problem.size(), 512u + 3u);
  EXPECT_EQ(loaded.problem.substr(loaded.problem.size() - 3), "...");
  EXPECT_EQ(loaded.moved_to, bad_path(folder).string());
}

TEST(FileJournalStore, ANameWithoutJsonGetsTheSuffixAppended) {
  ScratchFolder folder;
  write_text(folder.path() / "state", "not json");
  const auto loaded = FileJournalStore(folder.path() / "state", {.now = fixed_now}).load();
  EXPECT_EQ(loaded.moved_to, (folder.path() / ("state.bad-" + std::string(kFixedStamp) + ".json")).string());
}

}  // namespace
}  // namespace rasbroker::journal
