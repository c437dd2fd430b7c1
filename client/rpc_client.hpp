#pragma once
// JSON-RPC 2.0 over one connection: requests with increasing ids, one response per
// request read line by line (a line up to protocol::kMaxResponseBytes); notifications
// (no id) that arrive meanwhile go to a callback. Errors: protocol::RpcError for an error response of the service,
// ClientError for everything else (disconnected, timeout, protocol).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <rasbroker/protocol/framing.hpp>

#include "transport.hpp"

namespace rasbroker::client {

class RpcClient {
 public:
  using NotificationHandler = std::function<void(std::string_view method, const nlohmann::json& params)>;

  // transport: connected; endpoint: only for messages.
  RpcClient(std::unique_ptr<Transport> transport, std::string endpoint);
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;
  ~RpcClient();

  void on_notification(NotificationHandler handler) { handler_ = std::move(handler); }

  // Sends a request and returns the result of its response. params is consumed: once
  // it is encoded, every string of every secret member in it is overwritten
  // (protocol::wipe_secrets: "password" in any case, "pwd", ..., at any depth), and the
  // encoded line is overwritten once written (or when writing failed). timeout: for the
  // whole exchange; none = wait as long as it takes.
  nlohmann::json call(std::string_view method, nlohmann::json params,
                      std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // Delivers notifications until the service closes the connection (then returns).
  void pump_notifications();

  const std::string& endpoint() const noexcept { return endpoint_; }

 private:
  enum class Next { message, eof };
  // Next complete message into `out`; eof when the stream ended.
  Next next_message(nlohmann::json& out, std::optional<std::chrono::steady_clock::time_point> deadline);
  void deliver(const nlohmann::json& notification);

  std::unique_ptr<Transport> transport_;
  std::string endpoint_;
  protocol::LineFramer framer_;
  std::int64_t next_id_ = 1;
  bool partial_at_eof_ = false;
  NotificationHandler handler_;
};

}  // namespace rasbroker::client
