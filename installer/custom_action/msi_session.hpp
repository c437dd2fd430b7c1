#pragma once
// The custom action's only contact with msi.dll: the install session's properties in, its
// messages out. Everything the action decides is in service/install (settings_refusal).
#include <windows.h>
#include <msi.h>

#include <string>
#include <string_view>

namespace rasbroker::installer {

class MsiSession {
 public:
  // `install` is the handle msiexec passes to the custom action; msiexec closes it.
  explicit MsiSession(MSIHANDLE install) : install_(install) {}

  // The property's value in UTF-8, "" when it is not set. Throws Win32Error.
  std::string property(std::string_view name) const;

  // One line in the MSI log (INSTALLMESSAGE_INFO: the log only, never a dialog).
  void log_info(std::string_view text) const;
  // An error: in the log (/l*v, also with /qn), and shown in a message box when the
  // install has a user interface. The text is shown literally, never formatted.
  void report_error(std::string_view text) const;

 private:
  void process_message(INSTALLMESSAGE type, std::string_view text) const;

  MSIHANDLE install_;
};

}  // namespace rasbroker::installer
