#pragma once
// Private to rasbroker_protocol: a strict reader for JSON objects (method params and
// results) that names the offending member in every error and never echoes a value.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/types.hpp"

namespace rasbroker::protocol::detail {

// How a reader reports problems.
struct ReadContext {
  ErrorCode code;
  std::string_view prefix;  // starts every message: "invalid params: "
  bool strict;              // reject unknown members; data {"param": name} on field errors
};
inline constexpr ReadContext kParams{ErrorCode::invalid_params, "invalid params: ", true};
inline constexpr ReadContext kResult{ErrorCode::internal_error, "malformed result: ", false};
inline constexpr ReadContext kConnection{ErrorCode::invalid_params, "invalid connection: ", false};

// A member name as a JSON string for a message ("name"), escaped and cut (log_text.hpp).
std::string quote(std::string_view name);
// Length in UTF-16 code units (what Windows buffers count) of UTF-8 text.
std::size_t utf16_length(std::string_view utf8) noexcept;

[[noreturn]] void fail(const ReadContext& ctx, std::string_view message, nlohmann::json data = nullptr);

// Method params: null -> {}, an object as is; anything else fails "params must be an object".
const nlohmann::json& params_object(const nlohmann::json& params);

struct StringRule {
  std::size_t max_chars = 0;  // UTF-16 code units; 0 = unlimited
  bool allow_empty = true;
};

// Reads members of one object. A member that is null counts as absent. Strings are
// checked for NUL characters and length; integers must be JSON integers in range.
class ObjectReader {
 public:
  // `object` must be a JSON object and must outlive the reader. `path` prefixes member
  // names in messages ("redial."). In a strict context every member must be `allowed`.
  ObjectReader(const nlohmann::json& object, const ReadContext& ctx, std::string path = {},
               std::initializer_list<std::string_view> allowed = {});

  bool has(std::string_view key) const;  // present and not null

  std::optional<std::string> string(std::string_view key, StringRule rule = {}) const;
  std::string required_string(std::string_view key, StringRule rule = {}) const;
  // No copy: for secrets. nullptr when absent.
  const std::string* string_ref(std::string_view key, StringRule rule = {}) const;

  std::optional<bool> boolean(std::string_view key) const;
  bool required_boolean(std::string_view key) const;

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) const;
  std::int64_t required_integer(std::string_view key, std::int64_t min, std::int64_t max) const;
  std::optional<double> number(std::string_view key) const;
  double required_number(std::string_view key) const;

  // A nested object member; its reader prefixes names with "key.".
  std::optional<ObjectReader> object(std::string_view key,
                                     std::initializer_list<std::string_view> allowed = {}) const;
  // A nested array member (elements unchecked). nullptr when absent.
  const nlohmann::json* array(std::string_view key) const;
  const nlohmann::json* required_array(std::string_view key) const;

  std::string name(std::string_view key) const { return path_ + std::string(key); }
  const ReadContext& context() const noexcept { return *ctx_; }

  // Throws: "<prefix>"<path><key>" <problem>".
  [[noreturn]] void fail_member(std::string_view key, std::string_view problem) const;

 private:
  const nlohmann::json* find(std::string_view key) const;  // nullptr when absent or null
  // As find(), and fails "<key> <must_be>" unless (member.*is_type)().
  const nlohmann::json* find_typed(std::string_view key, bool (nlohmann::json::*is_type)() const noexcept,
                                   std::string_view must_be) const;
  [[noreturn]] void missing(std::string_view key) const;
  template <typename T>
  T required(std::optional<T> value, std::string_view key) const {
    if (!value) missing(key);
    return *std::move(value);
  }

  const nlohmann::json* object_;
  const ReadContext* ctx_;
  std::string path_;
};

// Requires an object: "<name> must be an object" (name "" -> "expected an object").
void require_object(const nlohmann::json& j, const ReadContext& ctx, std::string_view name);

// The one Connection reader, shared by from_json(Connection) and the result readers.
// path: "" or "connections[2]".
Connection read_connection(const nlohmann::json& j, const ReadContext& ctx, const std::string& path);
// A ConnectionError's form ({ras_error, message[, extended_error]}), shared by pins.cpp.
nlohmann::json error_json(const ConnectionError& e);
ConnectionError read_connection_error(const ObjectReader& error);
// An RFC 3339 time member (null: absent), as the connection's timestamps are written.
std::optional<TimePoint> read_time_member(const ObjectReader& r, std::string_view key);
nlohmann::json time_member_json(const std::optional<TimePoint>& t);

}  // namespace rasbroker::protocol::detail
