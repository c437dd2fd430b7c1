#include "broker/adoption_summary.hpp"

#include <fmt/format.h>

#include "ras/ras_api.hpp"
#include "rasbroker/protocol/log_text.hpp"

namespace rasbroker::broker {

namespace {

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

void AdoptionSummary::add(std::string_view entry, std::string_view id, std::uint32_t ras_flags) {
  namespace flag = ras::conn_flags;
  ++count_;
  if (ras_flags & flag::kAllUsers) ++all_users_;
  if (!(ras_flags & flag::kOwnerKnown)) ++owner_unknown_;
  else if (ras_flags & flag::kOwnerMatch) ++owner_service_;
  if (named_.size() < kNamed) named_.push_back(fmt::format("{} {}", protocol::quoted(entry), id));
}

std::string AdoptionSummary::line() const {
  // Only the counts that are not zero: "3 all-users entries", "owners: 1 unknown".
  std::vector<std::string> phonebooks, owners;
  if (all_users_) phonebooks.push_back(fmt::format("{} all-users entries", all_users_));
  if (count_ - all_users_) phonebooks.push_back(fmt::format("{} per-user entries", count_ - all_users_));
  const std::size_t owner_other = count_ - owner_unknown_ - owner_service_;
  if (owner_other) owners.push_back(fmt::format("{} another account", owner_other));
  if (owner_service_) owners.push_back(fmt::format("{} the service's account", owner_service_));
  if (owner_unknown_) owners.push_back(fmt::format("{} unknown", owner_unknown_));
  std::string text = fmt::format("adoption: {} connection(s) dialled by other processes adopted at start ({}; owners: {}): {}",
                                 count_, joined(phonebooks), joined(owners), joined(named_));
  if (count_ > named_.size()) text += fmt::format(" and {} more", count_ - named_.size());
  text += "; each one's detail is logged at debug";
  return text;
}

}  // namespace rasbroker::broker
