#include "rpc_client.hpp"

#include <rasbroker/protocol/errors.hpp>
#include <rasbroker/protocol/jsonrpc.hpp>
#include <rasbroker/protocol/limits.hpp>
#include <rasbroker/protocol/secret.hpp>

#include "client_error.hpp"

namespace rasbroker::client {

using nlohmann::json;

RpcClient::RpcClient(std::unique_ptr<Transport> transport, std::string endpoint)
    : transport_(std::move(transport)), endpoint_(std::move(endpoint)), framer_(protocol::kMaxResponseBytes) {}

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
  // A service that refuses a client (busy, unauthorized) writes one error line and
  // closes, maybe before the request is written: the write then fails, but what the
  // service said is still there to read, and it is the answer (exit 8 for busy, not 3).
  std::optional<ClientError> write_failed;
  try {
    transport_->write_all(line);
  } catch (const ClientError& e) {
    protocol::wipe(line);
    if (e.kind() != ClientError::Kind::disconnected) throw;
    write_failed = e;
    // The service is gone: whatever it said is already on the way, so a short wait.
    const auto soon = Clock::now() + std::chrono::seconds(2);
    if (!deadline || soon < *deadline) deadline = soon;
  } catch (...) {
    protocol::wipe(line);
    throw;
  }
  protocol::wipe(line);

  json message;
  for (;;) {
    Next next = Next::eof;
    try {
      next = next_message(message, deadline);
    } catch (const ClientError& e) {
      if (write_failed && e.kind() == ClientError::Kind::timeout) throw *write_failed;
      throw;
    }
    if (next == Next::eof) {
      if (write_failed) throw *write_failed;
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
                                                           std::to_string(framer_.max_line_bytes()) +
                                                           " bytes, the most an answer may be");
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
