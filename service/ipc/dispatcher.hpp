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
#include "rasbroker/protocol/jsonrpc.hpp"

namespace rasbroker::ipc {

// Who is on the other end of one connection, and how to push notifications to it.
struct ClientContext {
  authz::Caller caller;                                    // from the transport (SO_PEERCRED, pipe client)
  std::function<void(nlohmann::json)> send_notification;  // non-blocking
  std::shared_ptr<void> subscription;                     // set by "subscribe"
};

class Dispatcher {
 public:
  // `events` gets each request refused as unauthorized and each internal error.
  Dispatcher(std::shared_ptr<broker::Broker> broker, std::shared_ptr<spdlog::logger> log,
             events::AdminEvents events = {});

  // The response for one call, or nothing for a notification or a call cancelled because its
  // client disconnected while it waited (the session cancels it). Never throws.
  boost::asio::awaitable<std::optional<nlohmann::json>> handle(protocol::Call call, ClientContext& client);

 private:
  boost::asio::awaitable<nlohmann::json> invoke(protocol::Call& call, ClientContext& client);

  std::shared_ptr<broker::Broker> broker_;
  std::shared_ptr<spdlog::logger> log_;
  events::AdminEvents events_;
};

}  // namespace rasbroker::ipc
