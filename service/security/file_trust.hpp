#pragma once
// Who besides administrators and SYSTEM can change a file? The service dials from
// phonebook files as LocalSystem, and a phonebook entry says what the dialling process
// runs and where it sends the credentials saved for all users (custom dialler DLLs, the
// server, scripts, EAP settings): a phonebook file an ordinary user can change is an
// elevation of privilege. The broker asks this seam before it hands a configured
// phonebook to RAS (broker/phonebooks.hpp); each host answers with what its platform
// knows (the Windows host: owner and DACL of the file and of every folder above it;
// the Linux dev host: stat() of the same). docs/security.md explains the rule.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rasbroker::security {

// Answers for a path as configured (UTF-8): nullopt when only administrators and SYSTEM
// can change the file and the folders it is reached through; otherwise the reason,
// naming the part of the path and who can change it, in these words on every platform:
//   "C:\pbk\vpn.pbk is writable by BUILTIN\Users"
//   "C:\pbk\vpn.pbk: the folder C:\pbk is writable by Everyone"
//   "C:\pbk\vpn.pbk is owned by CONTOSO\bob"
// A path that cannot be examined is untrusted, and the reason says why. Should not
// throw; the broker treats an exception as untrusted too (fail closed).
using FileTrustCheck = std::function<std::optional<std::string>(const std::string& path)>;

// The reason in the words above: `file` or, when `part` is not the file itself, "`file`:
// the folder `part`", then `problem` ("is writable by X", "is owned by Y", "cannot be
// checked: ...").
std::string untrusted_reason(std::string_view file, std::string_view part, std::string_view problem);

// One part's problems in those words: "is writable by " and `writers` joined by ", ",
// then each of `others` ("is owned by Y"), all joined by " and "; "" when there are none.
std::string problems_text(const std::vector<std::string>& writers, const std::vector<std::string>& others);

// `text` fit for a log line or an error message: each control character (and DEL) as
// \xNN, cut to at most `max_bytes` on a UTF-8 character boundary with "..." appended.
// A reason names a configured path and account names, so it is neither trusted nor short.
std::string printable(std::string_view text, std::size_t max_bytes = 512);

}  // namespace rasbroker::security
