#pragma once
// Which phonebook files the service dials from and lists. The service runs as
// LocalSystem: a phonebook file names what RAS runs and with whose saved credentials, so
// a client may not hand it a file of its own. Allowed: the system phonebook(s) ("" or a
// path RAS itself reports for them) and the files in the `phonebooks` config key — and a
// configured file only while no one but administrators and SYSTEM can change it
// (security/file_trust.hpp: a phonebook entry can make the dialling process load a DLL).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ras/ras_api.hpp"
#include "security/file_trust.hpp"

namespace rasbroker::broker {

// Ends every refusal of, and warning about, an untrusted phonebook: why it matters and what to do.
inline constexpr std::string_view kTrustedPhonebookAdvice =
    "A phonebook entry can make the service, which runs as LocalSystem, load a program: ask an administrator "
    "to make the file and its folder writable only by Administrators and SYSTEM";

class Phonebooks {
 public:
  // `trust` answers who else can change a configured file; empty: no configured file is
  // trusted (fail closed).
  Phonebooks(std::vector<std::string> configured, security::FileTrustCheck trust)
      : configured_(std::move(configured)), trust_(std::move(trust)) {}

  // True when `path` may be dialled from or listed.
  bool allowed(std::string_view path, ras::RasApi& ras) const;

  // Why the allowed `path` must not be handed to RAS now (printable text), or nullopt.
  // Only configured files are checked, at every use (permissions change while the service
  // runs): "" and the system phonebooks RAS reports are RAS's own, in folders only
  // administrators can write.
  std::optional<std::string> untrusted(std::string_view path) const;

  // `entries`: "" lists the system phonebook(s) and every configured phonebook (an entry
  // RAS reports twice is listed once; a configured file that fails the trust check is
  // not read and its reason goes to `refused`; one RAS cannot read lists nothing and is
  // reported in `unreadable`); a path lists that phonebook (checked by the caller with
  // allowed() and untrusted()). RAS's error code for the system phonebook or the path.
  std::uint32_t list(const std::string& path, ras::RasApi& ras, std::vector<ras::PhonebookEntry>& out,
                     std::vector<std::string>& unreadable, std::vector<std::string>& refused) const;

  // Windows paths compare case-insensitively (ASCII folding: what RAS paths need).
  static bool same_path(std::string_view a, std::string_view b);

 private:
  std::vector<std::string> configured_;
  security::FileTrustCheck trust_;
};

}  // namespace rasbroker::broker
