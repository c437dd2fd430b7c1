#include "test_support.hpp"

#include <atomic>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/sinks/stdout_sinks.h>

namespace rasbroker::winhost::test {

namespace asio = boost::asio;

std::string unique_pipe_name(const std::string& tag) {
  static std::atomic<int> counter{0};
  return "rasbroker-test-" + std::to_string(GetCurrentProcessId()) + "-" + std::to_string(++counter) + "-" + tag;
}

std::shared_ptr<spdlog::logger> test_logger() {
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  log->set_level(spdlog::level::warn);
  return log;
}

PipeServer::PipeServer(PipeListenerOptions options, std::size_t max_clients, ipc::SessionLimits limits)
    : sim_(app::test::test_scenario(), sim::SimulatorOptions{.mode = sim::Mode::threaded}), log_(test_logger()) {
  broker_ = broker::Broker::create(io_.get_executor(), sim_, broker::BrokerConfig{}, log_);
  listener_.emplace(io_, std::move(options), log_);
  broker_->start();
  dispatcher_.emplace(broker_, log_);
  admission_.emplace(*dispatcher_, max_clients, limits, log_);
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
