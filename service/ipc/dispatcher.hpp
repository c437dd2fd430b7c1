#pragma once
// Turns validated JSON-RPC calls into broker operations. Transport-agnostic: the
// session (session.hpp) owns the stream, the dispatcher owns the method table.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "authz/caller.hpp"
#include "broker/broker.hpp"
#include "events/admin_events.hpp"
#include "ipc/refusal_log.hpp"
#include "ipc/response.hpp"
#include "rasbroker/protocol/jsonrpc.hpp"

namespace rasbroker::ipc {

// Who is on the other end of one connection, and how to push notifications to it.
struct ClientContext {
  authz::Caller caller;                                    // from the transport (SO_PEERCRED, pipe client)
  std::function<void(nlohmann::json)> send_notification;  // non-blocking
  std::shared_ptr<void> subscription;                     // set by "subscribe"
  // The client's refusals (refusal_log.hpp), set by its session; none: they are logged
  // with the audit, one line each.
  std::shared_ptr<RefusalLog> refusals;
};

class Dispatcher {
 public:
  // `log` gets the audit: every request run, once, with its outcome. `events` gets each
  // request refused as unauthorized and each internal error. `refusal_log` gets what was
  // refused before anything ran (refusal_log.hpp), within `refusal_budget` per client;
  // none: `log`.
  Dispatcher(std::shared_ptr<broker::Broker> broker, std::shared_ptr<spdlog::logger> log,
             events::AdminEvents events = {}, std::shared_ptr<spdlog::logger> refusal_log = nullptr,
             RefusalBudget refusal_budget = {});

  // A new client's refusal log (ClientContext::refusals).
  std::shared_ptr<RefusalLog> new_refusal_log() const;

  // The response for one call, or nothing for a notification or a call cancelled because its
  // client disconnected while it waited (the session cancels it). Never throws.
  boost::asio::awaitable<std::optional<Response>> handle(protocol::Call call, ClientContext& client);

 private:
  // A method's result: json, or text already (a connection list: response.hpp says why).
  using Result = std::variant<nlohmann::json, protocol::RawJson>;
  boost::asio::awaitable<Result> invoke(protocol::Call& call, ClientContext& client);

  std::shared_ptr<broker::Broker> broker_;
  std::shared_ptr<spdlog::logger> log_;
  events::AdminEvents events_;
  std::shared_ptr<spdlog::logger> refusal_log_;
  RefusalBudget refusal_budget_;
};

}  // namespace rasbroker::ipc
