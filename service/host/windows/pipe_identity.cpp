#include "host/windows/pipe_identity.hpp"

#include <sddl.h>

#include <cstdlib>

#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {

std::int64_t pipe_client_pid(HANDLE pipe) {
  ULONG pid = 0;
  if (!GetNamedPipeClientProcessId(pipe, &pid)) return 0;
  return static_cast<std::int64_t>(pid);
}

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

std::optional<ClientToken> pipe_client_identity(HANDLE pipe, std::string& why) {
  if (!ImpersonateNamedPipeClient(pipe)) {
    why = "ImpersonateNamedPipeClient: " + win32_error_text(GetLastError());
    return std::nullopt;
  }
  // Only the token read happens while impersonating. OpenAsSelf: at identification level
  // the thread's token cannot be opened with the client's own access check.
  std::optional<RawToken> raw;
  {
    UniqueHandle token;
    if (OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, token.out())) raw = read_raw_token(token.get(), why);
    else why = "OpenThreadToken: " + win32_error_text(GetLastError());
  }
  if (!RevertToSelf()) std::abort();
  if (!raw) return std::nullopt;
  return client_token(*raw);
}

}  // namespace rasbroker::winhost
