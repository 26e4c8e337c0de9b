# The manifest simulations (emulator/manifest_simulation_test.cpp) take their parameters from
# firmware-manifests/ when the test program starts, but ctest only knows the tests that
# gtest_discover_tests listed after the last link. Relinking whenever a manifest is added,
# removed or edited (its id names the tests) re-runs that discovery, so the next ctest run has
# exactly the folder's simulations without touching any source. CONFIGURE_DEPENDS re-runs the
# glob on every build; the list file changes (and so relinks) only when the set of files does.
file(GLOB _syxflash_manifests CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/firmware-manifests/*.toml")
set(_syxflash_manifest_list "${CMAKE_CURRENT_BINARY_DIR}/shipped_manifests.txt")
file(CONFIGURE OUTPUT "${_syxflash_manifest_list}" CONTENT "${_syxflash_manifests}\n")
set_property(TARGET syxflash_emulator_tests APPEND PROPERTY LINK_DEPENDS
             ${_syxflash_manifests} "${_syxflash_manifest_list}")
