# End-to-end: a separate JACK client talks to `syxflash-cli emulate` (issue 5). Uses the private
# JACK server fixture of tests/transport/tests.cmake (fixture syxflash_jack, server name in
# SYXFLASH_JACK_SERVER). That file is included after this one, so the registration is deferred to
# the end of the directory. Without the fixture the test skips unless a JACK server runs.
function(_syx_register_emulate_jack_test)
  if(NOT SYXFLASH_JACK_TESTS OR NOT TARGET syxflash_transport_tests)
    return()
  endif()
  add_test(NAME jack.emulate_little_phatty
           COMMAND syxflash_transport_tests --gtest_also_run_disabled_tests
                   --gtest_filter=EmulateOverJack.*)
  set_tests_properties(jack.emulate_little_phatty PROPERTIES LABELS jack TIMEOUT 60
                       SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
  if(DEFINED SYXFLASH_JACK_SERVER)
    set_tests_properties(jack.emulate_little_phatty PROPERTIES
      FIXTURES_REQUIRED syxflash_jack RUN_SERIAL TRUE
      ENVIRONMENT "JACK_DEFAULT_SERVER=${SYXFLASH_JACK_SERVER}")
  endif()
endfunction()
cmake_language(DEFER CALL _syx_register_emulate_jack_test)
