// The state journal, the broker's side: what goes in (every connection it dialled, never a
// password), when (JournalWriter: now or soon), and what a start does with it — takes back
// as its own every connection the journal names that RAS still has (docs/operations.md,
// "What a restart does with the journal").
#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "broker/broker.hpp"
#include "rasbroker/protocol/entry_name.hpp"
#include "rasbroker/protocol/log_text.hpp"

namespace rasbroker::broker {

using protocol::ConnectionState;
using protocol::Reason;

namespace {

// Orders RasEnumConnections' answer by handle, and finds a handle in it.
struct ListedByHandle {
  static ras::Handle key(const ras::ActiveConnection& c) { return c.handle; }
  static ras::Handle key(ras::Handle h) { return h; }
  bool operator()(const auto& a, const auto& b) const { return key(a) < key(b); }
};

}  // namespace

journal::Journal Broker::journal_snapshot() const {
  journal::Journal j;
  j.next_seq = next_seq_;
  for (const auto& [seq, r] : records_) {
    // Not ours: the next instance adopts it again. But an adopted connection the service hung
    // up is: it owes the reaping, and RasEnumConnections never lists a teardown.
    if (r.info.adopted ? r.info.state != ConnectionState::hanging_up : !r.plan) continue;
    journal::JournalRecord saved;
    saved.seq = seq;
    saved.handle = r.handle;
    saved.info = r.info;
    if (!r.plan) {
      j.records.push_back(std::move(saved));
      continue;
    }
    saved.username = r.plan->username;
    saved.domain = r.plan->domain;
    saved.password_sent = r.plan->password_sent;
    saved.redial = r.plan->redial;
    saved.redials_used = r.plan->redials_used;
    j.records.push_back(std::move(saved));
  }
  for (const auto& [entry, p] : pins_)
    if (p.shown.source == protocol::PinSource::runtime) j.pins.push_back({p.shown.entry, p.shown.phonebook, p.shown.backoff});
  return j;
}

void Broker::journal_changed(const Record& r, JournalWriter::Urgency urgency) {
  // An adopted connection matters to the journal once the service hangs it up (journal_snapshot()).
  if (journal_ && (!r.info.adopted || r.info.state == ConnectionState::hanging_up ||
                   r.info.state == ConnectionState::gone))
    journal_->changed(urgency);
}

void Broker::restore_from_journal() {
  if (!journal_store_) return;
  auto loaded = journal_store_->load();
  if (!loaded.problem.empty()) {
    const std::string moved =
        loaded.moved_to.empty() ? std::string("it was not moved") : "it was moved aside to " + loaded.moved_to;
    log_->warn("journal: {} cannot be used ({}); {}; starting with plain adoption", journal_store_->where(),
               loaded.problem, moved);
    events_.journal_unusable(journal_store_->where(), loaded.problem, moved);
  }
  if (!loaded.journal) {
    journal_->changed(JournalWriter::Urgency::now);  // a valid journal from the start
    return;
  }
  const journal::Journal& saved = *loaded.journal;
  journalled_pins_ = saved.pins;  // armed by arm_pins(), after the configuration's
  // The listing guards against a handle RAS has given to another entry since; whether a
  // connection is still there is RasGetConnectStatus's answer, since RasEnumConnections may
  // not list a dial in progress and never lists a teardown (docs/simulator.md).
  std::vector<ras::ActiveConnection> listed;
  if (auto rc = ras_.enum_connections(listed); rc != ras::err::kSuccess) {
    log_->warn("journal: RasEnumConnections returned {} ({}); taking back by RasGetConnectStatus alone", rc,
               ras_.error_string(rc));
    listed.clear();
  }
  // Looked up by handle for every saved record: sorted once, not searched n times.
  std::sort(listed.begin(), listed.end(), ListedByHandle{});
  std::size_t restored = 0;
  std::uint64_t highest = 0;
  for (const auto& record : saved.records) {
    if (!restore_record(record, listed)) continue;
    ++restored;
    highest = std::max(highest, record.seq);
  }
  // Ids never repeat across restarts: not even those of records dropped here.
  next_seq_ = std::max({next_seq_, saved.next_seq, highest + 1});
  log_->info("journal: took back {} of {} connection(s) from {}; next id c{}", restored, saved.records.size(),
             journal_store_->where(), next_seq_);
  check_restored_dials();  // connected, failed or still dialling: settled now
  journal_->changed(JournalWriter::Urgency::now);
}

bool Broker::restore_record(const journal::JournalRecord& saved, const std::vector<ras::ActiveConnection>& listed) {
  const auto& info = saved.info;
  const auto dropped = [&](const std::string& why) {
    log_->info("journal: {} {} (handle {:#x}, {}) dropped: {}", protocol::quoted(info.entry), info.id, saved.handle,
               protocol::to_string(info.state), why);
    return false;
  };
  if (saved.seq == 0 || saved.handle == ras::kNullHandle || find_seq(saved.seq) || find_handle(saved.handle))
    return dropped("a duplicate or incomplete record");
  // `listed` is sorted by handle (restore_from_journal).
  const auto [first, last] = std::equal_range(listed.begin(), listed.end(), saved.handle, ListedByHandle{});
  const auto other = std::find_if(first, last, [&](const ras::ActiveConnection& c) {
    return !protocol::same_entry(c.entry, info.entry);
  });
  if (other != last) return dropped("RAS now lists that handle for the entry " + protocol::quoted(other->entry));
  ras::ConnectStatus st;
  const std::uint32_t rc = ras_.get_connect_status(saved.handle, st);
  if (rc == ras::err::kInvalidHandle) return dropped("its connection is gone");
  if (info.state != ConnectionState::dialing && info.state != ConnectionState::connected &&
      info.state != ConnectionState::hanging_up)
    return dropped("not a state the journal keeps");

  Record& r = records_[saved.seq];
  r.seq = saved.seq;
  r.handle = saved.handle;
  r.info = info;
  r.info.state = ConnectionState::dialing;  // a new record's, counted from here by set_state
  set_state(r, info.state);
  r.info.id = "c" + std::to_string(saved.seq);
  index_.add(r.seq, r.handle, r.info.entry);
  r.info.adopted = info.adopted;  // only a hanging_up one (the journal's reader checks)
  if (rc == ras::err::kSuccess) r.info.ras_state = ras::state_name(st.state);
  if (info.adopted) {
    // Someone else dialled it; this service hung it up and sees its teardown to the end.
    queue_teardown(r, /*ordinary=*/false);
    log_->info("journal: took back {} {} (handle {:#x}, adopted, hanging_up)", r.info.entry, r.info.id, r.handle);
    publish(r);
    return true;
  }
  DialPlan plan;
  plan.entry = info.entry;
  plan.phonebook = info.phonebook;
  plan.username = saved.username;
  plan.domain = saved.domain;
  plan.password_sent = saved.password_sent;  // the password itself was never written
  plan.redial = saved.redial;
  plan.redials_used = saved.redials_used;
  plan.owner = info.owner;
  r.plan = std::move(plan);
  if (info.state == ConnectionState::hanging_up) {
    // Its RasHangUp was made before the journal said hanging_up: the reaper only has to
    // see the teardown to the end (docs/ras-rules.md#teardown), polling from now on. When that
    // RasHangUp was made is unknown: the entry's model learns nothing from this one.
    queue_teardown(r, /*ordinary=*/false);
  } else if (info.state == ConnectionState::dialing) {
    set_restored_dial(r, true);  // check_restored_dials() settles it
  } else {
    watch_wake_.notify_all();  // the link watch sees a drop that happened meanwhile
  }
  log_->info("journal: took back {} {} (handle {:#x}, {}, owner pid {} user '{}')", protocol::quoted(r.info.entry), r.info.id, r.handle,
             protocol::to_string(r.info.state), r.info.owner ? r.info.owner->pid : 0,
             r.info.owner ? r.info.owner->user : std::string("-"));
  publish(r);
  return true;
}

bool Broker::restored_dial_pending() const {
  return std::any_of(restored_dials_.begin(), restored_dials_.end(),
                     [&](std::uint64_t seq) { return records_.at(seq).info.state == ConnectionState::dialing; });
}

void Broker::set_restored_dial(Record& r, bool restored) {
  r.restored_dial = restored;
  if (restored) restored_dials_.insert(r.seq);
  else restored_dials_.erase(r.seq);
}

void Broker::check_restored_dials() {
  // By seq: settling one may erase it (gone) or start a redial (a new record).
  const std::vector<std::uint64_t> pending(restored_dials_.begin(), restored_dials_.end());
  for (auto seq : pending) {
    Record* r = find_seq(seq);
    if (!r || !r->restored_dial || r->info.state != ConnectionState::dialing) continue;
    ras::ConnectStatus st;
    const std::uint32_t rc = ras_.get_connect_status(r->handle, st);
    if (rc == ras::err::kInvalidHandle) {
      // RAS ended the dial and let go of the handle: nothing left to hang up or reap.
      log_->warn("dial {}: {} (taken back from the journal) is gone", protocol::quoted(r->info.entry), r->info.id);
      r->info.reason = Reason::dial_failed;
      r->info.hangup_at = std::chrono::system_clock::now();
      finish_gone(*r);
      continue;
    }
    if (rc != ras::err::kSuccess) {
      log_->warn("dial {}: {} status returned {} ({}); polled again", protocol::quoted(r->info.entry), r->info.id, rc,
                 ras_.error_string(rc));
      continue;
    }
    if (st.state == ras::ConnState::Connected && st.error == 0) {
      r->info.ras_state = ras::state_name(st.state);
      mark_connected(*r);
      continue;
    }
    if (st.state == ras::ConnState::Disconnected || st.error != 0) {
      const std::uint32_t why = st.error ? st.error : ras::err::kDisconnection;
      r->info.ras_state = ras::state_name(st.state);
      r->info.error = ras_error(why);
      log_->warn("dial {}: {} (taken back from the journal) failed: RAS error {} ({})", protocol::quoted(r->info.entry), r->info.id,
                 why, r->info.error->message);
      events_.dial_failed(r->info.entry, why, r->info.error->message);
      begin_hangup(*r, Reason::dial_failed);
      maybe_redial(*r);
      continue;
    }
    // Still dialling: no callback will tell when it ends, the link watch polls it.
    if (const auto name = ras::state_name(st.state); name != r->info.ras_state) {
      r->info.ras_state = name;
      publish(*r);
    }
    watch_wake_.notify_all();
  }
}

}  // namespace rasbroker::broker
