#include "host/windows/pipe_identity.hpp"

#include <sddl.h>

#include <cstdlib>
#include <vector>

#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {

std::int64_t pipe_client_pid(HANDLE pipe) {
  ULONG pid = 0;
  if (!GetNamedPipeClientProcessId(pipe, &pid)) return 0;
  return static_cast<std::int64_t>(pid);
}

namespace {

// Reads the impersonation token of the current thread. OpenAsSelf: at identification
// level the thread's token cannot be opened with the client's own access check.
std::optional<std::vector<BYTE>> thread_token_user(std::string& why) {
  UniqueHandle token;
  if (!OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, token.out())) {
    why = "OpenThreadToken: " + win32_error_text(GetLastError());
    return std::nullopt;
  }
  DWORD size = 0;
  GetTokenInformation(token.get(), TokenUser, nullptr, 0, &size);
  if (size == 0) {
    why = "GetTokenInformation: " + win32_error_text(GetLastError());
    return std::nullopt;
  }
  std::vector<BYTE> buffer(size);
  if (!GetTokenInformation(token.get(), TokenUser, buffer.data(), size, &size)) {
    why = "GetTokenInformation: " + win32_error_text(GetLastError());
    return std::nullopt;
  }
  return buffer;
}

}  // namespace

std::string account_name(PSID sid) {
  wchar_t name[256], domain[256];
  DWORD name_len = 256, domain_len = 256;
  SID_NAME_USE use{};
  if (LookupAccountSidW(nullptr, sid, name, &name_len, domain, &domain_len, &use)) {
    std::wstring who = domain_len ? std::wstring(domain, domain_len) + L"\\" + name : std::wstring(name, name_len);
    return narrow(who);
  }
  // An account without a name (deleted, or from an unreachable domain): its SID.
  LocalPtr<wchar_t> text;
  if (!ConvertSidToStringSidW(sid, text.out())) return "unknown";
  return narrow(text.get());
}

std::optional<std::string> pipe_client_user(HANDLE pipe, std::string& why) {
  if (!ImpersonateNamedPipeClient(pipe)) {
    why = "ImpersonateNamedPipeClient: " + win32_error_text(GetLastError());
    return std::nullopt;
  }
  // Only the token read happens while impersonating; names are looked up as ourselves.
  auto token_user = thread_token_user(why);
  if (!RevertToSelf()) std::abort();
  if (!token_user) return std::nullopt;
  return account_name(reinterpret_cast<TOKEN_USER*>(token_user->data())->User.Sid);
}

}  // namespace rasbroker::winhost
