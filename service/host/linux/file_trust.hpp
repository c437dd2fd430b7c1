#pragma once
// The Linux dev host's answer to security/file_trust.hpp, from lstat() of the file and of
// every folder above it up to "/" (OpenSSH's StrictModes walk, for the same reason: a
// folder anyone can write lets them swap what lies below it).
#include <sys/types.h>

#include <optional>
#include <string>

namespace rasbroker::host {

// Untrusted when `path` is not absolute or cannot be examined, or when the file or a
// folder on its way up to "/"
//   - is a symbolic link: a link's target would be checked nowhere (name the real path),
//   - is owned by someone other than root or `service_uid` (the account the dev host runs
//     as: on a developer's machine, that account is the one administering the service),
//   - the file: is writable by its group or by others,
//   - a folder: is writable by its group or by others, unless it is sticky (see the .cpp).
// The reason is worded as security/file_trust.hpp says.
std::optional<std::string> posix_file_trust(const std::string& path, uid_t service_uid);

}  // namespace rasbroker::host
