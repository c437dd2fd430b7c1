// Fuzz target: the state journal's document (service/journal/journal_json.hpp), which the
// service reads back at start from a file that a crash, a full disk or a hand edit may
// have damaged. A bad document must be a JournalFormatError, never a crash or another
// exception; an accepted one is written back in the current version, and that text reads
// back to the same text (so a restart never changes what the journal says).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "journal/journal_json.hpp"

namespace rj = rasbroker::journal;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  rj::Journal journal;
  try {
    journal = rj::decode_journal(text);
  } catch (const rj::JournalFormatError&) {
    return 0;  // the documented refusal
  }
  if (journal.version != rj::kJournalVersion) std::abort();
  const std::string written = rj::encode_journal(journal);
  try {
    if (rj::encode_journal(rj::decode_journal(written)) != written) std::abort();
  } catch (const rj::JournalFormatError&) {
    std::abort();  // the service could not read what it wrote
  }
  return 0;
}
