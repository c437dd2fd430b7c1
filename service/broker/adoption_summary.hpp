#pragma once
// The one info line a start logs for the connections it adopts (adoption.cpp): with 10,000
// connected by other programs, a line per connection was 10,000 lines and a tenth of the
// start. The summary keeps what an administrator audits — how many, from which phonebooks,
// whose, and the first few by entry and id — and each connection's own line goes to debug.
// A connection adopted later, one at a time, still logs its own line at info.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rasbroker::broker {

class AdoptionSummary {
 public:
  // How many connections the line names by entry and id; the rest are counted.
  static constexpr std::size_t kNamed = 10;

  // One adopted connection: its entry, its id ("c17"), RASCONN.dwFlags (ras::conn_flags).
  void add(std::string_view entry, std::string_view id, std::uint32_t ras_flags);
  std::size_t count() const noexcept { return count_; }
  // "adoption: 3 connection(s) dialled by other processes adopted at start (3 all-users
  // entries; owners: 2 another account, 1 the service's account): "A" c1, "B" c2, "C" c3";
  // each one's detail is logged at debug.
  std::string line() const;

 private:
  std::size_t count_ = 0;
  std::size_t all_users_ = 0, owner_unknown_ = 0, owner_service_ = 0;
  std::vector<std::string> named_;  // `"entry" id`, the first kNamed
};

}  // namespace rasbroker::broker
