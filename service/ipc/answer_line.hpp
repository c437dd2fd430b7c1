#pragma once
// The answer line to one request line, bounded by the answer-size limit
// (protocol::kMaxResponseBytes): an answer that would be longer is replaced by a
// `response_too_large` error, so a client that reads is never cut off for what it asked,
// and the service never holds more than about one limit's worth of answer per client.
//
// A single call's answer is encoded once and checked. A batch answer is assembled from
// its calls' encoded answers as they come (the same bytes encode_line() would give for
// the whole array); once the total is over the limit the answers are no longer kept,
// only counted, so 100 calls with large results cost one limit of memory, not 100 results.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "ipc/response.hpp"

namespace rasbroker::ipc {

class AnswerLine {
 public:
  explicit AnswerLine(bool batch, std::size_t max_bytes) : batch_(batch), max_bytes_(max_bytes) {}

  // The answer to one call (or the refusal of one entry). A single call's answer that is
  // too long is replaced right away, with the call's id.
  void add(const nlohmann::json& response);
  // A success whose result is already text: the same bytes as add() of the json response.
  void add(const RawResult& response);
  void add(const Response& response);
  bool empty() const noexcept { return answers_ == 0; }
  // The whole line, '\n' included, and starts over; nothing when empty() (notifications only).
  std::string take();
  // How long the answer is or would be, '\n' excluded (a batch's closing ']' included).
  std::size_t full_bytes() const noexcept { return full_bytes_ + (batch_ && answers_ ? 1 : 0); }
  bool replaced() const noexcept { return replaced_; }
  // Memory the answer holds now: never much more than max_bytes (the bound above).
  std::size_t held_bytes() const noexcept { return text_.capacity(); }

 private:
  // `encoded`: one response, compact, no '\n'; `id`: the call's, for a replacement error.
  void add_encoded(std::string encoded, const nlohmann::json& id);

  bool batch_;
  std::size_t max_bytes_;
  std::string text_;  // single: the line; batch: "[a,b,..." while it fits
  std::size_t answers_ = 0;
  std::size_t full_bytes_ = 0;
  bool replaced_ = false;
};

}  // namespace rasbroker::ipc
