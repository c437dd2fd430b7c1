#include "rasbroker/protocol/framing.hpp"

#include <nlohmann/json.hpp>

namespace rasbroker::protocol {

// Invariants:
//  - buffer_[0, scan_) holds no '\n' (so scanning resumes at scan_);
//  - pending_too_long_ is only set when the over-long line was the first thing in the
//    buffer, so its frame comes before everything buffered after it;
//  - while discarding_, nothing is appended until the '\n' ending the over-long line.
// The limit counts the bytes before '\n', a '\r' in front of it included.

LineFramer::LineFramer(std::size_t max_line_bytes) : max_(max_line_bytes) {}

void LineFramer::feed(std::string_view bytes) {
  if (discarding_) {
    const auto nl = bytes.find('\n');
    if (nl == std::string_view::npos) return;  // still inside the over-long line
    discarding_ = false;
    bytes.remove_prefix(nl + 1);
  }
  if (bytes.empty()) return;
  buffer_.append(bytes.data(), bytes.size());

  // Catch an over-long partial line right away so its excess is never kept, even when
  // the caller feeds several reads before popping.
  const auto nl = buffer_.find('\n', scan_);
  if (nl != std::string::npos) {
    scan_ = nl;  // next() finds it at once
    return;
  }
  scan_ = buffer_.size();
  if (buffer_.size() > max_ && !pending_too_long_) {
    buffer_.clear();
    scan_ = 0;
    discarding_ = true;
    pending_too_long_ = true;
  }
}

std::optional<Frame> LineFramer::next() {
  if (pending_too_long_) {
    pending_too_long_ = false;
    return Frame{Frame::Kind::too_long, {}};
  }
  for (;;) {
    const auto nl = buffer_.find('\n', scan_);
    if (nl == std::string::npos) {
      scan_ = buffer_.size();
      if (buffer_.size() > max_) {  // the partial line at the front is already too long
        buffer_.clear();
        scan_ = 0;
        discarding_ = true;
        return Frame{Frame::Kind::too_long, {}};
      }
      return std::nullopt;
    }
    if (nl > max_) {
      buffer_.erase(0, nl + 1);
      scan_ = 0;
      return Frame{Frame::Kind::too_long, {}};
    }
    std::size_t len = nl;
    if (len > 0 && buffer_[len - 1] == '\r') --len;
    std::string text(buffer_, 0, len);
    buffer_.erase(0, nl + 1);
    scan_ = 0;
    if (text.empty()) continue;  // empty or "\r"-only line
    return Frame{Frame::Kind::message, std::move(text)};
  }
}

std::size_t LineFramer::buffered_bytes() const noexcept { return buffer_.size(); }

std::string encode_line(const nlohmann::json& message) {
  // ensure_ascii=false: UTF-8 out. replace: a string holding invalid UTF-8 is written
  // with U+FFFD instead of throwing. dump() escapes control characters, so the text
  // never contains a raw '\n'.
  std::string line = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  return line;
}

}  // namespace rasbroker::protocol
