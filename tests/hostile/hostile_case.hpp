#pragma once
// The hostile-input suite's table: every case says what a client sends and what the
// service must answer, portable over both transports. Two drivers run it against the
// service core in-process — natively over the dev host's Unix socket
// (native_hostile_test.cpp, also under ASan/UBSan and TSan) and over the real named pipe
// under Wine (windows_hostile_test.cpp) — and after every case check that another client
// is served, that the service stops cleanly and that the simulator's ledger is clean.
#include <chrono>
#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hostile_link.hpp"

namespace rasbroker::hostile {

// The sizes of the heavy cases: full natively, smaller under sanitizers and under Wine
// (the test binary says which it is) so the suite stays a few tens of seconds.
struct HostileScale {
  std::size_t huge_line_bytes = 100u * 1024 * 1024;  // "100 MB without a newline"
  int vanishing_clients = 1000;                      // connect-and-vanish
  std::size_t unread_bytes = 16u * 1024 * 1024;      // requests a never-reading client sends at most
};

// The service every case runs against (configured by the driver; see kHostileConfig).
struct HostileTarget {
  std::string endpoint;  // socket path or pipe name
  HostileScale scale;
  std::chrono::milliseconds first_request_timeout;
  HostileLink connect() const { return HostileLink(endpoint); }
};

// The service's configuration in every case: few places, so "more than max_clients" is
// cheap, and one user may hold them all.
inline constexpr int kMaxClients = 6;
nlohmann::json hostile_config();
// The first-request timeout the drivers give the service (short, so silence is cheap).
inline constexpr std::chrono::milliseconds kFirstRequestTimeout{1000};

// One answer line: compared whole with `exact`, or, when `check` is set, given to it
// (it returns what is wrong, "" when nothing is).
struct Reply {
  nlohmann::json exact;
  std::function<std::string(const nlohmann::json&)> check;
};

struct HostileCase {
  std::string klass;  // bytes, framing, json, envelope, batch, notification, params, names, connection
  std::string name;   // a C identifier: the test's name is klass_name
  // A case is either a list of writes (each sent as one write) with the answers that
  // must follow, in order, and nothing else — the runner then sends one more ping on
  // the same connection ("\n" first, ending any partial line) and expects its answer
  // next, unless `closes` (the service closes the connection after the answers)...
  std::vector<std::string> writes;
  std::vector<Reply> replies;
  bool closes = false;
  // ...or a script, for what writes cannot say (connections, sizes, memory).
  std::function<void(const HostileTarget&)> script;
  std::string scaled;  // how the case is scaled down under Wine or sanitizers, if it is
};

// The table, class by class (hostile_cases_*.cpp), and all of it.
std::vector<HostileCase> byte_and_framing_cases();
std::vector<HostileCase> json_and_envelope_cases();
std::vector<HostileCase> batch_and_notification_cases();
std::vector<HostileCase> parameter_and_name_cases();
std::vector<HostileCase> connection_cases();
const std::vector<HostileCase>& all_hostile_cases();

// Runs one case against `target` with gtest assertions, then checks that a new client is
// served. (The driver then stops the service and checks the simulator's ledger.)
void run_hostile_case(const HostileCase& c, const HostileTarget& target);
// gtest's name for a case, and how gtest prints one (its name, not its bytes).
std::string hostile_case_name(const HostileCase& c);
void PrintTo(const HostileCase& c, std::ostream* os);

// ---- building the table ---------------------------------------------------------------

// The request line `{"jsonrpc":"2.0","id":<id>,"method":<method>[,"params":<params>]}`
// with its '\n'; `notify`: a notification (no id).
std::string request(const nlohmann::json& id, const std::string& method, const nlohmann::json& params = nullptr);
std::string notification(const std::string& method, const nlohmann::json& params = nullptr);
std::string ping_line(const nlohmann::json& id);

Reply pong(const nlohmann::json& id);
Reply result(const nlohmann::json& id, nlohmann::json value);
Reply error(const nlohmann::json& id, int code, const std::string& message, nlohmann::json data = nullptr);
// -32602 "invalid params: <problem>" with data {"param": <param>}.
Reply param_error(const nlohmann::json& id, const std::string& param, const std::string& problem);
// -32602 without data (problems that name no single parameter).
Reply params_error(const nlohmann::json& id, const std::string& problem);
// -32601 whose message says the method does not exist, at most 300 bytes long (the exact
// quoting of the name is the log helpers' concern).
Reply no_such_method(const nlohmann::json& id);
Reply checked(std::function<std::string(const nlohmann::json&)> check);

// A case from writes and replies.
HostileCase sends(std::string klass, std::string name, std::vector<std::string> writes, std::vector<Reply> replies);

}  // namespace rasbroker::hostile
