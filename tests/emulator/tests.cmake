# End-to-end: a separate JACK client talks to `syxflash-cli emulate` (issue 5). Needs the JACK
# server fixture from tests/transport/tests.cmake (fixture name jack_server); the test skips when
# no server answers.
if(SYXFLASH_JACK_TESTS AND TARGET syxflash_transport_tests)
  add_test(NAME jack.emulate_little_phatty
           COMMAND syxflash_transport_tests --gtest_also_run_disabled_tests
                   --gtest_filter=EmulateOverJack.*)
  set_tests_properties(jack.emulate_little_phatty PROPERTIES
    LABELS jack FIXTURES_REQUIRED jack_server TIMEOUT 60
    SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
endif()
