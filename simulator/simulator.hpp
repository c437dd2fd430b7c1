#pragma once
// The RAS simulator: a RasApi backend that behaves like rasapi32 as documented
// (docs/ras-rules.md), driven by a scenario (scenario.hpp) and by rasbroker::Clock.
// Reference: docs/simulator.md.
//
// The class is implemented in one file per concern:
//   simulator.cpp             construction, the connection table, the transitions all parts share
//   simulator_events.cpp      the event queue: scheduling, pump(), the event thread, the change hook
//   simulator_ras_calls.cpp   the RasApi calls: dial, hang-up, status, enumerations, error texts
//   simulator_test_hooks.cpp  what tests do to "RAS": drop a link, hang up from outside, unstick
//   simulator_state.cpp       snapshot() and restore(), for the DLL's state file
//   simulator_credentials.cpp saved credentials, EAP identities, and what a correct backend
//                             does with them before RasDial (dial())
//
// Entry names are found as RAS finds phonebook sections, without regard to case
// (docs/ras-rules.md#entry-names): every function taking an entry name finds the scenario's
// entry that way and reports the scenario's spelling.
//
// Portable: standard C++20 only (it is also wrapped as a rasapi32.dll under Wine).
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "ras/ras_api.hpp"
#include "simulator/ledger.hpp"
#include "simulator/phonebook_scope.hpp"
#include "simulator/scenario.hpp"

namespace rasbroker::sim {

enum class Mode {
  manual,    // events fire only in pump(), callbacks on the caller's thread
  threaded,  // an internal thread fires events when due, callbacks on that thread (like RAS)
};

struct SimulatorOptions {
  Mode mode = Mode::manual;
  // Capacity (in RASCONNs) of the first enum_connections_raw() call made by
  // enum_connections(). Real code starts with one; 0 makes the first call hit
  // ERROR_BUFFER_TOO_SMALL whenever any connection is up.
  std::size_t enum_initial_capacity = 1;
  // enum_connections() gives up with 603 after this many too-small answers in a row.
  std::size_t enum_max_attempts = 8;
  // The calling process's account and logon session ("SYSTEM": a LocalSystem service).
  // Connections it dials carry them; RasEnumConnections' owner flags compare the dialler's
  // account with this one; with a NULL phonebook RAS finds the all-users entries and this
  // account's own, not other users' (phonebook_scope.hpp); it sees the credentials saved for
  // all users and its own (docs/simulator.md, "Saved credentials").
  std::string account = std::string(kSystemAccount);
  std::uint64_t logon_luid = kSystemLogonLuid;
};

// What RasGetCredentials and RasGetEntryDialParams return in place of a saved password:
// "a handle to the saved password", 16 asterisks (MS: "RasSetCredentialsA function").
// RasDial given it uses the saved password. Callers treat it as opaque.
inline constexpr std::string_view kSavedPasswordHandle = "****************";

// Which saved credentials a lookup asks for: those saved for all users
// (RASCM_DefaultCreds), or the calling account's own.
enum class CredentialsScope { all_users, own };

// What RAS tells about saved credentials: never the password itself.
struct SavedCredentialsInfo {
  bool found = false;         // credentials were saved in that scope
  std::string username;
  bool has_password = false;  // a password was saved with them (RASCM_Password)
};

// RASEAPUSERIDENTITY: the identity the entry's EAP method found for the calling account.
struct EapIdentity {
  std::string username;                // goes into RASDIALPARAMS.szUserName
  std::vector<std::uint8_t> eap_info;  // goes into RASDIALEXTENSIONS.RasEapInfo
};

// One RasDial call as RAS receives it: the password taken literally (kSavedPasswordHandle
// stands for the saved one), and the EAP information when RASDIALEXTENSIONS carried some.
struct RasDialCall {
  ras::DialRequest params;
  std::optional<std::vector<std::uint8_t>> eap_info;
};

struct SimStats {
  std::uint64_t dial_calls = 0;
  std::uint64_t dial_errors = 0;            // dial() returned non-zero
  std::uint64_t hang_up_calls = 0;
  std::uint64_t hang_up_idempotent = 0;     // hang_up() while already tearing down (returned 0)
  std::uint64_t hang_up_invalid = 0;        // hang_up() answered 6
  std::uint64_t hang_up_no_connection = 0;  // hang_up() answered 668 (the entry's hang_up_668)
  std::uint64_t status_calls = 0;
  std::uint64_t status_invalid = 0;         // get_connect_status() answered 6
  std::uint64_t enum_calls = 0;             // enum_connections() (vector API)
  std::uint64_t enum_raw_calls = 0;         // enum_connections_raw(), including those made by enum_connections()
  std::uint64_t enum_buffer_too_small = 0;  // enum_connections_raw() answered 603
  std::uint64_t enum_race_connections = 0;  // connections the scenario's enum_race made appear after a 603
  std::uint64_t enum_entries_calls = 0;
  std::uint64_t progress_callbacks = 0;     // DialProgressFn invocations
  std::uint64_t notifications_signalled = 0;  // connection changes that would signal RASCN_*
  std::uint64_t notifications_missed = 0;     // of those, dropped by "drop_every"
  std::uint64_t notifications_delivered = 0;  // notifier invocations
  std::uint64_t terminations_watched = 0;     // watch_termination() calls that answered 0
  std::uint64_t terminations_signalled = 0;   // one-connection signals due (one per watched connection's end)
  std::uint64_t terminations_missed = 0;      // of those, dropped by "drop_every" (counted apart from the notifier's)
  std::uint64_t terminations_delivered = 0;   // watch_termination callbacks invoked
};

// A state document restore() cannot use. what() names the key path and the problem.
class StateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Simulator final : public ras::RasApi {
 public:
  explicit Simulator(Scenario scenario, SimulatorOptions options = {});
  // Stops the event thread (threaded mode) and joins it: no callback runs afterwards.
  // Must not be called from a callback.
  ~Simulator() override;
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // --- RasApi -------------------------------------------------------------------
  std::string backend_name() const override;  // "sim"
  // What a correct backend does (simulator_credentials.cpp): the entry's EAP identity
  // without UI (703 and no handle when it needs UI), else, with no password, the saved
  // credentials the account sees (all-users ones first, then its own), then ras_dial().
  ras::DialResult dial(const ras::DialRequest& request, ras::DialProgressFn progress) override;
  std::uint32_t hang_up(ras::Handle h) override;
  std::uint32_t get_connect_status(ras::Handle h, ras::ConnectStatus& out) override;
  // Loops on enum_connections_raw() like real callers of RasEnumConnections.
  std::uint32_t enum_connections(std::vector<ras::ActiveConnection>& out) override;
  std::uint32_t enum_entries(const std::string& phonebook, std::vector<ras::PhonebookEntry>& out) override;
  std::string error_string(std::uint32_t code) override;
  void set_connection_notifier(std::function<void()> changed) override;
  // Signalled (once, as the scenario's notifications.one_connection reading says) when the
  // connection ends: its teardown, or a drop. 6 for a handle RAS does not know (gone, or
  // forgotten at a drop). Several registrations of one handle are all signalled.
  std::uint32_t watch_termination(ras::Handle h, std::function<void()> terminated) override;
  void unwatch_termination(ras::Handle h) override;

  // The entry RAS finds for the calling account by `name` (any case) in `phonebook` ("":
  // NULL, phonebook_scope.hpp); nullptr where RAS answers 623. Every call that takes an
  // entry name (dial, saved credentials, EAP identities) looks entries up this way.
  const EntrySpec* find_entry(std::string_view name, std::string_view phonebook) const;

  // --- RasEnumConnections as it really is ----------------------------------------
  // `buffer` holds `count_in_out` elements of `element_size` bytes (the dwSize check).
  // Too small: 603 and `count_in_out` = the number needed. Else 0 and `count_in_out` =
  // the number written. Wrong element_size: 632. Null buffer with a capacity: 87.
  std::uint32_t enum_connections_raw(ras::ActiveConnection* buffer, std::size_t& count_in_out,
                                     std::size_t element_size = sizeof(ras::ActiveConnection));

  // --- RasDial as it is, saved credentials, EAP (the DLL's calls) --------------------
  // RasDial with exactly these parameters: an entry with credentials authenticates the
  // dial's user name with its password or kSavedPasswordHandle (the password saved for
  // that user name, as the account sees it); an EAP entry needs `eap_info`, else the dial
  // fails at RASCS_Authenticate with 703.
  ras::DialResult ras_dial(const RasDialCall& call, ras::DialProgressFn progress);
  // The credentials saved for `entry` in `scope`, as the account sees them (RasGetCredentials).
  // 623 when RAS finds no such entry.
  std::uint32_t saved_credentials(const std::string& phonebook, const std::string& entry, CredentialsScope scope,
                                  SavedCredentialsInfo& out) const;
  // RasGetEapUserIdentity: 623 (no such entry), 780 (not EAP: nothing to pass), 703 (the
  // method needs UI and `non_interactive` forbids it), else 0 and the identity.
  std::uint32_t eap_user_identity(const std::string& phonebook, const std::string& entry, bool non_interactive,
                                  EapIdentity& out) const;

  // --- Time -------------------------------------------------------------------------
  // Manual mode: fires every event due at Clock::now() (captured on entry), in time
  // order, invoking callbacks synchronously on this thread without the lock held.
  // Returns the number of events that took effect. Threaded mode: does nothing, returns 0.
  std::size_t pump();
  // When the next pending event is due (either mode); nullopt when nothing is pending.
  std::optional<Clock::time_point> next_event_due() const;

  // --- Test hooks ---------------------------------------------------------------------
  // The link of a connected connection drops (no longer enumerated, notifier signalled).
  // By the entry's drop_mode, either the handle dies at once (status and hang_up answer 6)
  // or it stays valid until hung up (status: Disconnected + error). `error` defaults to the
  // entry's drop_error. 668 when no such connected connection exists.
  std::uint32_t drop_link(const std::string& entry, std::optional<std::uint32_t> error = std::nullopt);
  std::uint32_t drop_link(ras::Handle h, std::optional<std::uint32_t> error = std::nullopt);
  // Someone else hung up the entry's connection(s): every reference is dropped and the
  // teardown starts; a dial in progress gets (h, state, 631). 668 when nothing to hang up.
  std::uint32_t external_hang_up(const std::string& entry);
  // RAS finally lets go: every teardown held by "teardown_never" completes now (status
  // then answers 6; the notifier is signalled). Returns how many completed.
  std::size_t finish_stuck_teardowns();
  // Called (without the lock) by enum_connections() after each 603, before retrying:
  // lets a test make connections appear between the calls.
  void set_enum_retry_hook(std::function<void()> hook);

  // --- Persistence (simulator_state.cpp) ---------------------------------------------
  // The rasapi32.dll stand-in keeps the engine's state in a file so that a process that
  // was killed and restarted finds its connections again (docs/simulator.md, "State").
  // snapshot(): connections (handle, entry, phase, state, error, refs, remaining drop or
  // teardown time), the ledger and the last handle handed out, as JSON.
  nlohmann::json snapshot() const;
  // Replaces every connection and the ledger with a snapshot's, as a new process finds
  // them after the one that held them exited: connected and tearing-down connections
  // carry on (their timers resume); connections that were still dialling, or had failed
  // or dropped without being hung up, are released by "RAS" at that exit (ledger:
  // released externally) and start tearing down. Handles stay unique: numbering resumes
  // after the snapshot's last handle. Throws StateError (nothing changed) when the
  // document is invalid or names an entry the scenario does not have.
  void restore(const nlohmann::json& state);
  // Called after any change of connections or ledger (not after reads that change
  // nothing), on the thread that made the change, without the lock held. Calls never
  // overlap, and when a public function returns, a hook call that saw its change has
  // completed; a change of the engine's own timers is published before the callbacks
  // that report it run. The hook may call snapshot(), leak_report(), ledger() and stats(), nothing
  // else (a call that changes state would deadlock); exceptions are swallowed. Empty
  // function: no hook.
  void set_change_hook(std::function<void()> hook);

  // --- Inspection -------------------------------------------------------------------
  LeakReport leak_report() const;
  std::vector<LedgerRecord> ledger() const;
  SimStats stats() const;
  const Scenario& scenario() const { return scenario_; }  // immutable after construction

 private:
  enum class Phase { dialing, connected, failed, dropped, tearing_down, gone };
  struct Conn {
    ras::Handle handle = ras::kNullHandle;
    std::size_t entry = 0;  // index into scenario_.entries
    Phase phase = Phase::dialing;
    ras::ConnState state = ras::ConnState::OpenPort;
    std::uint32_t error = 0;
    std::uint32_t refs = 0;
    Clock::time_point dial_start{};
    std::size_t next_step = 0;
    std::optional<std::size_t> fail_step;
    std::uint32_t fail_error = 0;
    std::uint32_t fail_extended_error = 0;
    std::uint32_t link_down = 0;   // multilink: the sub-entry that failed while the rest went on; 0: none
    std::uint32_t link_error = 0;  // ... and its error
    std::vector<ras::DialProgressFn> listeners;
    std::optional<ConnectionOrigin> origin;  // nullopt: RAS does not know who dialled it
  };
  enum class EventKind {
    dial_step,      // the next state of a dial's walk
    drop,           // drop_after_ms elapsed
    teardown_done,  // teardown_ms elapsed after the last reference was hung up
    notify,         // a connection notification reaches the notifier
    terminated,     // a one-connection notification reaches that connection's watchers
    progress,       // one progress callback (fn, state, error); with connected_only, skipped
                    // unless the connection is still connected
  };
  struct Event {
    Clock::time_point due{};
    std::uint64_t seq = 0;
    EventKind kind = EventKind::notify;
    ras::Handle handle = ras::kNullHandle;
    std::size_t step = 0;
    ras::DialProgressFn fn{};
    ras::ConnState state = ras::ConnState::OpenPort;
    std::uint32_t error = 0;
    bool connected_only = false;
  };
  using Calls = std::vector<std::function<void()>>;
  // Declared before a public function's lock_guard: runs the change hook once the lock is gone.
  struct PublishOnExit {
    Simulator& sim;
    ~PublishOnExit() { sim.publish_change(); }
  };

  // simulator.cpp: the connection table and the transitions the other parts share.
  Conn* find_locked(ras::Handle h);
  // scenario_.find(name) through the index: the scenario's entry named `name` (any case).
  const EntrySpec* entry_named(std::string_view name) const;
  const EntrySpec& spec(const Conn& c) const { return scenario_.entries[c.entry]; }
  // A dropped link whose handle RAS no longer knows (drop_mode invalid_handle): status and
  // RasHangUp answer 6, though the caller still owes the RasHangUp its RasDial required.
  bool vanished(const Conn& c) const {
    return c.phase == Phase::dropped && spec(c).drop_mode == DropMode::invalid_handle;
  }
  // Whether RasEnumConnections lists the connection (the scenario's enum_lists reading).
  bool enumerated(const Conn& c) const;
  // A new connection of `entry` with one reference (the caller's, or an external
  // dialler's), recorded in the ledger; its phase is the caller's to set.
  Conn& add_connection_locked(const EntrySpec& entry, Clock::time_point now, bool external);
  // A connection someone else dialled that is up (a scenario's `connected` item, an enum_race
  // entry): connected, its drop timer running.
  Conn& add_external_connected_locked(const EntrySpec& entry, const ConnectionOrigin& origin, Clock::time_point now);
  // After a 603 from RasEnumConnections: the scenario's next enum_race entry connects.
  void enum_race_locked(Clock::time_point now);
  void start_teardown_locked(Conn& c, Clock::time_point now);
  void complete_teardown_locked(Conn& c, Clock::time_point at);
  void drop_locked(Conn& c, std::uint32_t error, Clock::time_point at);

  // simulator_credentials.cpp: 0 when the "server" accepts the call's credentials, else
  // the error the dial fails with at RASCS_Authenticate (691, or 703 for EAP without EAP info).
  std::uint32_t authentication_error(const EntrySpec& entry, const RasDialCall& call) const;
  // Whether the call dials with the credentials saved for all users (RASCF_GlobalCreds).
  bool dialled_with_default_credentials(const EntrySpec& entry, const RasDialCall& call) const;
  // Fills the user name and password handle a correct backend passes for a dial without a
  // password (the saved credentials the account sees, as Win32Ras reads them).
  void use_saved_credentials(const std::string& phonebook, ras::DialRequest& params) const;

  // simulator_events.cpp: the event queue.
  void schedule_locked(Event ev);
  // One of a connection's own timers (the next dial step, a drop, the end of a teardown).
  void schedule_timer_locked(EventKind kind, ras::Handle h, Clock::time_point due, std::size_t step = 0);
  bool stale_locked(const Event& ev) const;
  // Pops the earliest event if due at `now`: nullopt when none is due, else whether it took effect.
  std::optional<bool> fire_one_locked(Clock::time_point now, Calls& calls);
  void fire_dial_step_locked(Conn& c, const Event& ev, Calls& calls);
  void signal_notifier_locked(Clock::time_point at);
  // The connection's watch_termination registrations, if any: one signal, under the same
  // delay and misses as the notifier's.
  void signal_termination_locked(const Conn& c, Clock::time_point at);
  // Whether the `count`-th signal is one the scenario's notifications.drop_every misses.
  bool missed(std::uint64_t count) const;
  // One progress callback to each of the connection's listeners (`p.handle` is filled in).
  void deliver_progress_locked(const Conn& c, ras::DialProgress p, Calls& calls);
  // The dial fails as a whole: the failing callback, then no more notifications.
  void fail_dial_locked(Conn& c, ras::DialProgress failure, Calls& calls);
  // RASCONNSTATUS.dwError of a connection whose own error is 0: a failed link's error in the
  // reading where RAS reports it while the rest of the connection stays up (link_fail.status_error).
  std::uint32_t link_error_in_status(const Conn& c) const;
  void run();
  // Invokes the change hook (without the lock) if anything changed since the last call.
  void publish_change();

  const Scenario scenario_;
  const SimulatorOptions options_;
  const EntryIndex entry_index_;  // scenario_.entries by name: looked up per dial and per connection

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::map<ras::Handle, Conn> conns_;
  std::vector<Event> queue_;  // min-heap on (due, seq)
  std::uint64_t next_seq_ = 0;
  ras::Handle last_handle_ = 0x10000;
  std::function<void()> notifier_;
  std::map<ras::Handle, std::vector<std::function<void()>>> termination_watches_;
  std::function<void()> enum_retry_hook_;
  std::uint64_t notification_count_ = 0;
  std::uint64_t termination_count_ = 0;
  std::size_t enum_race_next_ = 0;  // the scenario's enum_race entries used up so far
  Ledger ledger_;
  SimStats stats_;
  bool dirty_ = false;  // connections or ledger changed since the change hook last ran
  std::function<void()> change_hook_;
  std::mutex publish_mu_;  // serialises change hook calls; taken before mu_, never under it
  std::thread thread_;  // last: started after everything above is initialised
};

}  // namespace rasbroker::sim
