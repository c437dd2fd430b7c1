#pragma once
// The machine PATH (rasbrokerd.exe add-to-path / remove-from-path): the value Path of
// HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment, kept REG_EXPAND_SZ
// (its entries use %SystemRoot% and the like). Which entry is ours and how the list
// changes is install/path_list.hpp; here only the registry and the broadcast.
#include <optional>
#include <string>

namespace rasbroker::winhost {

inline constexpr const wchar_t* kEnvironmentKey = L"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment";

// The value's text as stored (nothing expanded); nullopt when there is no such value.
// Throws Win32Error, or when the value is neither REG_EXPAND_SZ nor REG_SZ.
std::optional<std::wstring> read_machine_path();

// Appends `folder` unless an entry already names it; removes every entry naming it.
// True when the value changed; then WM_SETTINGCHANGE "Environment" is broadcast, so that
// Explorer and programs started from it afterwards see the new PATH (already running
// programs keep theirs). Throws Win32Error, or std::invalid_argument for a folder that
// cannot be a PATH entry (install::path_folder_problem).
bool add_to_machine_path(const std::wstring& folder);
bool remove_from_machine_path(const std::wstring& folder);

// The folder of the running rasbrokerd.exe: the default folder of both verbs.
std::wstring own_folder();

}  // namespace rasbroker::winhost
