#include "ipc/dispatcher.hpp"

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

Dispatcher::Dispatcher(std::shared_ptr<broker::Broker> broker, std::shared_ptr<spdlog::logger> log,
                       events::AdminEvents events)
    : broker_(std::move(broker)), log_(log ? std::move(log) : spdlog::default_logger()), events_(std::move(events)) {}

asio::awaitable<std::optional<json>> Dispatcher::handle(protocol::Call call, ClientContext& client) {
  // Logged once per request, when it is answered: who asked, what (params redacted: no
  // password ever), and the outcome.
  const std::string asked = fmt::format(
      "request {} from pid {} user '{}': {}", call.method, client.caller.owner.pid, client.caller.owner.user,
      protocol::redact(call.params).dump(-1, ' ', false, json::error_handler_t::replace));
  json response;
  try {
    json result = co_await invoke(call, client);
    log_->info("{} -> ok", asked);
    response = protocol::make_result(call.id, std::move(result));
  } catch (const RpcError& e) {
    if (e.code() == ErrorCode::unauthorized) {
      // Both identities: the requester's in `asked`, the owner's in a policy refusal's
      // logged reason (the client's message may leave the owner out).
      const auto* refusal = dynamic_cast<const authz::Refusal*>(&e);
      const std::string why = refusal ? refusal->logged_reason() : std::string(e.what());
      log_->warn("{}{} -> refused (unauthorized): {}", asked, client.caller.admin ? " (administrator)" : "", why);
      events_.unauthorized_request(call.method, client.caller.owner.pid, client.caller.owner.user, why);
    } else {
      log_->info("{} -> error {}: {}", asked, static_cast<int>(e.code()), e.what());
    }
    response = protocol::make_error(call.id, e);
  } catch (const std::exception& e) {
    log_->error("{} -> internal error: {}", asked, e.what());
    events_.internal_error(asked + ": " + e.what());
    response = protocol::make_error(call.id, RpcError(ErrorCode::internal_error, "internal error"));
  }
  protocol::wipe_secrets(call.params);  // also when validation refused the request
  if (call.notification) co_return std::nullopt;
  co_return response;
}

asio::awaitable<json> Dispatcher::invoke(protocol::Call& call, ClientContext& client) {
  const std::string& name = call.method;
  if (!protocol::is_known_method(name) || name == m::connection_changed)
    throw RpcError(ErrorCode::method_not_found, "method " + protocol::quoted(name, protocol::kMaxQuotedBytes) + " does not exist");

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
    co_return protocol::to_json(s);
  }
  if (name == m::dial) {
    auto params = protocol::parse_dial_params(call.params);
    protocol::wipe_secrets(call.params);  // from here on the password lives in a Secret only
    co_return json(co_await broker_->dial(std::move(params), client.caller));
  }
  if (name == m::hangup) {
    auto params = protocol::parse_hangup_params(call.params);
    auto conns = co_await broker_->hangup(std::move(params), client.caller);
    co_return protocol::to_json(protocol::ConnectionList{std::move(conns)});
  }
  if (name == m::list) {
    protocol::parse_empty_params(call.params, name);
    co_return protocol::to_json(protocol::ConnectionList{broker_->list(client.caller)});
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
  throw RpcError(ErrorCode::method_not_found, "method " + protocol::quoted(name, protocol::kMaxQuotedBytes) + " does not exist");
}

}  // namespace rasbroker::ipc
