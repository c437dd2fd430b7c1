#pragma once
// Who may do what: the one place that decides, from what the transport proved about a
// client (authz::Caller) and what it asks for. The broker asks it before every dial, hang-up
// and get, and for every connection it lists or notifies; it never decides itself.
// docs/security.md states the same policy as a table.
//
//   administrators (SYSTEM, Administrators; root and the service's own user on the Linux host):
//     everything — every entry of the allow-list, every connection.
//   other admitted users:
//     dial   the allow-list's entries open to them (an entry may name groups);
//     hangup and get the connections they own; another user's or an adopted connection only
//            when hangup_others / hangup_adopted say "anyone" (get: never);
//     pin, unpin: never (a pinned connection is hung up only by an administrator, which unpins it);
//     list and watch: every connection, or only their own (list: "own"); other users' owner
//            fields as they are, or left out (show_other_owners: false).
#include <optional>
#include <string>
#include <string_view>

#include "authz/caller.hpp"
#include "authz/rules.hpp"
#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/types.hpp"

namespace rasbroker::authz {

// A request refused by the policy: `unauthorized`, with the message the client gets (what
// would be needed; another user's name only if the caller may see it), and the reason the
// service logs and reports as an event, which names the connection's owner whatever the
// configuration (the requester is named by the log line and event themselves).
class Refusal : public protocol::RpcError {
 public:
  Refusal(std::string message, std::string logged_reason);
  const std::string& logged_reason() const noexcept { return logged_reason_; }

 private:
  std::string logged_reason_;
};

// Whether `a` and `b` name one account, compared as Windows compares account names: without
// regard to case ("CORP\Alice" is "corp\alice"). An empty name is nobody's.
bool same_account(std::string_view a, std::string_view b) noexcept;

// Whether `caller` is the user who owns `c` (the owner's pid does not matter: a user's
// next process is still the owner). Adopted connections can have an owner too.
bool owns(const Caller& caller, const protocol::Connection& c) noexcept;

class Policy {
 public:
  explicit Policy(Rules rules = {});
  const Rules& rules() const noexcept { return rules_; }

  // Each throws Refusal unless `caller` may do it.
  void require_dial(const Caller& caller, std::string_view entry) const;
  void require_hangup(const Caller& caller, const protocol::Connection& c) const;
  void require_get(const Caller& caller, const protocol::Connection& c) const;

  // Pinning an entry (pin, dial with keep) and ending a pin (unpin, the hang-up of a pinned
  // connection): administrators only, and a pin dials only what require_dial allows them.
  void require_pin(const Caller& caller, std::string_view entry) const;
  void require_unpin(const Caller& caller, std::string_view entry) const;
  // Whether `caller` sees the pinned entries (list, status, get): administrators, and
  // everyone when list is "all" (a pin is the service's, not a user's).
  bool sees_pins(const Caller& caller) const noexcept;

  // What `hangup all` covers for `caller`: the connections it may hang up.
  bool may_hang_up(const Caller& caller, const protocol::Connection& c) const;

  // `c` as `caller` sees it in list and watch: nothing when it is not shown to them,
  // otherwise as masked() makes it.
  std::optional<protocol::Connection> view(const Caller& caller, const protocol::Connection& c) const;
  // `c` with its owner left out when it is another user's and owners are hidden from `caller`.
  protocol::Connection masked(const Caller& caller, protocol::Connection c) const;

 private:
  bool sees_owner_of(const Caller& caller, const protocol::Connection& c) const;
  // Who is told why: the client (with or without the owner's name), or the log and event.
  enum class Audience { client, client_without_owner, log };
  // "connection c4 belongs to CORP\alice" and the like.
  std::string whose(const protocol::Connection& c, Audience audience) const;
  [[noreturn]] void refuse(const Caller& caller, const protocol::Connection& c, std::string_view needed) const;

  Rules rules_;
};

}  // namespace rasbroker::authz
