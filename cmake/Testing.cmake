# rasbroker_add_gtest(<target> [<property> <value>]...): register a GoogleTest executable
# with ctest in both worlds, one ctest test per test suite (cmake/GTestSuites.cmake says
# why). The suites are listed when ctest starts, so adding a test needs no re-configure.
# Windows tests are listed and run through Wine and require the "wine" fixture.
function(rasbroker_add_gtest target)
  set(properties TIMEOUT 300 ${ARGN})
  set(timeout 60)
  if(WIN32)
    list(APPEND properties FIXTURES_REQUIRED wine)
    set(timeout 120)
  endif()
  get_property(emulator TARGET ${target} PROPERTY CROSSCOMPILING_EMULATOR)
  set(base ${CMAKE_CURRENT_BINARY_DIR}/${target})
  set(exe "$<TARGET_FILE:${target}>")
  file(GENERATE OUTPUT ${base}_suites_include.cmake CONTENT
"if(EXISTS [==[${exe}]==])
  if(NOT EXISTS [==[${base}_suites.cmake]==] OR
     NOT [==[${base}_suites.cmake]==] IS_NEWER_THAN [==[${exe}]==] OR
     NOT [==[${base}_suites.cmake]==] IS_NEWER_THAN \"\${CMAKE_CURRENT_LIST_FILE}\")
    set(GTS_EXECUTABLE [==[${exe}]==])
    set(GTS_EMULATOR [==[${emulator}]==])
    set(GTS_WORKING_DIR [==[${CMAKE_CURRENT_BINARY_DIR}]==])
    set(GTS_TIMEOUT ${timeout})
    set(GTS_PROPERTIES [==[${properties}]==])
    set(GTS_CTEST_FILE [==[${base}_suites.cmake]==])
    include([==[${PROJECT_SOURCE_DIR}/cmake/GTestSuites.cmake]==])
  endif()
  include([==[${base}_suites.cmake]==])
else()
  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)
endif()
")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${base}_suites_include.cmake)
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
