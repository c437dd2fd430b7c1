#include "authz/policy.hpp"

#include <algorithm>

#include "rasbroker/protocol/entry_name.hpp"
#include "rasbroker/protocol/log_text.hpp"
#include "security/file_trust.hpp"

namespace rasbroker::authz {
namespace {

using protocol::Connection;

// Names in messages come from clients (entry names) or from the system (account names):
// both are escaped and capped. An entry name is the client's text, quoted as all client
// text in a message is (log_text.hpp); an account name is the system's, shown as it reads.
constexpr std::size_t kNameBytes = 256;

std::string in_quotes(std::string_view name) { return protocol::quoted(name, protocol::kMaxQuotedBytes); }

std::string account(std::string_view user) { return security::printable(user, kNameBytes); }

}  // namespace

Refusal::Refusal(std::string message, std::string logged_reason)
    : RpcError(protocol::ErrorCode::unauthorized, std::move(message)), logged_reason_(std::move(logged_reason)) {}

// Windows compares account names without regard to case. The fold is the one entry names
// use (protocol/entry_name.hpp: ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic), so
// "CORP\JÜRGEN" is "corp\jürgen". On the Linux host user names are case-sensitive, but
// useradd's default rule admits only lower case, so two users never differ by case alone.
bool same_account(std::string_view a, std::string_view b) noexcept {
  return !a.empty() && protocol::same_entry(a, b);
}

bool owns(const Caller& caller, const Connection& c) noexcept {
  return c.owner && same_account(caller.owner.user, c.owner->user);
}

Policy::Policy(Rules rules) : rules_(std::move(rules)) {}

void Policy::require_dial(const Caller& caller, std::string_view entry) const {
  if (rules_.entries.empty()) return;
  const auto it = rules_.entries.find(entry);
  if (it == rules_.entries.end()) {
    const std::string why = "entry " + in_quotes(entry) +
                            " is not in the allow-list (the service's allowed_entries setting); an administrator "
                            "must add it before anyone can dial it";
    throw Refusal(why, why);
  }
  const auto& groups = it->second;
  if (groups.empty() || caller.admin) return;
  if (std::any_of(groups.begin(), groups.end(), [&](const std::string& g) { return caller.in_group(g); })) return;
  std::string names;
  for (std::size_t i = 0; i < groups.size(); ++i)
    names += (i == 0 ? "" : i + 1 == groups.size() ? " or " : ", ") + account(groups[i]);
  const std::string why = "entry " + in_quotes(it->first) + " may be dialled only by administrators and members of " +
                          names + " (allowed_entries)";
  throw Refusal(why, why + "; the requester is in none of them");
}

void Policy::require_pin(const Caller& caller, std::string_view entry) const {
  require_unpin(caller, entry);
  require_dial(caller, entry);
}

void Policy::require_unpin(const Caller& caller, std::string_view entry) const {
  if (caller.admin) return;
  const std::string why = "entry " + in_quotes(entry) + " is pinned and unpinned only by administrators";
  throw Refusal(why, why);
}

bool Policy::sees_pins(const Caller& caller) const noexcept { return caller.admin || rules_.list == ListScope::all; }

// What hanging up `c` needs beyond what `caller` has, or nullptr when it may.
static const char* hangup_needs(const Rules& rules, const Caller& caller, const Connection& c) {
  if (caller.admin) return nullptr;
  if (c.adopted)
    return rules.hangup_adopted == HangupRight::anyone ? nullptr : "only an administrator may hang it up";
  if (owns(caller, c) || rules.hangup_others == HangupRight::anyone) return nullptr;
  return "only its owner or an administrator may hang it up";
}

bool Policy::may_hang_up(const Caller& caller, const Connection& c) const {
  return hangup_needs(rules_, caller, c) == nullptr;
}

void Policy::require_hangup(const Caller& caller, const Connection& c) const {
  if (const char* needed = hangup_needs(rules_, caller, c)) refuse(caller, c, needed);
}

void Policy::require_get(const Caller& caller, const Connection& c) const {
  if (caller.admin || owns(caller, c)) return;
  refuse(caller, c, "only its owner or an administrator may get it");
}

bool Policy::sees_owner_of(const Caller& caller, const Connection& c) const {
  return caller.admin || rules_.show_other_owners || owns(caller, c);
}

Connection Policy::masked(const Caller& caller, Connection c) const {
  if (!sees_owner_of(caller, c)) c.owner.reset();
  return c;
}

std::optional<Connection> Policy::view(const Caller& caller, const Connection& c) const {
  if (!caller.admin && rules_.list == ListScope::own && !owns(caller, c)) return std::nullopt;
  return masked(caller, c);
}

std::string Policy::whose(const Connection& c, Audience audience) const {
  std::string owner;
  if (c.owner) {
    if (audience == Audience::client_without_owner) {
      owner = "another user";
    } else {
      owner = account(c.owner->user);
      if (audience == Audience::log && c.owner->pid != 0) owner += " (pid " + std::to_string(c.owner->pid) + ")";
    }
  }
  // The log names the entry too; the client asked by id or entry and knows it.
  const std::string conn = "connection " + c.id + (audience == Audience::log ? " (entry " + in_quotes(c.entry) + ")" : "");
  if (c.adopted)
    return conn + " was not dialled through the service (adopted" + (owner.empty() ? "" : ", dialled by " + owner) + ")";
  if (owner.empty()) return conn + " has no known owner";
  return conn + " belongs to " + owner;
}

void Policy::refuse(const Caller& caller, const Connection& c, std::string_view needed) const {
  // The client learns the owner's name only where list would show it; the log always has it.
  const auto audience = sees_owner_of(caller, c) ? Audience::client : Audience::client_without_owner;
  throw Refusal(whose(c, audience) + "; " + std::string(needed), whose(c, Audience::log) + "; " + std::string(needed));
}

}  // namespace rasbroker::authz
