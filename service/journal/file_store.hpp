#pragma once
// The journal kept as one JSON file (journal_json.hpp), replaced whole on every save
// (durable_replace.hpp). Windows: %ProgramData%\RasBroker\journal.json; the Linux host:
// journal.json in its data folder.
#include <chrono>
#include <filesystem>
#include <functional>

#include "journal/journal.hpp"

namespace rasbroker::journal {

struct FileJournalStoreOptions {
  // Tests only: called after the temporary file is written and flushed, just before it
  // replaces the journal, so that a test can kill the process at that instant.
  std::function<void()> before_replace = {};
  // Names a bad journal moved aside (UTC, to the second); empty: the system clock.
  std::function<std::chrono::system_clock::time_point()> now = {};
};

class FileJournalStore final : public JournalStore {
 public:
  explicit FileJournalStore(std::filesystem::path path, FileJournalStoreOptions options = {});

  // Missing file: no journal and no problem. A leftover "<path>.tmp" (a save cut short by
  // a crash) is removed unread. A file that cannot be read, is not JSON, is not a valid
  // journal or is from a newer version is moved aside as
  // "<path without .json>.bad-<yyyymmddThhmmssZ>[-n].json" (never over an earlier one).
  Loaded load() override;
  std::string save(const Journal& journal) override;
  std::string where() const override;

 private:
  // Moves the bad journal aside and fills `loaded` (problem, moved_to).
  void move_aside(Loaded& loaded, const std::string& problem) const;

  std::filesystem::path path_;
  FileJournalStoreOptions options_;
};

}  // namespace rasbroker::journal
