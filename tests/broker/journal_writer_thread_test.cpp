// The journal writer on its own thread, as in the service (the broker suites save on their
// one test thread instead). Its own executable: the TSan preset builds only the suites in
// which more than one thread runs (tests/CMakeLists.txt), and this is the broker's.
#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "broker/journal_writer.hpp"
#include "memory_journal_store.hpp"

namespace rasbroker::testing {
namespace {

// On its own thread, as in the service: changes made while a save is in flight fold into
// one more save, which has the last state.
TEST(JournalWriter, ChangesDuringASaveFoldIntoTheNextOne) {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread io_thread([&] { io.run(); });
  auto store = std::make_shared<MemoryJournalStore>();
  std::uint64_t state = 0;  // the "records": only the io thread touches it
  std::shared_ptr<broker::JournalWriter> writer;
  const auto on_io = [&](auto fn) {
    std::promise<void> done;
    boost::asio::post(io, [&] {
      fn();
      done.set_value();
    });
    done.get_future().get();
  };
  store->hold();
  on_io([&] {
    writer = broker::JournalWriter::create(
        io.get_executor(), store,
        [&] {
          journal::Journal j;
          j.next_seq = state;
          return j;
        },
        nullptr, {});
    state = 1;
    writer->changed(broker::JournalWriter::Urgency::now);
  });
  store->wait_for_saves(1);  // the first save is on the writer's thread, held there
  on_io([&] {
    for (int i = 2; i <= 100; ++i) {
      state = static_cast<std::uint64_t>(i);
      writer->changed(i % 2 ? broker::JournalWriter::Urgency::now : broker::JournalWriter::Urgency::soon);
    }
  });
  store->release();
  std::promise<void> flushed;
  boost::asio::co_spawn(io, writer->flush(), [&](std::exception_ptr) { flushed.set_value(); });
  flushed.get_future().get();
  EXPECT_EQ(store->saves(), 2u);
  EXPECT_EQ(store->saved().next_seq, 100u);
  on_io([&] { writer.reset(); });
  work.reset();
  io_thread.join();
}

}  // namespace
}  // namespace rasbroker::testing
