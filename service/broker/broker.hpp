#pragma once
// The broker: sole owner of every RAS connection on the machine.
//
// Runs on one executor (one thread runs the io_context): all state lives here, and
// every RAS call is made from it, so requests are applied in arrival order. RAS
// callbacks arrive on RAS's threads and are posted in. Three background coroutines:
// the reaper (polls hung-up handles until RAS says ERROR_INVALID_HANDLE), the link
// watch (backstop poll of connected links) and redial timers. See docs/architecture.md.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <spdlog/logger.h>

#include "authz/caller.hpp"
#include "authz/policy.hpp"
#include "broker/config.hpp"
#include "broker/host_event.hpp"
#include "broker/journal_writer.hpp"
#include "broker/phonebooks.hpp"
#include "broker/pin.hpp"
#include "core/notifier.hpp"
#include "events/admin_events.hpp"
#include "broker/record.hpp"
#include "broker/adoption_summary.hpp"
#include "broker/record_index.hpp"
#include "journal/journal.hpp"
#include "ras/ras_api.hpp"
#include "rasbroker/protocol/methods.hpp"

namespace rasbroker::broker {

// The state journal (journal/journal.hpp): where it is kept (no store: none, and a restart
// adopts what this instance dialled) and how its writer runs (broker/journal_writer.hpp).
struct JournalSetup {
  std::shared_ptr<journal::JournalStore> store;
  JournalWriter::Options writer;
};

class Broker : public std::enable_shared_from_this<Broker> {
 public:
  using Listener = std::function<void(const protocol::Connection&)>;

  // `phonebook_trust` answers who besides administrators can change a configured
  // phonebook file (security/file_trust.hpp; the host's); empty: none is dialled from.
  // `events` gets what an administrator must act on: failed dials, stuck teardowns, an
  // incomplete stop, untrusted phonebooks, an unusable journal (events/admin_events.hpp).
  // `journal`: what this instance dialled is kept there and taken back at the next start.
  static std::shared_ptr<Broker> create(boost::asio::any_io_executor ex, ras::RasApi& ras,
                                        BrokerConfig config, std::shared_ptr<spdlog::logger> log,
                                        security::FileTrustCheck phonebook_trust = {},
                                        events::AdminEvents events = {}, JournalSetup journal = {});
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Takes back what the journal names and RAS still has (restore.cpp), adopts the other
  // existing connections and starts the background coroutines; warns of each configured
  // phonebook that fails the trust check. On the executor.
  void start();

  // The protocol methods, for `caller` (what the transport proved about the client) as
  // authz::Policy allows: a refusal is an authz::Refusal (unauthorized). Other errors are
  // thrown as protocol::RpcError. A dial's owner is caller.owner.
  boost::asio::awaitable<protocol::Connection> dial(protocol::DialParams params, authz::Caller caller);
  // `all` is every connection the caller may hang up. An administrator's hang-up of a pinned
  // entry's connection unpins it (named in `unpinned`); a non-admin's is refused ("all"
  // leaves it out).
  boost::asio::awaitable<std::vector<protocol::Connection>> hangup(protocol::HangupParams params,
                                                                   authz::Caller caller,
                                                                   std::vector<std::string>* unpinned = nullptr);
  std::vector<protocol::Connection> list(const authz::Caller& caller);  // adopts newcomers first
  protocol::Connection get(const protocol::Selector& which, const authz::Caller& caller);
  // Every connection, owners included, as the service itself sees them (adopts newcomers first).
  std::vector<protocol::Connection> list();
  std::vector<protocol::EntryInfo> entries(const std::string& phonebook);
  protocol::StatusResult status() const;

  // Pinned entries (pins.cpp; docs/operations.md, "Always-on entries"): administrators only
  // (authz::Policy::require_pin), idempotent, answered with the pin's state. `pins` is what
  // list and status show `caller` (authz::Policy::sees_pins).
  protocol::Pin pin(const protocol::PinParams& params, const authz::Caller& caller);
  protocol::UnpinResult unpin(const protocol::UnpinParams& params, const authz::Caller& caller);
  std::vector<protocol::Pin> pins(const authz::Caller& caller) const;

  // The host saw the machine resume or its network change: links may have dropped (or
  // others' dials appeared) without a RAS notification, so look now; pinned entries that
  // are down are dialled now (their failure count stays). On the executor.
  void on_host_event(HostEvent event);

  // Every state change of every connection goes to each listener, on the executor.
  // Listeners must not block. Drop the returned token to unsubscribe.
  [[nodiscard]] std::shared_ptr<void> subscribe(Listener listener);
  // Only the changes `caller` may see, as it may see them (authz::Policy::view).
  [[nodiscard]] std::shared_ptr<void> subscribe(authz::Caller caller, Listener listener);

  // Graceful stop: refuses new dials, applies on_stop, waits for the reaper up to
  // stop_timeout, then ends the background coroutines. `progress` is called with the
  // number of teardowns still pending whenever it changes (for SCM checkpoints). Ends
  // with the journal saved: empty once every connection is reaped, or naming those left
  // up (on_stop "leave", or teardowns it gave up waiting for) for the next instance.
  boost::asio::awaitable<void> stop(std::function<void(std::size_t pending)> progress = {});
  bool stopping() const noexcept { return stopping_; }
  std::size_t pending_teardowns() const;

  // What the broker holds, for the deterministic simulation's invariants (tests/dst): each
  // record's RAS handle with its connection, and how many subscription slots it keeps
  // (live subscriptions and ended ones not pruned yet).
  struct HeldHandle {
    ras::Handle handle = ras::kNullHandle;
    protocol::Connection info;
  };
  std::vector<HeldHandle> held_handles() const;
  std::size_t subscription_slots() const noexcept { return subscriptions_.size(); }
  // What is wrong with the record indexes (a record they miss, or one they hold that is
  // gone); nullopt when they agree with the records. For the tests' invariants.
  std::optional<std::string> index_problem() const;

 private:
  Broker(boost::asio::any_io_executor ex, ras::RasApi& ras, BrokerConfig config,
         std::shared_ptr<spdlog::logger> log, security::FileTrustCheck phonebook_trust, events::AdminEvents events,
         JournalSetup journal);

  struct Subscription;

  // Records.
  Record* find_seq(std::uint64_t seq);
  Record* find_handle(ras::Handle h);
  Record* find_id(const std::string& id);
  // The entry's connection that is not gone, the name compared as RAS compares it
  // (protocol/entry_name.hpp); a live one before one still tearing down.
  Record* find_active_entry(std::string_view entry);
  std::vector<Record*> select(const protocol::Selector& which);
  Record& add_record(ras::Handle h, const std::string& entry, const std::string& phonebook);
  void publish(const Record& r);
  void erase(std::uint64_t seq);

  // Dial (dial.cpp).
  Record& start_dial(DialPlan plan);  // may throw RpcError; the record exists if RAS gave a handle
  // The configured phonebook that holds `entry`, for a dial RAS's NULL phonebook did not find.
  std::optional<std::string> configured_phonebook_of(std::string_view entry);
  void on_progress(const ras::DialProgress& p);
  void mark_connected(Record& r);
  // A connected connection's progress: a multilink entry's links after RASCS_Connected.
  void on_link_progress(const Record& r, const ras::DialProgress& p);
  boost::asio::awaitable<protocol::Connection> wait_connected(std::uint64_t seq,
                                                              std::optional<Clock::time_point> deadline);
  boost::asio::awaitable<void> dial_deadline(std::uint64_t seq, Clock::time_point deadline);
  protocol::ConnectionError ras_error(std::uint32_t code, std::uint32_t extended_error = 0);

  // Hang-up and reaper (reaper.cpp).
  void begin_hangup(Record& r, protocol::Reason reason);
  void finish_gone(Record& r);
  boost::asio::awaitable<void> reaper_loop();
  // Puts a hanging_up record in the reaper's queue: its first poll per the entry's window when
  // `ordinary` (RasHangUp answered 0 just now, and the teardown teaches the model), else at once.
  void queue_teardown(Record& r, bool ordinary);
  void schedule_poll(Record& r, Clock::time_point at);
  // Polls the due teardowns, at most a batch of them; returns how many it polled.
  std::size_t poll_due_teardowns();
  void poll_teardown(Record& r, Clock::time_point now);
  // A RAS notification: a connection may have ended, so the teardowns at the front of the
  // queue are looked at now (each at most once per reaper_dense).
  void hurry_teardowns();
  PollSteps poll_steps() const;
  // RAS's one-connection termination signals (reaper.cpp): asked for just before a RasHangUp;
  // a signal makes the reaper look at that teardown at once.
  void watch_termination(Record& r);
  void on_termination_signal(std::uint64_t seq);
  // Whether the teardown's end is signalled by RAS, as far as the reaper has seen: its
  // schedule is then only a backstop, and anonymous notifications leave it alone.
  bool end_signalled(const Record& r) const;

  // Adoption (adoption.cpp).
  // A connection RasEnumConnections listed that was not adopted (yet), remembered so that it
  // is logged once and, while its dial goes on, looked at again on every poll.
  enum class Unadopted {
    dialling,    // someone else's dial in progress: adopted once its status says connected
    down,        // failed or dropped: the program that dialled it must hang it up
    unreadable,  // RasGetConnectStatus failed: tried again on every poll
  };
  void adopt_new_connections();
  // Confirms a newcomer's state with RasGetConnectStatus and adopts it if it is connected.
  void consider_newcomer(const ras::ActiveConnection& c);
  // Whether a newcomer not yet adopted is still to be looked at again (dialling or
  // unreadable): O(1), a count kept by note_unadopted and forget_unadopted.
  bool awaiting_adoption() const { return unadopted_waiting_ != 0; }
  void note_unadopted(ras::Handle h, Unadopted what);
  void forget_unadopted(ras::Handle h);
  // Forgets the newcomers `active` (RAS's listing) no longer names, or that were adopted.
  void forget_unlisted(const std::vector<ras::ActiveConnection>& active);

  // The journal (restore.cpp): taking back at start what it names, keeping it up to date.
  void restore_from_journal();
  // Restores one record RAS still has; false (logged) when its connection is gone. `listed`:
  // RasEnumConnections' answer, sorted by handle.
  bool restore_record(const journal::JournalRecord& saved, const std::vector<ras::ActiveConnection>& listed);
  journal::Journal journal_snapshot() const;
  // A change the journal must have (not ras_state chatter); ignores adopted records.
  void journal_changed(const Record& r, JournalWriter::Urgency urgency);
  // Dials taken back from the journal: their progress callbacks died with the process
  // that dialled them, so their status is polled until they connect or fail.
  void check_restored_dials();
  // Whether a dial taken back from the journal is still dialling: O(restored dials).
  bool restored_dial_pending() const;
  void set_restored_dial(Record& r, bool restored);

  // Link watch, redial (link_watch.cpp).
  void on_ras_notification();
  boost::asio::awaitable<void> link_watch_loop();
  // A look at the links: RasEnumConnections for newcomers (when `adopt`), then the status
  // of every connected link. At 10,000 links one look is too long for one step on the io
  // thread (a ping waited 120 ms behind it), so it runs as a coroutine in steps of a few
  // hundred links with the executor free between them. Never two at once: a request
  // while one runs makes one more run after it (a change it asks about may concern a link
  // the running look has already passed).
  void request_look(bool adopt);
  boost::asio::awaitable<void> look_loop();
  boost::asio::awaitable<void> adopt_in_steps();
  boost::asio::awaitable<void> check_links_in_steps();
  void check_link(Record& r);
  void maybe_redial(const Record& dropped);
  boost::asio::awaitable<void> redial_after(DialPlan plan, Clock::duration delay);

  // Pinned entries (pins.cpp).
  PinRecord* find_pin(std::string_view entry);
  const PinRecord* find_pin(std::string_view entry) const;
  // Creates or re-arms (failures start over) the pin of `entry`; does not dial.
  PinRecord& arm_pin(const std::string& entry, const std::string& phonebook, std::optional<protocol::PinBackoff> backoff,
                     protocol::PinSource source);
  // Ends a run-time pin (nullopt); stops one the configuration makes (returned).
  std::optional<protocol::Pin> release_pin(PinRecord& p, const std::string& why);
  void arm_pins();  // at start: the configuration's pins, then the journal's
  boost::asio::awaitable<protocol::Connection> dial_and_keep(protocol::DialParams params, authz::Caller caller);
  std::vector<std::string> release_pins_for_hangup(std::vector<Record*>& selected, const authz::Caller& caller, bool all);
  void attempt_pin(PinRecord& p, bool rethrow);  // dials now, or follows the entry's connection
  void pin_follow(PinRecord& p, const Record& r);
  void pin_saw(const Record& r);  // every published change
  void pin_failed(PinRecord& p, protocol::ConnectionError error);
  void schedule_pin(PinRecord& p, Clock::duration delay);
  void cancel_pin_dial(PinRecord& p);
  boost::asio::awaitable<void> pin_wait(std::string entry, std::uint64_t generation, std::shared_ptr<Timer> timer);
  void post_pin_attempt(const PinRecord& p);
  void retry_pins_now(HostEvent why);
  void publish_pinned(const std::string& entry);
  // `c` as clients see it: "pinned" set when its entry is.
  protocol::Connection shown(const protocol::Connection& c) const;
  // get by entry of a pinned entry with no connection: not_found, with the pin's state.
  std::optional<protocol::RpcError> pinned_but_down(std::string_view entry, const authz::Caller& caller) const;

  // Throws unauthorized unless `path` may be dialled from or listed (broker/phonebooks.hpp).
  void require_allowed_phonebook(const std::string& path);
  // Throws unauthorized, saying why and what to do, while a configured `path` can be
  // changed by someone other than administrators. Asked before every RasDial.
  void require_trusted_phonebook(const std::string& path);

  // Waits for a change or the deadline; false when the deadline passed.
  boost::asio::awaitable<bool> wait_change(std::optional<Clock::time_point> deadline);

  boost::asio::any_io_executor ex_;
  ras::RasApi& ras_;
  BrokerConfig config_;
  Phonebooks phonebooks_;
  std::shared_ptr<spdlog::logger> log_;
  events::AdminEvents events_;
  std::shared_ptr<journal::JournalStore> journal_store_;
  std::shared_ptr<JournalWriter> journal_;  // null without a store
  const authz::Policy policy_{config_.authorization};

  std::map<std::uint64_t, Record> records_;
  // Every change of a record's state goes through set_state, which keeps this count (the
  // link watch asks "anything connected?" without a walk); checked by index_problem().
  void set_state(Record& r, protocol::ConnectionState state);
  std::size_t connected_count_ = 0;
  std::set<std::uint64_t> restored_dials_;  // the records whose restored_dial is set
  // The reaper's: every hanging_up record by its next poll, and what each entry's teardowns
  // took (keyed as RAS compares entry names).
  std::set<std::pair<Clock::time_point, std::uint64_t>> reaper_queue_;
  std::map<std::string, TeardownModel, protocol::EntryNameLess> teardown_models_;
  // What a one-connection termination signal means on this RAS (docs/ras-rules.md#watching):
  // unknown until the poll that followed one said whether the teardown had ended.
  enum class TerminationSignal { unknown, at_end, early };
  TerminationSignal termination_signal_ = TerminationSignal::unknown;
  std::size_t termination_watches_ = 0;  // records with termination_watched set
  RecordIndex index_;  // records_ by handle and by entry: add_record, restore_record and erase keep it
  std::map<ras::Handle, Unadopted> unadopted_;  // as of the last enumeration
  std::size_t unadopted_waiting_ = 0;            // those of unadopted_ not down
  // Set while start() adopts: the connections found are logged as one summary line at info
  // (each at debug); null afterwards, when each adoption logs its own line at info.
  std::optional<AdoptionSummary> start_adoption_;
  std::uint64_t enumerations_ = 0;               // RasEnumConnections made: a stepped look's prune defers to a newer one
  std::uint64_t next_seq_ = 1;
  std::vector<std::weak_ptr<Subscription>> subscriptions_;
  std::map<std::string, PinRecord, protocol::EntryNameLess> pins_;  // keyed as RAS compares entry names
  std::vector<journal::JournalPin> journalled_pins_;  // read by restore_from_journal, armed by arm_pins
  std::mt19937_64 pin_rng_;                           // the pins' jitter (config pin_jitter_seed)

  Notifier changed_;       // any record changed: request waiters re-check
  Notifier reaper_wake_;   // a teardown was queued
  Notifier watch_wake_;    // a link became connected, or someone else's dial awaits adoption
  Notifier stop_wake_;     // stop() began: pending redials give up
  boost::asio::cancellation_signal reaper_cancel_, watch_cancel_;
  // request_look(): a look runs (look_loop), another is wanted after it, and whether with adoption.
  bool look_running_ = false;
  bool look_wanted_ = false;
  bool look_adopt_ = false;
  bool started_ = false;
  bool stopping_ = false;
  bool stopped_ = false;  // stop() stopped waiting for teardowns: no more will be seen
  Clock::time_point started_at_{};
};

}  // namespace rasbroker::broker
