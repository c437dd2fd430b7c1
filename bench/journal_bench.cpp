// journal_bench [SAVE_MS [SCALE]] — what coalescing the journal's writes buys, against writing the
// journal synchronously at every change (the baseline), measured in the same run.
//
// The store models a durable replace (temporary file, flush, rename, flush of the folder)
// by its cost alone: each save() sleeps SAVE_MS (default 2 ms, a fast SSD's fsync pair).
// Each workload posts its changes to the broker's executor as separate handlers, as RAS
// callbacks and requests arrive; the journal describes 20 connections. SCALE (default 1)
// divides every workload's size, for the benchmark's smoke test (bench/bench.py --smoke).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/sinks/null_sink.h>

#include "broker/journal_writer.hpp"

namespace {

using namespace rasbroker;
using SteadyClock = std::chrono::steady_clock;

class CostlyStore : public journal::JournalStore {
 public:
  explicit CostlyStore(std::chrono::microseconds cost) : cost_(cost) {}
  Loaded load() override { return {}; }
  std::string save(const journal::Journal&) override {
    std::this_thread::sleep_for(cost_);
    ++saves;
    return {};
  }
  std::string where() const override { return "bench"; }
  std::atomic<std::uint64_t> saves{0};

 private:
  std::chrono::microseconds cost_;
};

journal::Journal twenty_connections(std::uint64_t change) {
  journal::Journal j;
  j.next_seq = change + 21;
  for (std::uint64_t i = 1; i <= 20; ++i) {
    journal::JournalRecord r;
    r.seq = i;
    r.handle = 0x10000 + i;
    r.info.id = "c" + std::to_string(i);
    r.info.entry = "VPN " + std::to_string(i);
    r.info.state = protocol::ConnectionState::connected;
    r.info.owner = protocol::Owner{4242, "CORP\\alice"};
    j.records.push_back(std::move(r));
  }
  return j;
}

struct Workload {
  const char* name;
  int bursts;
  int changes_per_burst;
  std::chrono::milliseconds gap;  // between bursts
};

struct Result {
  std::uint64_t saves = 0;
  double elapsed_ms = 0;    // first change to everything durable
  double executor_ms = 0;   // time the broker's executor spent in journal work
};

// Runs the workload on an io_context thread; `on_change` is the journal work of one change
// (on the executor), `finish` waits until everything is durable (on the executor).
template <class OnChange, class Finish>
double run(const Workload& w, boost::asio::io_context& io, OnChange on_change, Finish finish, double& executor_ms) {
  std::atomic<std::int64_t> busy_ns{0};
  const auto start = SteadyClock::now();
  for (int b = 0; b < w.bursts; ++b) {
    std::promise<void> posted;
    for (int c = 0; c < w.changes_per_burst; ++c)
      boost::asio::post(io, [&, n = static_cast<std::uint64_t>(b * w.changes_per_burst + c)] {
        const auto t0 = SteadyClock::now();
        on_change(n);
        busy_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - t0).count();
      });
    boost::asio::post(io, [&] { posted.set_value(); });
    posted.get_future().get();
    if (b + 1 < w.bursts) std::this_thread::sleep_for(w.gap);
  }
  std::promise<void> done;
  finish([&] { done.set_value(); });
  done.get_future().get();
  executor_ms = static_cast<double>(busy_ns.load()) / 1e6;
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

Result baseline(const Workload& w, std::chrono::microseconds cost) {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread t([&] { io.run(); });
  CostlyStore store(cost);
  Result r;
  r.elapsed_ms = run(
      w, io, [&](std::uint64_t n) { store.save(twenty_connections(n)); },
      [&](auto done) { boost::asio::post(io, done); }, r.executor_ms);
  r.saves = store.saves;
  work.reset();
  t.join();
  return r;
}

Result coalesced(const Workload& w, std::chrono::microseconds cost) {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread t([&] { io.run(); });
  auto store = std::make_shared<CostlyStore>(cost);
  std::uint64_t state = 0;
  auto log = std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::shared_ptr<broker::JournalWriter> writer;
  std::promise<void> made;
  boost::asio::post(io, [&] {
    writer = broker::JournalWriter::create(io.get_executor(), store, [&] { return twenty_connections(state); }, log, {});
    made.set_value();
  });
  made.get_future().get();
  Result r;
  r.elapsed_ms = run(
      w, io,
      [&](std::uint64_t n) {
        state = n;
        // Half the changes are of the kind saved at once (new handles, hang-ups).
        writer->changed(n % 2 ? broker::JournalWriter::Urgency::now : broker::JournalWriter::Urgency::soon);
      },
      [&](auto done) {
        boost::asio::co_spawn(io, writer->flush(), [done](std::exception_ptr) { done(); });
      },
      r.executor_ms);
  r.saves = store->saves;
  std::promise<void> dropped;
  boost::asio::post(io, [&] {
    writer.reset();
    dropped.set_value();
  });
  dropped.get_future().get();
  work.reset();
  t.join();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const double save_ms = argc > 1 ? std::atof(argv[1]) : 2.0;
  const int scale = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1;
  const auto cost = std::chrono::microseconds(static_cast<long long>(save_ms * 1000));
  const Workload workloads[] = {
      {"one burst of 1000 changes", 1, 1000 / scale, std::chrono::milliseconds(0)},
      {"50 bursts of 20, 20 ms apart", 50 / scale, 20, std::chrono::milliseconds(20)},
      {"200 lone changes, 5 ms apart", 200 / scale, 1, std::chrono::milliseconds(5)},
  };
  std::printf("journal_bench: each save costs %.1f ms; baseline = a synchronous save at every change\n\n", save_ms);
  std::printf("%-30s %14s %14s %8s %22s %8s %24s\n", "workload", "saves (base)", "saves (coal.)", "ratio",
              "elapsed ms (base/coal)", "ratio", "executor ms (base/coal)");
  for (const auto& w : workloads) {
    const Result b = baseline(w, cost);
    const Result c = coalesced(w, cost);
    std::printf("%-30s %14llu %14llu %8.3f %11.1f/%-10.1f %8.3f %12.1f/%-11.3f\n", w.name,
                static_cast<unsigned long long>(b.saves), static_cast<unsigned long long>(c.saves),
                static_cast<double>(c.saves) / static_cast<double>(b.saves), b.elapsed_ms, c.elapsed_ms,
                c.elapsed_ms / b.elapsed_ms, b.executor_ms, c.executor_ms);
  }
  return 0;
}
