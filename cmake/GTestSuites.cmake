# Writes one ctest test per GoogleTest suite of an executable: included at ctest time by
# the file rasbroker_add_gtest() (cmake/Testing.cmake) generates, whenever the executable
# is newer than the list it wrote last time.
#
# Why suites and not single tests: each ctest test is a process, and starting one (an ASan
# binary's shadow memory and symbols, a TSan runtime, a Wine process) costs 0.2-0.5 s, more
# than most of our tests take. With ~1,100 tests per preset that start-up was most of the
# README's test command's ctest time; a suite runs its tests in one process, as GoogleTest
# does by default, and the tests never relied on a process of their own.
#
# Input variables: GTS_EXECUTABLE, GTS_EMULATOR (may be empty), GTS_WORKING_DIR, GTS_TIMEOUT
# (seconds for the listing), GTS_PROPERTIES (a list of property/value pairs for every
# suite's test), GTS_CTEST_FILE (written).
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND ${GTS_EMULATOR} "${GTS_EXECUTABLE}" --gtest_list_tests
                WORKING_DIRECTORY "${GTS_WORKING_DIR}"
                TIMEOUT ${GTS_TIMEOUT}
                OUTPUT_VARIABLE listing ERROR_VARIABLE listing_errors RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "listing the tests of ${GTS_EXECUTABLE} failed (${rc}):\n${listing}\n${listing_errors}")
endif()

# The listing has a suite per unindented line ("Suite." or "Prefix/Suite.  # TypeParam = T")
# and its tests indented below it. Wine may end lines with \r.
string(REPLACE "\r" "" listing "${listing}")
string(REPLACE ";" "\\;" listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")
set(content "")
set(count 0)
foreach(line IN LISTS lines)
  if(line STREQUAL "" OR line MATCHES "^ ")
    continue()
  endif()
  if(NOT line MATCHES "^([^ #]+)\\.( .*)?$")
    continue()  # GoogleTest's own chatter, e.g. "Running main() from gtest_main.cc"
  endif()
  set(suite "${CMAKE_MATCH_1}")
  if(suite MATCHES "^DISABLED_|/DISABLED_")
    continue()
  endif()
  string(APPEND content
    "add_test([==[${suite}]==] ${GTS_EMULATOR} [==[${GTS_EXECUTABLE}]==] [==[--gtest_filter=${suite}.*]==])\n"
    "set_tests_properties([==[${suite}]==] PROPERTIES WORKING_DIRECTORY [==[${GTS_WORKING_DIR}]==]")
  set(properties ${GTS_PROPERTIES})
  while(properties)
    list(POP_FRONT properties name value)
    string(APPEND content " ${name} [==[${value}]==]")
  endwhile()
  string(APPEND content ")\n")
  math(EXPR count "${count} + 1")
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${GTS_EXECUTABLE} lists no test suite:\n${listing}")
endif()
file(WRITE "${GTS_CTEST_FILE}" "${content}")
