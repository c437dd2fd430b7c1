#include "ipc/refusal_log.hpp"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

namespace rasbroker::ipc {

RefusalLog::RefusalLog(std::shared_ptr<spdlog::logger> log, RefusalBudget budget)
    : log_(std::move(log)),
      budget_(budget),
      tokens_(static_cast<double>(budget.burst)),
      refilled_at_(Clock::now()) {}

RefusalLog::~RefusalLog() {
  try {
    if (line_open_) end_line(line_refused_, line_refused_ > 1);  // a session cut in the middle of a line
    if (unlogged_lines_ == 0) return;
    log_->info("client pid {} user '{}' left; {} refused line(s) with {} call(s) since its last logged refusal were "
               "not logged (over its budget of {} lines, then one per {} ms)",
               pid_, user_, unlogged_lines_, unlogged_calls_, budget_.burst, budget_.refill.count());
  } catch (...) {  // a destructor: the count is lost, the service is not
  }
}

void RefusalLog::begin_line() {
  line_open_ = true;
  line_refused_ = 0;
  first_reason_.clear();
}

void RefusalLog::refuse(const authz::Caller& who, std::string reason) {
  pid_ = who.owner.pid;
  user_ = who.owner.user;
  if (!line_open_) {
    write_or_count(std::move(reason), 1);
    return;
  }
  if (line_refused_++ == 0) first_reason_ = std::move(reason);
}

void RefusalLog::refuse_answer(const authz::Caller& who, const nlohmann::json& error_response) {
  const auto& error = error_response.at("error");
  refuse(who, "error " + std::to_string(error.value("code", 0)) + ": " + error.value("message", std::string()));
}

void RefusalLog::end_line(std::size_t calls, bool batch) {
  line_open_ = false;
  if (line_refused_ == 0) return;
  std::string body = batch ? std::to_string(line_refused_) + " of " + std::to_string(calls) +
                                 " call(s) of a batch; the first: " + first_reason_
                           : std::move(first_reason_);
  write_or_count(std::move(body), line_refused_);
  first_reason_.clear();
}

void RefusalLog::write_or_count(std::string body, std::size_t refused_calls) {
  if (!take_token()) {
    ++unlogged_lines_;
    unlogged_calls_ += refused_calls;
    return;
  }
  if (unlogged_lines_ == 0) {
    log_->info("refused from pid {} user '{}': {}", pid_, user_, body);
    return;
  }
  log_->info("refused from pid {} user '{}': {} (before it, {} refused line(s) with {} call(s) from this client were "
             "not logged: over its budget of {} lines, then one per {} ms)",
             pid_, user_, body, unlogged_lines_, unlogged_calls_, budget_.burst, budget_.refill.count());
  unlogged_lines_ = 0;
  unlogged_calls_ = 0;
}

bool RefusalLog::take_token() {
  const auto now = Clock::now();
  const auto burst = static_cast<double>(budget_.burst);
  if (budget_.refill.count() <= 0) {
    tokens_ = burst;  // no refill period: no limit
  } else {
    const std::chrono::duration<double, std::milli> elapsed = now - refilled_at_;
    tokens_ = std::min(burst, tokens_ + elapsed.count() / static_cast<double>(budget_.refill.count()));
  }
  refilled_at_ = now;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace rasbroker::ipc
