# rasbroker_add_gtest(<target>): register a GoogleTest executable with ctest in both worlds.
# Windows tests are listed and run through Wine and require the "wine" fixture.
function(rasbroker_add_gtest target)
  if(WIN32)
    gtest_discover_tests(${target} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 120
                         PROPERTIES FIXTURES_REQUIRED wine TIMEOUT 300 ${ARGN})
  else()
    gtest_discover_tests(${target} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
                         PROPERTIES TIMEOUT 300 ${ARGN})
  endif()
endfunction()
