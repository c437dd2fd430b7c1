#include "hostile_link.hpp"

#include <fstream>

#ifdef _WIN32
#include <windows.h>
#include <psapi.h>
#else
#include <unistd.h>
#endif

#include "client_error.hpp"

namespace rasbroker::hostile {

HostileLink::HostileLink(const std::string& endpoint) : transport_(client::make_platform_transport()) {
  transport_->connect(endpoint, std::chrono::seconds(10));
}

bool HostileLink::write(std::string_view bytes) {
  try {
    transport_->write_all(bytes);
    return true;
  } catch (const client::ClientError&) {
    return false;
  }
}

HostileLink::Read HostileLink::read_line(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
      Read read{Got::line, buffer_.substr(0, nl)};
      buffer_.erase(0, nl + 1);
      return read;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return {};
    client::ReadResult got;
    try {
      got = transport_->read_some(left);
    } catch (const client::ClientError&) {
      return {Got::closed, {}};  // reset by the service: closed too
    }
    if (got.status == client::ReadResult::Status::eof) return {Got::closed, {}};
    if (got.status == client::ReadResult::Status::timeout) return {};
    buffer_ += got.bytes;
  }
}

std::size_t resident_bytes() {
#ifdef _WIN32
  PROCESS_MEMORY_COUNTERS counters{};
  if (!GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof counters)) return 0;
  return counters.WorkingSetSize;
#else
  // statm: total and resident size, in pages.
  std::size_t total = 0, resident = 0;
  std::ifstream("/proc/self/statm") >> total >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
#endif
}

}  // namespace rasbroker::hostile
