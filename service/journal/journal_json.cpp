// The journal's JSON form. The connection itself is written as the protocol shows it
// (protocol/types.hpp), so the journal and `rasbroker get` never disagree about a field;
// the journal adds what a restart needs besides (seq, handle, credentials' names, redial).
#include "journal/journal_json.hpp"

#include <array>
#include <limits>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "rasbroker/protocol/types.hpp"

namespace rasbroker::journal {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& at, const std::string& problem) {
  throw JournalFormatError(at + ": " + problem);
}

// Reads the members of one object, naming each by its key path; members that are not
// listed are refused (the version number says what a document may contain).
class Members {
 public:
  Members(const json& object, std::string at, std::initializer_list<const char*> known) : object_(object), at_(at) {
    if (!object.is_object()) fail(at_.empty() ? "(journal)" : at_, "must be an object");
    for (const auto& [key, value] : object.items()) {
      bool listed = false;
      for (const char* k : known) listed = listed || key == k;
      if (!listed) fail(path(key), "is not a journal member");
    }
  }

  std::string path(std::string_view key) const { return at_.empty() ? std::string(key) : at_ + "." + std::string(key); }
  bool has(const char* key) const { return object_.contains(key); }

  const json& required(const char* key) const {
    const auto it = object_.find(key);
    if (it == object_.end()) fail(path(key), "is required");
    return *it;
  }
  std::uint64_t unsigned_number(const char* key, std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) const {
    const json& v = required(key);
    if (!v.is_number_unsigned()) fail(path(key), "must be a non-negative integer");
    const auto n = v.get<std::uint64_t>();
    if (n > max) fail(path(key), "must be at most " + std::to_string(max));
    return n;
  }
  std::uint32_t u32(const char* key) const {
    return static_cast<std::uint32_t>(unsigned_number(key, std::numeric_limits<std::uint32_t>::max()));
  }
  std::string string(const char* key) const {
    const json& v = required(key);
    if (!v.is_string()) fail(path(key), "must be a string");
    return v.get<std::string>();
  }
  bool boolean(const char* key) const {
    const json& v = required(key);
    if (!v.is_boolean()) fail(path(key), "must be true or false");
    return v.get<bool>();
  }

 private:
  const json& object_;
  std::string at_;
};

json record_to_json(const JournalRecord& r) {
  return {{"seq", r.seq},
          {"handle", r.handle},
          {"connection", r.info},
          {"username", r.username},
          {"domain", r.domain},
          {"password_sent", r.password_sent},
          {"redial", {{"attempts", r.redial.attempts}, {"backoff_ms", r.redial.backoff_ms}}},
          {"redials_used", r.redials_used}};
}

protocol::Connection connection_from_json(const json& j, const std::string& at) {
  try {
    return j.get<protocol::Connection>();
  } catch (const protocol::RpcError& e) {
    // The protocol's reader names the member ("\"state\" must be one of ...") and never
    // quotes a value.
    fail(at, e.what());
  }
}

JournalRecord record_from_json(const json& j, const std::string& at) {
  const Members m(j, at,
                  {"seq", "handle", "connection", "username", "domain", "password_sent", "redial", "redials_used"});
  JournalRecord r;
  r.seq = m.unsigned_number("seq");
  if (r.seq == 0) fail(m.path("seq"), "must be at least 1");
  r.handle = m.unsigned_number("handle");
  r.info = connection_from_json(m.required("connection"), m.path("connection"));
  if (r.info.id != "c" + std::to_string(r.seq)) fail(m.path("connection.id"), "must be \"c\" followed by seq");
  // An adopted connection is journalled only once the service hung it up: it owes the reaping.
  if (r.info.adopted && r.info.state != protocol::ConnectionState::hanging_up)
    fail(m.path("connection.adopted"), "must be false unless hanging_up (adopted connections are journalled only "
                                       "once the service hung them up)");
  if (r.info.state == protocol::ConnectionState::gone) {
    fail(m.path("connection.state"), "must be dialing, connected or hanging_up (a gone connection is not journalled)");
  }
  // Optional since version 1: a record without them was dialled without credentials'
  // names and without a redial policy.
  if (m.has("username")) r.username = m.string("username");
  if (m.has("domain")) r.domain = m.string("domain");
  if (m.has("password_sent")) r.password_sent = m.boolean("password_sent");
  if (m.has("redial")) {
    const Members redial(m.required("redial"), m.path("redial"), {"attempts", "backoff_ms"});
    r.redial.attempts = redial.u32("attempts");
    r.redial.backoff_ms = redial.u32("backoff_ms");
  }
  if (m.has("redials_used")) r.redials_used = m.u32("redials_used");
  return r;
}

json pin_to_json(const JournalPin& p) {
  return {{"entry", p.entry},
          {"phonebook", p.phonebook},
          {"backoff", {{"initial_ms", p.backoff.initial_ms}, {"max_ms", p.backoff.max_ms}}}};
}

JournalPin pin_from_json(const json& j, const std::string& at) {
  const Members m(j, at, {"entry", "phonebook", "backoff"});
  JournalPin p;
  p.entry = m.string("entry");
  if (p.entry.empty()) fail(m.path("entry"), "must not be empty");
  p.phonebook = m.string("phonebook");
  const Members backoff(m.required("backoff"), m.path("backoff"), {"initial_ms", "max_ms"});
  p.backoff.initial_ms = backoff.u32("initial_ms");
  p.backoff.max_ms = backoff.u32("max_ms");
  // The ranges the pin method accepts: a journal is never trusted beyond what a client could ask.
  if (p.backoff.initial_ms < protocol::kPinBackoffMinMs || p.backoff.initial_ms > protocol::kPinBackoffInitialMaxMs)
    fail(backoff.path("initial_ms"), "is out of range");
  if (p.backoff.max_ms < p.backoff.initial_ms || p.backoff.max_ms > protocol::kPinBackoffMaxMs)
    fail(backoff.path("max_ms"), "is out of range");
  return p;
}

// A document of the current version.
Journal journal_from_json(const json& document) {
  const Members m(document, "", {"version", "next_seq", "records", "pins"});
  Journal journal;
  journal.next_seq = m.unsigned_number("next_seq");
  if (journal.next_seq == 0) fail("next_seq", "must be at least 1");
  const json& records = m.required("records");
  if (!records.is_array()) fail("records", "must be an array");
  std::set<std::uint64_t> seqs;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::string at = "records[" + std::to_string(i) + "]";
    auto record = record_from_json(records[i], at);
    // Ids never repeat: every journalled id is below next_seq, and only once.
    if (record.seq >= journal.next_seq) fail(at + ".seq", "must be below next_seq");
    if (!seqs.insert(record.seq).second) fail(at + ".seq", "repeats an earlier record's seq");
    journal.records.push_back(std::move(record));
  }
  const json& pins = m.required("pins");
  if (!pins.is_array()) fail("pins", "must be an array");
  for (std::size_t i = 0; i < pins.size(); ++i)
    journal.pins.push_back(pin_from_json(pins[i], "pins[" + std::to_string(i) + "]"));
  return journal;
}

// Version 1 -> 2: the run-time pins came; a version 1 service had none.
json add_pins(json document) {
  if (document.contains("pins")) fail("pins", "is not a journal member");  // not in version 1: damaged
  document["pins"] = json::array();
  return document;
}

// kMigrations[n - 1] turns a version n document into a version n + 1 document: every older
// document is brought forward before the one reader of the current form reads it.
using Migration = json (*)(json document);
constexpr std::array<Migration, kJournalVersion - 1> kMigrations{add_pins};

json migrate_to_current(json document, std::uint32_t version) {
  for (std::uint32_t v = version; v < kJournalVersion; ++v) {
    document = kMigrations.at(v - 1)(std::move(document));
    document["version"] = v + 1;
  }
  return document;
}

}  // namespace

std::string encode_journal(const Journal& journal) {
  json records = json::array();
  for (const auto& r : journal.records) records.push_back(record_to_json(r));
  json pins = json::array();
  for (const auto& p : journal.pins) pins.push_back(pin_to_json(p));
  const json document{{"version", kJournalVersion},
                      {"next_seq", journal.next_seq},
                      {"records", std::move(records)},
                      {"pins", std::move(pins)}};
  // Invalid UTF-8 (which the service never stores) is replaced rather than failing a save.
  return document.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Journal decode_journal(std::string_view text) {
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& e) {
    // The position only: the parser's own message quotes the document.
    fail("(journal)", "is not JSON (syntax error at byte " + std::to_string(e.byte) + ")");
  } catch (const json::exception&) {
    // A number beyond a double's range (1e999) is not a syntax error but out_of_range 406,
    // whose message quotes the number: a damaged journal all the same (found by fuzzing).
    fail("(journal)", "is not JSON this service reads (a number out of range)");
  }
  if (!document.is_object()) fail("(journal)", "must be a JSON object");
  const auto version_it = document.find("version");
  if (version_it == document.end()) fail("version", "is required");
  if (!version_it->is_number_unsigned() || version_it->get<std::uint64_t>() == 0) {
    fail("version", "must be a positive integer");
  }
  const auto version = version_it->get<std::uint64_t>();
  if (version > kJournalVersion) {
    fail("version", std::to_string(version) + " is newer than this service reads (" + std::to_string(kJournalVersion) +
                        "): written by a newer rasbroker");
  }
  Journal journal = journal_from_json(migrate_to_current(std::move(document), static_cast<std::uint32_t>(version)));
  journal.version = kJournalVersion;
  return journal;
}

}  // namespace rasbroker::journal
