#include "rasbroker/protocol/types.hpp"

#include <cstdio>
#include <limits>

#include "params_reader.hpp"

namespace rasbroker::protocol {

// ---- time -------------------------------------------------------------------------
// Calendar arithmetic with <chrono> (C++20 year_month_day): no timegm/gmtime_r, which
// MinGW lacks, and no std::chrono::format/parse, which g++ 12 lacks.

std::string format_rfc3339(TimePoint t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{ms - day};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return buf;
}

namespace {

bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  // YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!read_digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !read_digits(s, 5, 2, mo) || s[7] != '-' ||
      !read_digits(s, 8, 2, d) || s[10] != 'T' || !read_digits(s, 11, 2, h) || s[13] != ':' ||
      !read_digits(s, 14, 2, mi) || s[16] != ':' || !read_digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (++n > 9) return std::nullopt;
      nanos = nanos * 10 + (s[pos] - '0');
      ++pos;
    }
    if (n == 0) return std::nullopt;
    for (; n < 9; ++n) nanos *= 10;
    // The protocol's precision is the millisecond (format_rfc3339): finer digits are accepted
    // and dropped, so that a time read and written again is the time read (found by fuzz_jsonrpc).
    nanos -= nanos % 1'000'000;
  }
  if (pos + 1 != s.size() || s[pos] != 'Z') return std::nullopt;

  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return std::nullopt;

  const std::int64_t secs = static_cast<std::int64_t>(sys_days{ymd}.time_since_epoch().count()) * 86400 +
                            h * 3600 + mi * 60 + sec;
  // The clock's range (nanoseconds: years 1677..2262) bounds what we can represent.
  const auto limit = duration_cast<seconds>(TimePoint::duration::max()).count() - 1;
  if (secs > limit || secs < -limit) return std::nullopt;
  return TimePoint{} + duration_cast<TimePoint::duration>(seconds{secs}) +
         duration_cast<TimePoint::duration>(nanoseconds{nanos});
}

// ---- enums --------------------------------------------------------------------------

std::string_view to_string(ConnectionState s) {
  switch (s) {
    case ConnectionState::dialing: return "dialing";
    case ConnectionState::connected: return "connected";
    case ConnectionState::hanging_up: return "hanging_up";
    case ConnectionState::gone: return "gone";
  }
  return "unknown";
}

std::string_view to_string(Reason r) {
  switch (r) {
    case Reason::requested: return "requested";
    case Reason::dial_failed: return "dial_failed";
    case Reason::link_lost: return "link_lost";
    case Reason::service_stop: return "service_stop";
    case Reason::timeout: return "timeout";
  }
  return "unknown";
}

std::optional<ConnectionState> parse_connection_state(std::string_view s) {
  for (auto v : {ConnectionState::dialing, ConnectionState::connected, ConnectionState::hanging_up,
                 ConnectionState::gone}) {
    if (to_string(v) == s) return v;
  }
  return std::nullopt;
}

std::optional<Reason> parse_reason(std::string_view s) {
  for (auto v : {Reason::requested, Reason::dial_failed, Reason::link_lost, Reason::service_stop, Reason::timeout}) {
    if (to_string(v) == s) return v;
  }
  return std::nullopt;
}

// ---- Connection ---------------------------------------------------------------------

namespace {

nlohmann::json time_json(const std::optional<TimePoint>& t) {
  if (!t) return nullptr;
  return format_rfc3339(*t);
}

}  // namespace

nlohmann::json detail::error_json(const ConnectionError& e) {
  nlohmann::json j{{"ras_error", e.ras_error}, {"message", e.message}};
  if (e.extended_error != 0) j["extended_error"] = e.extended_error;  // present only when RAS gave one
  return j;
}

// json_text.cpp writes the same object straight to text for `list` (append_json): a field
// added here goes there too (JsonText tests compare the two byte for byte).
void to_json(nlohmann::json& j, const Connection& c) {
  j = nlohmann::json{
      {"id", c.id},
      {"entry", c.entry},
      {"phonebook", c.phonebook},
      {"state", to_string(c.state)},
      {"ras_state", c.ras_state},
      {"adopted", c.adopted},
      {"owner", c.owner ? nlohmann::json{{"pid", c.owner->pid}, {"user", c.owner->user}} : nlohmann::json()},
      {"reason", c.reason ? nlohmann::json(to_string(*c.reason)) : nlohmann::json()},
      {"error", c.error ? detail::error_json(*c.error) : nlohmann::json()},
      {"stuck", c.stuck},
      {"dialed_at", time_json(c.dialed_at)},
      {"connected_at", time_json(c.connected_at)},
      {"hangup_at", time_json(c.hangup_at)},
  };
  if (c.pinned) j["pinned"] = true;  // only on a pinned entry's connection (pins.hpp)
}

void from_json(const nlohmann::json& j, Connection& c) { c = detail::read_connection(j, detail::kConnection, ""); }

namespace detail {

namespace {

std::optional<TimePoint> read_time(const ObjectReader& r, std::string_view key) {
  const auto s = r.string(key);
  if (!s) return std::nullopt;
  auto t = parse_rfc3339(*s);
  if (!t) r.fail_member(key, "must be an RFC 3339 UTC time like \"2026-11-25T13:33:41.123Z\"");
  return t;
}

}  // namespace

Connection read_connection(const nlohmann::json& j, const ReadContext& ctx, const std::string& path) {
  require_object(j, ctx, path);
  const ObjectReader r(j, ctx, path.empty() ? std::string() : path + ".");
  Connection c;
  c.id = r.required_string("id", {0, false});
  c.entry = r.required_string("entry", {0, false});
  c.phonebook = r.required_string("phonebook");
  const auto state = parse_connection_state(r.required_string("state"));
  if (!state) r.fail_member("state", R"(must be one of "dialing", "connected", "hanging_up", "gone")");
  c.state = *state;
  c.ras_state = r.required_string("ras_state");
  c.adopted = r.required_boolean("adopted");
  if (const auto owner = r.object("owner")) {
    c.owner = Owner{owner->required_integer("pid", std::numeric_limits<std::int64_t>::min(),
                                            std::numeric_limits<std::int64_t>::max()),
                    owner->required_string("user")};
  }
  if (const auto reason = r.string("reason")) {
    c.reason = parse_reason(*reason);
    if (!c.reason) {
      r.fail_member("reason", R"(must be one of "requested", "dial_failed", "link_lost", "service_stop", "timeout")");
    }
  }
  if (const auto error = r.object("error")) c.error = read_connection_error(*error);
  c.stuck = r.required_boolean("stuck");
  c.dialed_at = read_time(r, "dialed_at");
  c.connected_at = read_time(r, "connected_at");
  c.hangup_at = read_time(r, "hangup_at");
  c.pinned = r.boolean("pinned").value_or(false);
  return c;
}

ConnectionError read_connection_error(const ObjectReader& error) {
  constexpr auto kMaxError = std::numeric_limits<std::uint32_t>::max();
  return ConnectionError{static_cast<std::uint32_t>(error.required_integer("ras_error", 0, kMaxError)),
                         error.required_string("message"),
                         static_cast<std::uint32_t>(error.integer("extended_error", 0, kMaxError).value_or(0))};
}

std::optional<TimePoint> read_time_member(const ObjectReader& r, std::string_view key) { return read_time(r, key); }
nlohmann::json time_member_json(const std::optional<TimePoint>& t) { return time_json(t); }

}  // namespace detail

}  // namespace rasbroker::protocol
