#pragma once
// The simulator's state file document, shared by both hosts that keep the engine's state
// across processes: the simulated rasapi32.dll (simulator/dll/sim_host.cpp) and the Linux
// dev host (--sim-state, service/host/linux/sim_state_file.hpp). Only the document lives
// here; reading and replacing the file is each platform's own (docs/simulator.md,
// "State file"):
//   {"format": "rasbroker-sim-state", "clean": bool, "leaks": [...],
//    "engine": <Simulator::snapshot()>, "restore_error": "..." (only when there was one)}
#include <string>

#include <nlohmann/json.hpp>

#include "simulator/ledger.hpp"
#include "simulator/simulator.hpp"

namespace rasbroker::sim {

// {"leaks": [{"handle": "0x10010", "entry": "...", "problem": "..."}], "clean": bool}
nlohmann::json leak_report_json(const LeakReport& report);

// The whole document, from a fresh snapshot of `sim` (callable from its change hook).
// `restore_error`: why the previous document could not be restored ("" = it was, or there
// was none), kept in every later write so a test or a developer finds it.
nlohmann::json state_document(const Simulator& sim, const std::string& restore_error);

// Restores `sim` from a document's text (its "engine"), as a new process finds what the
// previous one left. Returns "" or why it could not (then nothing changed).
std::string restore_state_document(Simulator& sim, const std::string& text);

}  // namespace rasbroker::sim
