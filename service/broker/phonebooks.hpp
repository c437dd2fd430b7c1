#pragma once
// Which phonebook files the service dials from and lists. The service runs as
// LocalSystem: a phonebook file names what RAS runs and with whose saved credentials, so
// a client may not hand it a file of its own. Allowed: the system phonebook(s) ("" or a
// path RAS itself reports for them) and the files in the `phonebooks` config key.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ras/ras_api.hpp"

namespace rasbroker::broker {

class Phonebooks {
 public:
  explicit Phonebooks(std::vector<std::string> configured) : configured_(std::move(configured)) {}

  // True when `path` may be dialled from or listed.
  bool allowed(std::string_view path, ras::RasApi& ras) const;

  // `entries`: "" lists the system phonebook(s) and every configured phonebook (an entry
  // RAS reports twice is listed once; a configured file RAS cannot read lists nothing
  // and is reported in `unreadable`); a path lists that phonebook. RAS's error code for
  // the system phonebook or the named path.
  std::uint32_t list(const std::string& path, ras::RasApi& ras, std::vector<ras::PhonebookEntry>& out,
                     std::vector<std::string>& unreadable) const;

  // Windows paths compare case-insensitively (ASCII folding: what RAS paths need).
  static bool same_path(std::string_view a, std::string_view b);

 private:
  std::vector<std::string> configured_;
};

}  // namespace rasbroker::broker
