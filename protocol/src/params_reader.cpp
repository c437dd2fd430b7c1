#include "params_reader.hpp"

#include "rasbroker/protocol/log_text.hpp"

#include <limits>
#include <utility>

namespace rasbroker::protocol::detail {

std::string quote(std::string_view name) { return quoted(name, kMaxQuotedBytes); }

std::size_t utf16_length(std::string_view utf8) noexcept {
  std::size_t n = 0;
  for (const char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    n += (c >= 0xF0) ? 2 : 1;          // 4-byte sequences need a surrogate pair
  }
  return n;
}

void fail(const ReadContext& ctx, std::string_view message, nlohmann::json data) {
  std::string text(ctx.prefix);
  text += message;
  throw RpcError(ctx.code, std::move(text), std::move(data));
}

const nlohmann::json& params_object(const nlohmann::json& params) {
  static const nlohmann::json empty = nlohmann::json::object();
  if (params.is_null()) return empty;
  if (!params.is_object()) fail(kParams, "params must be an object");
  return params;
}

void require_object(const nlohmann::json& j, const ReadContext& ctx, std::string_view name) {
  if (j.is_object()) return;
  if (name.empty()) fail(ctx, "expected an object");
  std::string message = quote(name) + " must be an object";
  fail(ctx, message, ctx.strict ? nlohmann::json{{"param", name}} : nlohmann::json());
}

ObjectReader::ObjectReader(const nlohmann::json& object, const ReadContext& ctx, std::string path,
                           std::initializer_list<std::string_view> allowed)
    : object_(&object), ctx_(&ctx), path_(std::move(path)) {
  require_object(object, ctx, path_.empty() ? std::string_view() : std::string_view(path_).substr(0, path_.size() - 1));
  if (!ctx.strict) return;
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (const auto a : allowed) known = known || key == a;
    if (!known) {
      const std::string full = name(key);
      fail(ctx, "unknown parameter " + quote(full), {{"param", full}});
    }
  }
}

const nlohmann::json* ObjectReader::find(std::string_view key) const {
  const auto it = object_->find(key);
  if (it == object_->end() || it->is_null()) return nullptr;
  return &*it;
}

bool ObjectReader::has(std::string_view key) const { return find(key) != nullptr; }

void ObjectReader::fail_member(std::string_view key, std::string_view problem) const {
  const std::string full = name(key);
  std::string message = quote(full);
  message += ' ';
  message += problem;
  fail(*ctx_, message, ctx_->strict ? nlohmann::json{{"param", full}} : nlohmann::json());
}

void ObjectReader::missing(std::string_view key) const { fail_member(key, "is required"); }

const std::string* ObjectReader::string_ref(std::string_view key, StringRule rule) const {
  const auto* v = find(key);
  if (v == nullptr) return nullptr;
  if (!v->is_string()) fail_member(key, "must be a string");
  const auto& s = v->get_ref<const std::string&>();
  if (s.empty() && !rule.allow_empty) fail_member(key, "must not be empty");
  if (rule.max_chars != 0 && utf16_length(s) > rule.max_chars) {
    fail_member(key, "must be at most " + std::to_string(rule.max_chars) + " characters");
  }
  if (s.find('\0') != std::string::npos) fail_member(key, "must not contain NUL characters");
  return &s;
}

std::optional<std::string> ObjectReader::string(std::string_view key, StringRule rule) const {
  if (const auto* s = string_ref(key, rule)) return *s;
  return std::nullopt;
}

std::string ObjectReader::required_string(std::string_view key, StringRule rule) const {
  if (const auto* s = string_ref(key, rule)) return *s;
  missing(key);
}

const nlohmann::json* ObjectReader::find_typed(std::string_view key, bool (nlohmann::json::*is_type)() const noexcept,
                                               std::string_view must_be) const {
  const auto* v = find(key);
  if (v != nullptr && !(v->*is_type)()) fail_member(key, must_be);
  return v;
}

std::optional<bool> ObjectReader::boolean(std::string_view key) const {
  if (const auto* v = find_typed(key, &nlohmann::json::is_boolean, "must be a boolean")) return v->get<bool>();
  return std::nullopt;
}

bool ObjectReader::required_boolean(std::string_view key) const { return required(boolean(key), key); }

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, std::int64_t min, std::int64_t max) const {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  bool ok = false;
  std::int64_t value = 0;
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      value = static_cast<std::int64_t>(u);
      ok = true;
    }
  } else if (v->is_number_integer()) {
    value = v->get<std::int64_t>();
    ok = true;
  }
  if (!ok || value < min || value > max) {
    fail_member(key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

std::int64_t ObjectReader::required_integer(std::string_view key, std::int64_t min, std::int64_t max) const {
  return required(integer(key, min, max), key);
}

std::optional<double> ObjectReader::number(std::string_view key) const {
  if (const auto* v = find_typed(key, &nlohmann::json::is_number, "must be a number")) return v->get<double>();
  return std::nullopt;
}

double ObjectReader::required_number(std::string_view key) const { return required(number(key), key); }

std::optional<ObjectReader> ObjectReader::object(std::string_view key,
                                                 std::initializer_list<std::string_view> allowed) const {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) fail_member(key, "must be an object");
  return ObjectReader(*v, *ctx_, name(key) + ".", allowed);
}

const nlohmann::json* ObjectReader::array(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) fail_member(key, "must be an array");
  return v;
}

const nlohmann::json* ObjectReader::required_array(std::string_view key) const {
  if (const auto* a = array(key)) return a;
  missing(key);
}

}  // namespace rasbroker::protocol::detail
