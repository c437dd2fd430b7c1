#pragma once
// The request audit off the hot path: audit lines go to sinks that buffer (the rotating
// file's stdio buffer, the dev host's buffered stderr) and are flushed by a thread of
// their own within `interval` of the first unflushed line — not one write per request on
// the thread that serves clients.
//
// Durability (docs/operations.md, "Logging"): a line reaches the file within `interval`;
// a warning or an error flushes at once (the logger's flush_on), and stop() flushes
// whatever is left. A crash of the process loses at most the audit lines of the last
// `interval` (what sat in the buffer); nothing is queued elsewhere.
//
// Idle costs nothing: the thread sleeps until a line is logged (no periodic tick, unlike
// spdlog::flush_every), then waits out the interval so that one flush takes every line
// of it, and sleeps again.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/logger.h>

namespace rasbroker::app {

class LogFlusher {
 public:
  explicit LogFlusher(std::chrono::milliseconds interval);
  ~LogFlusher();  // stop()
  LogFlusher(const LogFlusher&) = delete;
  LogFlusher& operator=(const LogFlusher&) = delete;

  // Flushes `log` within the interval of each line it logs: adds a sink to it that only
  // wakes this flusher. The logger keeps working (unflushed) once the flusher is gone.
  void watch(const std::shared_ptr<spdlog::logger>& log);

  // Flushes every watched logger one last time and ends the thread. Idempotent.
  void stop();

  // Flushes done by the thread so far (tests).
  std::size_t flushes() const;

 private:
  struct State;
  class WakeSink;
  void run();

  std::chrono::milliseconds interval_;
  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace rasbroker::app
