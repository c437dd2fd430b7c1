// Adoption confirms each newcomer with RasGetConnectStatus before recording it, in both of
// the simulator's readings of what RasEnumConnections lists (docs/simulator.md): only
// connected connections, or every connection RAS holds a handle for until it is hung up.
#include <algorithm>

#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using protocol::HangupWait;

class AdoptionReadingTest : public BrokerHarness, public ::testing::WithParamInterface<const char*> {
 protected:
  bool lists_dialling() const { return std::string(GetParam()) == "not_hung_up"; }
  // A scenario with this run's enumeration reading.
  nlohmann::json scenario(nlohmann::json s) const {
    s["enum_lists"] = GetParam();
    return s;
  }
  // Another program on the machine dials through RAS itself, in the service's account.
  ras::Handle dial_elsewhere(const std::string& entry) {
    ras::DialRequest r;
    r.entry = entry;
    const auto result = sim_->dial(r, {});
    EXPECT_EQ(result.error, 0u);
    return result.handle;
  }
  bool ras_lists(ras::Handle h) {
    std::vector<ras::ActiveConnection> conns;
    EXPECT_EQ(sim_->enum_connections(conns), 0u);
    return std::any_of(conns.begin(), conns.end(), [&](const auto& c) { return c.handle == h; });
  }
  // What the other program owes: its RasHangUp, then waiting for the teardown.
  void hang_up_elsewhere(ras::Handle h) {
    ASSERT_EQ(sim_->hang_up(h), 0u);
    ASSERT_TRUE(run_until([&] {
      ras::ConnectStatus st;
      return sim_->get_connect_status(h, st) == ras::err::kInvalidHandle;
    }));
  }
};

INSTANTIATE_TEST_SUITE_P(EnumReadings, AdoptionReadingTest, ::testing::Values("connected", "not_hung_up"));

TEST_P(AdoptionReadingTest, ADialSomeoneElseIsMakingIsAdoptedOnlyOnceItConnects) {
  make(scenario({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 3000}}}}}));
  const auto other = dial_elsewhere("Office VPN");
  run_for(1s);
  EXPECT_EQ(ras_lists(other), lists_dialling());  // the reading under test is in effect
  // Adopting it now would let a client hang up a dial its owner is still making.
  EXPECT_TRUE(broker_->list().empty());
  run_for(1s);
  EXPECT_TRUE(broker_->list().empty());
  EXPECT_EQ(logged("is still dialling"), lists_dialling() ? 1u : 0u);  // once, however often seen

  ASSERT_TRUE(run_until([&] { return find("Office VPN").has_value(); }, 10s));
  const auto c = *find("Office VPN");
  EXPECT_TRUE(c.adopted);
  EXPECT_EQ(c.state, ConnectionState::connected);
  EXPECT_EQ(c.ras_state, "RASCS_Connected");
  EXPECT_EQ(logged("adoption: \"Office VPN\" c1 (handle 0x10010, dialled by another process; all-users entry, owner: "
                   "the service's account, logon session 0x3e7)"),
            1u);
  // Its dialler has gone: the service may hang it up.
  auto h = hangup(hangup_entry("Office VPN", HangupWait::gone));
  ASSERT_TRUE(run_until([&] { return h->done; }));
  expect_nothing_leaked();
}

TEST_P(AdoptionReadingTest, ANewcomerWhoseStatusAnswersInvalidHandleIsNotAdopted) {
  // RAS lists the connection, then forgets it (a drop in invalid_handle mode) before the
  // broker reads its status.
  class ForgetsAfterEnumeration final : public ForwardingRas {
   public:
    explicit ForgetsAfterEnumeration(sim::Simulator& sim) : ForwardingRas(sim), sim_(sim) {}
    std::uint32_t enum_connections(std::vector<ras::ActiveConnection>& out) override {
      const auto rc = ForwardingRas::enum_connections(out);
      for (const auto& c : out) sim_.drop_link(c.handle);
      return rc;
    }

   private:
    sim::Simulator& sim_;
  };
  make_sim(scenario({{"entries", {{{"name", "Branch VPN"}}}},
                     {"connected", {"Branch VPN"}},
                     {"notifications", {{"drop_every", 1}}}}));  // no notification of the drop either
  wrapper_ = std::make_unique<ForgetsAfterEnumeration>(*sim_);
  broker_ = make_broker(fast_config(), wrapper_.get());
  EXPECT_TRUE(broker_->list().empty());
  EXPECT_EQ(logged("adoption: \"Branch VPN\" c1"), 0u);  // never recorded, not even for a moment
  EXPECT_EQ(logged("\"Branch VPN\" (handle 0x10010) went away before it could be adopted"), 1u);
  EXPECT_EQ(sim_->stats().hang_up_calls, 0u);
  expect_nothing_leaked();
}

TEST_P(AdoptionReadingTest, AConnectionThatIsDownIsLeftToItsDiallerAndLoggedOnce) {
  make_sim(scenario({{"entries",
                      {{{"name", "Branch VPN"}, {"drop_mode", "disconnected_state"}},
                       {{"name", "Broken"}, {"connect_ms", 100}, {"fail_state", "RASCS_Authenticate"}}}},
                     {"connected", {"Branch VPN"}}}));
  ASSERT_EQ(sim_->drop_link("Branch VPN"), 0u);  // dropped before the service started
  broker_ = make_broker(fast_config());
  const auto failed = dial_elsewhere("Broken");
  run_for(1s);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(broker_->list().empty());
  run_for(5s);
  EXPECT_TRUE(events_.empty());
  EXPECT_EQ(sim_->stats().hang_up_calls, 0u);  // never the service's to hang up
  const std::size_t once = lists_dialling() ? 1 : 0;  // the other reading does not list them
  EXPECT_EQ(logged("\"Branch VPN\" (handle 0x10010) not adopted: RASCS_Disconnected with RAS error 629; the program "
                   "that dialled it must hang it up"),
            once);
  EXPECT_EQ(logged("\"Broken\" (handle 0x10020) not adopted: RASCS_Authenticate with RAS error 691"), once);
  hang_up_elsewhere(failed);
  expect_nothing_leaked();
}

TEST_P(AdoptionReadingTest, AdoptionKeepsAndLogsWhoDialledTheConnection) {
  make(scenario({{"entries", {{{"name", "Branch VPN"}}, {{"name", "Shared VPN"}}}},
                 {"connected",
                  {{{"entry", "Branch VPN"}, {"account", "CONTOSO\\alice"}, {"logon_luid", 0x51a7e}},
                   {{"entry", "Shared VPN"}, {"account", "SYSTEM"}, {"logon_luid", 999},
                    {"default_credentials", true}}}}}));
  ASSERT_EQ(broker_->list().size(), 2u);
  EXPECT_EQ(logged("adoption: \"Branch VPN\" c1 (handle 0x10010, dialled by another process; all-users entry, owner: "
                   "another account, logon session 0x51a7e)"),
            1u);
  EXPECT_EQ(logged("adoption: \"Shared VPN\" c2 (handle 0x10020, dialled by another process; all-users entry, owner: "
                   "the service's account, logon session 0x3e7, default credentials)"),
            1u);
  // The owner is the user of the logon session that dialled (RASCONN.luid): no process of ours.
  EXPECT_EQ(find("Branch VPN")->owner, (protocol::Owner{0, "CONTOSO\\alice"}));
  EXPECT_EQ(find("Shared VPN")->owner, (protocol::Owner{0, "SYSTEM"}));
  EXPECT_TRUE(find("Branch VPN")->adopted);
  expect_nothing_leaked();
}

TEST_P(AdoptionReadingTest, AConnectionWhoseLogonSessionsUserIsUnknownIsAdoptedWithoutAnOwner) {
  // RAS names no user (a session that has ended, an LSA that does not say, Wine).
  class NamesNoUser final : public ForwardingRas {
   public:
    using ForwardingRas::ForwardingRas;
    std::uint32_t enum_connections(std::vector<ras::ActiveConnection>& out) override {
      const auto rc = ForwardingRas::enum_connections(out);
      for (auto& c : out) c.logon_user.clear();
      return rc;
    }
  };
  make_sim(scenario({{"entries", {{{"name", "Branch VPN"}}}},
                     {"connected", {{{"entry", "Branch VPN"}, {"account", "CONTOSO\\alice"}}}}}));
  wrapper_ = std::make_unique<NamesNoUser>(*sim_);
  broker_ = make_broker(fast_config(), wrapper_.get());
  const auto c = find("Branch VPN");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->adopted);
  EXPECT_FALSE(c->owner);
  expect_nothing_leaked();
}

// Seen dialling, the newcomer is looked at again on every poll: it is adopted when it
// connects even though RAS's notification of that never comes.
class AdoptionPollTest : public BrokerHarness {};

TEST_F(AdoptionPollTest, ADialSeenInProgressIsAdoptedByThePollWhenNotificationsAreMissed) {
  make({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 3000}}}},
        {"enum_lists", "not_hung_up"},
        {"notifications", {{"drop_every", 1}}}});  // RAS never notifies
  ras::DialRequest r;
  r.entry = "Office VPN";
  const auto other = sim_->dial(r, {}).handle;
  EXPECT_TRUE(broker_->list().empty());  // seen, still dialling
  run_for(5s);                            // no list() or get(): only the poll looks again
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_TRUE(events_[0].adopted);
  EXPECT_EQ(events_[0].state, ConnectionState::connected);
  EXPECT_EQ(logged("is still dialling"), 1u);
  auto h = hangup(hangup_entry("Office VPN", HangupWait::gone));
  ASSERT_TRUE(run_until([&] { return h->done; }));
  ras::ConnectStatus st;
  EXPECT_EQ(sim_->get_connect_status(other, st), ras::err::kInvalidHandle);
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
