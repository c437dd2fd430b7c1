#pragma once
// Secrets in memory and in JSON messages, for the service and every client alike:
// - Secret: a password in memory, wiped when destroyed or cleared, never printed, never
//   serialised by accident (no to_json, no operator<<);
// - wipe(): overwrite a string's bytes;
// - the one rule for which JSON members are secrets, and what is done with them: redacted
//   for a log line, wiped in a request buffer.
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

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

// True for a member name that may hold a secret: "password", and anything a client may
// have misspelt or named its own way ("Password", "pasword", "Passwd", "pwd",
// "client_secret"), because a refused request is logged and wiped too. The rule: the
// name contains "pass", "pasw", "pwd" or "secret", without regard to ASCII case.
bool is_secret_member(std::string_view name) noexcept;

// A copy of a message fit for a log line: the value of every secret member, at any depth,
// replaced by "***" (the copy's bytes of it are wiped before they are freed).
nlohmann::json redact(const nlohmann::json& message);

// Overwrites in place (see wipe()) every string inside the value of every secret member,
// at any depth; the members stay, their strings become "". For a request buffer once it
// was sent (the client) or once parse_dial_params() has taken the Secret out (the service).
void wipe_secrets(nlohmann::json& message) noexcept;

}  // namespace rasbroker::protocol
