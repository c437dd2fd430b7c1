#pragma once
// The broker's lookups of its records by RAS handle and by entry name, kept beside the
// records (docs/architecture.md, "Records and their indexes"). Every RAS event names a
// handle, every request an id or an entry: without an index each of them walked every record,
// and adoption, which looks up every connection RAS lists, cost O(n²) at n connections.
//
// The index holds sequence numbers (the records' keys), never pointers: the broker adds a
// record's handle and entry when it records it and removes them when it erases it, and
// those two fields never change in between.
//
// Entries are hashed by their folded key (protocol::entry_name_key), made once per add,
// remove or lookup: a tree ordered by EntryNameLess decoded and folded both names at each of
// its ~14 comparisons per insert, the biggest cost of adopting 10,000 connections at start.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ras/ras_api.hpp"
#include "rasbroker/protocol/entry_name.hpp"

namespace rasbroker::broker {

class RecordIndex {
 public:
  void add(std::uint64_t seq, ras::Handle handle, const std::string& entry);
  void remove(std::uint64_t seq, ras::Handle handle, const std::string& entry);
  // Room for `records` records in all, so that adopting thousands at once does not rehash.
  void reserve(std::size_t records);

  // The oldest record holding `handle`. Two records hold the same handle only when RAS gave
  // a reaped handle to a new connection before the old record's teardown was seen to end.
  std::optional<std::uint64_t> by_handle(ras::Handle handle) const;
  // The records of `entry` as RAS compares names (protocol/entry_name.hpp), oldest first
  // (ascending sequence numbers); null when there are none.
  const std::vector<std::uint64_t>* by_entry(std::string_view entry) const;

  // The sequence number an id names ("c17": 17); nullopt when it is not of that form.
  static std::optional<std::uint64_t> seq_of_id(std::string_view id);

  // How many records each index holds (the broker's consistency check).
  std::size_t size_by_handle() const noexcept { return by_handle_.size(); }
  std::size_t size_by_entry() const noexcept { return entry_records_; }

 private:
  std::set<std::pair<ras::Handle, std::uint64_t>> by_handle_;
  // Keyed by entry_name_key: names RAS takes for the same entry share a key. Each list is
  // sorted; usually one record, and a new record has the highest number so far.
  std::unordered_map<std::string, std::vector<std::uint64_t>> by_entry_;
  std::size_t entry_records_ = 0;
};

}  // namespace rasbroker::broker
