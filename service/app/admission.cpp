#include "app/admission.hpp"

#include <algorithm>

#include <boost/asio/this_coro.hpp>

#include "core/timer.hpp"

#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/framing.hpp"
#include "rasbroker/protocol/jsonrpc.hpp"

namespace rasbroker::app {

std::string busy_line(std::size_t max_clients) {
  return protocol::encode_line(protocol::make_error(
      nullptr, protocol::RpcError(protocol::ErrorCode::busy,
                                  "too many clients (" + std::to_string(max_clients) + "); try again later")));
}

protocol::RpcError user_busy_error(const std::string& user, std::size_t held) {
  return protocol::RpcError(protocol::ErrorCode::busy, "user " + user + " already has " + std::to_string(held) +
                                                           " connections to the service (max_clients_per_user)");
}

Place::~Place() {
  --counts_->connected;
  if (!user_) return;
  auto it = counts_->by_user.find(*user_);
  if (--it->second == 0) counts_->by_user.erase(it);
}

bool Place::take_user_share(const std::string& user, std::size_t max_per_user) {
  std::size_t& held = counts_->by_user[user];
  if (held >= max_per_user) {
    if (held == 0) counts_->by_user.erase(user);
    return false;
  }
  ++held;
  user_ = user;
  return true;
}

Admission::Admission(ipc::Dispatcher& dispatcher, std::size_t max_clients, std::size_t max_clients_per_user,
                     ipc::SessionLimits limits, std::shared_ptr<spdlog::logger> log)
    : dispatcher_(dispatcher),
      max_clients_(max_clients),
      max_clients_per_user_(max_clients_per_user),
      limits_(limits),
      log_(std::move(log)) {}

std::size_t PlaceCounts::held_by(const std::string& user) const {
  const auto it = by_user.find(user);
  return it == by_user.end() ? 0 : it->second;
}

std::optional<protocol::RpcError> Admission::take_user_share(Place& place, const authz::Caller& who,
                                                             std::size_t max_per_user, spdlog::logger& log) {
  if (place.take_user_share(who.owner.user, max_per_user)) return std::nullopt;
  const std::size_t held = place.held_by(who.owner.user);
  log.warn("refusing client pid {} user '{}': the user already has {} connections (max_clients_per_user)",
           who.owner.pid, who.owner.user, held);
  return user_busy_error(who.owner.user, held);
}

boost::asio::awaitable<void> Admission::finish_sessions(std::chrono::milliseconds limit) {
  for (const auto& weak : sessions_)
    if (auto session = weak.lock()) session->finish();
  sessions_.clear();
  // A session's end is seen through its place, given back when it ends: checked often,
  // for a bounded time (this is the last step of a stop).
  const auto end = Clock::now() + limit;
  Timer tick(co_await boost::asio::this_coro::executor);
  while (counts_->connected > 0 && Clock::now() < end) {
    tick.expires_at(std::min(end, Clock::now() + std::chrono::milliseconds(10)));
    co_await tick.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  if (counts_->connected > 0) log_->warn("stop: {} client(s) still connected after {} ms; closing", counts_->connected, limit.count());
}

}  // namespace rasbroker::app
