#pragma once
// RAS's rules for phonebook entry names, written once for the service, the simulator and
// the client (docs/ras-rules.md, "Entry names").
//
// Phonebooks are INI-style files with one [Entry Name] section per entry, and Windows
// looks sections up without regard to case: "office vpn" and "Office VPN" are one entry.
// Every comparison of entry names in the project goes through same_entry / EntryNameLess.
//
// Case folding is the simple one-to-one mapping for ASCII, Latin-1, Latin Extended-A,
// Greek and Cyrillic (the scripts of the phonebooks we expect); other characters compare
// exactly. Invalid UTF-8 bytes compare as themselves.
#include <string>
#include <string_view>

namespace rasbroker::protocol {

// True when RAS would treat both names as the same phonebook entry.
bool same_entry(std::string_view a, std::string_view b) noexcept;

// A strict weak order consistent with same_entry, for std::set / std::map keys
// (transparent: lookups by std::string_view work).
struct EntryNameLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept;
};

// What RasValidateEntryName would refuse in this name, as a sentence ("" when it is
// acceptable): at least one alphanumeric character, none of | > < ? * \ / :, not
// starting with '.', no control characters. For names a client asks us to dial.
// (Names RAS reports can break the rule: a connection dialled without an entry is
// called "." followed by its phone number; selectors accept any reported name.)
std::string entry_name_problem(std::string_view name);

}  // namespace rasbroker::protocol
