#pragma once
// English texts of the RAS (600-999) and few Win32 codes the simulator produces,
// worded like RasGetErrorString / FormatMessage on current Windows.
#include <cstdint>
#include <string>

namespace rasbroker::sim {

// The text for `code`, or "RAS error <code>" for codes without a text here.
std::string ras_error_text(std::uint32_t code);

}  // namespace rasbroker::sim
