// ping_bench ENDPOINT CLIENTS SECONDS — round trips of one request line, the broker's
// `ping`, from CLIENTS concurrent clients (one thread each) for SECONDS, through the
// client library's own transport (client/transport.hpp: the Unix socket natively, the
// named pipe on Windows). The same program measures the broker and line_echo, so both
// figures pay exactly the same client cost. Prints one line:
//   clients=N requests=R seconds=S throughput=RPS p50_us=.. p99_us=.. max_us=..
// (latencies over every round trip of every client). Exit 1 when a client fails.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "transport.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::string_view kPing = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n";

// One client: connects, waits for the start signal, then pings until the deadline.
struct Client {
  std::vector<double> rtt_us;
  std::string error;
};

void run_client(const std::string& endpoint, Client& me, std::atomic<int>& ready, std::atomic<bool>& go,
                std::atomic<bool>& failed, Clock::time_point& deadline) {
  try {
    auto transport = rasbroker::client::make_platform_transport();
    transport->connect(endpoint, std::chrono::seconds(10));
    ++ready;
    while (!go.load()) std::this_thread::yield();
    me.rtt_us.reserve(1 << 16);
    while (Clock::now() < deadline && !failed.load()) {
      const auto t0 = Clock::now();
      transport->write_all(kPing);
      // One answer line per request: read until its newline.
      for (;;) {
        // A long wait is a result (the worst delay), not a failure: only a service that
        // stopped answering altogether ends the run.
        auto got = transport->read_some(std::chrono::seconds(120));
        if (got.status != rasbroker::client::ReadResult::Status::data) throw std::runtime_error("no answer");
        if (got.bytes.back() == '\n') break;
      }
      me.rtt_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    transport->close();
  } catch (const std::exception& e) {
    me.error = e.what();
    failed = true;
    ++ready;
  }
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: ping_bench ENDPOINT CLIENTS SECONDS\n");
    return 1;
  }
  const std::string endpoint = argv[1];
  const int clients = std::max(1, std::atoi(argv[2]));
  const double seconds = std::atof(argv[3]);
  std::vector<Client> state(static_cast<std::size_t>(clients));
  std::atomic<int> ready{0};
  std::atomic<bool> go{false}, failed{false};
  Clock::time_point deadline{};
  std::vector<std::thread> threads;
  for (auto& c : state)
    threads.emplace_back(run_client, std::cref(endpoint), std::ref(c), std::ref(ready), std::ref(go),
                         std::ref(failed), std::ref(deadline));
  while (ready.load() < clients) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const auto start = Clock::now();
  deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  go = true;
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& c : state) {
    if (!c.error.empty()) {
      std::fprintf(stderr, "ping_bench: a client failed: %s\n", c.error.c_str());
      return 1;
    }
    all.insert(all.end(), c.rtt_us.begin(), c.rtt_us.end());
  }
  const double requests = static_cast<double>(all.size());
  const double max_us = all.empty() ? 0 : *std::max_element(all.begin(), all.end());
  const double p50 = percentile(all, 0.50), p99 = percentile(all, 0.99);
  std::printf("clients=%d requests=%.0f seconds=%.3f throughput=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f\n", clients,
              requests, elapsed, requests / elapsed, p50, p99, max_us);
  return 0;
}
