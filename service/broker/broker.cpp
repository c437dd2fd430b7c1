// Broker: records, dial, queries, subscriptions, stop. The reaper and the link
// watch live in reaper.cpp and link_watch.cpp.
#include "broker/broker.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "rasbroker/protocol/errors.hpp"

namespace rasbroker::broker {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using protocol::ConnectionState;
using protocol::ErrorCode;
using protocol::Reason;
using protocol::RpcError;

struct Broker::Subscription {
  Listener listener;
};

namespace {

RpcError phonebook_refused(const std::string& path) {
  return RpcError(ErrorCode::unauthorized, "phonebook \"" + path +
                                               "\" is neither a system phonebook nor in the service's "
                                               "configuration (key phonebooks)");
}

}  // namespace

std::shared_ptr<Broker> Broker::create(asio::any_io_executor ex, ras::RasApi& ras, BrokerConfig config,
                                       std::shared_ptr<spdlog::logger> log) {
  return std::shared_ptr<Broker>(new Broker(std::move(ex), ras, std::move(config), std::move(log)));
}

Broker::Broker(asio::any_io_executor ex, ras::RasApi& ras, BrokerConfig config,
               std::shared_ptr<spdlog::logger> log)
    : ex_(ex),
      ras_(ras),
      config_(std::move(config)),
      phonebooks_(config_.phonebooks),
      log_(log ? std::move(log) : spdlog::default_logger()),
      changed_(ex),
      reaper_wake_(ex),
      watch_wake_(ex),
      stop_wake_(ex) {}

// RAS callbacks hold only weak references, so nothing needs detaching here; stop()
// clears the notifier (a second broker on the same RAS may have replaced it since).
Broker::~Broker() = default;

void Broker::start() {
  if (started_) return;
  started_ = true;
  started_at_ = Clock::now();
  std::weak_ptr<Broker> weak = weak_from_this();
  ras_.set_connection_notifier([ex = ex_, weak] {
    asio::post(ex, [weak] {
      if (auto self = weak.lock()) self->on_ras_notification();
    });
  });
  adopt_new_connections();
  asio::co_spawn(ex_, [self = shared_from_this()] { return self->reaper_loop(); },
                 asio::bind_cancellation_slot(reaper_cancel_.slot(), asio::detached));
  asio::co_spawn(ex_, [self = shared_from_this()] { return self->link_watch_loop(); },
                 asio::bind_cancellation_slot(watch_cancel_.slot(), asio::detached));
  log_->info("broker started on backend '{}' with {} adopted connection(s)", ras_.backend_name(),
             records_.size());
}

// ---------------------------------------------------------------- records

Record* Broker::find_seq(std::uint64_t seq) {
  auto it = records_.find(seq);
  return it == records_.end() ? nullptr : &it->second;
}

Record* Broker::find_handle(ras::Handle h) {
  for (auto& [seq, r] : records_)
    if (r.handle == h) return &r;
  return nullptr;
}

Record* Broker::find_id(const std::string& id) {
  for (auto& [seq, r] : records_)
    if (r.info.id == id) return &r;
  return nullptr;
}

Record* Broker::find_active_entry(const std::string& entry) {
  // Prefer a live connection over one still tearing down.
  Record* tearing = nullptr;
  for (auto& [seq, r] : records_) {
    if (r.info.entry != entry) continue;
    if (r.info.state == ConnectionState::dialing || r.info.state == ConnectionState::connected) return &r;
    if (r.info.state == ConnectionState::hanging_up && !tearing) tearing = &r;
  }
  return tearing;
}

std::vector<Record*> Broker::select(const protocol::Selector& which) {
  std::vector<Record*> out;
  if (which.all) {
    for (auto& [seq, r] : records_) out.push_back(&r);
  } else if (which.id) {
    if (auto* r = find_id(*which.id)) out.push_back(r);
    else throw RpcError(ErrorCode::not_found, "no connection with id \"" + *which.id + "\"");
  } else if (which.entry) {
    if (auto* r = find_active_entry(*which.entry)) out.push_back(r);
    else throw RpcError(ErrorCode::not_found, "no connection for entry \"" + *which.entry + "\"");
  }
  return out;
}

Record& Broker::add_record(ras::Handle h, const std::string& entry, const std::string& phonebook) {
  const auto seq = next_seq_++;
  Record& r = records_[seq];
  r.seq = seq;
  r.handle = h;
  r.info.id = "c" + std::to_string(seq);
  r.info.entry = entry;
  r.info.phonebook = phonebook;
  return r;
}

void Broker::publish(const Record& r) {
  changed_.notify_all();
  // Copy first: a listener may unsubscribe (or subscribe) while we iterate.
  std::vector<std::shared_ptr<Subscription>> live;
  std::erase_if(subscriptions_, [&](const std::weak_ptr<Subscription>& w) {
    auto s = w.lock();
    if (!s) return true;
    live.push_back(std::move(s));
    return false;
  });
  for (auto& s : live) s->listener(r.info);
}

void Broker::erase(std::uint64_t seq) { records_.erase(seq); }

std::shared_ptr<void> Broker::subscribe(Listener listener) {
  auto s = std::make_shared<Subscription>(Subscription{std::move(listener)});
  subscriptions_.push_back(s);
  return s;
}

protocol::ConnectionError Broker::ras_error(std::uint32_t code) {
  return protocol::ConnectionError{code, ras_.error_string(code)};
}

asio::awaitable<bool> Broker::wait_change(std::optional<Clock::time_point> deadline) {
  if (!deadline) {
    co_await changed_.wait();
    co_return true;
  }
  if (*deadline <= Clock::now()) co_return false;
  Timer timer(ex_, *deadline);
  auto which = co_await (changed_.wait() || timer.async_wait(asio::use_awaitable));
  co_return which.index() == 0;
}

// ---------------------------------------------------------------- dial

asio::awaitable<protocol::Connection> Broker::dial(protocol::DialParams params,
                                                   std::optional<protocol::Owner> owner) {
  if (stopping_) throw RpcError(ErrorCode::shutting_down, "the service is stopping: no new dials");
  if (!config_.allowed_entries.empty() && !config_.allowed_entries.contains(params.entry))
    throw RpcError(ErrorCode::unauthorized, "entry \"" + params.entry + "\" is not in the allow-list");
  if (params.phonebook && !phonebooks_.allowed(*params.phonebook, ras_)) throw phonebook_refused(*params.phonebook);

  std::optional<Clock::time_point> deadline;
  if (params.timeout_ms) deadline = Clock::now() + std::chrono::milliseconds(*params.timeout_ms);

  // One connection per entry: join a live one, wait out a teardown.
  for (;;) {
    Record* existing = find_active_entry(params.entry);
    if (!existing) break;
    if (existing->info.state != ConnectionState::hanging_up) {
      log_->info("dial {}: joins existing connection {} ({})", params.entry, existing->info.id,
                 protocol::to_string(existing->info.state));
      if (params.wait == protocol::DialWait::connected) co_return co_await wait_connected(existing->seq, deadline);
      co_return existing->info;
    }
    log_->info("dial {}: waiting for {} to finish tearing down", params.entry, existing->info.id);
    if (!co_await wait_change(deadline))
      throw RpcError(ErrorCode::timeout, "timed out waiting for the previous connection to \"" + params.entry +
                                             "\" to tear down");
    if (stopping_) throw RpcError(ErrorCode::shutting_down, "the service is stopping: no new dials");
  }

  DialPlan plan;
  plan.entry = params.entry;
  plan.phonebook = params.phonebook.value_or("");
  plan.username = params.username.value_or("");
  plan.domain = params.domain.value_or("");
  plan.owner = owner;
  if (params.redial) {
    plan.redial = *params.redial;
  } else if (auto it = config_.redial.find(params.entry); it != config_.redial.end()) {
    plan.redial = protocol::RedialPolicy{it->second.attempts, it->second.backoff_ms};
  }
  plan.password = std::move(params.password);

  Record& r = start_dial(std::move(plan));
  const auto seq = r.seq;
  if (deadline) asio::co_spawn(ex_, dial_deadline(seq, *deadline), asio::detached);
  if (params.wait == protocol::DialWait::connected) co_return co_await wait_connected(seq, deadline);
  co_return r.info;
}

Record& Broker::start_dial(DialPlan plan) {
  ras::DialRequest request{plan.entry, plan.phonebook, plan.username, plan.password.reveal(), plan.domain};
  // Redial needs the password later; otherwise it is wiped now.
  if (plan.redial.attempts == 0) plan.password.clear();

  std::weak_ptr<Broker> weak = weak_from_this();
  auto progress = [ex = ex_, weak](ras::Handle h, ras::ConnState state, std::uint32_t error) {
    asio::post(ex, [weak, h, state, error] {
      if (auto self = weak.lock()) self->on_progress(h, state, error);
    });
  };
  const ras::DialResult result = ras_.dial(request, progress);
  protocol::wipe(request.password);

  if (result.handle == ras::kNullHandle) {
    log_->warn("dial {}: RasDial failed with {} and no handle", plan.entry, result.error);
    if (result.error == ras::err::kCannotFindPhonebookEntry)
      throw RpcError(ErrorCode::not_found, "no phonebook entry named \"" + plan.entry + "\"",
                     {{"ras_error", result.error}, {"ras_message", ras_.error_string(result.error)}});
    throw RpcError::ras(result.error, ras_.error_string(result.error), "dial \"" + plan.entry + "\" failed");
  }

  Record& r = add_record(result.handle, plan.entry, plan.phonebook);
  r.info.state = ConnectionState::dialing;
  r.info.ras_state = ras::state_name(ras::ConnState::OpenPort);
  r.info.owner = plan.owner;
  r.info.dialed_at = std::chrono::system_clock::now();
  log_->info("dial {}: {} handle {:#x} owner pid {} user '{}'{}", r.info.entry, r.info.id, r.handle,
             r.info.owner ? r.info.owner->pid : 0, r.info.owner ? r.info.owner->user : std::string("-"),
             plan.redials_used ? fmt::format(" (redial {}/{})", plan.redials_used, plan.redial.attempts) : "");
  r.plan = std::move(plan);
  publish(r);
  if (result.error != ras::err::kSuccess) {
    // A handle from a failed RasDial must still be hung up.
    r.info.error = ras_error(result.error);
    begin_hangup(r, Reason::dial_failed);
    maybe_redial(r);
  }
  return r;
}

void Broker::on_progress(ras::Handle h, ras::ConnState state, std::uint32_t error) {
  Record* r = find_handle(h);
  // Late notifications (after a hang-up, or for a handle already gone) mean nothing.
  if (!r || r->info.state != ConnectionState::dialing) return;
  const std::string name = ras::state_name(state);
  if (error == ras::err::kSuccess && state != ras::ConnState::Connected && name == r->info.ras_state) return;
  r->info.ras_state = name;
  if (error != ras::err::kSuccess) {
    r->info.error = ras_error(error);
    log_->warn("dial {}: {} failed at {}: RAS error {} ({})", r->info.entry, r->info.id, r->info.ras_state, error,
               r->info.error->message);
    begin_hangup(*r, Reason::dial_failed);
    maybe_redial(*r);
    return;
  }
  if (state == ras::ConnState::Connected) {
    r->info.state = ConnectionState::connected;
    r->info.connected_at = std::chrono::system_clock::now();
    log_->info("dial {}: {} connected", r->info.entry, r->info.id);
    watch_wake_.notify_all();
  }
  publish(*r);
}

asio::awaitable<protocol::Connection> Broker::wait_connected(std::uint64_t seq,
                                                             std::optional<Clock::time_point> deadline) {
  protocol::Connection last;
  for (;;) {
    if (Record* r = find_seq(seq)) {
      last = r->info;
      if (last.state == ConnectionState::connected) co_return last;
      if (last.state != ConnectionState::dialing) break;
    } else {
      break;  // gone
    }
    if (!co_await wait_change(deadline)) {
      if (Record* r = find_seq(seq); r && r->info.state == ConnectionState::dialing) begin_hangup(*r, Reason::timeout);
      throw RpcError(ErrorCode::timeout, "dial \"" + last.entry + "\" did not connect in time; it is being hung up");
    }
  }
  if (last.reason == Reason::timeout)
    throw RpcError(ErrorCode::timeout, "dial \"" + last.entry + "\" did not connect in time; it is being hung up");
  if (last.error)
    throw RpcError::ras(last.error->ras_error, last.error->message, "dial \"" + last.entry + "\" failed");
  throw RpcError(ErrorCode::ras_failure, "dial \"" + last.entry + "\" was hung up before it connected",
                 {{"ras_error", ras::err::kUserDisconnection},
                  {"ras_message", ras_.error_string(ras::err::kUserDisconnection)}});
}

asio::awaitable<void> Broker::dial_deadline(std::uint64_t seq, Clock::time_point deadline) {
  auto self = shared_from_this();
  Timer timer(ex_, deadline);
  co_await (timer.async_wait(asio::use_awaitable) || stop_wake_.wait());
  if (Record* r = find_seq(seq); r && r->info.state == ConnectionState::dialing) {
    log_->warn("dial {}: {} did not connect within its timeout", r->info.entry, r->info.id);
    begin_hangup(*r, Reason::timeout);
  }
}

// ---------------------------------------------------------------- hang-up, queries

asio::awaitable<std::vector<protocol::Connection>> Broker::hangup(protocol::HangupParams params,
                                                                  std::optional<protocol::Owner> requester) {
  std::vector<std::uint64_t> targets;
  for (Record* r : select(params.target)) {
    targets.push_back(r->seq);
    if (r->info.state == ConnectionState::dialing || r->info.state == ConnectionState::connected) {
      log_->info("hangup {}: {} requested by pid {} user '{}'", r->info.entry, r->info.id,
                 requester ? requester->pid : 0, requester ? requester->user : std::string("-"));
      begin_hangup(*r, Reason::requested);
    }
  }
  std::map<std::uint64_t, protocol::Connection> last;
  for (auto seq : targets) last[seq] = find_seq(seq)->info;

  if (params.wait == protocol::HangupWait::gone) {
    std::optional<Clock::time_point> deadline;
    if (params.timeout_ms) deadline = Clock::now() + std::chrono::milliseconds(*params.timeout_ms);
    for (;;) {
      bool pending = false;
      for (auto& [seq, c] : last) {
        if (Record* r = find_seq(seq)) {
          c = r->info;
          pending = true;
        } else {
          c.state = ConnectionState::gone;
        }
      }
      if (!pending) break;
      if (!co_await wait_change(deadline))
        throw RpcError(ErrorCode::timeout, "hang-up issued, but teardown did not complete in time; the reaper goes on");
    }
  }
  std::vector<protocol::Connection> out;
  for (auto& [seq, c] : last) out.push_back(c);
  co_return out;
}

std::vector<protocol::Connection> Broker::list() {
  adopt_new_connections();
  std::vector<protocol::Connection> out;
  for (auto& [seq, r] : records_) out.push_back(r.info);
  return out;
}

protocol::Connection Broker::get(const protocol::Selector& which) {
  adopt_new_connections();
  return select(which).front()->info;
}

std::vector<protocol::EntryInfo> Broker::entries(const std::string& phonebook) {
  if (!phonebooks_.allowed(phonebook, ras_)) throw phonebook_refused(phonebook);
  std::vector<ras::PhonebookEntry> found;
  std::vector<std::string> unreadable;
  if (auto rc = phonebooks_.list(phonebook, ras_, found, unreadable); rc != ras::err::kSuccess)
    throw RpcError::ras(rc, ras_.error_string(rc), "cannot list phonebook entries");
  for (const auto& file : unreadable) log_->warn("entries: the configured phonebook {} cannot be read", file);
  std::vector<protocol::EntryInfo> out;
  for (auto& e : found) out.push_back({e.name, e.phonebook});
  return out;
}

protocol::StatusResult Broker::status() const {
  protocol::StatusResult s;
  s.backend = ras_.backend_name();
  s.stopping = stopping_;
  s.uptime_s = std::chrono::duration<double>(Clock::now() - started_at_).count();
  for (auto& [seq, r] : records_) {
    ++s.connections.total;
    switch (r.info.state) {
      case ConnectionState::dialing: ++s.connections.dialing; break;
      case ConnectionState::connected: ++s.connections.connected; break;
      case ConnectionState::hanging_up: ++s.connections.hanging_up; ++s.reaper_queue; break;
      case ConnectionState::gone: break;
    }
    if (r.info.stuck) ++s.connections.stuck;
  }
  return s;
}

std::size_t Broker::pending_teardowns() const {
  return static_cast<std::size_t>(std::count_if(records_.begin(), records_.end(), [](const auto& kv) {
    return kv.second.info.state == ConnectionState::hanging_up;
  }));
}

// ---------------------------------------------------------------- stop

asio::awaitable<void> Broker::stop(std::function<void(std::size_t)> progress) {
  auto self = shared_from_this();
  if (stopping_) co_return;
  stopping_ = true;
  stop_wake_.notify_all();
  changed_.notify_all();
  if (config_.on_stop == OnStop::hangup) {
    for (auto& [seq, r] : records_) {
      const bool live = r.info.state == ConnectionState::dialing || r.info.state == ConnectionState::connected;
      if (live && !r.info.adopted) begin_hangup(r, Reason::service_stop);
    }
  }
  const auto deadline = Clock::now() + config_.stop_timeout;
  std::size_t reported = SIZE_MAX;
  while (std::size_t pending = pending_teardowns()) {
    if (pending != reported && progress) progress(pending);
    reported = pending;
    if (!co_await wait_change(deadline)) {
      log_->error("stop: {} teardown(s) still pending after {} ms; giving up waiting", pending,
                  config_.stop_timeout.count());
      break;
    }
  }
  if (progress) progress(0);
  reaper_cancel_.emit(asio::cancellation_type::all);
  watch_cancel_.emit(asio::cancellation_type::all);
  ras_.set_connection_notifier({});
  const auto adopted = std::count_if(records_.begin(), records_.end(), [](const auto& kv) { return kv.second.info.adopted; });
  log_->info("broker stopped: {} connection(s) left up ({} adopted, {} ours{})", records_.size(), adopted,
             static_cast<long>(records_.size()) - adopted, config_.on_stop == OnStop::leave ? ", on_stop=leave" : "");
}

}  // namespace rasbroker::broker
