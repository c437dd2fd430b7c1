#pragma once
// The state journal: what the service dialled and still owns, kept in its data folder so
// that an instance started after a crash (or after on_stop "leave") takes those
// connections back as its own: same ids, same owners, an interrupted teardown reaped to
// the end (docs/operations.md, "The state journal"). Never a password.
//
// Two seams: the document (Journal, plain data) and where it is kept (JournalStore). The
// broker decides what goes in and what a restart does with it; the store only keeps the
// last saved document whole.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ras/ras_api.hpp"
#include "rasbroker/protocol/methods.hpp"

namespace rasbroker::journal {

// Version 1 is the first; version 2 adds the run-time pins. A store reads every version up
// to kJournalVersion (older ones through journal_json.cpp's migrations); a newer one is
// refused (moved aside), never guessed at.
inline constexpr std::uint32_t kJournalVersion = 2;

// One connection the service dialled (adopted ones are not journalled: they belong to
// whoever dialled them, and a restart adopts them again).
struct JournalRecord {
  std::uint64_t seq = 0;  // the id is "c<seq>"
  ras::Handle handle = ras::kNullHandle;
  // id, entry, phonebook, state (dialing, connected or hanging_up), owner, reason, error,
  // stuck and the timestamps, as the protocol shows them. `adopted` is false, except for a
  // connection the service adopted and then hung up: it owes RAS the reaping of that
  // teardown (docs/ras-rules.md#teardown), so the next instance must see it to the end.
  protocol::Connection info;
  // What a redial needs besides the password (which is never written: a restored
  // connection redials only with saved credentials, or not at all when it needs the
  // client's password — see password_sent).
  std::string username, domain;
  bool password_sent = false;
  protocol::RedialPolicy redial;
  std::uint32_t redials_used = 0;
};

// An entry an administrator pinned at run time (pin, or dial with keep): pinned again at
// the next start. Pins the configuration makes are not journalled (the configuration is
// where they come from), and neither is a pin's state: a restart dials it afresh.
struct JournalPin {
  std::string entry;
  std::string phonebook;
  protocol::PinBackoff backoff;
  bool operator==(const JournalPin&) const = default;
};

struct Journal {
  std::uint32_t version = kJournalVersion;
  std::uint64_t next_seq = 1;  // ids never repeat across restarts
  std::vector<JournalRecord> records;
  std::vector<JournalPin> pins;  // since version 2
};

// Where the journal is kept (the file store: journal/file_store.hpp).
class JournalStore {
 public:
  virtual ~JournalStore() = default;

  struct Loaded {
    std::optional<Journal> journal;  // none: start with plain adoption
    // Why there is none when one was expected (unreadable, corrupt, from a newer version),
    // and where the bad file was moved; both empty when there simply was no journal.
    std::string problem;
    std::string moved_to;
  };
  // The journal last saved. Never throws: a journal that cannot be used is moved aside
  // (with a timestamp in its name) and reported in `problem`.
  virtual Loaded load() = 0;

  // Replaces the saved journal atomically and durably: after a crash at any instant, load()
  // finds either the previous document or this one, whole. Returns "" or what failed (the
  // caller logs it and tries again at the next change).
  virtual std::string save(const Journal& journal) = 0;

  // Where it is kept, for log lines and docs ("C:\ProgramData\RasBroker\journal.json").
  virtual std::string where() const = 0;
};

}  // namespace rasbroker::journal
