// winsock2.h before windows.h (netioapi.h needs the socket address types).
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>

#include "host/windows/network_watch.hpp"

#include <utility>

#include "win32/win32_message.hpp"

namespace rasbroker::winhost {

namespace {

// MibInitialNotification is not asked for (InitialNotification FALSE): every call is a change.
VOID NETIOAPI_API_ interface_changed(PVOID context, PMIB_IPINTERFACE_ROW row, MIB_NOTIFICATION_TYPE) {
  if (row != nullptr && !is_network_change(row->InterfaceLuid.Info.IfType)) return;
  static_cast<const NetworkChangeWatch*>(context)->on_change();
}

VOID NETIOAPI_API_ address_changed(PVOID context, PMIB_UNICASTIPADDRESS_ROW row, MIB_NOTIFICATION_TYPE) {
  if (row != nullptr && !is_network_change(row->InterfaceLuid.Info.IfType)) return;
  static_cast<const NetworkChangeWatch*>(context)->on_change();
}

// The handle of one registration, or null (logged) when there is none to cancel.
template <typename Register>
HANDLE register_for(const char* what, Register reg, spdlog::logger& log) {
  HANDLE handle = nullptr;
  const DWORD rc = reg(&handle);
  if (rc != NO_ERROR) {
    log.warn("network changes: {} failed ({}); links are checked on RAS notifications and every link_poll_ms", what,
             win32_error_text(rc));
    return nullptr;
  }
  if (handle == nullptr)
    log.info("network changes: {} gave no handle (Wine's stub): no network change will be reported", what);
  return handle;
}

void cancel(HANDLE handle, const char* what, spdlog::logger& log) {
  if (handle == nullptr) return;
  if (const DWORD rc = CancelMibChangeNotify2(handle); rc != NO_ERROR)
    log.warn("network changes: cancelling {} failed: {}", what, win32_error_text(rc));
}

}  // namespace

bool is_network_change(unsigned long if_type) { return if_type != IF_TYPE_PPP; }

NetworkChangeWatch::NetworkChangeWatch(std::function<void()> changed, std::shared_ptr<spdlog::logger> log)
    : changed_(std::move(changed)), log_(std::move(log)) {
  void* self = this;
  interfaces_ = register_for(
      "NotifyIpInterfaceChange",
      [self](HANDLE* h) { return NotifyIpInterfaceChange(AF_UNSPEC, interface_changed, self, FALSE, h); }, *log_);
  addresses_ = register_for(
      "NotifyUnicastIpAddressChange",
      [self](HANDLE* h) { return NotifyUnicastIpAddressChange(AF_UNSPEC, address_changed, self, FALSE, h); }, *log_);
  if (registered() == 2) log_->info("network changes: watching interfaces and addresses");
}

NetworkChangeWatch::~NetworkChangeWatch() {
  cancel(interfaces_, "NotifyIpInterfaceChange", *log_);
  cancel(addresses_, "NotifyUnicastIpAddressChange", *log_);
}

}  // namespace rasbroker::winhost
