// Broker: records and their lookups, hang-up, queries, subscriptions, start and stop.
// Dialling lives in dial.cpp, the reaper in reaper.cpp, the link watch and redial in
// link_watch.cpp, adoption in adoption.cpp.
#include "broker/broker.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "rasbroker/protocol/entry_name.hpp"
#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/log_text.hpp"

namespace rasbroker::broker {

namespace asio = boost::asio;
using protocol::ConnectionState;
using protocol::ErrorCode;
using protocol::Reason;
using protocol::RpcError;

struct Broker::Subscription {
  Listener listener;
};

std::shared_ptr<Broker> Broker::create(asio::any_io_executor ex, ras::RasApi& ras, BrokerConfig config,
                                       std::shared_ptr<spdlog::logger> log, security::FileTrustCheck phonebook_trust,
                                       events::AdminEvents events, JournalSetup journal) {
  return std::shared_ptr<Broker>(new Broker(std::move(ex), ras, std::move(config), std::move(log),
                                            std::move(phonebook_trust), std::move(events), std::move(journal)));
}

Broker::Broker(asio::any_io_executor ex, ras::RasApi& ras, BrokerConfig config,
               std::shared_ptr<spdlog::logger> log, security::FileTrustCheck phonebook_trust, events::AdminEvents events,
               JournalSetup journal)
    : ex_(ex),
      ras_(ras),
      config_(std::move(config)),
      phonebooks_(config_.phonebooks, std::move(phonebook_trust)),
      log_(log ? std::move(log) : spdlog::default_logger()),
      events_(std::move(events)),
      journal_store_(std::move(journal.store)),
      pin_rng_(config_.pin_jitter_seed ? config_.pin_jitter_seed : std::random_device{}()),
      changed_(ex),
      reaper_wake_(ex),
      watch_wake_(ex),
      stop_wake_(ex) {
  // The writer's snapshot reads the records on the executor; it must not keep the broker
  // alive (the broker owns the writer).
  if (journal_store_)
    journal_ = JournalWriter::create(
        ex, journal_store_, [this] { return journal_snapshot(); }, log_, std::move(journal.writer));
}

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
  restore_from_journal();
  start_adoption_.emplace();
  adopt_new_connections();
  if (start_adoption_->count() != 0) log_->info("{}", start_adoption_->line());
  start_adoption_.reset();
  arm_pins();  // after the journal and adoption: a pinned entry already up is followed, not dialled
  asio::co_spawn(ex_, [self = shared_from_this()] { return self->reaper_loop(); },
                 asio::bind_cancellation_slot(reaper_cancel_.slot(), asio::detached));
  asio::co_spawn(ex_, [self = shared_from_this()] { return self->link_watch_loop(); },
                 asio::bind_cancellation_slot(watch_cancel_.slot(), asio::detached));
  const auto adopted = std::count_if(records_.begin(), records_.end(), [](const auto& kv) { return kv.second.info.adopted; });
  log_->info("broker started on backend '{}' with {} adopted connection(s) and {} taken back from the journal",
             ras_.backend_name(), adopted, static_cast<long>(records_.size()) - adopted);
  // Checked again at every use; this tells the administrator at once.
  for (const auto& file : config_.phonebooks)
    if (auto why = phonebooks_.untrusted(file)) {
      log_->warn("phonebooks: not dialled from until fixed: {}. {}", *why, kTrustedPhonebookAdvice);
      events_.phonebook_untrusted(*why);
    }
}

// ---------------------------------------------------------------- records

Record* Broker::find_seq(std::uint64_t seq) {
  auto it = records_.find(seq);
  return it == records_.end() ? nullptr : &it->second;
}

Record* Broker::find_handle(ras::Handle h) {
  const auto seq = index_.by_handle(h);
  return seq ? find_seq(*seq) : nullptr;
}

Record* Broker::find_id(const std::string& id) {
  // An id is "c" and the record's sequence number (add_record, restore_record).
  const auto seq = RecordIndex::seq_of_id(id);
  Record* r = seq ? find_seq(*seq) : nullptr;
  return r && r->info.id == id ? r : nullptr;
}

Record* Broker::find_active_entry(std::string_view entry) {
  const auto* seqs = index_.by_entry(entry);
  if (!seqs) return nullptr;
  // Prefer a live connection over one still tearing down.
  Record* tearing = nullptr;
  for (auto seq : *seqs) {
    Record& r = records_.at(seq);
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
    else throw RpcError(ErrorCode::not_found, "no connection with id " + protocol::quoted(*which.id, protocol::kMaxQuotedBytes));
  } else if (which.entry) {
    if (auto* r = find_active_entry(*which.entry)) out.push_back(r);
    else throw RpcError(ErrorCode::not_found, "no connection for entry " + protocol::quoted(*which.entry, protocol::kMaxQuotedBytes));
  }
  return out;
}

Record& Broker::add_record(ras::Handle h, const std::string& entry, const std::string& phonebook) {
  const auto seq = next_seq_++;
  // Sequence numbers only grow: the new record goes at the end of the map (the hint spares
  // the search; a wrong hint would only cost it).
  Record& r = records_.emplace_hint(records_.end(), std::piecewise_construct, std::forward_as_tuple(seq),
                                    std::forward_as_tuple())->second;
  r.seq = seq;
  r.handle = h;
  r.info.id = "c" + std::to_string(seq);
  r.info.entry = entry;
  r.info.phonebook = phonebook;
  index_.add(seq, h, entry);
  return r;
}

void Broker::publish(const Record& r) {
  if (!pins_.empty()) pin_saw(r);
  changed_.notify_all();
  // Copy first: a listener may unsubscribe (or subscribe) while we iterate.
  std::vector<std::shared_ptr<Subscription>> live;
  std::erase_if(subscriptions_, [&](const std::weak_ptr<Subscription>& w) {
    auto s = w.lock();
    if (!s) return true;
    live.push_back(std::move(s));
    return false;
  });
  const protocol::Connection info = shown(r.info);
  for (auto& s : live) s->listener(info);
}

void Broker::erase(std::uint64_t seq) {
  const auto it = records_.find(seq);
  if (it == records_.end()) return;
  index_.remove(seq, it->second.handle, it->second.info.entry);
  if (it->second.termination_watched) {
    ras_.unwatch_termination(it->second.handle);
    --termination_watches_;
  }
  if (it->second.info.state == ConnectionState::connected) --connected_count_;
  restored_dials_.erase(seq);
  records_.erase(it);
}

void Broker::set_state(Record& r, ConnectionState state) {
  if (r.info.state == ConnectionState::connected) --connected_count_;
  r.info.state = state;
  if (state == ConnectionState::connected) ++connected_count_;
}

std::optional<std::string> Broker::index_problem() const {
  for (const auto& [seq, r] : records_) {
    const auto* seqs = index_.by_entry(r.info.entry);
    if (!seqs || !std::binary_search(seqs->begin(), seqs->end(), seq)) return r.info.id + " is not found by its entry";
    const auto holder = index_.by_handle(r.handle);
    const auto it = holder ? records_.find(*holder) : records_.end();
    if (it == records_.end() || it->second.handle != r.handle) return r.info.id + " is not found by its handle";
  }
  if (index_.size_by_handle() != records_.size() || index_.size_by_entry() != records_.size())
    return "the indexes hold records the broker does not";
  // The link watch's counts (link_watch.cpp), kept with the records instead of walks.
  const auto connected = std::count_if(records_.begin(), records_.end(),
                                       [](const auto& kv) { return kv.second.info.state == ConnectionState::connected; });
  if (static_cast<std::size_t>(connected) != connected_count_)
    return "the connected count is " + std::to_string(connected_count_) + ", not " + std::to_string(connected);
  const auto restored = std::count_if(records_.begin(), records_.end(), [&](const auto& kv) {
    return kv.second.restored_dial != restored_dials_.contains(kv.first);
  });
  const bool stale = std::any_of(restored_dials_.begin(), restored_dials_.end(),
                                 [&](std::uint64_t seq) { return !records_.contains(seq); });
  if (restored != 0 || stale) return "the restored dials' set disagrees with the records";
  std::size_t waiting = 0;
  for (const auto& [h, what] : unadopted_) waiting += what != Unadopted::down;
  if (waiting != unadopted_waiting_) return "the count of newcomers awaiting adoption is off";
  return std::nullopt;
}

std::vector<Broker::HeldHandle> Broker::held_handles() const {
  std::vector<HeldHandle> out;
  for (const auto& [seq, r] : records_) out.push_back({r.handle, r.info});
  return out;
}

std::shared_ptr<void> Broker::subscribe(Listener listener) {
  auto s = std::make_shared<Subscription>(Subscription{std::move(listener)});
  // Ended subscriptions are pruned here too, not only when a change is published: clients
  // that subscribe and leave while nothing changes would otherwise pile up without bound.
  std::erase_if(subscriptions_, [](const std::weak_ptr<Subscription>& w) { return w.expired(); });
  subscriptions_.push_back(s);
  return s;
}

std::shared_ptr<void> Broker::subscribe(authz::Caller caller, Listener listener) {
  return subscribe([this, caller = std::move(caller), listener = std::move(listener)](const protocol::Connection& c) {
    if (auto seen = policy_.view(caller, c)) listener(*seen);
  });
}

asio::awaitable<bool> Broker::wait_change(std::optional<Clock::time_point> deadline) {
  if (!deadline) {
    co_await changed_.wait();
    co_return true;
  }
  if (*deadline <= Clock::now()) co_return false;
  Timer timer(ex_, *deadline);
  using namespace asio::experimental::awaitable_operators;  // the race below
  auto which = co_await (changed_.wait() || timer.async_wait(asio::use_awaitable));
  co_return which.index() == 0;
}

// ---------------------------------------------------------------- hang-up, queries

asio::awaitable<std::vector<protocol::Connection>> Broker::hangup(protocol::HangupParams params,
                                                                  authz::Caller caller,
                                                                  std::vector<std::string>* unpinned) {
  // Every target is authorised before any is hung up. "all" is all the caller may hang up
  // (a user's own, with the default policy): never a refusal.
  std::vector<Record*> selected = select(params.target);
  if (params.target.all)
    std::erase_if(selected, [&](const Record* r) { return !policy_.may_hang_up(caller, r->info); });
  else
    for (const Record* r : selected) policy_.require_hangup(caller, r->info);
  auto released = release_pins_for_hangup(selected, caller, params.target.all);
  if (unpinned) *unpinned = std::move(released);
  std::vector<std::uint64_t> targets;
  for (Record* r : selected) {
    targets.push_back(r->seq);
    if (r->info.state == ConnectionState::dialing || r->info.state == ConnectionState::connected) {
      log_->info("hangup {}: {} requested by pid {} user '{}'{}", protocol::quoted(r->info.entry), r->info.id, caller.owner.pid,
                 caller.owner.user, caller.admin ? " (administrator)" : "");
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
      if (stopped_) {
        // The stop gave up waiting for teardowns (stop_timeout): nothing polls them any
        // more, so this wait would never end. Say what was done instead of going silent.
        nlohmann::json connections = nlohmann::json::array();
        for (auto& [seq, c] : last) connections.push_back(nlohmann::json(policy_.masked(caller, c)));
        throw RpcError(ErrorCode::shutting_down,
                       "the service is stopping: hang-up issued, but the teardown had not finished when the service "
                       "gave up waiting for it; the service takes it up again when it starts",
                       {{"connections", std::move(connections)}});
      }
      if (!co_await wait_change(deadline))
        throw RpcError(ErrorCode::timeout, "hang-up issued, but teardown did not complete in time; the reaper goes on");
    }
  }
  std::vector<protocol::Connection> out;
  for (auto& [seq, c] : last) out.push_back(policy_.masked(caller, c));
  co_return out;
}

std::vector<protocol::Connection> Broker::list() {
  adopt_new_connections();
  std::vector<protocol::Connection> out;
  out.reserve(records_.size());
  for (auto& [seq, r] : records_) out.push_back(shown(r.info));
  return out;
}

std::vector<protocol::Connection> Broker::list(const authz::Caller& caller) {
  adopt_new_connections();
  // One copy per connection, the caller's view of it: at 10,000 connections every copy shows.
  std::vector<protocol::Connection> out;
  out.reserve(records_.size());
  for (auto& [seq, r] : records_)
    if (auto seen = policy_.view(caller, r.info)) out.push_back(std::move(*seen));
  return out;
}

protocol::Connection Broker::get(const protocol::Selector& which, const authz::Caller& caller) {
  // Adoption only adds connections the broker does not hold: a record already selected by
  // id, or a live one of the entry (preferred to any newcomer), answers without asking RAS.
  // Only a miss, or an entry whose connection is tearing down, may be news from RAS.
  const Record* held = which.id ? find_id(*which.id) : which.entry ? find_active_entry(*which.entry) : nullptr;
  if (!held || held->info.state == ConnectionState::hanging_up) adopt_new_connections();
  if (which.entry && !find_active_entry(*which.entry))
    if (auto down = pinned_but_down(*which.entry, caller)) throw *down;
  const auto& info = select(which).front()->info;
  policy_.require_get(caller, info);
  return policy_.masked(caller, shown(info));
}

void Broker::require_allowed_phonebook(const std::string& path) {
  if (!phonebooks_.allowed(path, ras_))
    throw RpcError(ErrorCode::unauthorized, "phonebook " + protocol::quoted(path, protocol::kMaxQuotedBytes) +
                                                " is neither a system phonebook nor in the service's "
                                                "configuration (key phonebooks)");
}

void Broker::require_trusted_phonebook(const std::string& path) {
  if (auto why = phonebooks_.untrusted(path))
    throw RpcError(ErrorCode::unauthorized, "the service does not dial from this phonebook: " + *why + ". " +
                                                std::string(kTrustedPhonebookAdvice));
}

std::vector<protocol::EntryInfo> Broker::entries(const std::string& phonebook) {
  require_allowed_phonebook(phonebook);
  require_trusted_phonebook(phonebook);
  std::vector<ras::PhonebookEntry> found;
  std::vector<std::string> unreadable, untrusted;
  if (auto rc = phonebooks_.list(phonebook, ras_, found, unreadable, untrusted); rc != ras::err::kSuccess)
    throw RpcError::ras(rc, ras_.error_string(rc), "cannot list phonebook entries");
  for (const auto& file : unreadable) log_->warn("entries: the configured phonebook {} cannot be read", file);
  for (const auto& why : untrusted) log_->warn("entries: a configured phonebook is not listed: {}", why);
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

// Every hanging_up record is in the reaper's queue: a stop that waits out 10,000 teardowns
// asks this after each one, so no walk over the records.
std::size_t Broker::pending_teardowns() const { return reaper_queue_.size(); }

// ---------------------------------------------------------------- stop

asio::awaitable<void> Broker::stop(std::function<void(std::size_t)> progress) {
  auto self = shared_from_this();
  if (stopping_) co_return;
  stopping_ = true;
  stop_wake_.notify_all();
  changed_.notify_all();
  // Only an established connection outlives the process that dialled it; a dial
  // abandoned mid-way can leave its port half-open (docs/ras-rules.md#teardown: a
  // process that exits before the state machine ends). So dials in progress are hung up
  // whatever on_stop says; connected links follow on_stop. Adopted records are never
  // dialing, and a hangup-mode stop leaves them alone.
  for (auto& [seq, r] : records_) {
    if (r.info.adopted) continue;
    const bool dialing = r.info.state == ConnectionState::dialing;
    const bool connected = r.info.state == ConnectionState::connected;
    if (dialing || (connected && config_.on_stop == OnStop::hangup)) begin_hangup(r, Reason::service_stop);
  }
  const auto deadline = Clock::now() + config_.stop_timeout;
  std::size_t reported = SIZE_MAX;
  while (std::size_t pending = pending_teardowns()) {
    if (pending != reported && progress) progress(pending);
    reported = pending;
    if (!co_await wait_change(deadline)) {
      log_->error("stop: {} teardown(s) still pending after {} ms; giving up waiting", pending,
                  config_.stop_timeout.count());
      events_.stop_incomplete(pending, config_.stop_timeout.count());
      break;
    }
  }
  if (progress) progress(0);
  stopped_ = true;
  changed_.notify_all();  // a hang-up still waiting for `gone` answers now (hangup())
  reaper_cancel_.emit(asio::cancellation_type::all);
  watch_cancel_.emit(asio::cancellation_type::all);
  ras_.set_connection_notifier({});
  if (journal_) co_await journal_->flush();
  const auto adopted = std::count_if(records_.begin(), records_.end(), [](const auto& kv) { return kv.second.info.adopted; });
  log_->info("broker stopped: {} connection(s) left up ({} adopted, {} ours{})", records_.size(), adopted,
             static_cast<long>(records_.size()) - adopted, config_.on_stop == OnStop::leave ? ", on_stop=leave" : "");
}

}  // namespace rasbroker::broker
