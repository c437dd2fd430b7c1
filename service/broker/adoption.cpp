// Adoption of connections others dialled (docs/ras-rules.md#adoption): RasEnumConnections
// names the newcomers, RasGetConnectStatus confirms each one's state before it is recorded —
// Microsoft calls that pair the most reliable way to know whether a connection is active, and
// one reading of RasEnumConnections lists connections that are still dialling.
#include <set>

#include <spdlog/spdlog.h>

#include "broker/broker.hpp"
#include "rasbroker/protocol/log_text.hpp"

namespace rasbroker::broker {

using protocol::ConnectionState;

namespace {

// "all-users entry, owner: another account, logon session 0x2d5e1": who dialled an adopted
// connection, as RASCONN tells the service (the owner flags are relative to its account).
std::string describe_origin(const ras::ActiveConnection& c) {
  namespace flag = ras::conn_flags;
  std::string text = (c.flags & flag::kAllUsers) ? "all-users entry" : "per-user entry";
  if (!(c.flags & flag::kOwnerKnown)) {
    text += ", owner unknown";
  } else {
    text += (c.flags & flag::kOwnerMatch) ? ", owner: the service's account" : ", owner: another account";
  }
  if (c.logon_luid != 0) text += fmt::format(", logon session {:#x}", c.logon_luid);
  if (c.flags & flag::kGlobalCreds) text += ", default credentials";
  return text;
}

}  // namespace

void Broker::adopt_new_connections() {
  std::vector<ras::ActiveConnection> active;
  if (auto rc = ras_.enum_connections(active); rc != ras::err::kSuccess) {
    log_->warn("adoption: RasEnumConnections returned {} ({})", rc, ras_.error_string(rc));
    return;
  }
  ++enumerations_;
  index_.reserve(records_.size() + active.size());  // at start, all of them may be adopted at once
  for (const auto& c : active)
    if (!find_handle(c.handle)) consider_newcomer(c);
  forget_unlisted(active);
}

void Broker::forget_unlisted(const std::vector<ras::ActiveConnection>& active) {
  // Forget what RAS no longer lists: hung up by its dialler, or adopted meanwhile. Usually
  // nothing waits, and a set of every listed handle (10,000 nodes for each `list` or `get`
  // at 10,000 connections) is built only when something does.
  if (unadopted_.empty()) return;
  std::set<ras::Handle> listed;
  for (const auto& c : active) listed.insert(c.handle);
  std::vector<ras::Handle> forget;
  for (const auto& [h, what] : unadopted_)
    if (!listed.contains(h) || find_handle(h)) forget.push_back(h);
  for (auto h : forget) forget_unadopted(h);
}

void Broker::note_unadopted(ras::Handle h, Unadopted what) {
  auto [it, added] = unadopted_.try_emplace(h, what);
  if (!added && it->second != Unadopted::down) --unadopted_waiting_;
  it->second = what;
  if (what != Unadopted::down) ++unadopted_waiting_;
}

void Broker::forget_unadopted(ras::Handle h) {
  const auto it = unadopted_.find(h);
  if (it == unadopted_.end()) return;
  if (it->second != Unadopted::down) --unadopted_waiting_;
  unadopted_.erase(it);
}

void Broker::consider_newcomer(const ras::ActiveConnection& c) {
  ras::ConnectStatus st;
  const std::uint32_t rc = ras_.get_connect_status(c.handle, st);
  const auto seen = unadopted_.find(c.handle);
  const auto first_time = [&](Unadopted what) {
    const bool news = seen == unadopted_.end() || seen->second != what;
    note_unadopted(c.handle, what);
    return news;
  };
  if (rc == ras::err::kInvalidHandle) {
    // Gone between the two calls: hung up and torn down, or a drop RAS forgot at once.
    log_->debug("adoption: {} (handle {:#x}) went away before it could be adopted", protocol::quoted(c.entry), c.handle);
    forget_unadopted(c.handle);
    return;
  }
  if (rc != ras::err::kSuccess) {
    if (first_time(Unadopted::unreadable))
      log_->warn("adoption: {} (handle {:#x}) not adopted: RasGetConnectStatus returned {} ({}); trying again",
                 protocol::quoted(c.entry), c.handle, rc, ras_.error_string(rc));
    watch_wake_.notify_all();
    return;
  }
  if (st.state == ras::ConnState::Disconnected || st.error != 0) {
    // Failed or dropped: hanging it up is the job of the program that dialled it (each RasDial
    // needs its own RasHangUp); adopting it would only report a link that is already down.
    if (first_time(Unadopted::down))
      log_->info("adoption: {} (handle {:#x}) not adopted: {} with RAS error {}; the program that dialled it "
                 "must hang it up",
                 protocol::quoted(c.entry), c.handle, ras::state_name(st.state), st.error);
    return;
  }
  if (st.state != ras::ConnState::Connected) {
    // Someone else's dial in progress (or paused): adopting it now would let a client hang up
    // a dial its owner is still making. The poll looks again until it connects or goes.
    if (first_time(Unadopted::dialling))
      log_->debug("adoption: {} (handle {:#x}) is still dialling ({}); adopted once connected", protocol::quoted(c.entry), c.handle,
                  ras::state_name(st.state));
    watch_wake_.notify_all();
    return;
  }
  forget_unadopted(c.handle);
  Record& r = add_record(c.handle, c.entry, c.phonebook);
  set_state(r, ConnectionState::connected);
  r.info.ras_state = ras::state_name(st.state);
  r.info.adopted = true;
  r.ras_flags = c.flags;
  r.logon_luid = c.logon_luid;
  // Who dialled it, where RAS can tell (RASCONN.luid's logon session): no process of ours.
  if (!c.logon_user.empty()) r.info.owner = protocol::Owner{0, c.logon_user};
  // At start, one summary line for all of them (broker/adoption_summary.hpp); later, a line each.
  const auto level = start_adoption_ ? spdlog::level::debug : spdlog::level::info;
  if (start_adoption_) start_adoption_->add(r.info.entry, r.info.id, c.flags);
  if (log_->should_log(level))
    log_->log(level, "adoption: {} {} (handle {:#x}, dialled by another process; {})", protocol::quoted(r.info.entry), r.info.id,
              r.handle, describe_origin(c));
  publish(r);
  watch_wake_.notify_all();
}

}  // namespace rasbroker::broker
