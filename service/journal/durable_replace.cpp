#include "journal/durable_replace.hpp"

namespace rasbroker::journal {

std::string durable_replace(const std::filesystem::path& target, std::string_view content,
                            const std::function<void()>& before_replace) {
  const auto tmp = temporary_path(target);
  if (auto problem = platform::write_flushed(tmp, content); !problem.empty()) {
    platform::remove_quietly(tmp);
    return problem;
  }
  if (before_replace) before_replace();
  auto problem = platform::replace_flushed(tmp, target);
  // Gone when the replace worked; when it did not, the journal is as it was.
  if (!problem.empty()) platform::remove_quietly(tmp);
  return problem;
}

}  // namespace rasbroker::journal
