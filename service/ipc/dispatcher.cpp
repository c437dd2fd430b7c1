#include "ipc/dispatcher.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>
#include <spdlog/spdlog.h>

#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/log_text.hpp"
#include "rasbroker/protocol/methods.hpp"
#include "rasbroker/protocol/secret.hpp"

#ifdef _WIN32
#include <process.h>
#define RB_GETPID _getpid
#else
#include <unistd.h>
#define RB_GETPID getpid
#endif

namespace rasbroker::ipc {

namespace asio = boost::asio;
namespace m = protocol::method;
using nlohmann::json;
using protocol::ErrorCode;
using protocol::RpcError;

namespace {

// The name is the client's, of any length: escaped and cut like any client text in a message.
RpcError no_such_method(const std::string& name) {
  return RpcError(ErrorCode::method_not_found,
                  "method " + protocol::quoted(name, protocol::kMaxQuotedBytes) + " does not exist");
}

// The errors the protocol layer raises while it reads a call, before the broker does
// anything (params are decoded first, methods.hpp).
bool refused_before_running(ErrorCode code) {
  return code == ErrorCode::method_not_found || code == ErrorCode::invalid_params;
}

}  // namespace

Dispatcher::Dispatcher(std::shared_ptr<broker::Broker> broker, std::shared_ptr<spdlog::logger> log,
                       events::AdminEvents events, std::shared_ptr<spdlog::logger> refusal_log,
                       RefusalBudget refusal_budget)
    : broker_(std::move(broker)),
      log_(log ? std::move(log) : spdlog::default_logger()),
      events_(std::move(events)),
      refusal_log_(refusal_log ? std::move(refusal_log) : log_),
      refusal_budget_(refusal_budget) {}

std::shared_ptr<RefusalLog> Dispatcher::new_refusal_log() const {
  return std::make_shared<RefusalLog>(refusal_log_, refusal_budget_);
}

asio::awaitable<std::optional<Response>> Dispatcher::handle(protocol::Call call, ClientContext& client) {
  // Logged once per request, when it is answered: who asked, what (params redacted: no
  // password ever), and the outcome. The method and params are the client's text:
  // escaped and cut (log_text.hpp), so that they can neither forge a line nor flood one.
  const std::string method = protocol::quoted(call.method, protocol::kMaxQuotedBytes);
  const std::string params = protocol::quoted_json(protocol::redact(call.params));
  const std::string asked =
      fmt::format("request {} from pid {} user '{}': {}", method, client.caller.owner.pid, client.caller.owner.user, params);
  Response response;
  std::optional<std::string> internal, aborted;
  try {
    Result result = co_await invoke(call, client);
    log_->info("{} -> ok", asked);
    if (auto* raw = std::get_if<protocol::RawJson>(&result)) response = RawResult{call.id, std::move(*raw)};
    else response = protocol::make_result(call.id, std::move(std::get<json>(result)));
  } catch (const RpcError& e) {
    if (e.code() == ErrorCode::unauthorized) {
      // Both identities: the requester's in `asked`, the owner's in a policy refusal's
      // logged reason (the client's message may leave the owner out).
      const auto* refusal = dynamic_cast<const authz::Refusal*>(&e);
      const std::string why = refusal ? refusal->logged_reason() : std::string(e.what());
      log_->warn("{}{} -> refused (unauthorized): {}", asked, client.caller.admin ? " (administrator)" : "", why);
      events_.unauthorized_request(call.method, client.caller.owner.pid, client.caller.owner.user, why);
    } else if (refused_before_running(e.code()) && client.refusals) {
      // Nothing ran: a refusal, logged apart from the audit and within the client's budget.
      client.refusals->refuse(client.caller, fmt::format("request {}: {} -> error {}: {}", method, params,
                                                         static_cast<int>(e.code()), e.what()));
    } else {
      log_->info("{} -> error {}: {}", asked, static_cast<int>(e.code()), e.what());
    }
    response = protocol::make_error(call.id, e);
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::operation_aborted) internal = e.what();
    else aborted = e.what();
  } catch (const std::exception& e) {
    internal = e.what();
  }
  // The session cancels the requests of a client that disconnected while they waited (a dial
  // waiting for its connection, a hang-up waiting for the teardown): nothing went wrong in the
  // service, and there is no one left to answer.
  const bool abandoned =
      aborted && (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none;
  if (aborted && !abandoned) internal = std::move(aborted);
  if (internal) {
    log_->error("{} -> internal error: {}", asked, *internal);
    events_.internal_error(asked + ": " + *internal);
    response = protocol::make_error(call.id, RpcError(ErrorCode::internal_error, "internal error"));
  }
  protocol::wipe_secrets(call.params);  // also when validation refused the request
  if (abandoned) {
    log_->info("{} -> abandoned: the client disconnected before the answer", asked);
    co_return std::nullopt;
  }
  if (call.notification) co_return std::nullopt;
  co_return response;
}

asio::awaitable<Dispatcher::Result> Dispatcher::invoke(protocol::Call& call, ClientContext& client) {
  const std::string& name = call.method;
  if (!protocol::is_known_method(name) || name == m::connection_changed)
    throw no_such_method(name);

  if (name == m::ping) {
    protocol::parse_empty_params(call.params, name);
    co_return json{{"pong", true}};
  }
  if (name == m::status) {
    protocol::parse_empty_params(call.params, name);
    auto s = broker_->status();
    s.version = RASBROKER_VERSION;
    s.protocol_version = protocol::kProtocolVersion;
    s.pid = RB_GETPID();
    s.pins = broker_->pins(client.caller);
    co_return protocol::to_json(s);
  }
  if (name == m::dial) {
    auto params = protocol::parse_dial_params(call.params);
    protocol::wipe_secrets(call.params);  // from here on the password lives in a Secret only
    co_return json(co_await broker_->dial(std::move(params), client.caller));
  }
  if (name == m::hangup) {
    auto params = protocol::parse_hangup_params(call.params);
    std::vector<std::string> unpinned;
    auto conns = co_await broker_->hangup(std::move(params), client.caller, &unpinned);
    json answer = protocol::to_json(protocol::ConnectionList{std::move(conns), {}});
    if (!unpinned.empty()) answer["unpinned"] = std::move(unpinned);  // docs/protocol.md, "Pinned entries"
    co_return answer;
  }
  if (name == m::list) {
    protocol::parse_empty_params(call.params, name);
    // Text straight from the records: no json tree per connection (json_text.hpp).
    co_return protocol::to_raw_json(protocol::ConnectionList{broker_->list(client.caller), broker_->pins(client.caller)});
  }
  if (name == m::pin) {
    co_return json(broker_->pin(protocol::parse_pin_params(call.params), client.caller));
  }
  if (name == m::unpin) {
    co_return protocol::to_json(broker_->unpin(protocol::parse_unpin_params(call.params), client.caller));
  }
  if (name == m::get) {
    auto which = protocol::parse_get_params(call.params);
    co_return json(broker_->get(which, client.caller));
  }
  if (name == m::entries) {
    auto params = protocol::parse_entries_params(call.params);
    co_return protocol::to_json(protocol::EntriesResult{broker_->entries(params.phonebook.value_or(""))});
  }
  if (name == m::subscribe) {
    protocol::parse_empty_params(call.params, name);
    if (!client.subscription) {
      auto send = client.send_notification;
      client.subscription = broker_->subscribe(
          client.caller, [send](const protocol::Connection& c) { send(protocol::make_connection_changed(c)); });
    }
    co_return json{{"subscribed", true}};
  }
  throw no_such_method(name);
}

}  // namespace rasbroker::ipc
