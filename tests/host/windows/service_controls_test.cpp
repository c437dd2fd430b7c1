// The SCM's control handler (service/host/windows/service_controls.hpp), without an SCM:
// called directly, as the console tests call the console's handler and as Windows calls
// it on the dispatcher's thread. The same handler wired to a running service:
// runner_test.cpp.
#include <gtest/gtest.h>

#include <windows.h>

#include <atomic>
#include <string>
#include <vector>

#include "app_test_support.hpp"
#include "host/windows/network_watch.hpp"
#include "host/windows/service_controls.hpp"

namespace rasbroker::winhost {
namespace {

using broker::HostEvent;

class ServiceControlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    controls_.set_stop_handler([this](const std::string& why) { stops_.push_back(why); });
    controls_.set_host_event_handler([this](HostEvent e) { events_.push_back(e); });
  }

  ServiceControls controls_;
  std::vector<std::string> stops_;
  std::vector<HostEvent> events_;
};

TEST_F(ServiceControlsTest, AResumeFromSleepIsAHostEventGrantedWithNoError) {
  EXPECT_EQ(controls_.handle(SERVICE_CONTROL_POWEREVENT, PBT_APMRESUMEAUTOMATIC), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(events_, std::vector<HostEvent>{HostEvent::resumed});
  EXPECT_TRUE(stops_.empty());
}

// PBT_APMRESUMESUSPEND follows PBT_APMRESUMEAUTOMATIC when a user is there: one resume,
// one event. The others say nothing about links. All are granted: the service never
// denies a power event.
TEST_F(ServiceControlsTest, OtherPowerEventsAreGrantedAndOtherwiseIgnored) {
  for (const DWORD event : {PBT_APMSUSPEND, PBT_APMRESUMESUSPEND, PBT_APMPOWERSTATUSCHANGE, PBT_POWERSETTINGCHANGE})
    EXPECT_EQ(controls_.handle(SERVICE_CONTROL_POWEREVENT, event), static_cast<DWORD>(NO_ERROR)) << event;
  EXPECT_TRUE(events_.empty());
  EXPECT_TRUE(stops_.empty());
}

TEST_F(ServiceControlsTest, StopShutdownAndPreshutdownStopTheServiceNamingTheControl) {
  EXPECT_EQ(controls_.handle(SERVICE_CONTROL_STOP, 0), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(controls_.handle(SERVICE_CONTROL_SHUTDOWN, 0), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(controls_.handle(SERVICE_CONTROL_PRESHUTDOWN, 0), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(stops_, (std::vector<std::string>{"SERVICE_CONTROL_STOP", "SERVICE_CONTROL_SHUTDOWN",
                                              "SERVICE_CONTROL_PRESHUTDOWN"}));
  EXPECT_TRUE(events_.empty());
}

TEST_F(ServiceControlsTest, InterrogateIsAnsweredAndUnknownControlsAreNotImplemented) {
  EXPECT_EQ(controls_.handle(SERVICE_CONTROL_INTERROGATE, 0), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(controls_.handle(SERVICE_CONTROL_PAUSE, 0), static_cast<DWORD>(ERROR_CALL_NOT_IMPLEMENTED));
  EXPECT_EQ(controls_.handle(SERVICE_CONTROL_SESSIONCHANGE, 0), static_cast<DWORD>(ERROR_CALL_NOT_IMPLEMENTED));
  EXPECT_TRUE(stops_.empty());
  EXPECT_TRUE(events_.empty());
}

// Before the service body attached its handlers, and after it detached them.
TEST(ServiceControls, WithoutHandlersControlsAreStillAnswered) {
  ServiceControls controls;
  EXPECT_EQ(controls.handle(SERVICE_CONTROL_POWEREVENT, PBT_APMRESUMEAUTOMATIC), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(controls.handle(SERVICE_CONTROL_STOP, 0), static_cast<DWORD>(NO_ERROR));
  std::atomic<int> calls = 0;
  controls.set_host_event_handler([&](HostEvent) { ++calls; });
  controls.set_host_event_handler({});
  EXPECT_EQ(controls.handle(SERVICE_CONTROL_POWEREVENT, PBT_APMRESUMEAUTOMATIC), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(calls, 0);
}

// Registering never fails the service, whatever the IP helper does (Wine's registers
// without a handle and never calls back, so nothing here waits for a real change); the
// callback the IP helper would call reaches `changed`; the destructor cancels.
TEST(NetworkChangeWatch, RegistersOrSaysWhyAndCancelsCleanly) {
  app::test::CapturedLog log;
  std::atomic<int> changes = 0;
  {
    NetworkChangeWatch watch([&] { ++changes; }, log.logger());
    const auto text = log.text();
    EXPECT_TRUE(watch.registered() == 2 ? log.contains("watching interfaces and addresses")
                                        : log.contains("network changes: Notify"))
        << text;
    EXPECT_EQ(changes, 0) << "no initial notification was asked for";
    watch.on_change();
    watch.on_change();
  }
  EXPECT_EQ(changes, 2);
  EXPECT_FALSE(log.contains("cancelling")) << log.text();
}

// A RAS link's own PPP interface comes and goes with each dial: not the network coming back
// (a pin whose dial fails fast would otherwise be retried by its own attempt, at once).
TEST(NetworkChangeWatch, ARasLinksOwnInterfaceIsNotANetworkChange) {
  EXPECT_FALSE(is_network_change(23));  // IF_TYPE_PPP
  EXPECT_TRUE(is_network_change(6));    // IF_TYPE_ETHERNET_CSMACD
  EXPECT_TRUE(is_network_change(71));   // IF_TYPE_IEEE80211 (Wi-Fi)
  EXPECT_TRUE(is_network_change(131));  // IF_TYPE_TUNNEL
}

}  // namespace
}  // namespace rasbroker::winhost
