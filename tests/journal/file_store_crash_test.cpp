// A crash at any instant of a save leaves the old journal or the new one, whole: a child
// process saves and is killed (SIGKILL, nothing of it runs afterwards) before the replace,
// in the middle of writing a large temporary file, and after the replace; the parent then
// loads as a restarted service would.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>


#include "journal/durable_replace.hpp"
#include "journal/file_store.hpp"
#include "journal/journal_json.hpp"
#include "journal_test_support.hpp"

namespace rasbroker::journal {
namespace {

namespace fs = std::filesystem;
using test::expect_same;
using test::full_journal;
using test::ScratchFolder;

Journal old_journal() {
  Journal j = full_journal();
  j.records.pop_back();
  j.next_seq = 8;
  return j;
}

// Runs `body` in a child process; returns its wait status. The child never returns into
// the test framework.
template <typename Body>
pid_t start_child(Body body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    body();
    ::_exit(0);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

void expect_killed(int status) {
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child exited with " << WEXITSTATUS(status) << " instead of being killed";
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

void expect_loads(const fs::path& journal, const Journal& expected) {
  const auto loaded = FileJournalStore(journal).load();
  ASSERT_TRUE(loaded.journal) << loaded.problem;
  EXPECT_EQ(loaded.problem, "");
  expect_same(expected, *loaded.journal);
  EXPECT_FALSE(fs::exists(temporary_path(journal)));
}

TEST(FileJournalStoreCrash, KilledBeforeTheReplaceLeavesTheOldJournalWhole) {
  ScratchFolder folder;
  ASSERT_EQ(FileJournalStore(folder.journal()).save(old_journal()), "");
  const pid_t child = start_child([&] {
    FileJournalStore store(folder.journal(), {.before_replace = [] { ::raise(SIGKILL); }});
    store.save(full_journal());
  });
  expect_killed(wait_for(child));
  // The new journal was written and flushed whole, and never replaced the old one.
  EXPECT_EQ(test::read_text(temporary_path(folder.journal())), encode_journal(full_journal()));
  expect_loads(folder.journal(), old_journal());
}

TEST(FileJournalStoreCrash, KilledWhileWritingALargeTemporaryFileLeavesTheOldJournalWhole) {
  ScratchFolder folder;
  ASSERT_EQ(FileJournalStore(folder.journal()).save(old_journal()), "");
  Journal large = full_journal();
  large.records[0].username.assign(std::size_t{8} << 20, 'u');  // written in 1 MiB pieces
  // The kill lands at a known byte, not at a moment a poll happens to see: the kernel
  // signals SIGXFSZ when a write crosses the file size limit, and the child's handler
  // turns that into SIGKILL, in the middle of the third piece.
  constexpr rlim_t kKilledAt = (std::size_t{5} << 20) / 2;
  const pid_t child = start_child([&] {
    ::signal(SIGXFSZ, [](int) { ::raise(SIGKILL); });
    const rlimit limit{kKilledAt, kKilledAt};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(2);
    FileJournalStore(folder.journal()).save(large);
  });
  expect_killed(wait_for(child));
  EXPECT_EQ(fs::file_size(temporary_path(folder.journal())), kKilledAt);
  expect_loads(folder.journal(), old_journal());
}

TEST(FileJournalStoreCrash, KilledAfterTheReplaceLeavesTheNewJournalWhole) {
  ScratchFolder folder;
  ASSERT_EQ(FileJournalStore(folder.journal()).save(old_journal()), "");
  const pid_t child = start_child([&] {
    if (FileJournalStore(folder.journal()).save(full_journal()).empty()) ::raise(SIGKILL);
  });
  expect_killed(wait_for(child));
  expect_loads(folder.journal(), full_journal());
}

}  // namespace
}  // namespace rasbroker::journal
