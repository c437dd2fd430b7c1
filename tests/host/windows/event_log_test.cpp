// The Event Log done properly, under Wine: the message table is a resource of
// rasbrokerd.exe and every kind's text reads back through FormatMessageW with its
// insertion strings; events go through the EventLogApi seam under the right ID and type
// (a fake records them: Wine's event log cannot be read back); the admin verbs register
// and unregister the source in the registry.
#include <windows.h>

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/windows/event_log.hpp"
#include "host/windows/event_source.hpp"
#include "host/windows/messages.h"
#include "host/windows/win32_util.hpp"

using namespace rasbroker;
using namespace rasbroker::winhost;
using events::Kind;

namespace {

// rasbrokerd.exe as built, seen from Wine (its Z: drive is the Unix root).
std::wstring rasbrokerd_exe() {
  std::wstring path = L"Z:" + widen(RASBROKERD_EXE);
  for (auto& c : path)
    if (c == L'/') c = L'\\';
  return path;
}

struct LoadedModule {
  explicit LoadedModule(const std::wstring& path)
      : h(LoadLibraryExW(path.c_str(), nullptr, LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_AS_IMAGE_RESOURCE)) {}
  ~LoadedModule() {
    if (h) FreeLibrary(h);
  }
  LoadedModule(const LoadedModule&) = delete;
  LoadedModule& operator=(const LoadedModule&) = delete;
  HMODULE h;
};

// The message's text as Event Viewer shows it: FormatMessageW from the module's table
// with the insertion strings; "" when it has no such message.
std::wstring format_message(HMODULE module, DWORD id, const std::vector<std::wstring>& inserts) {
  std::vector<DWORD_PTR> args;
  for (const auto& s : inserts) args.push_back(reinterpret_cast<DWORD_PTR>(s.c_str()));
  LocalPtr<wchar_t> text;
  const DWORD n = FormatMessageW(
      FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_ARGUMENT_ARRAY, module, id,
      MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), reinterpret_cast<LPWSTR>(text.out()), 0,
      reinterpret_cast<va_list*>(args.data()));
  if (n == 0 || !text) return {};
  return std::wstring(text.get(), n);
}

WORD type_for(events::Severity s) {
  switch (s) {
    case events::Severity::error: return EVENTLOG_ERROR_TYPE;
    case events::Severity::warning: return EVENTLOG_WARNING_TYPE;
    case events::Severity::information: return EVENTLOG_INFORMATION_TYPE;
  }
  return 0;
}

struct Reported {
  WORD type;
  DWORD id;
  std::vector<std::wstring> inserts;
};

class FakeEventLog final : public EventLogApi {
 public:
  bool report(WORD type, DWORD event_id, const std::vector<std::wstring>& inserts) override {
    reported.push_back({type, event_id, inserts});
    return true;
  }
  std::vector<Reported> reported;
};

}  // namespace

TEST(EventLog, EveryKindHasItsMessageWithTheKindsIdAndType) {
  for (const auto& k : events::all_kinds()) {
    const auto message = event_message(k.kind);
    ASSERT_TRUE(message) << k.name << " has no message in messages.mc";
    EXPECT_EQ(message->id & 0xFFFF, static_cast<DWORD>(k.kind)) << k.name;
    EXPECT_EQ(message->type, type_for(k.severity)) << k.name;
  }
}

TEST(EventLog, TheMessageTableIsInRasbrokerdAndEveryTextReadsBack) {
  const LoadedModule exe(rasbrokerd_exe());
  ASSERT_TRUE(exe.h) << narrow(rasbrokerd_exe()) << ": " << win32_error_text(GetLastError());
  EXPECT_TRUE(FindResourceW(exe.h, MAKEINTRESOURCEW(1), reinterpret_cast<LPCWSTR>(RT_MESSAGETABLE)));

  for (const auto& k : events::all_kinds()) {
    std::vector<std::wstring> inserts;
    for (std::size_t i = 1; i <= k.inserts; ++i) inserts.push_back(L"<insert " + std::to_wstring(i) + L">");
    const std::wstring text = format_message(exe.h, event_message(k.kind)->id, inserts);
    ASSERT_FALSE(text.empty()) << k.name << ": " << win32_error_text(GetLastError());
    for (const auto& s : inserts) EXPECT_NE(text.find(s), std::wstring::npos) << k.name << ": " << narrow(text);
    // No insertion point the event does not fill: the table and the kind's count agree.
    EXPECT_EQ(text.find(L"%" + std::to_wstring(k.inserts + 1)), std::wstring::npos) << k.name;
  }
  EXPECT_EQ(format_message(exe.h, MSG_DIAL_FAILED, {L"\"Office VPN\"", L"691", L"Access was denied."}),
            L"Dialling \"Office VPN\" failed with RAS error 691: Access was denied.\r\n");
}

TEST(EventLog, EventsGoThroughTheSeamUnderTheirIdAndType) {
  auto fake = std::make_shared<FakeEventLog>();
  const events::AdminEvents events(event_log_writer(fake));
  events.dial_failed("Büro VPN\r\n", 691, "Access was denied.");
  events.service_started("1.2.3", R"(\\.\pipe\rasbroker)", "win32");
  events.config_error("C:\\ProgramData\\RasBroker\\config.json", "max_clients: must be at least 1");
  ASSERT_EQ(fake->reported.size(), 3u);
  EXPECT_EQ(fake->reported[0].id, MSG_DIAL_FAILED);
  EXPECT_EQ(fake->reported[0].type, EVENTLOG_WARNING_TYPE);
  // UTF-8 in, UTF-16 out; the client's entry name quoted as in a log line: escaped, ASCII.
  EXPECT_EQ(fake->reported[0].inserts,
            (std::vector<std::wstring>{L"\"B\\u00fcro VPN\\r\\n\"", L"691", L"Access was denied."}));
  EXPECT_EQ(fake->reported[1].id, MSG_SERVICE_STARTED);
  EXPECT_EQ(fake->reported[1].type, EVENTLOG_INFORMATION_TYPE);
  EXPECT_EQ(fake->reported[2].id, MSG_CONFIG_ERROR);
  EXPECT_EQ(fake->reported[2].type, EVENTLOG_ERROR_TYPE);
}

TEST(EventLog, TheRealEventLogAcceptsAnEvent) {
  // Wine keeps no log to read back; this proves the source opens and ReportEventW takes
  // the strings as given.
  auto log = make_win32_event_log();
  EXPECT_TRUE(log->report(EVENTLOG_INFORMATION_TYPE, MSG_SERVICE_STOPPED, {L"test"}));
}

namespace {

std::optional<std::wstring> read_string_value(const wchar_t* name, DWORD& type) {
  wchar_t buf[1024];
  DWORD bytes = sizeof buf;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, kEventSourceKey, name, RRF_RT_ANY | RRF_NOEXPAND,
                   &type, buf, &bytes) != ERROR_SUCCESS)
    return std::nullopt;
  return std::wstring(buf);
}

bool source_key_exists() {
  RegistryKey key;
  return RegOpenKeyExW(HKEY_LOCAL_MACHINE, kEventSourceKey, 0, KEY_READ | KEY_WOW64_64KEY, key.out()) == ERROR_SUCCESS;
}

}  // namespace

TEST(EventSource, RegisterWritesTheValuesAndUnregisterRemovesThem) {
  ASSERT_EQ(unregister_event_source(), "");
  const std::wstring exe = LR"(C:\Program Files\RasBroker\rasbrokerd.exe)";
  ASSERT_EQ(register_event_source(exe), "");
  DWORD type = 0;
  EXPECT_EQ(read_string_value(L"EventMessageFile", type), exe);
  EXPECT_EQ(type, static_cast<DWORD>(REG_EXPAND_SZ));
  DWORD types = 0, bytes = sizeof types;
  ASSERT_EQ(RegGetValueW(HKEY_LOCAL_MACHINE, kEventSourceKey, L"TypesSupported", RRF_RT_REG_DWORD,
                         nullptr, &types, &bytes),
            ERROR_SUCCESS);
  EXPECT_EQ(types, 7u);

  // Registering again (an upgrade, a second hand install) updates the path.
  const std::wstring moved = LR"(D:\Tools\rasbrokerd.exe)";
  ASSERT_EQ(register_event_source(moved), "");
  EXPECT_EQ(read_string_value(L"EventMessageFile", type), moved);

  ASSERT_EQ(unregister_event_source(), "");
  EXPECT_FALSE(source_key_exists());
  EXPECT_EQ(unregister_event_source(), "") << "unregistering what is not registered is not an error";
}

TEST(EventSource, TheAdminVerbsOfRasbrokerdRegisterItself) {
  const std::wstring exe = rasbrokerd_exe();
  auto run = [&exe](const std::wstring& verb) -> DWORD {
    std::wstring command = L"\"" + exe + L"\" " + verb;
    STARTUPINFOW si{};
    si.cb = sizeof si;
    PROCESS_INFORMATION pi{};
    if (!CreateProcessW(exe.c_str(), command.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr, &si, &pi))
      return 0xFFFFFFFF;
    UniqueHandle process(pi.hProcess), thread(pi.hThread);
    WaitForSingleObject(process.get(), 60000);
    DWORD code = 0xFFFFFFFF;
    GetExitCodeProcess(process.get(), &code);
    return code;
  };
  ASSERT_EQ(run(L"register-event-log"), 0u);
  DWORD type = 0;
  const auto file = read_string_value(L"EventMessageFile", type);
  ASSERT_TRUE(file);
  // The path the exe knows itself by: rasbrokerd.exe, wherever it is.
  EXPECT_EQ(_wcsicmp(file->c_str(), exe.c_str()), 0) << narrow(*file);
  ASSERT_EQ(run(L"unregister-event-log"), 0u);
  EXPECT_FALSE(source_key_exists());
  EXPECT_EQ(run(L"register-event-log unregister-event-log"), 1u) << "one verb at a time";
}
