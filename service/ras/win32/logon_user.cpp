#include "ras/win32/logon_user.hpp"

#include <string_view>

#include "win32/handles.hpp"
#include "win32/utf16.hpp"

namespace rasbroker::ras {
namespace {

// LSA_UNICODE_STRING counts bytes, need not end in a NUL, and may have no buffer at all.
std::string text_of(const LSA_UNICODE_STRING& s) {
  if (s.Buffer == nullptr || s.Length == 0) return {};
  return narrow(std::wstring_view(s.Buffer, s.Length / sizeof(wchar_t)));
}

}  // namespace

std::string logon_user_name(const SECURITY_LOGON_SESSION_DATA& session) {
  const std::string user = text_of(session.UserName);
  if (user.empty()) return {};
  const std::string domain = text_of(session.LogonDomain);
  return domain.empty() ? user : domain + "\\" + user;
}

std::string logon_session_user(std::uint64_t luid) {
  if (luid == 0) return {};  // RAS did not say which session (an older state, an unknown dialler)
  LUID id{static_cast<DWORD>(luid & 0xFFFFFFFFu), static_cast<LONG>(luid >> 32)};
  LsaBuffer<SECURITY_LOGON_SESSION_DATA> session;
  // Any failure means "unknown": the connection is adopted without an owner's name.
  if (LsaGetLogonSessionData(&id, session.out()) != 0 || !session) return {};
  return logon_user_name(*session.get());
}

}  // namespace rasbroker::ras
