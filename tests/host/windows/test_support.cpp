#include "test_support.hpp"

#include <atomic>
#include <future>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/sinks/stdout_sinks.h>

#include "simulator/scenario.hpp"

namespace rasbroker::winhost::test {

namespace asio = boost::asio;
using nlohmann::json;

std::string unique_pipe_name(const std::string& tag) {
  static std::atomic<int> counter{0};
  return "rasbroker-test-" + std::to_string(GetCurrentProcessId()) + "-" + std::to_string(++counter) + "-" + tag;
}

std::shared_ptr<spdlog::logger> test_logger() {
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  log->set_level(spdlog::level::warn);
  return log;
}

sim::Scenario test_scenario() {
  return sim::parse_scenario_text(R"({"entries": [
    {"name": "Office VPN", "connect_ms": 100, "teardown_ms": 1500},
    {"name": "Quick VPN", "connect_ms": 50, "teardown_ms": 50}]})");
}

PipeClient::PipeClient(const std::string& pipe_name) : transport_(client::make_platform_transport()) {
  transport_->connect(pipe_name, std::chrono::seconds(10));
}

void PipeClient::send(const std::string& bytes) { transport_->write_all(bytes); }

std::optional<std::string> PipeClient::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto got = transport_->read_some(left);
    if (got.status != client::ReadResult::Status::data) return std::nullopt;
    buffer_ += got.bytes;
  }
}

json PipeClient::call(const std::string& method, json params) {
  json request = {{"jsonrpc", "2.0"}, {"id", next_id_++}, {"method", method}};
  if (!params.is_null()) request["params"] = std::move(params);
  send(request.dump() + "\n");
  auto line = read_line();
  if (!line) throw std::runtime_error("no answer to " + method);
  return json::parse(*line);
}

PipeServer::PipeServer(PipeListenerOptions options)
    : sim_(test_scenario(), sim::SimulatorOptions{.mode = sim::Mode::threaded}), log_(test_logger()) {
  broker_ = broker::Broker::create(io_.get_executor(), sim_, broker::BrokerConfig{}, log_);
  listener_.emplace(io_, std::move(options), log_);
  broker_->start();
  dispatcher_.emplace(broker_, log_);
  asio::co_spawn(io_, listener_->accept_loop(*dispatcher_), asio::detached);
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
  dispatcher_.reset();
  listener_.reset();  // its handles belong to io_: gone before it
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
