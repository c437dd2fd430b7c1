#pragma once
// The journal's text: Journal <-> JSON (docs/operations.md, "The state journal").
// Writing always produces the current version; reading accepts every version up to
// kJournalVersion (an older document is migrated step by step to the current form before
// it is read) and refuses a newer one. Never a password: there is no member for one.
#include <stdexcept>
#include <string>
#include <string_view>

#include "journal/journal.hpp"

namespace rasbroker::journal {

// A document that cannot be read as a journal. what() names the key path of the problem
// ("records[2].info.state: ...") and never quotes a value from the document.
class JournalFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Indented JSON text (administrators may read it), ending with a line break.
std::string encode_journal(const Journal& journal);

// Throws JournalFormatError when `text` is not JSON, not a journal, invalid, or from a
// version newer than kJournalVersion. The result's version is kJournalVersion.
Journal decode_journal(std::string_view text);

}  // namespace rasbroker::journal
