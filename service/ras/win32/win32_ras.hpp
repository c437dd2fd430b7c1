#pragma once
// The Win32 RAS backend (Windows only): rasapi32 behind the seam (ras/ras_api.hpp).
// Rules followed: docs/ras-rules.md; architecture: docs/architecture.md.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "ras/ras_api.hpp"

namespace rasbroker::ras {

namespace win32 {
class ConnectionWatch;
}

class Win32Ras final : public RasApi {
 public:
  // `ex` is the broker's executor: connection notifications are waited on and delivered
  // there; call set_connection_notifier on it too. Throws std::runtime_error when RAS does
  // not answer (a first RasEnumConnections fails).
  explicit Win32Ras(boost::asio::any_io_executor ex);
  // Stops the connection watch and releases every dial context: late RAS callbacks then
  // find nothing and are dropped (dial_contexts.hpp).
  ~Win32Ras() override;
  Win32Ras(const Win32Ras&) = delete;
  Win32Ras& operator=(const Win32Ras&) = delete;

  std::string backend_name() const override;  // "win32"
  // RasDialW with a RasDialFunc2 notifier. An EAP entry dials with its EAP identity
  // (RasGetEapUserIdentityW without UI; ERROR_INTERACTIVE_MODE and no handle when the method
  // needs UI); no password: the saved credentials (RasGetCredentialsW, all-users ones first).
  DialResult dial(const DialRequest& request, DialProgressFn progress) override;
  std::uint32_t hang_up(Handle h) override;
  std::uint32_t get_connect_status(Handle h, ConnectStatus& out) override;
  std::uint32_t enum_connections(std::vector<ActiveConnection>& out) override;
  std::uint32_t enum_entries(const std::string& phonebook, std::vector<PhonebookEntry>& out) override;
  // RasGetErrorStringW for RAS codes, FormatMessageW for the others, else "error <n>".
  std::string error_string(std::uint32_t code) override;
  void set_connection_notifier(std::function<void()> changed) override;
  // Call on the executor, like set_connection_notifier: `terminated` is delivered there.
  std::uint32_t watch_termination(Handle h, std::function<void()> terminated) override;
  void unwatch_termination(Handle h) override;

 private:
  void release_contexts(Handle h);

  boost::asio::any_io_executor ex_;
  std::mutex mu_;
  std::multimap<Handle, std::uintptr_t> contexts_;  // dial context ids per handle, until hang-up
  std::unique_ptr<win32::ConnectionWatch> watch_;
  std::map<Handle, std::unique_ptr<win32::ConnectionWatch>> termination_watches_;  // until unwatched
};

}  // namespace rasbroker::ras
