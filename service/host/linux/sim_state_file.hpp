#pragma once
// The dev host's simulator state across processes (--sim-state FILE), as the simulated
// rasapi32.dll keeps it under Wine: the document is simulator/state_document.hpp's, this
// is only the POSIX file. A rasbrokerd killed with SIGKILL and started again finds its
// simulated connections (connected ones still up, teardowns carrying on), and the ledger
// goes on, so the leak report at the end covers every process (docs/simulator.md,
// "State file").
#include <memory>
#include <mutex>
#include <string>

#include <spdlog/logger.h>

#include "simulator/simulator.hpp"

namespace rasbroker::host {

class SimStateFile {
 public:
  SimStateFile(std::string path, std::shared_ptr<spdlog::logger> log);

  // Restores `sim` from the file when it exists; a document that cannot be restored is
  // logged (the engine starts fresh) and named in every later write as "restore_error".
  // Then writes the file and rewrites it after every change (the engine's change hook),
  // for as long as `sim` lives.
  void attach(sim::Simulator& sim);

 private:
  void write(const sim::Simulator& sim);

  std::string path_;
  std::shared_ptr<spdlog::logger> log_;
  std::string restore_error_;
  std::mutex write_mu_;  // one write at a time, each with a fresh snapshot
};

// Replaces `path` with `contents` atomically: a reader (or the next process) finds the old
// or the new file whole, never a torn one. A temporary file beside it is renamed over it.
// Returns "" or what failed.
std::string replace_file_atomically(const std::string& path, const std::string& contents);

}  // namespace rasbroker::host
