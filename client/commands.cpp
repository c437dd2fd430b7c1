#include "commands.hpp"

#include <algorithm>
#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>
#include <rasbroker/protocol/entry_name.hpp>
#include <rasbroker/protocol/errors.hpp>
#include <rasbroker/protocol/methods.hpp>
#include <rasbroker/protocol/types.hpp>

#include "client_error.hpp"
#include "endpoint.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "rpc_client.hpp"

namespace rasbroker::client {

namespace {

using nlohmann::json;
using protocol::Connection;
namespace method = protocol::method;

// Reads a result with a protocol::*_from_json function: a malformed result is the
// service's fault, reported as a protocol error of the client (not as if the service
// had answered internal_error).
template <typename F>
auto decode(F&& from_json) -> decltype(from_json()) {
  try {
    return from_json();
  } catch (const std::exception& e) {
    throw ClientError(ClientError::Kind::protocol, std::string("the service sent a malformed result: ") + e.what());
  }
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::optional<std::chrono::milliseconds> wait_timeout(const std::optional<std::uint32_t>& timeout_s) {
  if (!timeout_s) return std::nullopt;  // the service's own limits apply; Ctrl-C ends the wait
  return std::chrono::milliseconds(static_cast<std::int64_t>(*timeout_s) * 1000) + kReplyGrace;
}

std::optional<std::uint32_t> timeout_ms(const std::optional<std::uint32_t>& timeout_s) {
  if (!timeout_s) return std::nullopt;
  return *timeout_s * 1000u;
}

// The RAS state of a dial on one line that is rewritten in place ('\r').
class LiveLine {
 public:
  explicit LiveLine(std::ostream& out) : out_(out) {}
  void show(const std::string& text) {
    const std::size_t w = display_width(text);
    out_ << '\r' << text;
    if (w < width_) out_ << std::string(width_ - w, ' ');
    width_ = std::max(width_, w);
    out_.flush();
    active_ = true;
  }
  void finish(const std::string& text) {
    if (active_) {
      out_ << '\r' << text;
      const std::size_t w = display_width(text);
      if (w < width_) out_ << std::string(width_ - w, ' ');
      active_ = false;
    } else {
      out_ << text;
    }
    out_ << '\n';
  }
  void abandon() {  // before an error message: end the line
    if (active_) out_ << '\n' << std::flush;
    active_ = false;
  }

 private:
  std::ostream& out_;
  std::size_t width_ = 0;
  bool active_ = false;
};

class Runner {
 public:
  Runner(const Command& cmd, const std::string& endpoint, Io& io, const TransportFactory& factory)
      : cmd_(cmd), endpoint_(endpoint), io_(io), factory_(factory) {}

  int run() {
    switch (cmd_.kind) {
      case CommandKind::dial:
      case CommandKind::rasdial_dial: return dial();
      case CommandKind::hangup:
      case CommandKind::rasdial_hangup: return hangup();
      case CommandKind::list:
      case CommandKind::rasdial_list: return list();
      case CommandKind::get: return get();
      case CommandKind::entries: return entries();
      case CommandKind::watch: return watch();
      case CommandKind::status: return status();
      case CommandKind::pin: return pin();
      case CommandKind::unpin: return unpin();
    }
    return exit_code::failure;
  }

 private:
  bool rasdial_style() const {
    return cmd_.kind == CommandKind::rasdial_dial || cmd_.kind == CommandKind::rasdial_hangup ||
           cmd_.kind == CommandKind::rasdial_list;
  }

  RpcClient& client() {
    if (!client_) {
      auto transport = factory_();
      try {
        transport->connect(endpoint_, kConnectTimeout);
      } catch (const ClientError& e) {
        if (e.kind() != ClientError::Kind::unreachable) throw;
        std::string message = std::string("cannot reach the rasbroker service: ") + e.what();
        if (!e.says_what_to_do()) message += ". " + start_service_hint();
        throw ClientError(ClientError::Kind::unreachable, std::move(message), e.says_what_to_do());
      }
      client_ = std::make_unique<RpcClient>(std::move(transport), endpoint_);
    }
    return *client_;
  }

  void print_json(const json& j) { io_.out << dump_line(j) << std::flush; }

  int dial() {
    const DialOptions& d = cmd_.dial;
    protocol::DialParams p;
    p.entry = d.entry;
    p.username = d.username;
    p.domain = d.domain;
    p.phonebook = d.phonebook;
    p.wait = d.wait ? protocol::DialWait::connected : protocol::DialWait::accepted;
    p.timeout_ms = timeout_ms(d.timeout_s);
    p.keep = d.keep;
    switch (d.password_source) {
      case PasswordSource::none: break;
      case PasswordSource::standard_input:
        if (!io_.read_password) throw ClientError(ClientError::Kind::local, "cannot read a password here");
        p.password = io_.read_password(d.password_prompt);
        break;
      case PasswordSource::literal:
        io_.err << "rasbroker: warning: a password on the command line is visible to other users of this computer "
                   "(process lists, shell history, logs). Use * instead to be prompted for it, or pipe it on "
                   "standard input.\n"
                << std::flush;
        p.password = d.literal_password;
        break;
    }

    RpcClient& rpc = client();
    LiveLine live(io_.out);
    const bool show_live = d.wait && io_.out_is_terminal && !cmd_.json && !rasdial_style();
    if (show_live) {
      try {
        rpc.on_notification([&](std::string_view m, const json& params) {
          if (m != method::connection_changed || !params.is_object() || !params.contains("connection")) return;
          try {
            const Connection c = protocol::connection_from_json(params["connection"]);
            if (!protocol::same_entry(c.entry, d.entry)) return;  // RAS may report another case
            if (c.state != protocol::ConnectionState::dialing && c.state != protocol::ConnectionState::connected) return;
            live.show(c.entry + ": " + (c.ras_state.empty() ? std::string(protocol::to_string(c.state)) : c.ras_state) +
                      "...");
          } catch (const std::exception&) {
            // A malformed notification must not spoil a dial: no live state for it.
          }
        });
        rpc.call(method::subscribe, json::object(), kReplyTimeout);
      } catch (const protocol::RpcError&) {
        // An older service without subscribe: dial without the live line.
      }
    }
    if (rasdial_style() && !cmd_.json) io_.out << "Connecting to " << d.entry << "...\n" << std::flush;

    json params = protocol::to_json(p);
    p.password.clear();
    json result;
    try {
      result = rpc.call(method::dial, std::move(params), d.wait ? wait_timeout(d.timeout_s) : kReplyTimeout);
    } catch (...) {
      live.abandon();
      throw;
    }
    const Connection c = decode([&] { return protocol::connection_from_json(result); });
    if (cmd_.json) {
      print_json(result);
    } else if (rasdial_style()) {
      io_.out << "Successfully connected to " << c.entry << ".\nCommand completed successfully.\n";
    } else if (d.wait) {
      if (c.state == protocol::ConnectionState::connected) {
        live.finish("Connected " + quoted(c.entry) + " (id " + c.id + ").");
      } else {
        live.finish(quoted(c.entry) + " (id " + c.id + ") is " + state_label(c) + ".");
      }
    } else {
      io_.out << "Dialing " << quoted(c.entry) << " (id " << c.id << "); the dial continues in the service.\n";
    }
    if (d.keep && !cmd_.json) io_.out << "Pinned " << quoted(c.entry) << ": the service keeps it connected.\n";
    return exit_code::ok;
  }

  int hangup() {
    const HangupOptions& h = cmd_.hangup;
    protocol::HangupParams p;
    p.target = h.target;
    p.wait = h.wait ? protocol::HangupWait::gone : protocol::HangupWait::issued;
    p.timeout_ms = timeout_ms(h.timeout_s);
    const json result = client().call(method::hangup, protocol::to_json(p), h.wait ? wait_timeout(h.timeout_s) : kReplyTimeout);
    const protocol::ConnectionList list = decode([&] { return protocol::connection_list_from_json(result); });
    if (!cmd_.json && result.contains("unpinned") && result["unpinned"].is_array()) {
      // An administrator's hang-up of a pinned entry's connection ends the pin (docs/client.md).
      for (const auto& entry : result["unpinned"])
        if (entry.is_string())
          io_.out << "Unpinned " << quoted(entry.get<std::string>()) << ": the service no longer keeps it connected.\n";
    }
    if (cmd_.json) {
      print_json(result);
    } else if (rasdial_style()) {
      if (list.connections.empty()) io_.out << "No connections\n";
      io_.out << "Command completed successfully.\n";
    } else if (list.connections.empty()) {
      io_.out << "No connections to hang up.\n";
    } else {
      for (const Connection& c : list.connections) {
        if (!h.wait) {
          io_.out << "Hanging up " << quoted(c.entry) << " (" << c.id << "); teardown continues in the service.\n";
        } else if (c.state == protocol::ConnectionState::gone) {
          io_.out << quoted(c.entry) << " (" << c.id << ") is gone.\n";
        } else {
          io_.out << quoted(c.entry) << " (" << c.id << ") is " << state_label(c) << ".\n";
        }
      }
    }
    return exit_code::ok;
  }

  // A request answered with one result: with --json printed as it came, otherwise
  // decoded (a malformed result is a protocol error) and formatted for people.
  template <typename FromJson, typename Format>
  int show(std::string_view name, json params, FromJson from_json, Format format) {
    const json result = client().call(name, std::move(params), kReplyTimeout);
    const auto value = decode([&] { return from_json(result); });
    if (cmd_.json) {
      print_json(result);
    } else {
      io_.out << format(value);
    }
    return exit_code::ok;
  }

  int list() {
    return show(method::list, json::object(), protocol::connection_list_from_json,
                [this](const protocol::ConnectionList& result) {
                  return rasdial_style() ? format_rasdial_list(result.connections)
                                         : format_connection_table(result.connections) +
                                               format_pins(result.pins, std::chrono::system_clock::now());
                });
  }

  int get() {
    return show(method::get, protocol::to_json(cmd_.get_target), protocol::connection_from_json,
                format_connection_details);
  }

  int entries() {
    protocol::EntriesParams p;
    p.phonebook = cmd_.phonebook;
    return show(method::entries, protocol::to_json(p), protocol::entries_result_from_json, format_entries);
  }

  int status() {
    return show(method::status, json::object(), protocol::status_result_from_json,
                [this](const protocol::StatusResult& s) { return format_status(s, endpoint_); });
  }

  int pin() {
    protocol::PinParams p;
    p.entry = cmd_.pin_entry;
    p.phonebook = cmd_.phonebook;
    return show(protocol::method::pin, protocol::to_json(p), protocol::pin_from_json, [](const protocol::Pin& pin) {
      return "Pinned " + quoted(pin.entry) + ": " + protocol::describe(pin, std::chrono::system_clock::now()) + ".\n";
    });
  }

  int unpin() {
    return show(protocol::method::unpin, protocol::to_json(protocol::UnpinParams{cmd_.pin_entry}),
                protocol::unpin_result_from_json, [](const protocol::UnpinResult& r) {
                  if (!r.pin) return "Unpinned " + quoted(r.entry) + " (any connection of it stays up).\n";
                  return quoted(r.entry) + " is pinned by the service's configuration: " +
                         protocol::describe(*r.pin, std::chrono::system_clock::now()) + ".\n";
                });
  }

  int watch() {
    RpcClient& rpc = client();
    rpc.on_notification([&](std::string_view m, const json& params) {
      if (m != method::connection_changed) return;
      if (!params.is_object() || !params.contains("connection")) {
        throw ClientError(ClientError::Kind::protocol, "the service sent a connection.changed without a connection");
      }
      Connection c;
      try {
        c = protocol::connection_from_json(params["connection"]);
      } catch (const std::exception& e) {
        throw ClientError(ClientError::Kind::protocol,
                          std::string("the service sent an invalid connection.changed: ") + e.what());
      }
      const std::string now = io_.now ? io_.now() : protocol::format_rfc3339(std::chrono::system_clock::now());
      if (cmd_.json) {
        print_json({{"event", method::connection_changed}, {"received_at", now}, {"connection", params["connection"]}});
      } else {
        io_.out << format_event_line(c, now) << std::flush;
      }
    });
    rpc.call(method::subscribe, json::object(), kReplyTimeout);  // events may come before its answer
    rpc.pump_notifications();
    io_.err << "rasbroker: the service closed the connection.\n";
    return exit_code::ok;
  }

  const Command& cmd_;
  const std::string& endpoint_;
  Io& io_;
  const TransportFactory& factory_;
  std::unique_ptr<RpcClient> client_;
};

}  // namespace

int run_command(const Command& command, const std::string& endpoint, Io& io, const TransportFactory& make_transport) {
  auto report = [&](const json& doc, const std::string& message) {
    io.out.flush();
    if (command.json) {
      io.out << dump_line(doc) << std::flush;
    } else {
      io.err << "rasbroker: " << message << "\n" << std::flush;
    }
  };
  try {
    Runner runner(command, endpoint, io, make_transport);
    return runner.run();
  } catch (const protocol::RpcError& e) {
    report(error_document(e), error_message(e));
    return exit_code_for_rpc_code(static_cast<int>(e.code()));
  } catch (const ClientError& e) {
    json data = nullptr;
    if (e.kind() != ClientError::Kind::usage && e.kind() != ClientError::Kind::local) data = {{"endpoint", endpoint}};
    report(error_document(nullptr, kind_name(e.kind()), e.what(), data), e.what());
    return exit_code_for(e);
  } catch (const std::exception& e) {
    report(error_document(nullptr, kind_name(ClientError::Kind::local), e.what(), nullptr), e.what());
    return exit_code::failure;
  }
}

}  // namespace rasbroker::client
