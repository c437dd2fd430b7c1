#pragma once
// What the broker knows about one connection: the protocol view (Connection) plus
// the handle and the bookkeeping of the reaper, the link watch and redial.
#include <cstdint>
#include <optional>
#include <string>

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

  // Reaper state, valid while info.state == hanging_up.
  Clock::time_point hangup_started{};
  Clock::time_point next_poll{};
  std::uint32_t polls = 0;
};

}  // namespace rasbroker::broker
