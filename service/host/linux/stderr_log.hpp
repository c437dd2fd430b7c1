#pragma once
// The dev host's log: stderr. On a terminal every line is written (and coloured) at once —
// a human watches. Redirected (a file, a pipe: the tests, the benchmark, a supervisor),
// lines are buffered and written when the logger flushes: every line of this logger
// flushes (flush_on trace), while the request audit — a clone of it with flush_on warn,
// flushed by app::LogFlusher — costs no write per request (docs/operations.md, "Logging").
#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace rasbroker::host {

std::shared_ptr<spdlog::logger> make_stderr_logger(const std::string& name);

}  // namespace rasbroker::host
