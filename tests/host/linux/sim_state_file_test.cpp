// The dev host's simulator state file (host/linux/sim_state_file.hpp): what a rasbrokerd
// killed and started again finds (the process-level test is tests/e2e/linux_crash.sh).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app_test_support.hpp"
#include "host/linux/sim_state_file.hpp"
#include "simulator/scenario.hpp"

using namespace rasbroker;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kWithExternal = R"({"entries": [
    {"name": "Office VPN", "connect_ms": 100, "teardown_ms": 100}], "connected": ["Office VPN"]})";
constexpr const char* kWithout = R"({"entries": [{"name": "Office VPN", "connect_ms": 100, "teardown_ms": 100}]})";

sim::Simulator make_simulator(const char* scenario) { return sim::Simulator(sim::parse_scenario_text(scenario)); }

json read_json(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::size_t live_connections(sim::Simulator& sim) {
  std::vector<ras::ActiveConnection> conns;
  EXPECT_EQ(sim.enum_connections(conns), ras::err::kSuccess);
  return conns.size();
}

class SimStateFileTest : public ::testing::Test {
 protected:
  app::test::TempFolder dir_{"simstate"};
  std::string path_ = (dir_.path() / "sim-state.json").string();
  app::test::CapturedLog log_;
};

TEST_F(SimStateFileTest, WrittenAtAttachAndAfterEveryChange) {
  auto sim = make_simulator(kWithExternal);
  host::SimStateFile file(path_, log_.logger());
  file.attach(sim);
  auto doc = read_json(path_);
  EXPECT_EQ(doc["format"], "rasbroker-sim-state");
  EXPECT_EQ(doc["clean"], true);
  EXPECT_EQ(doc["engine"]["connections"].size(), 1u);
  EXPECT_FALSE(doc.contains("restore_error"));

  ras::DialRequest request;
  request.entry = "Office VPN";
  ASSERT_EQ(sim.dial(request, {}).error, ras::err::kSuccess);
  doc = read_json(path_);
  EXPECT_EQ(doc["engine"]["connections"].size(), 1u);  // the same entry: one more reference
  EXPECT_EQ(doc["clean"], false);                         // a dial reference not hung up yet
  EXPECT_FALSE(fs::exists(path_ + ".tmp"));
}

// A process that is killed never hangs up: the next one, from a scenario without that
// connection, finds it in the state file, and the ledger goes on.
TEST_F(SimStateFileTest, TheNextProcessFindsTheConnectionsOfTheOneBefore) {
  {
    auto killed = make_simulator(kWithExternal);
    host::SimStateFile file(path_, log_.logger());
    file.attach(killed);
  }
  auto restarted = make_simulator(kWithout);
  host::SimStateFile file(path_, log_.logger());
  file.attach(restarted);
  EXPECT_EQ(live_connections(restarted), 1u);
  EXPECT_TRUE(log_.contains("simulator: state restored from " + path_)) << log_.text();
}

// A document that cannot be restored: the engine starts from the scenario, and every
// later write says why (as the simulated DLL's state file does).
TEST_F(SimStateFileTest, AStateThatCannotBeRestoredIsLoggedAndKeptInTheFile) {
  dir_.write("sim-state.json", "{ torn");
  auto sim = make_simulator(kWithExternal);
  host::SimStateFile file(path_, log_.logger());
  file.attach(sim);
  EXPECT_EQ(live_connections(sim), 1u);  // the scenario's own
  const auto doc = read_json(path_);
  EXPECT_NE(doc.value("restore_error", "").find(path_ + ": not restored: "), std::string::npos) << doc.dump();
  EXPECT_TRUE(log_.contains("not restored")) << log_.text();
}

TEST(ReplaceFileAtomically, ReplacesWholeOrSaysWhy) {
  app::test::TempFolder dir{"replace"};
  const auto path = (dir.path() / "f.json").string();
  EXPECT_EQ(host::replace_file_atomically(path, "one"), "");
  EXPECT_EQ(host::replace_file_atomically(path, "two"), "");
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "two");
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  const auto why = host::replace_file_atomically((dir.path() / "no-such-folder" / "f.json").string(), "x");
  EXPECT_NE(why.find("cannot create"), std::string::npos) << why;
}

}  // namespace
