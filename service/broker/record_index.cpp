#include "broker/record_index.hpp"

#include <algorithm>
#include <charconv>

namespace rasbroker::broker {

void RecordIndex::add(std::uint64_t seq, ras::Handle handle, const std::string& entry) {
  by_handle_.emplace(handle, seq);
  auto& seqs = by_entry_[protocol::entry_name_key(entry)];
  const auto at = std::lower_bound(seqs.begin(), seqs.end(), seq);
  if (at != seqs.end() && *at == seq) return;
  seqs.insert(at, seq);
  ++entry_records_;
}

void RecordIndex::remove(std::uint64_t seq, ras::Handle handle, const std::string& entry) {
  by_handle_.erase({handle, seq});
  const auto it = by_entry_.find(protocol::entry_name_key(entry));
  if (it == by_entry_.end()) return;
  auto& seqs = it->second;
  const auto at = std::lower_bound(seqs.begin(), seqs.end(), seq);
  if (at != seqs.end() && *at == seq) {
    seqs.erase(at);
    --entry_records_;
  }
  if (seqs.empty()) by_entry_.erase(it);
}

void RecordIndex::reserve(std::size_t records) { by_entry_.reserve(records); }

std::optional<std::uint64_t> RecordIndex::by_handle(ras::Handle handle) const {
  const auto it = by_handle_.lower_bound({handle, 0});
  if (it == by_handle_.end() || it->first != handle) return std::nullopt;
  return it->second;
}

const std::vector<std::uint64_t>* RecordIndex::by_entry(std::string_view entry) const {
  const auto it = by_entry_.find(protocol::entry_name_key(entry));
  return it == by_entry_.end() ? nullptr : &it->second;
}

std::optional<std::uint64_t> RecordIndex::seq_of_id(std::string_view id) {
  // Only the canonical spelling: "c07" or "c+7" name no record.
  if (id.size() < 2 || id.front() != 'c' || id[1] < '1' || id[1] > '9') return std::nullopt;
  std::uint64_t seq = 0;
  const auto* end = id.data() + id.size();
  const auto [stop, ec] = std::from_chars(id.data() + 1, end, seq);
  if (ec != std::errc() || stop != end) return std::nullopt;
  return seq;
}

}  // namespace rasbroker::broker
