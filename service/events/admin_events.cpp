#include "events/admin_events.hpp"

#include <algorithm>
#include <stdexcept>

#include "rasbroker/protocol/log_text.hpp"
#include "security/file_trust.hpp"

namespace rasbroker::events {

namespace {

constexpr KindInfo kKinds[] = {
    {Kind::service_started, Severity::information, 3, "service started"},
    {Kind::service_stopped, Severity::information, 1, "service stopped"},
    {Kind::start_failed, Severity::error, 2, "start failed"},
    {Kind::config_error, Severity::error, 2, "configuration error"},
    {Kind::stop_incomplete, Severity::warning, 2, "stop incomplete"},
    {Kind::internal_error, Severity::error, 1, "internal error"},
    {Kind::dial_failed, Severity::warning, 3, "dial failed"},
    {Kind::teardown_stuck, Severity::warning, 4, "teardown stuck"},
    {Kind::pin_stopped, Severity::warning, 4, "pinned entry stopped"},
    {Kind::unauthorized_request, Severity::warning, 4, "unauthorized request"},
    {Kind::pipe_squatted, Severity::error, 1, "pipe squatted"},
    {Kind::phonebook_untrusted, Severity::warning, 1, "phonebook not trusted"},
    {Kind::data_folder_unsecured, Severity::warning, 2, "data folder not secured"},
    {Kind::log_file_unavailable, Severity::warning, 1, "log file unavailable"},
    {Kind::settings_not_applied, Severity::warning, 1, "service settings not applied"},
    {Kind::journal_unusable, Severity::warning, 3, "state journal unusable"},
};

}  // namespace

std::span<const KindInfo> all_kinds() { return kKinds; }

const KindInfo& info(Kind kind) {
  const auto* it = std::find_if(std::begin(kKinds), std::end(kKinds), [kind](const KindInfo& k) { return k.kind == kind; });
  if (it == std::end(kKinds)) throw std::logic_error("events: unknown kind");
  return *it;
}

std::string insert_text(std::string_view text, std::size_t max_bytes) {
  // "%%" defused first, so that the cap holds for the result.
  std::string defused;
  defused.reserve(text.size());
  for (char c : text) {
    if (c == '%' && !defused.empty() && defused.back() == '%') defused += ' ';
    defused += c;
  }
  return security::printable(defused, max_bytes);
}

void AdminEvents::write(Kind kind, std::vector<std::string> inserts) const {
  if (!writer_) return;
  for (auto& text : inserts) text = insert_text(text);
  writer_(Event{kind, std::move(inserts)});
}

void AdminEvents::service_started(std::string_view version, std::string_view clients_on,
                                  std::string_view backend) const {
  write(Kind::service_started, {std::string(version), std::string(clients_on), std::string(backend)});
}

void AdminEvents::service_stopped(std::string_view reason) const {
  write(Kind::service_stopped, {std::string(reason)});
}

void AdminEvents::start_failed(std::uint32_t exit_code, std::string_view reason) const {
  write(Kind::start_failed, {std::to_string(exit_code), std::string(reason)});
}

void AdminEvents::config_error(std::string_view config_file, std::string_view reason) const {
  write(Kind::config_error, {std::string(config_file), std::string(reason)});
}

void AdminEvents::stop_incomplete(std::size_t pending, std::int64_t waited_ms) const {
  write(Kind::stop_incomplete, {std::to_string(pending), std::to_string(waited_ms)});
}

void AdminEvents::internal_error(std::string_view what) const { write(Kind::internal_error, {std::string(what)}); }

void AdminEvents::dial_failed(std::string_view entry, std::uint32_t ras_error, std::string_view ras_text) const {
  write(Kind::dial_failed, {protocol::quoted(entry), std::to_string(ras_error), std::string(ras_text)});
}

void AdminEvents::teardown_stuck(std::string_view entry, std::string_view id, std::int64_t after_ms,
                                 std::string_view ras_state) const {
  write(Kind::teardown_stuck, {protocol::quoted(entry), std::string(id), std::to_string(after_ms), std::string(ras_state)});
}

void AdminEvents::pin_stopped(std::string_view entry, std::uint32_t ras_error, std::string_view ras_text,
                              std::string_view advice) const {
  write(Kind::pin_stopped, {protocol::quoted(entry), std::to_string(ras_error), std::string(ras_text), std::string(advice)});
}

void AdminEvents::unauthorized_request(std::string_view method, std::int64_t pid, std::string_view user,
                                       std::string_view reason) const {
  write(Kind::unauthorized_request, {protocol::quoted(method, protocol::kMaxQuotedBytes), std::to_string(pid), std::string(user), std::string(reason)});
}

void AdminEvents::pipe_squatted(std::string_view reason) const { write(Kind::pipe_squatted, {std::string(reason)}); }

void AdminEvents::phonebook_untrusted(std::string_view reason) const {
  write(Kind::phonebook_untrusted, {std::string(reason)});
}

void AdminEvents::data_folder_unsecured(std::string_view folder, std::string_view reason) const {
  write(Kind::data_folder_unsecured, {std::string(folder), std::string(reason)});
}

void AdminEvents::log_file_unavailable(std::string_view reason) const {
  write(Kind::log_file_unavailable, {std::string(reason)});
}

void AdminEvents::settings_not_applied(std::string_view reason) const {
  write(Kind::settings_not_applied, {std::string(reason)});
}

void AdminEvents::journal_unusable(std::string_view where, std::string_view problem, std::string_view moved_to) const {
  write(Kind::journal_unusable, {std::string(where), std::string(problem), std::string(moved_to)});
}

}  // namespace rasbroker::events
