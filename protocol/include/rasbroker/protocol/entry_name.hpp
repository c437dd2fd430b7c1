#pragma once
// RAS's rules for phonebook entry names, written once for the service, the simulator and
// the client (docs/ras-rules.md, "Entry names").
//
// Phonebooks are INI-style files with one [Entry Name] section per entry, and Windows
// looks sections up without regard to case: "office vpn" and "Office VPN" are one entry.
// Every comparison of entry names in the project goes through same_entry / EntryNameLess,
// or through entry_name_key where an index folds each name once.
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

// The name as RAS compares it, as bytes: two names are one entry exactly when their keys are
// equal (same_entry), and keys compare bytewise in EntryNameLess's order. Indexes of many
// names (the broker's records, the simulator's entries) fold each name once into a hash
// key instead of decoding and folding both names at every comparison of a tree walk.
// Each folded code point is written in UTF-8's form (up to 4 bytes, 21 bits, so that the
// marks of invalid bytes fit); ASCII names give their lower-case spelling.
std::string entry_name_key(std::string_view name);

// What RasValidateEntryName would refuse in this name, as a sentence ("" when it is
// acceptable): at least one alphanumeric character, none of | > < ? * \ / :, not
// starting with '.', no control characters. For names a client asks us to dial.
// (Names RAS reports can break the rule: a connection dialled without an entry is
// called "." followed by its phone number; selectors accept any reported name.)
std::string entry_name_problem(std::string_view name);

}  // namespace rasbroker::protocol
