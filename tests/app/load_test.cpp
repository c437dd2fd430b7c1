// The load test, natively: the service core with the dev host's Unix socket listener
// and the threaded simulator, real threads and sockets; the clients are load_clients.hpp's
// (what they check is written there). Fixed counts (RASBROKER_LOAD_FACTOR multiplies them).
#include <gtest/gtest.h>

#include <iostream>

#include "core_fixture.hpp"
#include "load_clients.hpp"

using namespace rasbroker;
using namespace rasbroker::app;
using namespace rasbroker::app::test;

// Not in an anonymous namespace: the unity build would warn (-Wsubobject-linkage).
class LoadTest : public CoreTest {
 protected:
  LoadTest() : CoreTest(load_scenario(load_counts())) {}
};

TEST_F(LoadTest, ManyClientsPipelineMixedRequestsWhileOthersDialAndHangUp) {
  const LoadCounts counts = load_counts();
  const int places = load_max_clients(counts);
  RecordingReporter reporter;
  ServiceThread service(options(write_config({{"max_clients", places}, {"max_clients_per_user", places}})), reporter,
                        log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));

  const LoadOutcome outcome = run_load(socket_, counts);
  std::cout << "[ load     ] " << outcome.summary() << std::endl;
  for (const auto& failure : outcome.failures) ADD_FAILURE() << failure;
  EXPECT_GT(outcome.notifications, 0u);

  EXPECT_EQ(service.stop(), 0);
  EXPECT_TRUE(sim_.leak_report().clean()) << sim_.leak_report().describe();
  EXPECT_FALSE(log_.contains("not reading")) << "a client that reads was taken for one that does not";
  EXPECT_FALSE(log_.contains("refusing client")) << "max_clients too small for the load";
}
