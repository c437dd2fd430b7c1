# Every dependency comes from Debian packages (scripts/install-deps.sh).
# Native builds use the packages' CMake configs. The cross build must never see
# /usr/include (glibc headers break MinGW), so it gets a staging folder holding
# only symlinks to the header-only libraries, and imported targets with the same
# names as the native ones: the rest of the tree does not care which world it is in.

if(NOT WIN32)
  find_package(Threads REQUIRED)
  find_package(nlohmann_json 3.10 REQUIRED)
  if(RASBROKER_FUZZ)
    return()  # the fuzzed parsers need JSON only
  endif()
  find_package(Boost 1.81 REQUIRED CONFIG)
  find_package(fmt REQUIRED)
  find_package(spdlog REQUIRED)
  find_package(CLI11 REQUIRED)
  find_package(GTest REQUIRED)
  return()
endif()

set(RASBROKER_STAGING_INCLUDE ${CMAKE_BINARY_DIR}/staging-include)
file(MAKE_DIRECTORY ${RASBROKER_STAGING_INCLUDE})
foreach(dir boost nlohmann spdlog fmt CLI)
  if(NOT EXISTS /usr/include/${dir})
    message(FATAL_ERROR "/usr/include/${dir} is missing: run scripts/install-deps.sh")
  endif()
  file(CREATE_LINK /usr/include/${dir} ${RASBROKER_STAGING_INCLUDE}/${dir} SYMBOLIC)
endforeach()
file(READ /usr/include/boost/version.hpp _boost_version)
if(NOT _boost_version MATCHES "#define BOOST_LIB_VERSION \"1_81\"")
  message(FATAL_ERROR "Boost 1.81 headers are required in /usr/include/boost (libboost1.81-dev)")
endif()

function(_rasbroker_header_target name)
  add_library(${name} INTERFACE IMPORTED GLOBAL)
  set_target_properties(${name} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${RASBROKER_STAGING_INCLUDE}
                                           INTERFACE_SYSTEM_INCLUDE_DIRECTORIES ${RASBROKER_STAGING_INCLUDE})
endfunction()

_rasbroker_header_target(Boost::headers)
set_property(TARGET Boost::headers APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS
             _WIN32_WINNT=0x0A00 WIN32_LEAN_AND_MEAN NOMINMAX)
set_property(TARGET Boost::headers APPEND PROPERTY INTERFACE_LINK_LIBRARIES ws2_32 mswsock)
_rasbroker_header_target(nlohmann_json::nlohmann_json)
_rasbroker_header_target(CLI11::CLI11)
# Debian's spdlog hard-codes SPDLOG_FMT_EXTERNAL: use fmt header-only, spdlog header-only.
_rasbroker_header_target(fmt::fmt)
set_property(TARGET fmt::fmt APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS FMT_HEADER_ONLY)
_rasbroker_header_target(spdlog::spdlog)
set_property(TARGET spdlog::spdlog APPEND PROPERTY INTERFACE_LINK_LIBRARIES fmt::fmt)

# GoogleTest from Debian's sources, built with the cross compiler.
set(gtest_force_shared_crt OFF CACHE BOOL "" FORCE)
set(BUILD_GMOCK ON CACHE BOOL "" FORCE)
set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
add_subdirectory(/usr/src/googletest ${CMAKE_BINARY_DIR}/googletest EXCLUDE_FROM_ALL SYSTEM)
