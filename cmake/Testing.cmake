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

# rasbroker_place_sim_dll(<target>): copies the simulated rasapi32.dll (simulator/dll)
# beside a Windows test executable. Wine loads it instead of its own stubs only with the
# DLL override rasbroker_add_gtest(... ENVIRONMENT "WINEDLLOVERRIDES=rasapi32=n,b") sets.
function(rasbroker_place_sim_dll target)
  set(dll ${CMAKE_CURRENT_BINARY_DIR}/rasapi32.dll)
  add_custom_command(OUTPUT ${dll}
                     COMMAND ${CMAKE_COMMAND} -E copy_if_different $<TARGET_FILE:rasapi32_sim> ${dll}
                     DEPENDS rasapi32_sim
                     COMMENT "Placing the simulated rasapi32.dll beside ${target}.exe")
  add_custom_target(${target}_sim_dll DEPENDS ${dll})
  add_dependencies(${target} ${target}_sim_dll)
endfunction()
