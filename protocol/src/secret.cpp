#include "rasbroker/protocol/secret.hpp"

#include <utility>

namespace rasbroker::protocol {

void wipe(std::string& s) noexcept {
  // Overwrite the whole capacity (bytes past size() may hold an older, longer value):
  // resize to the capacity never reallocates. The volatile stores cannot be elided.
  s.resize(s.capacity());
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = '\0';
#if defined(__GNUC__)
  __asm__ __volatile__("" : : "r"(s.data()) : "memory");
#endif
  s.clear();
}

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) {
  // A moved-from short string keeps its bytes in the small-string buffer: wipe it.
  wipe(other.value_);
}

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    wipe(value_);
    value_ = other.value_;
  }
  return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe(value_);
    value_ = std::move(other.value_);
    wipe(other.value_);
  }
  return *this;
}

void Secret::clear() noexcept { wipe(value_); }

}  // namespace rasbroker::protocol
