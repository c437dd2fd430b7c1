#include "host/linux/file_trust.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "security/file_trust.hpp"

namespace rasbroker::host {

namespace {

// A user's or a group's name from the system's databases (getpwuid_r, getgrgid_r), or
// "uid N" / "gid N" when it has none.
template <class Entry, class Id>
std::string name_of(Id id, int (*lookup)(Id, Entry*, char*, std::size_t, Entry**), char* Entry::*name,
                    const char* kind) {
  Entry entry{};
  Entry* found = nullptr;
  std::vector<char> buffer(16384);
  if (lookup(id, &entry, buffer.data(), buffer.size(), &found) == 0 && found) return found->*name;
  return std::string(kind) + " " + std::to_string(id);
}

// The folder `p` is in ("/a/b" -> "/a", "/a" -> "/"); `p` is absolute, without a
// trailing '/' unless it is "/".
std::string parent_of(const std::string& p) {
  std::string parent = p.substr(0, p.find_last_of('/'));
  while (parent.size() > 1 && parent.back() == '/') parent.pop_back();  // "/a//b"
  return parent.empty() ? "/" : parent;
}

// What is wrong with one part of the path ("is writable by everyone and is owned by
// bob"), or "" when nothing is.
std::string judge(const struct stat& st, bool is_file, uid_t service_uid) {
  if (S_ISLNK(st.st_mode)) return "is a symbolic link (name the file it points to instead)";
  // A sticky folder (/tmp, 1777) lets others add entries but not delete or rename those
  // they do not own: as every entry on our path is checked to be root's or ours, what
  // lies below it cannot be swapped. The group bits also stand for a POSIX ACL's named
  // users and groups (they are its mask), so an ACL granting write shows here too.
  const bool shared_folder_is_safe = !is_file && (st.st_mode & S_ISVTX);
  std::vector<std::string> writers;
  if ((st.st_mode & S_IWGRP) && !shared_folder_is_safe)
    writers.push_back("group " + name_of(st.st_gid, getgrgid_r, &group::gr_name, "gid"));
  if ((st.st_mode & S_IWOTH) && !shared_folder_is_safe) writers.push_back("everyone");
  std::vector<std::string> others;
  if (st.st_uid != 0 && st.st_uid != service_uid)
    others.push_back("is owned by " + name_of(st.st_uid, getpwuid_r, &passwd::pw_name, "uid"));
  return security::problems_text(writers, others);
}

}  // namespace

std::optional<std::string> posix_file_trust(const std::string& path, uid_t service_uid) {
  if (path.empty() || path.front() != '/') return path + " is not an absolute path";
  std::string file = path;
  while (file.size() > 1 && file.back() == '/') file.pop_back();
  for (std::string part = file;; part = parent_of(part)) {
    struct stat st {};
    if (lstat(part.c_str(), &st) != 0) {
      const int error = errno;
      return security::untrusted_reason(file, part, std::string("cannot be checked: ") + std::strerror(error));
    }
    if (auto problem = judge(st, part == file, service_uid); !problem.empty())
      return security::untrusted_reason(file, part, problem);
    if (part == "/") return std::nullopt;
  }
}

}  // namespace rasbroker::host
