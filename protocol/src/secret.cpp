#include "rasbroker/protocol/secret.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

namespace rasbroker::protocol {

namespace {

char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool contains_ignoring_ascii_case(std::string_view text, std::string_view lower_word) noexcept {
  return std::search(text.begin(), text.end(), lower_word.begin(), lower_word.end(),
                     [](char t, char w) { return ascii_lower(t) == w; }) != text.end();
}

// Every string inside a secret member's value: a mistyped value ("password": ["x"]) is
// no less secret than a string.
void wipe_strings(nlohmann::json& value) noexcept {
  if (value.is_string()) {
    wipe(value.get_ref<std::string&>());
  } else if (value.is_structured()) {
    for (auto& element : value) wipe_strings(element);
  }
}

template <typename Fn>
void for_each_secret(nlohmann::json& j, Fn&& fn) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (is_secret_member(it.key())) fn(*it);
      else for_each_secret(*it, fn);
    }
  } else if (j.is_array()) {
    for (auto& element : j) for_each_secret(element, fn);
  }
}

}  // namespace

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

bool is_secret_member(std::string_view name) noexcept {
  constexpr std::array<std::string_view, 4> kWords{"pass", "pasw", "pwd", "secret"};
  return std::any_of(kWords.begin(), kWords.end(),
                     [name](std::string_view word) { return contains_ignoring_ascii_case(name, word); });
}

nlohmann::json redact(const nlohmann::json& message) {
  nlohmann::json copy = message;
  for_each_secret(copy, [](nlohmann::json& value) {
    wipe_strings(value);
    value = "***";
  });
  return copy;
}

void wipe_secrets(nlohmann::json& message) noexcept { for_each_secret(message, wipe_strings); }

}  // namespace rasbroker::protocol
