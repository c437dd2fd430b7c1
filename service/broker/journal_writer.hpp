#pragma once
// Keeps the state journal (journal/journal.hpp) up to date without making the broker wait
// for the disk: the broker says that something changed; the writer takes a snapshot on the
// broker's executor when it is time to save and hands it to the store on a thread of its
// own. At most one save is in flight; every change made meanwhile is folded into the next
// one, so a burst of N changes costs a couple of saves, not N (docs/operations.md, "What a
// restart does with the journal").
//
// Two urgencies (the window in which a crash loses a change, and what that costs):
// - now: a new RAS handle, a hang-up started, connections taken back at start. Saved as
//   soon as the save in flight (if any) ends. Lost, a new handle is adopted by the next
//   instance instead of restored (no owner, left up at stop; a failed dial's handle would
//   be hung up by no one), and a hang-up would be forgotten (a "connected" record whose
//   link then looks dropped: it could even be redialled).
// - soon: connected, gone, stuck. Saved within `coalesce`. Lost, the next instance
//   finds out from RAS what the journal missed (a dial that connected, a handle that
//   is gone): nothing is lost but a timestamp.
// Either way a synchronous burst (stop() hanging up every connection in one loop) is one
// save: the save starts from a handler posted after the burst.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/logger.h>

#include "core/clock.hpp"
#include "core/notifier.hpp"
#include "core/timer.hpp"
#include "journal/journal.hpp"

namespace rasbroker::broker {

class JournalWriter : public std::enable_shared_from_this<JournalWriter> {
 public:
  enum class Urgency { soon, now };

  struct Options {
    // Where store.save() runs. Empty: a thread of the writer's own, so that a slow disk
    // never holds up the broker. The broker's tests pass the broker's own executor, so
    // that saves happen in virtual time, deterministically.
    boost::asio::any_io_executor save_executor;
    // How long a "soon" change may wait for others to fold in.
    std::chrono::milliseconds coalesce{250};
    // Failed saves are logged at most this often (with how many failed meanwhile).
    std::chrono::milliseconds error_log_interval{60000};
  };

  // `snapshot` builds the document from the broker's records; called on `ex` only.
  static std::shared_ptr<JournalWriter> create(boost::asio::any_io_executor ex,
                                               std::shared_ptr<journal::JournalStore> store,
                                               std::function<journal::Journal()> snapshot,
                                               std::shared_ptr<spdlog::logger> log, Options options);
  // Joins the writer's own thread: a save in flight completes (the store replaces the file
  // whole either way); its completion is not delivered.
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Something that matters changed. On the executor.
  void changed(Urgency urgency);

  // Returns once everything changed so far was handed to the store and its save ended
  // (saved, or failed and logged). A failed earlier save is tried again. On the executor.
  boost::asio::awaitable<void> flush();

  // Completed save() calls, and how many of them failed (status, tests).
  std::uint64_t saves() const noexcept { return saves_; }
  std::uint64_t failures() const noexcept { return failures_; }

 private:
  JournalWriter(boost::asio::any_io_executor ex, std::shared_ptr<journal::JournalStore> store,
                std::function<journal::Journal()> snapshot, std::shared_ptr<spdlog::logger> log, Options options);

  void post_save();      // a save starts from a handler posted now (a burst folds in first)
  void arm_timer();      // a save starts when the coalescing window ends
  void start_save();     // takes the snapshot and hands it to the save executor
  void saved(const std::string& error);
  void log_failure(const std::string& error);

  boost::asio::any_io_executor ex_;
  std::shared_ptr<journal::JournalStore> store_;
  std::function<journal::Journal()> snapshot_;
  std::shared_ptr<spdlog::logger> log_;
  Options options_;
  std::optional<boost::asio::thread_pool> own_thread_;  // when no save_executor was given
  boost::asio::any_io_executor save_ex_;

  bool dirty_ = false;       // a change not yet in a snapshot
  bool urgent_ = false;      // ... and one of them is `now`
  bool in_flight_ = false;   // a save is running on save_ex_
  bool posted_ = false;      // start_save() is posted
  bool timer_armed_ = false;
  bool last_failed_ = false;  // the last save failed: the journal on disk is behind
  Timer timer_;
  Notifier save_done_;

  std::uint64_t saves_ = 0, failures_ = 0;
  std::uint64_t failures_unlogged_ = 0;  // failed since the last log line about it
  std::optional<Clock::time_point> last_error_logged_;
};

}  // namespace rasbroker::broker
