#pragma once
// Line framing: one JSON-RPC message per line on a byte stream.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "rasbroker/protocol/limits.hpp"

namespace rasbroker::protocol {

struct Frame {
  enum class Kind { message, too_long };
  Kind kind = Kind::message;
  std::string text;  // the line without '\n' (and without a trailing '\r'); empty for too_long
};

// Splits a byte stream into lines. Copes with partial reads and many lines per read.
// Empty (or "\r"-only) lines are skipped. A line longer than max_line_bytes yields
// exactly one too_long frame; the framer then discards bytes up to the next '\n'
// without buffering them, and resumes with the line after it.
class LineFramer {
 public:
  explicit LineFramer(std::size_t max_line_bytes = kDefaultMaxLineBytes);
  void feed(std::string_view bytes);
  std::optional<Frame> next();
  std::size_t buffered_bytes() const noexcept;  // never exceeds max_line_bytes + one read
  std::size_t max_line_bytes() const noexcept { return max_; }

 private:
  std::size_t max_;
  std::string buffer_;       // bytes of complete lines not yet popped plus the partial tail
  std::size_t scan_ = 0;     // where to continue looking for '\n'
  bool discarding_ = false;  // inside an over-long line: drop bytes until '\n'
  bool pending_too_long_ = false;
};

// Serialises one message as a line: compact JSON (UTF-8) followed by '\n'.
std::string encode_line(const nlohmann::json& message);

}  // namespace rasbroker::protocol
