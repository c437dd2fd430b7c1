#pragma once
// The log of what the service refused for what a client sent, before running anything: a
// line that is not JSON or not JSON-RPC, too long, a batch too large, an unknown method,
// invalid params. A client can send those as fast as it writes, so they are kept apart
// from the audit of the requests the service ran (docs/security.md, "What a client can do
// to the logs"):
//  - one log line per line the client sent, however many calls of its batch were refused;
//  - within a budget per client (a token bucket on Clock): a line over it is counted, not
//    written, and the next line written — or, when the client leaves, a last one — says how
//    many were not;
//  - to a logger of their own: the Windows service writes it to refusals.log, rotated at
//    its own size, so that refusals never rotate the audit (rasbroker.log) away.
//
// One per client (ClientContext::refusals), used on its session's thread only.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "authz/caller.hpp"
#include "core/clock.hpp"

namespace rasbroker::ipc {

// The refusal lines one client may write: `burst` at once, then one more per `refill`.
struct RefusalBudget {
  std::size_t burst = 20;
  std::chrono::milliseconds refill{5'000};
};

class RefusalLog {
 public:
  RefusalLog(std::shared_ptr<spdlog::logger> log, RefusalBudget budget);
  // Says how many refusals were not logged since the last line, if any: a client that
  // floods and leaves is counted too.
  ~RefusalLog();
  RefusalLog(const RefusalLog&) = delete;
  RefusalLog& operator=(const RefusalLog&) = delete;

  // A line from the client is being handled: its refusals, until end_line(), make one
  // log line.
  void begin_line();
  // One call refused, `reason` being our text (client text in it quoted: log_text.hpp).
  // Outside begin_line() .. end_line(), a line of its own (a line refused as a whole).
  void refuse(const authz::Caller& who, std::string reason);
  // The same for an error answer made before dispatch: "error <code>: <message>".
  void refuse_answer(const authz::Caller& who, const nlohmann::json& error_response);
  // The line held `calls` calls (a batch's size; 1 for a single request): its refusals,
  // if any, are written as one log line, or counted when over the budget.
  void end_line(std::size_t calls, bool batch);

 private:
  void write_or_count(std::string body, std::size_t refused_calls);
  bool take_token();

  std::shared_ptr<spdlog::logger> log_;
  RefusalBudget budget_;
  // Who the client is, as of its last refusal (the pipe learns the user after a read).
  std::int64_t pid_ = 0;
  std::string user_;
  // The open line.
  bool line_open_ = false;
  std::size_t line_refused_ = 0;
  std::string first_reason_;
  // The budget.
  double tokens_;
  Clock::time_point refilled_at_;
  // Refused, not written, since the last line written.
  std::size_t unlogged_lines_ = 0;
  std::size_t unlogged_calls_ = 0;
};

}  // namespace rasbroker::ipc
