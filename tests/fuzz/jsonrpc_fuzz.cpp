// Fuzz target: one line from a client, as the service reads it — parse_incoming, then the
// parameter decoder of every method (protocol/methods.hpp, called as ipc/dispatcher.cpp
// calls them) — and the readers a client applies to the service's results.
//
// Checked, besides "no crash, leak or sanitizer report":
//  - only the documented errors come out: RpcError from a decoder, never a JSON library
//    exception (a type error there would be an unchecked member);
//  - a line gives at least one entry, a batch at most kMaxBatchCalls;
//  - every answer the service would send is one line that parses back as JSON;
//  - what a decoder accepts, encoded again with to_json(), decodes to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/framing.hpp"
#include "rasbroker/protocol/jsonrpc.hpp"
#include "rasbroker/protocol/limits.hpp"
#include "rasbroker/protocol/methods.hpp"
#include "rasbroker/protocol/secret.hpp"

namespace rp = rasbroker::protocol;
namespace m = rp::method;
using nlohmann::json;

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // libFuzzer reports the input that broke an invariant
}

// An answer goes out as exactly one line that a client can parse.
void check_answer(const json& response) {
  const std::string line = rp::encode_line(response);
  check(!line.empty() && line.back() == '\n');
  check(line.find('\n') == line.size() - 1);
  check(json::accept(std::string_view(line).substr(0, line.size() - 1)));
}

// What was accepted once must be accepted again: a refusal here is a finding, not an answer.
template <typename F>
void never_refused(F f) {
  try {
    f();
  } catch (const rp::RpcError&) {
    std::abort();
  }
}

bool same(const rp::Selector& a, const rp::Selector& b) { return a.id == b.id && a.entry == b.entry && a.all == b.all; }

bool same(const rp::DialParams& a, const rp::DialParams& b) {
  const bool same_redial = a.redial.has_value() == b.redial.has_value() &&
                           (!a.redial || (a.redial->attempts == b.redial->attempts &&
                                          a.redial->backoff_ms == b.redial->backoff_ms));
  return a.entry == b.entry && a.phonebook == b.phonebook && a.username == b.username &&
         a.password.reveal() == b.password.reveal() && a.domain == b.domain && a.wait == b.wait &&
         a.timeout_ms == b.timeout_ms && same_redial;
}

// The decoder the dispatcher runs for `call`, then the round trip of what it accepted.
void decode_params(const rp::Call& call) {
  const std::string& name = call.method;
  if (name == m::ping || name == m::status || name == m::list || name == m::subscribe) {
    rp::parse_empty_params(call.params, name);
  } else if (name == m::dial) {
    const auto p = rp::parse_dial_params(call.params);
    never_refused([&] { check(same(rp::parse_dial_params(rp::to_json(p)), p)); });
  } else if (name == m::hangup) {
    const auto p = rp::parse_hangup_params(call.params);
    never_refused([&] {
      const auto again = rp::parse_hangup_params(rp::to_json(p));
      check(same(again.target, p.target) && again.wait == p.wait && again.timeout_ms == p.timeout_ms);
    });
  } else if (name == m::get) {
    const auto p = rp::parse_get_params(call.params);
    never_refused([&] { check(same(rp::parse_get_params(rp::to_json(p)), p)); });
  } else if (name == m::entries) {
    const auto p = rp::parse_entries_params(call.params);
    never_refused([&] { check(rp::parse_entries_params(rp::to_json(p)).phonebook == p.phonebook); });
  } else {
    throw rp::RpcError(rp::ErrorCode::method_not_found, "no such method");
  }
}

// The client's readers of a result, on the same fuzzed JSON; an accepted result survives
// being encoded and read again.
template <typename Read, typename Encode>
void read_result(const json& j, Read read, Encode encode) {
  std::optional<decltype(read(j))> value;
  try {
    value = read(j);
  } catch (const rp::RpcError&) {
    return;  // a malformed result: the documented refusal
  }
  never_refused([&] { check(read(encode(*value)) == *value); });
}

void read_results(const json& j) {
  read_result(j, rp::status_result_from_json, [](const auto& v) { return rp::to_json(v); });
  read_result(j, rp::connection_from_json, [](const auto& v) { return json(v); });
  read_result(
      j, [](const json& x) { return rp::connection_list_from_json(x).connections; },
      [](const auto& v) { return rp::to_json(rp::ConnectionList{v, {}}); });
  read_result(
      j, [](const json& x) { return rp::entries_result_from_json(x).entries; },
      [](const auto& v) { return rp::to_json(rp::EntriesResult{v}); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  rp::Incoming in = rp::parse_incoming(line);
  check(!in.entries.empty());
  check(!in.batch || in.entries.size() <= rp::kMaxBatchCalls);
  for (auto& entry : in.entries) {
    if (const auto* refusal = std::get_if<json>(&entry)) {
      check(refusal->contains("error"));
      check_answer(*refusal);
      continue;
    }
    auto& call = std::get<rp::Call>(entry);
    read_results(call.params);
    json answer;
    try {
      decode_params(call);
      answer = rp::make_result(call.id, json{{"ok", true}});
    } catch (const rp::RpcError& e) {
      answer = rp::make_error(call.id, e);
    }
    check_answer(answer);
    rp::wipe_secrets(call.params);
  }
  return 0;
}
