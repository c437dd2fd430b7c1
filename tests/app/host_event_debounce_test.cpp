// app/host_event_debounce.hpp in virtual time: what the broker hears of a host's bursts.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "app/host_event_debounce.hpp"

namespace rasbroker::app {
namespace {

using namespace std::chrono_literals;
using broker::HostEvent;

class HostEventDebounceTest : public ::testing::Test {
 protected:
  void SetUp() override { Clock::use_virtual_time(); }
  void TearDown() override { Clock::use_real_time(); }

  // Moves virtual time by `d` in steps of 100 ms, running what became due.
  void run_for(Clock::duration d) {
    const auto end = Clock::now() + d;
    io_.poll();
    while (Clock::now() < end) {
      Clock::advance(std::min<Clock::duration>(100ms, end - Clock::now()));
      io_.poll();
    }
  }

  boost::asio::io_context io_;
  // poll() with nothing queued would stop the io_context for good.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::vector<HostEvent> heard_;
  std::unique_ptr<HostEventDebounce> debounce_ = std::make_unique<HostEventDebounce>(
      io_.get_executor(), HostEventDebounce::kNetworkSettle, [this](HostEvent e) { heard_.push_back(e); });
};

TEST_F(HostEventDebounceTest, ABurstOfNetworkChangesIsHeardOnceWhenItsWindowCloses) {
  for (int i = 0; i < 12; ++i) {  // an adapter coming up: interfaces, families, addresses
    debounce_->on_event(HostEvent::network_changed);
    run_for(150ms);
  }
  EXPECT_TRUE(heard_.empty()) << "heard while the burst was still going on";
  run_for(1s);
  EXPECT_EQ(heard_, std::vector<HostEvent>{HostEvent::network_changed});
  run_for(10s);
  EXPECT_EQ(heard_.size(), 1u) << "nothing more without a new change";

  debounce_->on_event(HostEvent::network_changed);  // the next burst
  run_for(HostEventDebounce::kNetworkSettle);
  EXPECT_EQ(heard_.size(), 2u);
}

TEST_F(HostEventDebounceTest, AStreamThatNeverPausesIsHeardOncePerWindow) {
  for (int i = 0; i < 40; ++i) {  // 20 s of changes, one every 500 ms
    debounce_->on_event(HostEvent::network_changed);
    run_for(500ms);
  }
  EXPECT_GE(heard_.size(), 9u) << "starved while the changes went on";
  EXPECT_LE(heard_.size(), 10u) << "more than one per " << HostEventDebounce::kNetworkSettle.count() << " s";
}

TEST_F(HostEventDebounceTest, AResumeIsHeardAtOnceEvenInsideABurst) {
  debounce_->on_event(HostEvent::network_changed);
  debounce_->on_event(HostEvent::resumed);
  io_.poll();
  EXPECT_EQ(heard_, std::vector<HostEvent>{HostEvent::resumed});
  run_for(HostEventDebounce::kNetworkSettle);
  EXPECT_EQ(heard_, (std::vector<HostEvent>{HostEvent::resumed, HostEvent::network_changed}));
}

TEST_F(HostEventDebounceTest, DestroyedWithAWindowOpenItDeliversNothing) {
  debounce_->on_event(HostEvent::network_changed);
  debounce_.reset();
  run_for(5s);
  EXPECT_TRUE(heard_.empty());
}

}  // namespace
}  // namespace rasbroker::app
