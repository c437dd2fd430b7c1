// The journal's file store under Wine: the Win32 durable replace (FlushFileBuffers,
// MoveFileExW with MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) saves, replaces and
// loads whole, and a bad journal is moved aside. The JSON form is portable and tested
// natively (tests/journal/journal_json_test.cpp).
#include <gtest/gtest.h>

#include "journal/durable_replace.hpp"
#include "journal/file_store.hpp"
#include "journal_test_support.hpp"

namespace rasbroker::journal {
namespace {

namespace fs = std::filesystem;
using test::expect_same;
using test::full_journal;
using test::ScratchFolder;

TEST(FileJournalStoreWin32, SavesReplacesAndLoadsWhole) {
  ScratchFolder folder;
  FileJournalStore store(folder.journal());
  Journal first;
  first.next_seq = 2;
  ASSERT_EQ(store.save(first), "");
  bool replaced_after_flush = false;
  FileJournalStore second_store(folder.journal(), {.before_replace = [&] {
                                  replaced_after_flush = fs::file_size(temporary_path(folder.journal())) > 0;
                                }});
  ASSERT_EQ(second_store.save(full_journal()), "");  // over the existing journal
  EXPECT_TRUE(replaced_after_flush);
  EXPECT_FALSE(fs::exists(temporary_path(folder.journal())));
  const auto loaded = FileJournalStore(folder.journal()).load();
  ASSERT_TRUE(loaded.journal) << loaded.problem;
  expect_same(full_journal(), *loaded.journal);
  EXPECT_EQ(loaded.problem, "");
}

TEST(FileJournalStoreWin32, ABadJournalIsMovedAsideAndALeftoverTemporaryRemoved) {
  ScratchFolder folder;
  test::write_text(folder.journal(), R"({"version": 1, "next_seq": 4, "rec)");
  test::write_text(temporary_path(folder.journal()), "left by a crash");
  FileJournalStore store(folder.journal(), {.now = test::fixed_now});
  const auto loaded = store.load();
  EXPECT_FALSE(loaded.journal);
  EXPECT_EQ(loaded.problem.rfind("(journal): is not JSON", 0), 0u) << loaded.problem;
  const auto moved = folder.path() / ("journal.bad-" + std::string(test::kFixedStamp) + ".json");
  EXPECT_EQ(loaded.moved_to, moved.string());
  EXPECT_TRUE(fs::exists(moved));
  EXPECT_FALSE(fs::exists(folder.journal()));
  EXPECT_FALSE(fs::exists(temporary_path(folder.journal())));
  // Again in the same second: the first one moved aside stays.
  test::write_text(folder.journal(), "[]");
  EXPECT_EQ(store.load().moved_to,
            (folder.path() / ("journal.bad-" + std::string(test::kFixedStamp) + "-2.json")).string());
  EXPECT_EQ(test::read_text(moved), R"({"version": 1, "next_seq": 4, "rec)");
}

TEST(FileJournalStoreWin32, AFailedSaveSaysWhatFailed) {
  ScratchFolder folder;
  const auto problem = FileJournalStore(folder.path() / "missing" / "journal.json").save(full_journal());
  EXPECT_NE(problem.find("cannot create"), std::string::npos) << problem;
  EXPECT_NE(problem.find("(error 3)"), std::string::npos) << problem;  // ERROR_PATH_NOT_FOUND
}

}  // namespace
}  // namespace rasbroker::journal
