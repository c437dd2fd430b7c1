#pragma once
// The Windows host's answer to security/file_trust.hpp: the owner and the DACL of the
// file and of every folder above it, up to the drive's root. Split into reading
// (windows_file_trust) and judging (judge_descriptor), so that the judging is tested on
// descriptors built from SDDL: under Wine, file and folder descriptors are made up from
// Unix mode bits (docs/security.md).
#include <windows.h>

#include <optional>
#include <string>

namespace rasbroker::winhost {

// Where a part of the path lies, which decides what no one else may be able to do to it.
enum class PathPart {
  file,    // change its content or its permissions, or delete it
  folder,  // the file's own folder: also add a file to it
  above,   // a folder further up: delete or rename what it holds, change its permissions
};

// The rights that count as "can change" for a part (the .cpp gives the reasons).
ACCESS_MASK risky_rights(PathPart part);

// Who besides Administrators, SYSTEM and TrustedInstaller can change the object `sd`
// describes, worded for security::untrusted_reason: "is writable by BUILTIN\Users,
// Everyone", "is owned by CONTOSO\bob", both joined by " and ", "has no DACL (everyone has
// full control)"; nullopt when no one can. Names come from LookupAccountSid (a SID string
// when it has none).
std::optional<std::string> judge_descriptor(PSECURITY_DESCRIPTOR sd, PathPart part);

// security::FileTrustCheck on Windows. Untrusted, besides what judge_descriptor finds:
// a path that is not a full local one ("C:\\folder\\file.pbk": a network share's
// permissions are another machine's to grant), a part that is a link (a reparse point:
// where it leads is checked nowhere), and a part that cannot be read.
std::optional<std::string> windows_file_trust(const std::string& path);

}  // namespace rasbroker::winhost
