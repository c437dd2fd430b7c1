#include "app/log_flusher.hpp"

#include <atomic>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/details/null_mutex.h>

namespace rasbroker::app {

struct LogFlusher::State {
  std::mutex mutex;
  std::condition_variable wake;
  std::atomic<bool> dirty{false};  // a line was logged since the last flush
  bool stopping = false;           // guarded by mutex
  std::size_t flushes = 0;         // guarded by mutex
  std::vector<std::weak_ptr<spdlog::logger>> loggers;  // guarded by mutex

  // On the logging thread, once per line: one atomic exchange; the lock and the wake-up
  // only for the first line after a flush.
  void line_logged() {
    if (dirty.exchange(true, std::memory_order_acq_rel)) return;
    std::lock_guard lock(mutex);
    wake.notify_one();
  }
};

// Writes nothing: tells the flusher that its logger has a line to flush. spdlog calls it
// under its own lock (base_sink<std::mutex>); the flusher's state outlives the flusher.
class LogFlusher::WakeSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  explicit WakeSink(std::shared_ptr<State> state) : state_(std::move(state)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg&) override { state_->line_logged(); }
  void flush_() override {}

 private:
  std::shared_ptr<State> state_;
};

LogFlusher::LogFlusher(std::chrono::milliseconds interval)
    : interval_(interval), state_(std::make_shared<State>()), thread_([this] { run(); }) {}

LogFlusher::~LogFlusher() { stop(); }

void LogFlusher::watch(const std::shared_ptr<spdlog::logger>& log) {
  log->sinks().push_back(std::make_shared<WakeSink>(state_));
  std::lock_guard lock(state_->mutex);
  state_->loggers.push_back(log);
}

void LogFlusher::stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
    state_->wake.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

std::size_t LogFlusher::flushes() const {
  std::lock_guard lock(state_->mutex);
  return state_->flushes;
}

void LogFlusher::run() {
  State& s = *state_;
  std::unique_lock lock(s.mutex);
  for (;;) {
    s.wake.wait(lock, [&] { return s.stopping || s.dirty.load(std::memory_order_acquire); });
    // Gather the interval's lines into one flush (a stop cuts the wait short).
    if (!s.stopping) s.wake.wait_for(lock, interval_, [&] { return s.stopping; });
    s.dirty.store(false, std::memory_order_release);  // lines from now on wake the next round
    auto loggers = s.loggers;
    lock.unlock();
    for (auto& weak : loggers)
      if (auto log = weak.lock()) log->flush();
    lock.lock();
    ++s.flushes;
    if (s.stopping) return;
  }
}

}  // namespace rasbroker::app
