#include "simulator/state_document.hpp"

#include <exception>
#include <utility>

namespace rasbroker::sim {

nlohmann::json leak_report_json(const LeakReport& report) {
  nlohmann::json leaks = nlohmann::json::array();
  for (const auto& p : report.problems) {
    leaks.push_back({{"handle", format_handle(p.handle)}, {"entry", p.entry}, {"problem", p.problem}});
  }
  return {{"leaks", std::move(leaks)}, {"clean", report.clean()}};
}

nlohmann::json state_document(const Simulator& sim, const std::string& restore_error) {
  nlohmann::json doc = leak_report_json(sim.leak_report());
  doc["format"] = "rasbroker-sim-state";
  doc["engine"] = sim.snapshot();
  if (!restore_error.empty()) doc["restore_error"] = restore_error;
  return doc;
}

std::string restore_state_document(Simulator& sim, const std::string& text) {
  try {
    sim.restore(nlohmann::json::parse(text).at("engine"));
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace rasbroker::sim
