# Warnings for our own targets only; third-party headers come in through -isystem.
add_library(rasbroker_warnings INTERFACE)
target_compile_options(rasbroker_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(RASBROKER_WERROR)
  target_compile_options(rasbroker_warnings INTERFACE -Werror)
endif()
# GCC 12 false positive on every Asio coroutine frame (awaitable_frame_base's
# class-specific operator delete): not a bug in our code or Asio's.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(rasbroker_warnings INTERFACE -Wno-mismatched-new-delete)
endif()
