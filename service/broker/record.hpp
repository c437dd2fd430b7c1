#pragma once
// What the broker knows about one connection: the protocol view (Connection) plus
// the handle and the bookkeeping of the reaper, the link watch and redial.
#include <cstdint>
#include <optional>
#include <string>

#include "broker/teardown_model.hpp"
#include "core/clock.hpp"
#include "ras/ras_api.hpp"
#include "rasbroker/protocol/methods.hpp"

namespace rasbroker::broker {

// Everything needed to dial an entry again after a link drop. The password is kept
// only while a redial policy needs it, as a Secret (wiped on destruction).
struct DialPlan {
  std::string entry, phonebook, username, domain;
  protocol::Secret password;
  bool password_sent = false;     // false: RAS used the saved credentials (dial_errors.hpp)
  protocol::RedialPolicy redial;  // attempts == 0: never redial
  std::uint32_t redials_used = 0;
  std::optional<protocol::Owner> owner;
};

struct Record {
  std::uint64_t seq = 0;
  ras::Handle handle = ras::kNullHandle;
  protocol::Connection info;
  std::optional<DialPlan> plan;  // absent for adopted connections
  // For an adopted connection, who dialled it as RasEnumConnections told the service
  // (RASCONN.dwFlags, relative to the service's account, and .luid): the ownership work names
  // owners from them. 0 for connections the broker dialled.
  std::uint32_t ras_flags = 0;
  std::uint64_t logon_luid = 0;
  // A dial taken back from the journal: no progress callback will come for it (they died
  // with the process that dialled), so the link watch polls its status (restore.cpp).
  bool restored_dial = false;

  // Reaper state, valid while info.state == hanging_up (reaper.cpp, broker/teardown_model.hpp).
  Clock::time_point hangup_started{};
  Clock::time_point next_poll{};  // its key in the reaper's queue, with seq
  std::uint32_t polls = 0;
  // Of those, polls a RAS notification brought forward (hurry_teardowns), and whether the
  // next one is such: the log says how many, the trade-off of polls against lag.
  std::uint32_t hurried_polls = 0;
  bool hurried = false;
  TeardownWindow window;  // where the entry's teardowns end, as known at the RasHangUp
  // The last poll that still saw the handle, as time since the RasHangUp (0: none yet). With
  // the poll that sees it gone, it bounds when the teardown ended: what the reaper learns.
  Clock::duration still_up{};
  // Whether this teardown teaches the entry's model: only an ordinary one, whose RasHangUp
  // answered 0 at hangup_started (not one taken back from the journal, nor a 668 or a 6).
  bool learn_teardown = false;
  // Whether RAS was asked to signal this connection's termination (watch_termination, just
  // before its RasHangUp): unwatched when the record goes (erase).
  bool termination_watched = false;

  // Link watch: the dwError last logged for a connection RAS still reports Connected (a
  // multilink entry that lost a link), so that each poll does not log it again.
  std::uint32_t logged_link_error = 0;
};

}  // namespace rasbroker::broker
