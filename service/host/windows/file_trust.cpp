#include "host/windows/file_trust.hpp"

#include <aclapi.h>
#include <sddl.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "host/windows/pipe_identity.hpp"
#include "host/windows/win32_util.hpp"
#include "security/file_trust.hpp"

namespace rasbroker::winhost {

namespace {

// NT SERVICE\TrustedInstaller: owns the system's own files and folders.
constexpr wchar_t kTrustedInstallerSid[] = L"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";

bool is_trusted(PSID sid) {
  if (IsWellKnownSid(sid, WinLocalSystemSid) || IsWellKnownSid(sid, WinBuiltinAdministratorsSid)) return true;
  LocalPtr<void> trusted_installer;
  return ConvertStringSidToSidW(kTrustedInstallerSid, trusted_installer.out()) &&
         EqualSid(sid, trusted_installer.get());
}

// S-1-3-*: CREATOR OWNER and CREATOR GROUP (and their SERVER forms) are placeholders that
// inheritance replaces; no token holds them, so in an ACE that applies they grant no one
// anything. OWNER RIGHTS (S-1-3-4) grants to the object's owner, who is judged on its own.
bool is_creator_sid(PSID sid) {
  static const SID_IDENTIFIER_AUTHORITY creator = SECURITY_CREATOR_SID_AUTHORITY;
  const SID_IDENTIFIER_AUTHORITY* authority = GetSidIdentifierAuthority(sid);
  return authority && std::equal(std::begin(authority->Value), std::end(authority->Value), std::begin(creator.Value));
}

bool is_allow_ace(BYTE type) {
  return type == ACCESS_ALLOWED_ACE_TYPE || type == ACCESS_ALLOWED_COMPOUND_ACE_TYPE ||
         type == ACCESS_ALLOWED_OBJECT_ACE_TYPE || type == ACCESS_ALLOWED_CALLBACK_ACE_TYPE ||
         type == ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE;
}

// The SID an allow ACE grants to; nullptr for the compound kind (obsolete, never on
// files), whose grant is then judged untrusted. Every allow kind keeps its mask right
// after the header; the object kinds put one or two GUIDs before the SID.
PSID granted_sid(ACE_HEADER* ace) {
  BYTE* sid = nullptr;
  switch (ace->AceType) {
    case ACCESS_ALLOWED_ACE_TYPE:
    case ACCESS_ALLOWED_CALLBACK_ACE_TYPE:
      sid = reinterpret_cast<BYTE*>(&reinterpret_cast<ACCESS_ALLOWED_ACE*>(ace)->SidStart);
      break;
    case ACCESS_ALLOWED_OBJECT_ACE_TYPE:
    case ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE: {
      auto* object = reinterpret_cast<ACCESS_ALLOWED_OBJECT_ACE*>(ace);
      sid = reinterpret_cast<BYTE*>(&object->ObjectType);
      if (object->Flags & ACE_OBJECT_TYPE_PRESENT) sid += sizeof(GUID);
      if (object->Flags & ACE_INHERITED_OBJECT_TYPE_PRESENT) sid += sizeof(GUID);
      break;
    }
    default: return nullptr;
  }
  const BYTE* end = reinterpret_cast<BYTE*>(ace) + ace->AceSize;
  return sid + sizeof(SID) <= end && IsValidSid(sid) ? sid : nullptr;
}

// GetFullPathNameW: "." and ".." resolved, '/' made '\'.
std::wstring full_path(const std::wstring& path) {
  const DWORD size = GetFullPathNameW(path.c_str(), 0, nullptr, nullptr);
  if (size == 0) return {};
  std::wstring full(size, L'\0');
  const DWORD length = GetFullPathNameW(path.c_str(), size, full.data(), nullptr);
  if (length == 0 || length >= size) return {};
  full.resize(length);
  return full;
}

// "C:\a\b" -> "C:\a", "C:\a" -> "C:\".
std::wstring parent_of(const std::wstring& p) {
  const auto slash = p.find_last_of(L'\\');
  return slash <= 2 ? p.substr(0, 3) : p.substr(0, slash);
}

// Reads one part's owner and DACL and judges them. The part is opened, not followed:
// a link (junction, symbolic link, mount point) is refused rather than judged by its
// target, because whoever may change the link is known nowhere here.
std::optional<std::string> check_part(const std::wstring& part, PathPart kind) {
  UniqueHandle h(CreateFileW(part.c_str(), READ_CONTROL | FILE_READ_ATTRIBUTES,
                             FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                             FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, nullptr));
  if (!h) return "cannot be checked: " + win32_error_text(GetLastError());
  BY_HANDLE_FILE_INFORMATION info{};
  if (!GetFileInformationByHandle(h.get(), &info)) return "cannot be checked: " + win32_error_text(GetLastError());
  if (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) return "is a link (name the real path instead)";
  LocalPtr<void> sd;
  const DWORD rc = GetSecurityInfo(h.get(), SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                   nullptr, nullptr, nullptr, nullptr, sd.out());
  if (rc != ERROR_SUCCESS) return "cannot be checked: " + win32_error_text(rc);
  return judge_descriptor(sd.get(), kind);
}

}  // namespace

ACCESS_MASK risky_rights(PathPart part) {
  // Anywhere: whoever may change the permissions or the owner may grant themselves the
  // rest; GENERIC_ALL includes everything (generic rights stay unmapped in some stored ACEs).
  constexpr ACCESS_MASK anywhere = WRITE_DAC | WRITE_OWNER | GENERIC_ALL;
  switch (part) {
    case PathPart::file:
      // Its content, or the file itself (deleted, its name is free for another). Not
      // FILE_WRITE_ATTRIBUTES or FILE_WRITE_EA: they change neither what RAS reads nor
      // who may change it.
      return anywhere | FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE | GENERIC_WRITE;
    case PathPart::folder:
      // FILE_ADD_FILE: a file missing or removed for a moment becomes theirs.
      // FILE_DELETE_CHILD: delete or rename the file whatever its own DACL says. DELETE:
      // move the folder away and put one of their own in its place. Not
      // FILE_ADD_SUBDIRECTORY: a new subfolder changes nothing on the file's path.
      return anywhere | FILE_ADD_FILE | FILE_DELETE_CHILD | DELETE | GENERIC_WRITE;
    case PathPart::above:
      // Folders further up (C:\ and C:\ProgramData let users add files and folders): only
      // swapping the folder below counts, by deleting or renaming it.
      return anywhere | FILE_DELETE_CHILD | DELETE;
  }
  return anywhere;
}

std::optional<std::string> judge_descriptor(PSECURITY_DESCRIPTOR sd, PathPart part) {
  std::vector<std::string> others;
  PSID owner = nullptr;
  BOOL defaulted = FALSE;
  if (!GetSecurityDescriptorOwner(sd, &owner, &defaulted) || !owner) {
    others.push_back("has no owner");
  } else if (!is_trusted(owner)) {
    // The owner may always change the DACL (WRITE_DAC), whatever it says.
    others.push_back("is owned by " + account_name(owner));
  }

  BOOL present = FALSE;
  PACL dacl = nullptr;
  if (!GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) || !present || !dacl) {
    others.push_back("has no DACL (everyone has full control)");
    return security::problems_text({}, others);
  }
  // Only allow ACEs count. Deny ACEs are ignored: judging their order against the allow
  // ACEs is AccessCheck's business, and a file that needs a deny to be safe is refused
  // rather than reasoned about.
  const ACCESS_MASK risky = risky_rights(part);
  std::vector<std::string> writers;
  for (DWORD i = 0; i < dacl->AceCount; ++i) {
    void* entry = nullptr;
    if (!GetAce(dacl, i, &entry)) continue;
    auto* ace = static_cast<ACE_HEADER*>(entry);
    // An inherit-only ACE applies to what the folder will hold, not to the folder; the
    // file's own DACL is judged on its own.
    if (!is_allow_ace(ace->AceType) || (ace->AceFlags & INHERIT_ONLY_ACE)) continue;
    if ((reinterpret_cast<ACCESS_ALLOWED_ACE*>(ace)->Mask & risky) == 0) continue;
    PSID sid = granted_sid(ace);
    std::string who;
    if (!sid) {
      who = "an ACE of a kind this service does not read (type " + std::to_string(ace->AceType) + ")";
    } else if (is_trusted(sid) || is_creator_sid(sid)) {
      continue;
    } else {
      who = account_name(sid);
    }
    if (std::find(writers.begin(), writers.end(), who) == writers.end()) writers.push_back(std::move(who));
  }
  if (writers.empty() && others.empty()) return std::nullopt;
  return security::problems_text(writers, others);
}

std::optional<std::string> windows_file_trust(const std::string& path) {
  const std::wstring given = widen(path);
  const bool drive_absolute = given.size() >= 3 && ((given[0] >= L'A' && given[0] <= L'Z') ||
                                                    (given[0] >= L'a' && given[0] <= L'z')) &&
                              given[1] == L':' && (given[2] == L'\\' || given[2] == L'/');
  if (!drive_absolute)
    return path + " is not a full local path like C:\\Phonebooks\\vpn.pbk (network shares and relative paths "
                  "are not dialled from)";
  std::wstring file = full_path(given);
  if (file.empty()) return path + " cannot be checked: " + win32_error_text(GetLastError());
  while (file.size() > 3 && file.back() == L'\\') file.pop_back();
  const std::string file_text = narrow(file);
  for (std::wstring part = file;; part = parent_of(part)) {
    const PathPart kind = part == file ? PathPart::file : parent_of(file) == part ? PathPart::folder : PathPart::above;
    if (auto problem = check_part(part, kind)) return security::untrusted_reason(file_text, narrow(part), *problem);
    if (part.size() <= 3) return std::nullopt;
  }
}

}  // namespace rasbroker::winhost
