// The broker finds its records by handle, entry and id through indexes (broker/record_index.hpp):
// these tests would catch an index that disagrees with the records — a handle RAS reuses after
// reaping, names that differ only by case, many adopted connections, records erased — and
// check that `get` of a record the broker holds does not ask RAS to enumerate.
#include <map>
#include <set>

#include "broker/record_index.hpp"
#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using broker::RecordIndex;
using protocol::ErrorCode;
using protocol::HangupWait;

TEST(RecordIndexTest, FindsTheOldestHolderOfAHandleAndForgetsWhatIsRemoved) {
  RecordIndex index;
  index.add(3, 0x10, "Office VPN");
  index.add(5, 0x10, "Branch VPN");  // RAS gave the reaped handle to a new connection
  index.add(4, 0x20, "office vpn");  // the same entry as RAS compares names
  EXPECT_EQ(index.by_handle(0x10), 3u);
  EXPECT_EQ(index.by_handle(0x30), std::nullopt);
  ASSERT_NE(index.by_entry("OFFICE VPN"), nullptr);
  EXPECT_EQ(*index.by_entry("OFFICE VPN"), (std::vector<std::uint64_t>{3, 4}));

  index.remove(3, 0x10, "Office VPN");
  EXPECT_EQ(index.by_handle(0x10), 5u);
  EXPECT_EQ(*index.by_entry("Office VPN"), (std::vector<std::uint64_t>{4}));
  index.remove(4, 0x20, "office vpn");
  EXPECT_EQ(index.by_entry("Office VPN"), nullptr);
  EXPECT_EQ(index.by_handle(0x20), std::nullopt);
  EXPECT_EQ(index.size_by_handle(), 1u);
  EXPECT_EQ(index.size_by_entry(), 1u);
}

TEST(RecordIndexTest, AnIdNamesASequenceNumberOnlyInItsOwnSpelling) {
  EXPECT_EQ(RecordIndex::seq_of_id("c17"), 17u);
  EXPECT_EQ(RecordIndex::seq_of_id("c1"), 1u);
  for (const char* id : {"", "c", "c0", "c07", "c+7", "C17", "c17x", "17", "c-1", "c99999999999999999999999"})
    EXPECT_EQ(RecordIndex::seq_of_id(id), std::nullopt) << id;
}

// RAS as it may be: a handle is reused as soon as its teardown was reaped (RasGetConnectStatus
// answered ERROR_INVALID_HANDLE). The simulator never reuses one, so this RAS hands out its own
// small numbers, the lowest free one first, and translates.
class ReusesHandles : public ForwardingRas {
 public:
  using ForwardingRas::ForwardingRas;
  ras::DialResult dial(const ras::DialRequest& r, ras::DialProgressFn progress) override {
    auto result = ForwardingRas::dial(r, [this, progress](const ras::DialProgress& p) {
      auto mine = p;
      mine.handle = outside(p.handle);
      if (progress) progress(mine);
    });
    if (result.handle != ras::kNullHandle) result.handle = outside(result.handle);
    return result;
  }
  std::uint32_t hang_up(ras::Handle h) override { return ForwardingRas::hang_up(inside(h)); }
  std::uint32_t get_connect_status(ras::Handle h, ras::ConnectStatus& out) override {
    const auto rc = ForwardingRas::get_connect_status(inside(h), out);
    if (rc == ras::err::kInvalidHandle && to_sim_.erase(h)) {
      ++reaped;
      for (auto it = from_sim_.begin(); it != from_sim_.end(); ++it)
        if (it->second == h) {
          from_sim_.erase(it);
          break;
        }
    }
    return rc;
  }
  std::uint32_t enum_connections(std::vector<ras::ActiveConnection>& out) override {
    const auto rc = ForwardingRas::enum_connections(out);
    for (auto& c : out) c.handle = outside(c.handle);
    return rc;
  }
  int reaped = 0;

 private:
  ras::Handle outside(ras::Handle sim) {
    if (auto it = from_sim_.find(sim); it != from_sim_.end()) return it->second;
    ras::Handle h = 1;
    while (to_sim_.contains(h)) ++h;
    to_sim_[h] = sim;
    from_sim_[sim] = h;
    return h;
  }
  ras::Handle inside(ras::Handle h) const {
    const auto it = to_sim_.find(h);
    return it == to_sim_.end() ? ras::kNullHandle : it->second;
  }
  std::map<ras::Handle, ras::Handle> to_sim_, from_sim_;
};

class RecordIndexBrokerTest : public BrokerHarness {
 protected:
  protocol::Selector by_entry(std::string entry) const {
    protocol::Selector s;
    s.entry = std::move(entry);
    return s;
  }
  protocol::Selector by_id(std::string id) const {
    protocol::Selector s;
    s.id = std::move(id);
    return s;
  }
  void expect_indexes_agree() {
    const auto problem = broker_->index_problem();
    EXPECT_EQ(problem, std::nullopt) << *problem;
  }
  std::uint64_t enumerations() const { return sim_->stats().enum_calls; }
};

TEST_F(RecordIndexBrokerTest, AHandleReusedAfterReapingBelongsToTheNewConnection) {
  make_sim({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 300}, {"teardown_ms", 500}},
                         {{"name", "Branch VPN"}, {"connect_ms", 300}, {"teardown_ms", 500}}}}});
  auto* ras = new ReusesHandles(*sim_);
  wrapper_.reset(ras);
  broker_ = make_broker(fast_config(), ras);

  auto first = dial("Office VPN", protocol::DialWait::connected);
  ASSERT_TRUE(run_until([&] { return first->done; }));
  ASSERT_TRUE(first->value) << first->rpc_error().what();
  hangup(hangup_entry("Office VPN"));
  ASSERT_TRUE(run_until([&] { return ras->reaped == 1; }));
  ASSERT_TRUE(run_until([&] { return broker_->list().empty(); }));

  // Branch VPN gets handle 1 again: its progress, its status and its hang-up are its own.
  auto second = dial("Branch VPN", protocol::DialWait::connected);
  ASSERT_TRUE(run_until([&] { return second->done; }));
  ASSERT_TRUE(second->value) << second->rpc_error().what();
  EXPECT_EQ(second->value->state, ConnectionState::connected);
  EXPECT_EQ(broker_->held_handles().at(0).handle, 1u);
  const auto listed = broker_->list();
  ASSERT_EQ(listed.size(), 1u);  // not adopted a second time under its reused handle
  EXPECT_FALSE(listed[0].adopted);
  EXPECT_EQ(broker_->get(by_entry("Branch VPN"), admin()).id, second->value->id);
  EXPECT_THROW(broker_->get(by_entry("Office VPN"), admin()), protocol::RpcError);
  EXPECT_THROW(broker_->get(by_id(first->value->id), admin()), protocol::RpcError);
  expect_indexes_agree();

  auto gone = hangup([&] {
    auto p = hangup_entry("Branch VPN");
    p.wait = HangupWait::gone;
    return p;
  }());
  ASSERT_TRUE(run_until([&] { return gone->done; }));
  EXPECT_TRUE(gone->value);
  EXPECT_EQ(ras->reaped, 2);
  expect_indexes_agree();
  expect_nothing_leaked();
}

TEST_F(RecordIndexBrokerTest, NamesThatDifferOnlyByCaseFindTheSameRecordUntilItIsErased) {
  make(kOfficeVpn);
  auto d = dial("office vpn", protocol::DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(d->value);
  EXPECT_EQ(broker_->get(by_entry("OFFICE VPN"), admin()).id, d->value->id);
  EXPECT_EQ(broker_->get(by_entry("Office VPN"), admin()).id, d->value->id);
  auto again = dial("Office vpn");  // joins: one connection per entry
  ASSERT_TRUE(again->value);
  EXPECT_EQ(again->value->id, d->value->id);

  hangup(hangup_entry("OFFICE vpn"));
  ASSERT_TRUE(run_until([&] { return broker_->list().empty(); }));
  expect_indexes_agree();
  try {
    broker_->get(by_entry("office VPN"), admin());
    ADD_FAILURE() << "an erased record was found by its entry";
  } catch (const protocol::RpcError& e) {
    EXPECT_EQ(e.code(), ErrorCode::not_found);
  }
  auto next = dial("OFFICE VPN");
  ASSERT_TRUE(next->value);
  EXPECT_NE(next->value->id, d->value->id);
  EXPECT_EQ(broker_->get(by_entry("office vpn"), admin()).id, next->value->id);
  expect_indexes_agree();
  expect_nothing_leaked();
}

// How many connections others dialled the broker adopts at start: enough that a lookup by
// walking every record would show, few enough for a sanitizer build.
#ifdef RASBROKER_SANITIZED
constexpr int kAdopted = 200;
#else
constexpr int kAdopted = 1000;
#endif

TEST_F(RecordIndexBrokerTest, ManyAdoptedConnectionsAreEachFoundByIdEntryAndHandle) {
  nlohmann::json entries = nlohmann::json::array(), connected = nlohmann::json::array();
  for (int i = 0; i < kAdopted; ++i) {
    const std::string name = "VPN " + std::to_string(i);
    entries.push_back({{"name", name}, {"teardown_ms", 200}});
    connected.push_back(name);
  }
  make({{"entries", entries}, {"connected", connected}});
  const auto listed = broker_->list();
  ASSERT_EQ(listed.size(), static_cast<std::size_t>(kAdopted));
  std::set<ras::Handle> handles;
  for (const auto& h : broker_->held_handles()) handles.insert(h.handle);
  EXPECT_EQ(handles.size(), static_cast<std::size_t>(kAdopted));
  for (const auto& c : listed) {
    ASSERT_TRUE(c.adopted);
    EXPECT_EQ(broker_->get(by_id(c.id), admin()).entry, c.entry);
    // "vpn 12" is "VPN 12" to RAS, never "VPN 120".
    const auto lower = "vpn " + c.entry.substr(4);
    EXPECT_EQ(broker_->get(by_entry(lower), admin()).id, c.id);
  }
  expect_indexes_agree();

  // Some hung up by their diallers: the link watch sees them vanish and erases them.
  for (int i = 0; i < kAdopted; i += 7) ASSERT_EQ(sim_->external_hang_up("VPN " + std::to_string(i)), 0u);
  const auto left = static_cast<std::size_t>(kAdopted - (kAdopted + 6) / 7);
  ASSERT_TRUE(run_until([&] { return broker_->held_handles().size() == left; }, 10s, 100ms));
  expect_indexes_agree();
  for (int i = 0; i < kAdopted; ++i) {
    const auto entry = "VPN " + std::to_string(i);
    if (i % 7 == 0) EXPECT_THROW(broker_->get(by_entry(entry), admin()), protocol::RpcError) << entry;
    else EXPECT_EQ(broker_->get(by_entry(entry), admin()).entry, entry);
  }
}

TEST_F(RecordIndexBrokerTest, GetOfAHeldRecordDoesNotEnumerateButAMissDoes) {
  make({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 100}}, {{"name", "Branch VPN"}, {"connect_ms", 100}}}},
        {"connected", {"Branch VPN"}}});
  auto d = dial("Office VPN", protocol::DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(d->value);
  const auto before = enumerations();
  broker_->get(by_id(d->value->id), admin());
  broker_->get(by_entry("office vpn"), admin());
  EXPECT_EQ(enumerations(), before);

  // A connection dialled elsewhere that no notification announced yet: a miss asks RAS.
  hangup(hangup_entry("Branch VPN"));
  ASSERT_TRUE(run_until([&] { return !find("Branch VPN"); }));
  sim_->set_connection_notifier({});  // as if the notifications were missed
  ras::DialRequest r;
  r.entry = "Branch VPN";
  const auto elsewhere = sim_->dial(r, {});
  ASSERT_EQ(elsewhere.error, 0u);
  ASSERT_TRUE(run_until([&] {
    ras::ConnectStatus st;
    return sim_->get_connect_status(elsewhere.handle, st) == 0 && st.state == ras::ConnState::Connected;
  }));
  const auto miss = enumerations();
  EXPECT_EQ(broker_->get(by_entry("BRANCH VPN"), admin()).entry, "Branch VPN");
  EXPECT_GT(enumerations(), miss);
  expect_indexes_agree();
}

}  // namespace
}  // namespace rasbroker::testing
