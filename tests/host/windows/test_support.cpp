#include "test_support.hpp"

#include <aclapi.h>
#include <sddl.h>

#include <atomic>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/sinks/stdout_sinks.h>

#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost::test {

namespace asio = boost::asio;

std::string unique_pipe_name(const std::string& tag) {
  static std::atomic<int> counter{0};
  return "rasbroker-test-" + std::to_string(GetCurrentProcessId()) + "-" + std::to_string(++counter) + "-" + tag;
}

void set_path_dacl(const std::wstring& path, const std::string& dacl_sddl) {
  LocalPtr<void> sd;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(widen(dacl_sddl).c_str(), SDDL_REVISION_1, sd.out(),
                                                            nullptr))
    throw Win32Error("ConvertStringSecurityDescriptorToSecurityDescriptor " + dacl_sddl, GetLastError());
  BOOL present = FALSE, defaulted = FALSE;
  PACL dacl = nullptr;
  if (!GetSecurityDescriptorDacl(sd.get(), &present, &dacl, &defaulted))
    throw Win32Error("GetSecurityDescriptorDacl", GetLastError());
  const DWORD rc = SetNamedSecurityInfoW(const_cast<wchar_t*>(path.c_str()), SE_FILE_OBJECT,
                                         DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, nullptr,
                                         nullptr, dacl, nullptr);
  if (rc != ERROR_SUCCESS) throw Win32Error("SetNamedSecurityInfo " + narrow(path), rc);
}

std::shared_ptr<spdlog::logger> test_logger() {
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  log->set_level(spdlog::level::warn);
  return log;
}

PipeServer::PipeServer(PipeListenerOptions options, std::size_t max_clients, ipc::SessionLimits limits,
                       std::size_t max_clients_per_user, const std::function<void()>& before_accept)
    : sim_(app::test::test_scenario(), sim::SimulatorOptions{.mode = sim::Mode::threaded}), log_(test_logger()) {
  broker_ = broker::Broker::create(io_.get_executor(), sim_, broker::BrokerConfig{}, log_);
  listener_.emplace(io_, std::move(options), log_);
  broker_->start();
  dispatcher_.emplace(broker_, log_);
  admission_.emplace(*dispatcher_, max_clients, max_clients_per_user ? max_clients_per_user : max_clients, limits,
                     log_);
  if (before_accept) before_accept();
  asio::co_spawn(io_, listener_->accept_loop(*admission_), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

PipeServer::~PipeServer() {
  asio::post(io_, [this] {
    listener_->close();
    asio::co_spawn(
        io_,
        [this]() -> asio::awaitable<void> {
          co_await broker_->stop();
          io_.stop();
        },
        asio::detached);
  });
  thread_.join();
  admission_.reset();
  dispatcher_.reset();
  listener_.reset();  // its handles belong to io_: gone before it
}

std::size_t PipeServer::connected() {
  std::size_t n = 0;
  on_io_thread([&] { n = admission_->connected(); });
  return n;
}

void PipeServer::on_io_thread(std::function<void()> f) {
  std::promise<void> done;
  asio::post(io_, [&] {
    f();
    done.set_value();
  });
  done.get_future().wait();
}

}  // namespace rasbroker::winhost::test
