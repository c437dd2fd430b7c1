#include "broker/journal_writer.hpp"

#include <exception>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace rasbroker::broker {

namespace asio = boost::asio;

std::shared_ptr<JournalWriter> JournalWriter::create(asio::any_io_executor ex,
                                                     std::shared_ptr<journal::JournalStore> store,
                                                     std::function<journal::Journal()> snapshot,
                                                     std::shared_ptr<spdlog::logger> log, Options options) {
  return std::shared_ptr<JournalWriter>(
      new JournalWriter(std::move(ex), std::move(store), std::move(snapshot), std::move(log), std::move(options)));
}

JournalWriter::JournalWriter(asio::any_io_executor ex, std::shared_ptr<journal::JournalStore> store,
                             std::function<journal::Journal()> snapshot, std::shared_ptr<spdlog::logger> log,
                             Options options)
    : ex_(ex),
      store_(std::move(store)),
      snapshot_(std::move(snapshot)),
      log_(log ? std::move(log) : spdlog::default_logger()),
      options_(std::move(options)),
      timer_(ex),
      save_done_(ex) {
  if (options_.save_executor) {
    save_ex_ = options_.save_executor;
  } else {
    own_thread_.emplace(1);
    save_ex_ = own_thread_->get_executor();
  }
}

JournalWriter::~JournalWriter() {
  if (own_thread_) own_thread_->join();
}

void JournalWriter::changed(Urgency urgency) {
  dirty_ = true;
  if (urgency == Urgency::now) urgent_ = true;
  if (in_flight_) return;  // saved() schedules what came in meanwhile
  if (urgent_) post_save();
  else arm_timer();
}

void JournalWriter::post_save() {
  if (posted_) return;
  posted_ = true;
  asio::post(ex_, [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      self->posted_ = false;
      self->start_save();
    }
  });
}

void JournalWriter::arm_timer() {
  if (timer_armed_) return;  // the window already open takes this change too
  timer_armed_ = true;
  timer_.expires_at(Clock::now() + options_.coalesce);
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code&) {
    if (auto self = weak.lock()) {
      self->timer_armed_ = false;
      self->start_save();  // a no-op when an urgent save took the change meanwhile
    }
  });
}

void JournalWriter::start_save() {
  if (!dirty_ || in_flight_) return;
  dirty_ = urgent_ = false;
  in_flight_ = true;
  asio::post(save_ex_, [store = store_, journal = snapshot_(), ex = ex_, weak = weak_from_this()] {
    std::string error;
    try {
      error = store->save(journal);
    } catch (const std::exception& e) {  // the interface says it does not throw; a store may
      error = e.what();
    }
    asio::post(ex, [weak, error = std::move(error)] {
      if (auto self = weak.lock()) self->saved(error);
    });
  });
}

void JournalWriter::saved(const std::string& error) {
  in_flight_ = false;
  ++saves_;
  if (!error.empty()) {
    ++failures_;
    log_failure(error);
  } else if (last_failed_) {
    log_->info("journal: saved to {} again", store_->where());
    failures_unlogged_ = 0;
    last_error_logged_.reset();
  }
  last_failed_ = !error.empty();
  save_done_.notify_all();
  if (!dirty_) return;
  if (urgent_) post_save();
  else arm_timer();
}

void JournalWriter::log_failure(const std::string& error) {
  ++failures_unlogged_;
  const auto now = Clock::now();
  if (last_error_logged_ && now - *last_error_logged_ < options_.error_log_interval) return;
  log_->error("journal: cannot save {}: {} ({} failed save(s) since the last report); tried again at the next "
              "change — until then a restart after a crash may adopt what the service dialled instead of taking "
              "it back",
              store_->where(), error, failures_unlogged_);
  last_error_logged_ = now;
  failures_unlogged_ = 0;
}

asio::awaitable<void> JournalWriter::flush() {
  auto self = shared_from_this();
  if (last_failed_) dirty_ = true;  // the journal on disk is behind: try once more
  while (dirty_ || in_flight_) {
    if (!in_flight_) start_save();
    co_await save_done_.wait();
  }
}

}  // namespace rasbroker::broker
