# Packaging (issue 8): build the .deb and .tar.gz with cpack, check their contents, validate the
# desktop entry and metainfo, unpack the .deb into a temporary root and run the programs from
# there, and run lintian (fails on E: lines only). Label: packaging.
option(SYXFLASH_PACKAGING_TESTS "Build and check the .deb in the tests (needs dpkg-dev, lintian, desktop-file-utils, appstream)" ON)
# Packages are made from ordinary builds; sanitizer builds (asan, tsan) skip this.
if(NOT SYXFLASH_PACKAGING_TESTS OR NOT SYXFLASH_BUILD_GUI OR SYXFLASH_SANITIZE OR APPLE OR WIN32)
  return()
endif()
add_test(NAME packaging.deb
         COMMAND ${CMAKE_COMMAND} -DBINARY_DIR=${CMAKE_BINARY_DIR} -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
                 -DVERSION=${PROJECT_VERSION} -P "${CMAKE_CURRENT_LIST_DIR}/check_package.cmake")
# cpack installs from the build tree; run alone so a parallel build step cannot race it.
set_tests_properties(packaging.deb PROPERTIES LABELS packaging TIMEOUT 600 RUN_SERIAL ON)
