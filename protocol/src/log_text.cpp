#include "rasbroker/protocol/log_text.hpp"

namespace rasbroker::protocol {

namespace {

// dump() with ensure_ascii escapes controls and non-ASCII, but leaves DEL (0x7f) as is.
std::string escape_del(std::string s) {
  for (std::size_t i = s.find('\x7f'); i != std::string::npos; i = s.find('\x7f', i)) s.replace(i, 1, "\\u007f");
  return s;
}

std::string cut_note(std::size_t total, std::size_t max_bytes) {
  return total > max_bytes ? "...(" + std::to_string(total) + " bytes)" : std::string();
}

}  // namespace

std::string quoted(std::string_view text, std::size_t max_bytes) {
  const std::string cut(text.substr(0, max_bytes));
  return escape_del(nlohmann::json(cut).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace)) +
         cut_note(text.size(), max_bytes);
}

std::string quoted_json(const nlohmann::json& value, std::size_t max_bytes) {
  const std::string text = escape_del(value.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace));
  if (text.size() <= max_bytes) return text;
  return text.substr(0, max_bytes) + cut_note(text.size(), max_bytes);
}

}  // namespace rasbroker::protocol
