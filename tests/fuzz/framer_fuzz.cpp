// Fuzz target: the line framer (protocol/framing.hpp) under random reads.
//
// The input is a small header (the line limit, then a read size per read) and the byte
// stream. The stream is fed in those reads, draining after each one as a session does,
// or now and then after several reads (a caller that pops late). Checked against a model
// that frames the whole stream at once, so that how the bytes arrive can never change what
// comes out:
//  - the frames are exactly the model's: every complete line of at most the limit (one
//    trailing '\r' cut, empty lines skipped) and one too_long per longer line;
//  - no frame is longer than the limit, none holds a '\n' or is empty;
//  - after a drain the framer buffers at most the limit, right after a read at most the
//    limit plus that read (the memory a client can pin with an unfinished line).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "rasbroker/protocol/framing.hpp"

namespace rp = rasbroker::protocol;

namespace {

// A frame as seen: too_long is a flag, not a marker text (any text can be a message).
struct Seen {
  bool too_long;
  std::string text;
  bool operator==(const Seen&) const = default;
};

void check(bool ok) {
  if (!ok) std::abort();  // libFuzzer reports the input that broke an invariant
}

// Frames the complete stream the way the framer's contract says: the reference.
std::vector<Seen> model(std::string_view stream, std::size_t max) {
  std::vector<Seen> out;
  std::size_t start = 0;
  for (;;) {
    const auto nl = stream.find('\n', start);
    const std::string_view line =
        stream.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (line.size() > max) {
      out.push_back({true, {}});  // reported as soon as it is too long, even unfinished
    } else if (nl != std::string_view::npos) {
      std::string_view text = line;
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      if (!text.empty()) out.push_back({false, std::string(text)});
    }
    if (nl == std::string_view::npos) return out;
    start = nl + 1;
  }
}

void drain(rp::LineFramer& framer, std::vector<Seen>& out) {
  while (auto frame = framer.next()) {
    if (frame->kind == rp::Frame::Kind::too_long) {
      check(frame->text.empty());
      out.push_back({true, {}});
      continue;
    }
    check(!frame->text.empty());
    check(frame->text.size() <= framer.max_line_bytes());
    check(frame->text.find('\n') == std::string::npos);
    out.push_back({false, std::move(frame->text)});
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  // Small limits, so that inputs of a few hundred bytes cross them often.
  const std::size_t max = in.ConsumeIntegralInRange<std::size_t>(1, 256);
  const auto read_sizes = in.ConsumeBytes<std::uint8_t>(in.ConsumeIntegralInRange<std::size_t>(1, 16));
  const std::string stream = in.ConsumeRemainingBytesAsString();
  if (read_sizes.empty()) return 0;

  rp::LineFramer framer(max);
  std::vector<Seen> frames;
  bool drained = true;  // nothing fed since the last drain
  std::size_t pos = 0;
  for (std::size_t i = 0; pos < stream.size(); ++i) {
    // A read size of 0 in the header means "one byte, and drain only later".
    const std::uint8_t code = read_sizes[i % read_sizes.size()];
    const std::size_t n = code == 0 ? 1 : code;
    const std::string_view piece = std::string_view(stream).substr(pos, n);
    pos += piece.size();
    framer.feed(piece);
    if (drained) check(framer.buffered_bytes() <= max + piece.size());
    if (code == 0 && pos < stream.size()) {
      drained = false;
      continue;
    }
    drain(framer, frames);
    check(framer.buffered_bytes() <= max);
    drained = true;
  }
  check(frames == model(stream, max));
  return 0;
}
