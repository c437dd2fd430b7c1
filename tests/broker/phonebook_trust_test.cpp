// A configured phonebook is dialled from and listed only while no one but administrators
// and SYSTEM can change it (broker/phonebooks.hpp, security/file_trust.hpp): a phonebook
// entry can make the dialling process, LocalSystem, load a program. The host's check is
// faked here (BrokerHarness::untrusted_files_); tests/host test the real ones.
#include "broker_harness.hpp"

#include <stdexcept>

#include "broker/phonebooks.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::ErrorCode;

constexpr const char* kLab = "D:\\Lab\\LAB.pbk";
constexpr const char* kLabWritable = "D:\\Lab\\LAB.pbk is writable by BUILTIN\\Users";

class PhonebookTrustTest : public BrokerHarness {
 protected:
  // "Office VPN" in the system phonebook, "Lab" in the configured phonebook kLab.
  void make_lab(broker::BrokerConfig cfg = fast_config()) {
    cfg.phonebooks = {kLab};
    make({{"entries",
           {{{"name", "Office VPN"}}, {{"name", "Lab"}, {"phonebook", kLab}, {"drop_after_ms", 5000}}}}},
         cfg);
  }
  protocol::DialParams lab_params() {
    auto p = dial_params("Lab", DialWait::connected);
    p.phonebook = kLab;
    return p;
  }
};

TEST_F(PhonebookTrustTest, DialFromAnUntrustedConfiguredPhonebookIsRefusedBeforeRas) {
  untrusted_files_[kLab] = kLabWritable;
  make_lab();
  // The administrator hears of it at start.
  EXPECT_TRUE(logged(std::string("phonebooks: not dialled from until fixed: ") + kLabWritable)) << log_text();
  const auto untrusted = admin_events_.of(events::Kind::phonebook_untrusted);
  ASSERT_EQ(untrusted.size(), 1u);
  EXPECT_EQ(untrusted[0].inserts[0], kLabWritable);

  auto refused = spawn(broker_->dial(lab_params(), admin()));
  ASSERT_TRUE(refused->done);
  const auto error = refused->rpc_error();
  EXPECT_EQ(error.code(), ErrorCode::unauthorized);
  const std::string message = error.what();
  EXPECT_NE(message.find(kLabWritable), std::string::npos) << message;  // why
  EXPECT_NE(message.find("ask an administrator to make the file and its folder writable only by Administrators "
                         "and SYSTEM"),
            std::string::npos)
      << message;  // what to do
  EXPECT_EQ(sim_->stats().dial_calls, 0u);  // nothing reached RAS
  EXPECT_TRUE(broker_->list().empty());
  expect_nothing_leaked();
}

// The permissions are read at every dial: fixing the file needs no restart, and a file
// made writable after the start is refused from then on.
TEST_F(PhonebookTrustTest, TheCheckIsMadeAtEveryDial) {
  make_lab();
  EXPECT_FALSE(logged("phonebooks:")) << log_text();
  auto first = spawn(broker_->dial(lab_params(), admin()));
  ASSERT_TRUE(run_until([&] { return first->done; }));
  ASSERT_TRUE(first->value) << first->rpc_error().what();
  EXPECT_EQ(first->value->state, ConnectionState::connected);
  auto gone = hangup(hangup_entry("Lab", protocol::HangupWait::gone));
  ASSERT_TRUE(run_until([&] { return gone->done; }));

  untrusted_files_[kLab] = kLabWritable;
  auto second = spawn(broker_->dial(lab_params(), admin()));
  ASSERT_TRUE(run_until([&] { return second->done; }));
  EXPECT_EQ(second->rpc_error().code(), ErrorCode::unauthorized);
  EXPECT_EQ(sim_->stats().dial_calls, 1u);

  untrusted_files_.clear();
  auto third = spawn(broker_->dial(lab_params(), admin()));
  ASSERT_TRUE(run_until([&] { return third->done; }));
  ASSERT_TRUE(third->value) << third->rpc_error().what();
  EXPECT_EQ(sim_->stats().dial_calls, 2u);
  expect_nothing_leaked();
}

// A redial is a dial too: a file that became writable since the first dial is not
// dialled from again, and the refusal is logged.
TEST_F(PhonebookTrustTest, ARedialFromAPhonebookThatBecameUntrustedIsRefused) {
  make_lab();
  auto p = lab_params();
  p.redial = protocol::RedialPolicy{2, 500};
  auto d = spawn(broker_->dial(std::move(p), admin()));
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(d->value) << d->rpc_error().what();
  untrusted_files_[kLab] = kLabWritable;
  // The link drops after 5 s; the redial comes 0.5 s after the teardown.
  ASSERT_TRUE(run_until([&] { return !find("Lab"); }, 30s));
  run_for(10s);
  EXPECT_FALSE(find("Lab"));
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
  EXPECT_TRUE(logged(std::string("redial: the service does not dial from this phonebook: ") + kLabWritable))
      << log_text();
  expect_nothing_leaked();
}

// Left out also where RAS reports the file's entries with the system phonebook's (the
// simulator's "union" reading of a NULL phonebook, docs/simulator.md, does).
TEST_F(PhonebookTrustTest, EntriesLeavesOutAnUntrustedConfiguredPhonebookAndSaysWhy) {
  auto cfg = fast_config();
  cfg.phonebooks = {kLab, "E:\\ok.pbk"};
  untrusted_files_[kLab] = kLabWritable;
  make({{"entries",
         {{{"name", "Office VPN"}},
          {{"name", "Lab"}, {"phonebook", kLab}},
          {{"name", "Ok"}, {"phonebook", "E:\\ok.pbk"}}}}},
       cfg);
  const auto all = broker_->entries("");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "Office VPN");
  EXPECT_EQ(all[1].name, "Ok");
  EXPECT_TRUE(logged(std::string("entries: a configured phonebook is not listed: ") + kLabWritable)) << log_text();
  // Named, it is refused with the reason, like a dial.
  try {
    broker_->entries(kLab);
    ADD_FAILURE() << "entries of an untrusted phonebook was answered";
  } catch (const protocol::RpcError& e) {
    EXPECT_EQ(e.code(), ErrorCode::unauthorized);
    EXPECT_NE(std::string(e.what()).find(kLabWritable), std::string::npos) << e.what();
  }
  EXPECT_EQ(broker_->entries("E:\\ok.pbk").size(), 1u);
  expect_nothing_leaked();
}

// The all-users phonebook (no phonebook, or the path RAS reports for it) is RAS's own,
// in a folder only administrators can write: it is never the host's to judge.
TEST_F(PhonebookTrustTest, TheSystemPhonebookIsNotChecked) {
  make(kOfficeVpn);
  EXPECT_TRUE(spawn(broker_->dial(dial_params("Office VPN"), admin()))->value);
  auto system = dial_params("Office VPN");
  system.phonebook = std::string(sim::kSystemPhonebook);
  EXPECT_TRUE(spawn(broker_->dial(system, admin()))->value);
  EXPECT_EQ(broker_->entries("").size(), 1u);
  EXPECT_TRUE(trust_asked_.empty());
  expect_nothing_leaked();
}

// The rules of the check itself, without RAS.
TEST(PhonebooksTrust, OnlyConfiguredFilesAreCheckedAsNamed) {
  std::vector<std::string> asked;
  broker::Phonebooks phonebooks({"C:\\Pbk\\A.pbk"}, [&](const std::string& path) -> std::optional<std::string> {
    asked.push_back(path);
    return std::nullopt;
  });
  EXPECT_FALSE(phonebooks.untrusted(""));
  EXPECT_FALSE(phonebooks.untrusted("C:\\Other.pbk"));  // not configured: allowed() refuses it, or RAS owns it
  EXPECT_TRUE(asked.empty());
  EXPECT_FALSE(phonebooks.untrusted("c:\\pbk\\a.PBK"));
  EXPECT_EQ(asked, std::vector<std::string>{"c:\\pbk\\a.PBK"});  // the spelling RAS would be given
}

TEST(PhonebooksTrust, NoCheckOrAFailingCheckMeansUntrusted) {
  broker::Phonebooks unchecked({"C:\\a.pbk"}, {});
  EXPECT_EQ(unchecked.untrusted("C:\\a.pbk"), "C:\\a.pbk cannot be checked: this host has no check");
  broker::Phonebooks throwing({"C:\\a.pbk"}, [](const std::string&) -> std::optional<std::string> {
    throw std::runtime_error("out of handles");
  });
  EXPECT_EQ(throwing.untrusted("C:\\a.pbk"), "C:\\a.pbk cannot be checked: out of handles");
}

TEST(PhonebooksTrust, TheReasonIsMadePrintable) {
  broker::Phonebooks phonebooks({"C:\\a.pbk"}, [](const std::string&) -> std::optional<std::string> {
    return "C:\\a.pbk is owned by EVIL\\x\n[fake] entry" + std::string(2000, 'y');
  });
  const auto why = phonebooks.untrusted("C:\\a.pbk");
  ASSERT_TRUE(why);
  EXPECT_EQ(why->find('\n'), std::string::npos);
  EXPECT_NE(why->find("EVIL\\x\\x0A[fake]"), std::string::npos) << *why;
  EXPECT_LE(why->size(), 515u);
}

}  // namespace
}  // namespace rasbroker::testing
