// Adoption at start (broker/adoption_summary.hpp): the connections found when the broker
// starts are logged as one summary line at info, each one's own line at debug; one adopted
// later still logs its own line at info. Every one is recorded and found by handle and entry.
#include <gtest/gtest.h>

#include "broker/adoption_summary.hpp"
#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using broker::AdoptionSummary;
using protocol::HangupWait;
namespace flag = ras::conn_flags;

TEST(AdoptionSummaryTest, CountsPhonebooksAndOwnersAndNamesTheFirstFew) {
  AdoptionSummary one;
  one.add("Office VPN", "c1", flag::kAllUsers | flag::kOwnerKnown | flag::kOwnerMatch);
  EXPECT_EQ(one.count(), 1u);
  EXPECT_EQ(one.line(),
            "adoption: 1 connection(s) dialled by other processes adopted at start (1 all-users entries; owners: 1 the "
            "service's account): \"Office VPN\" c1; each one's detail is logged at debug");

  AdoptionSummary many;
  for (int i = 1; i <= 12; ++i) {
    const std::uint32_t flags = i % 2 ? flag::kAllUsers | flag::kOwnerKnown : (i % 4 ? 0u : flag::kOwnerKnown | flag::kOwnerMatch);
    many.add("VPN \"" + std::to_string(i) + "\"", "c" + std::to_string(i), flags);
  }
  EXPECT_EQ(many.count(), 12u);
  EXPECT_EQ(many.line(),
            "adoption: 12 connection(s) dialled by other processes adopted at start (6 all-users entries, 6 per-user "
            "entries; owners: 6 another account, 3 the service's account, 3 unknown): \"VPN \\\"1\\\"\" c1, \"VPN \\\"2\\\"\" c2, "
            "\"VPN \\\"3\\\"\" c3, \"VPN \\\"4\\\"\" c4, \"VPN \\\"5\\\"\" c5, \"VPN \\\"6\\\"\" c6, \"VPN \\\"7\\\"\" c7, "
            "\"VPN \\\"8\\\"\" c8, \"VPN \\\"9\\\"\" c9, \"VPN \\\"10\\\"\" c10 and 2 more; each one's detail is logged at debug");
}

class AdoptionAtStartTest : public BrokerHarness {
 protected:
  protocol::Selector by_entry(std::string entry) const {
    protocol::Selector s;
    s.entry = std::move(entry);
    return s;
  }
};

TEST_F(AdoptionAtStartTest, ManyConnectionsAtStartLogOneSummaryLineAndAreAllRecorded) {
  constexpr int kConnected = 40;
  nlohmann::json entries = nlohmann::json::array(), connected = nlohmann::json::array();
  for (int i = 0; i < kConnected; ++i) {
    entries.push_back({{"name", "VPN " + std::to_string(i)}, {"teardown_ms", 200}});
    connected.push_back("VPN " + std::to_string(i));
  }
  entries.push_back({{"name", "Later VPN"}, {"connect_ms", 100}});
  make({{"entries", entries}, {"connected", connected}});

  // One enumeration and one status read per connection: nothing is asked twice at start.
  EXPECT_EQ(sim_->stats().enum_calls, 1u);
  EXPECT_EQ(sim_->stats().status_calls, static_cast<std::uint64_t>(kConnected));
  EXPECT_EQ(logged("[info] adoption: 40 connection(s) dialled by other processes adopted at start (40 all-users "
                   "entries; owners: 40 another account): \"VPN 0\" c1, \"VPN 1\" c2,"),
            1u)
      << log_text();
  EXPECT_EQ(logged(" and 30 more; each one's detail is logged at debug"), 1u);
  EXPECT_EQ(logged("[info] adoption: \"VPN"), 0u);  // no line per connection at info...
  EXPECT_EQ(logged("[debug] adoption: \"VPN "), static_cast<std::size_t>(kConnected));  // ... each at debug
  EXPECT_EQ(logged("[debug] adoption: \"VPN 39\" c40 (handle "), 1u);
  EXPECT_EQ(logged("with 40 adopted connection(s)"), 1u);

  const auto held = broker_->held_handles();
  ASSERT_EQ(held.size(), static_cast<std::size_t>(kConnected));
  for (const auto& h : held) {
    EXPECT_TRUE(h.info.adopted);
    EXPECT_EQ(broker_->get(by_entry(h.info.entry), admin()).id, h.info.id);
  }
  EXPECT_EQ(broker_->index_problem(), std::nullopt);

  // Adopted later, one at a time: its own line at info, as before.
  ras::DialRequest r;
  r.entry = "Later VPN";
  ASSERT_EQ(sim_->dial(r, {}).error, 0u);
  ASSERT_TRUE(run_until([&] { return find("Later VPN").has_value(); }, 10s));
  EXPECT_EQ(logged("[info] adoption: \"Later VPN\" c41 (handle "), 1u) << log_text();
  EXPECT_EQ(logged("adopted at start"), 1u);  // no second summary
  EXPECT_EQ(broker_->index_problem(), std::nullopt);

  auto h = hangup(hangup_entry("Later VPN", HangupWait::gone));
  ASSERT_TRUE(run_until([&] { return h->done; }));
  for (int i = 0; i < kConnected; ++i) ASSERT_EQ(sim_->external_hang_up("VPN " + std::to_string(i)), 0u);
  ASSERT_TRUE(run_until([&] { return broker_->held_handles().empty(); }, 10s, 100ms));
  expect_nothing_leaked();
}

TEST_F(AdoptionAtStartTest, NothingToAdoptAtStartLogsNoSummary) {
  make({{"entries", {{{"name", "Office VPN"}}}}});
  EXPECT_EQ(logged("adopted at start"), 0u);
  EXPECT_EQ(logged("with 0 adopted connection(s)"), 1u);
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
