# The linux-fuzz preset (RASBROKER_FUZZ=ON): libFuzzer targets for every parser that reads
# text from outside (docs/security.md, "Fuzzing"), built with clang, ASan and UBSan. Only
# the libraries the targets fuzz are built: the service, client and test trees are not,
# so the preset stays a few minutes' build.
if(WIN32 OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "RASBROKER_FUZZ needs clang (libFuzzer): use the linux-fuzz preset")
endif()
if(NOT RASBROKER_SANITIZE MATCHES "address")
  message(FATAL_ERROR "RASBROKER_FUZZ runs with ASan: set RASBROKER_SANITIZE=address,undefined")
endif()

# Coverage feedback for the code under test; the targets link libFuzzer's main themselves
# (tests/fuzz/CMakeLists.txt).
add_compile_options(-fsanitize=fuzzer-no-link)

add_subdirectory(protocol)
add_subdirectory(service/core)
add_subdirectory(service/ras)
add_subdirectory(service/security)
add_subdirectory(service/config)
add_subdirectory(service/journal)
add_subdirectory(simulator)
add_subdirectory(tests/fuzz)
