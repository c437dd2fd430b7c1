#pragma once
// A password in memory: wiped when destroyed or cleared, never printed, never
// serialised by accident (no to_json, no operator<<).
#include <string>
#include <string_view>

namespace rasbroker::protocol {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret& other) : value_(other.value_) {}
  Secret(Secret&& other) noexcept;
  Secret& operator=(const Secret& other);
  Secret& operator=(Secret&& other) noexcept;
  ~Secret() { clear(); }

  void clear() noexcept;  // overwrites the bytes (not optimised away), then empties
  bool empty() const noexcept { return value_.empty(); }
  // Deliberately explicit: every place that reads the secret is greppable.
  const std::string& reveal() const noexcept { return value_; }

 private:
  std::string value_;
};

// Overwrites a string's bytes in a way the optimiser keeps, then clears it.
void wipe(std::string& s) noexcept;

}  // namespace rasbroker::protocol
