#include "app/admission.hpp"

#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/framing.hpp"
#include "rasbroker/protocol/jsonrpc.hpp"

namespace rasbroker::app {

std::string busy_line(std::size_t max_clients) {
  return protocol::encode_line(protocol::make_error(
      nullptr, protocol::RpcError(protocol::ErrorCode::busy,
                                  "too many clients (" + std::to_string(max_clients) + "); try again later")));
}

Admission::Admission(ipc::Dispatcher& dispatcher, std::size_t max_clients, ipc::SessionLimits limits,
                     std::shared_ptr<spdlog::logger> log)
    : dispatcher_(dispatcher), max_clients_(max_clients), limits_(limits), log_(std::move(log)) {}

bool Admission::take_place(const authz::Caller& who) {
  if (*connected_ >= max_clients_) {
    log_->warn("refusing client pid {}: {} clients already connected", who.owner.pid, *connected_);
    return false;
  }
  ++*connected_;
  return true;
}

}  // namespace rasbroker::app
