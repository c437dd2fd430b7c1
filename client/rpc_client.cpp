#include "rpc_client.hpp"

#include <rasbroker/protocol/errors.hpp>
#include <rasbroker/protocol/jsonrpc.hpp>
#include <rasbroker/protocol/secret.hpp>

#include "client_error.hpp"

namespace rasbroker::client {

using nlohmann::json;

RpcClient::RpcClient(std::unique_ptr<Transport> transport, std::string endpoint)
    : transport_(std::move(transport)), endpoint_(std::move(endpoint)) {}

RpcClient::~RpcClient() {
  if (transport_) transport_->close();
}

json RpcClient::call(std::string_view method, json params, std::optional<std::chrono::milliseconds> timeout) {
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> deadline;
  if (timeout) deadline = Clock::now() + *timeout;

  const std::int64_t id = next_id_++;
  std::string line;
  {
    json request = protocol::make_request(id, method, std::move(params));
    line = protocol::encode_line(request);
    protocol::wipe_secrets(request);
  }
  protocol::wipe_secrets(params);  // in case make_request copied rather than moved
  try {
    transport_->write_all(line);
  } catch (...) {
    protocol::wipe(line);
    throw;
  }
  protocol::wipe(line);

  json message;
  for (;;) {
    if (next_message(message, deadline) == Next::eof) {
      throw ClientError(ClientError::Kind::disconnected,
                        "the service at " + endpoint_ + " closed the connection before answering" +
                            (partial_at_eof_ ? " (the response was cut off)" : ""));
    }
    if (!message.contains("id")) {
      deliver(message);
      continue;
    }
    const json& response_id = message["id"];
    const bool ours = response_id.is_number_integer() && response_id.get<std::int64_t>() == id;
    // An error the service could not tie to a request (id null) is about ours: we
    // have only one request in flight.
    const bool unattributed_error = response_id.is_null() && message.contains("error");
    if (!ours && !unattributed_error) continue;  // a stale response: not ours
    if (message.contains("error")) {
      const json& error = message["error"];
      if (!error.is_object()) {
        throw ClientError(ClientError::Kind::protocol, "the service sent an invalid error response");
      }
      throw protocol::RpcError::from_json(error);
    }
    if (!message.contains("result")) {
      throw ClientError(ClientError::Kind::protocol, "the service sent a response without result or error");
    }
    return std::move(message["result"]);
  }
}

void RpcClient::pump_notifications() {
  json message;
  while (next_message(message, std::nullopt) == Next::message) {
    if (!message.contains("id")) deliver(message);
  }
}

void RpcClient::deliver(const json& notification) {
  if (!notification.contains("method") || !notification["method"].is_string()) {
    throw ClientError(ClientError::Kind::protocol, "the service sent a message that is neither a response nor a notification");
  }
  if (!handler_) return;
  static const json no_params = nullptr;
  const auto params = notification.find("params");
  handler_(notification["method"].get_ref<const std::string&>(), params == notification.end() ? no_params : *params);
}

RpcClient::Next RpcClient::next_message(json& out, std::optional<std::chrono::steady_clock::time_point> deadline) {
  using Clock = std::chrono::steady_clock;
  for (;;) {
    if (auto frame = framer_.next()) {
      if (frame->kind == protocol::Frame::Kind::too_long) {
        throw ClientError(ClientError::Kind::protocol, "the service sent a message longer than " +
                                                           std::to_string(framer_.max_line_bytes()) + " bytes");
      }
      json parsed = json::parse(frame->text, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded()) {
        throw ClientError(ClientError::Kind::protocol, "the service sent a line that is not valid JSON");
      }
      if (!parsed.is_object()) {
        throw ClientError(ClientError::Kind::protocol, "the service sent a JSON value that is not a JSON-RPC message");
      }
      out = std::move(parsed);
      return Next::message;
    }
    std::optional<std::chrono::milliseconds> left;
    if (deadline) {
      const auto now = Clock::now();
      left = now >= *deadline ? std::chrono::milliseconds(0)
                              : std::chrono::ceil<std::chrono::milliseconds>(*deadline - now);
    }
    ReadResult read = transport_->read_some(left);
    switch (read.status) {
      case ReadResult::Status::data: framer_.feed(read.bytes); break;
      case ReadResult::Status::eof:
        partial_at_eof_ = framer_.buffered_bytes() > 0;
        return Next::eof;
      case ReadResult::Status::timeout:
        throw ClientError(ClientError::Kind::timeout, "the service at " + endpoint_ + " did not answer in time");
    }
  }
}

}  // namespace rasbroker::client
