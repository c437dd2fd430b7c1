#pragma once
// The machine PATH as a list (HKLM\...\Session Manager\Environment, value Path): what
// `rasbrokerd.exe add-to-path` / `remove-from-path` do to it, without the registry.
// The value belongs to every program on the machine: only our own entry is ever added
// or removed, every other character of the value is kept as it was.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rasbroker::install {

// Splits at ';' keeping every part, empty ones too ("a;;b;" -> a, "", b, ""): joining
// them with ';' gives the value back unchanged. An empty value is no parts.
std::vector<std::string> split_path_list(std::string_view value);

// Whether two PATH entries name the same folder as Windows would find it: without regard
// to the case of ASCII letters, to surrounding double quotes, to spaces around the entry
// or to trailing backslashes ("C:\Program Files\RasBroker\" is "c:\program files\rasbroker").
// Letters beyond ASCII compare exactly; environment variables are not expanded.
bool same_path_entry(std::string_view a, std::string_view b);

// "" when `folder` can be a PATH entry of ours, else why not: it must be absolute
// (C:\... or \\server\share\...) and hold no ';' or '"' (which would need quoting, and
// quoted entries are not found by every program that reads PATH).
std::string path_folder_problem(std::string_view folder);

// The value with ";" + `folder` appended (just `folder` when the value is empty), or
// nullopt when an entry already names `folder`. The separator is added even after a
// trailing ';', so that path_list_without gives back exactly the value before.
std::optional<std::string> path_list_with(std::string_view value, std::string_view folder);

// The value without any entry naming `folder` (all of them, should someone have added it
// twice), or nullopt when none does. The other entries, empty ones included, keep their
// text and order.
std::optional<std::string> path_list_without(std::string_view value, std::string_view folder);

}  // namespace rasbroker::install
