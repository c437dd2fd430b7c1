# Wine test fixture for the Windows build (see cmake/wine-fixture.sh).
# Every Windows test requires the fixture "wine"; its cleanup kills the wineserver
# at the end of the ctest run, also when tests fail.
set(RASBROKER_WINEPREFIX ${CMAKE_BINARY_DIR}/wineprefix)
set(RASBROKER_WINE_FIXTURE ${CMAKE_SOURCE_DIR}/cmake/wine-fixture.sh)
configure_file(${CMAKE_SOURCE_DIR}/cmake/wine-run.in ${CMAKE_BINARY_DIR}/wine-run
               @ONLY FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE)

add_test(NAME wine.setup COMMAND ${CMAKE_COMMAND} -E env WINEPREFIX=${RASBROKER_WINEPREFIX}
         ${RASBROKER_WINE_FIXTURE} setup)
add_test(NAME wine.cleanup COMMAND ${CMAKE_COMMAND} -E env WINEPREFIX=${RASBROKER_WINEPREFIX}
         ${RASBROKER_WINE_FIXTURE} cleanup)
set_tests_properties(wine.setup PROPERTIES FIXTURES_SETUP wine)
set_tests_properties(wine.cleanup PROPERTIES FIXTURES_CLEANUP wine)
