# Warnings for our own targets only; third-party headers come in through -isystem.
add_library(rasbroker_warnings INTERFACE)
target_compile_options(rasbroker_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(RASBROKER_WERROR)
  target_compile_options(rasbroker_warnings INTERFACE -Werror)
endif()
