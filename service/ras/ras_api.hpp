#pragma once
// The seam between the broker and RAS: exactly what the broker needs from rasapi32,
// in portable types. Implemented by the Win32 backend (rasapi32) and by the RAS
// simulator. Semantics follow Microsoft's documentation (docs/ras-rules.md):
// return codes are RAS/Win32 error numbers, 0 = success.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace rasbroker::ras {

// Opaque HRASCONN value; 0 is the null handle.
using Handle = std::uint64_t;
constexpr Handle kNullHandle = 0;

// Error numbers the broker reasons about (winerror.h / raserror.h).
namespace err {
constexpr std::uint32_t kSuccess = 0;
constexpr std::uint32_t kInvalidHandle = 6;          // ERROR_INVALID_HANDLE: teardown complete
constexpr std::uint32_t kInvalidParameter = 87;      // ERROR_INVALID_PARAMETER
constexpr std::uint32_t kBufferTooSmall = 603;       // ERROR_BUFFER_TOO_SMALL
constexpr std::uint32_t kCannotFindPhonebookEntry = 623;
constexpr std::uint32_t kPortDisconnected = 619;
constexpr std::uint32_t kDisconnection = 628;        // ERROR_DISCONNECTION
constexpr std::uint32_t kRemoteDisconnection = 629;  // ERROR_REMOTE_DISCONNECTION
constexpr std::uint32_t kInvalidSize = 632;          // ERROR_INVALID_SIZE
constexpr std::uint32_t kUserDisconnection = 631;
constexpr std::uint32_t kNoConnection = 668;         // ERROR_NO_CONNECTION: already gone
constexpr std::uint32_t kNoAnswer = 678;
constexpr std::uint32_t kAuthenticationFailure = 691;
constexpr std::uint32_t kInteractiveMode = 703;          // ERROR_INTERACTIVE_MODE: needs a user at a screen
constexpr std::uint32_t kInvalidFunctionForEntry = 780;  // ERROR_INVALID_FUNCTION_FOR_ENTRY: not EAP
constexpr std::uint32_t kAlreadyDisconnecting = 617; // ERROR_ALREADY_DISCONNECTING
}  // namespace err

// RASCONNSTATE values (ras.h). Paused states start at 0x1000, done states at 0x2000.
enum class ConnState : std::uint32_t {
  OpenPort = 0, PortOpened, ConnectDevice, DeviceConnected, AllDevicesConnected, Authenticate,
  AuthNotify, AuthRetry, AuthCallback, AuthChangePassword, AuthProject, AuthLinkSpeed, AuthAck,
  ReAuthenticate, Authenticated, PrepareForCallback, WaitForModemReset, WaitForCallback, Projected,
  StartAuthentication, CallbackComplete, LogonNetwork, SubEntryConnected, SubEntryDisconnected,
  ApplySettings,
  Interactive = 0x1000, RetryAuthentication, CallbackSetByCaller, PasswordExpired, InvokeEapUI,
  Connected = 0x2000, Disconnected = 0x2001,
};

// "RASCS_Authenticate" etc.; "RASCS_<n>" for values ras.h does not name.
std::string state_name(ConnState s);
// Inverse of state_name; false when the name is unknown.
bool parse_state_name(std::string_view name, ConnState& out);

struct DialRequest {
  std::string entry;
  std::string phonebook;  // empty: the system phonebook
  std::string username;   // empty with empty password: saved credentials
  std::string password;   // the caller wipes it after dial() returns
  std::string domain;
};

// One RasDialFunc2 notification (docs/ras-rules.md#dial).
struct DialProgress {
  Handle handle = kNullHandle;
  ConnState state = ConnState::OpenPort;
  std::uint32_t error = 0;           // dwError: non-zero when `state` failed
  std::uint32_t sub_entry = 1;       // dwSubEntry: the link (1-based) of a multilink entry that made this call
  std::uint32_t extended_error = 0;  // dwExtendedError: set by RAS only for errors 639, 640, 645 and 650
};

// RasDialFunc2 in portable form. May be invoked on any thread, possibly before
// dial() has returned the handle; it must return quickly and never call dial().
using DialProgressFn = std::function<void(const DialProgress&)>;

struct DialResult {
  std::uint32_t error = err::kSuccess;  // RasDial's return value
  Handle handle = kNullHandle;          // may be non-null even when error != 0: must be hung up
};

struct ConnectStatus {
  ConnState state = ConnState::OpenPort;
  std::uint32_t error = 0;  // RASCONNSTATUS.dwError: why the dial failed or the link dropped
  std::string device_type;
  std::string device_name;
};

// RASCONN.dwFlags (ras.h, WINVER >= 0x501; MinGW's ras.h lacks the owner flags). The owner
// flags are relative to the account calling RasEnumConnections (docs/ras-rules.md#adoption).
namespace conn_flags {
constexpr std::uint32_t kAllUsers = 0x1;     // RASCF_AllUsers: an entry of the all-users phonebook
constexpr std::uint32_t kGlobalCreds = 0x2;  // RASCF_GlobalCreds: dialled with the default (all-users) credentials
constexpr std::uint32_t kOwnerKnown = 0x4;   // RASCF_OwnerKnown: RAS knows which account dialled it
constexpr std::uint32_t kOwnerMatch = 0x8;   // RASCF_OwnerMatch: ... and that account is the caller's
}  // namespace conn_flags

struct ActiveConnection {  // one RASCONN from RasEnumConnections
  Handle handle = kNullHandle;
  std::string entry;
  std::string phonebook;
  std::string device_type;
  std::string device_name;
  std::uint32_t flags = 0;       // RASCONN.dwFlags: conn_flags
  std::uint64_t logon_luid = 0;  // RASCONN.luid: the logon session the connection was made in
  // Who that logon session belongs to, "DOMAIN\\user" (Win32: LsaGetLogonSessionData); empty
  // when unknown (no luid, a session that has ended, or LSA does not say).
  std::string logon_user;
};

struct PhonebookEntry {  // one RASENTRYNAME from RasEnumEntries
  std::string name;
  std::string phonebook;
};

class RasApi {
 public:
  virtual ~RasApi() = default;
  // "sim" or "win32": reported by the status method.
  virtual std::string backend_name() const = 0;

  virtual DialResult dial(const DialRequest& request, DialProgressFn progress) = 0;
  virtual std::uint32_t hang_up(Handle h) = 0;                                // 6 or 668: already gone
  virtual std::uint32_t get_connect_status(Handle h, ConnectStatus& out) = 0;  // 6: teardown done
  virtual std::uint32_t enum_connections(std::vector<ActiveConnection>& out) = 0;
  virtual std::uint32_t enum_entries(const std::string& phonebook, std::vector<PhonebookEntry>& out) = 0;
  virtual std::string error_string(std::uint32_t code) = 0;

  // RasConnectionNotification as a hint: `changed` is invoked (on any thread) when RAS
  // signals that some connection appeared or went away. It may be late or never come;
  // callers keep a slow poll as a backstop. Pass an empty function to stop.
  virtual void set_connection_notifier(std::function<void()> changed) = 0;

  // RasConnectionNotification(h, event, RASCN_Disconnection) for one connection: `terminated`
  // is invoked once (on any thread) when RAS signals that connection `h` was terminated.
  // Microsoft does not say whether that is as its teardown starts or once it has ended
  // (docs/ras-rules.md#watching): the caller finds out by polling. A hint like the notifier:
  // it may be late or never come. Returns 0 once registered, else the error (6: RAS does
  // not know the handle) and `terminated` is never invoked.
  virtual std::uint32_t watch_termination(Handle h, std::function<void()> terminated) = 0;
  // Ends a watch_termination: `terminated` is dropped unless already under way.
  virtual void unwatch_termination(Handle h) = 0;
};

}  // namespace rasbroker::ras
