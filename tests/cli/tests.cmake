# End-to-end session commands over JACK against `syxflash-cli emulate` (issue 6): the DISABLED_
# FlowsOverJack tests of syxflash_cli_tests, run with the private JACK server fixture of
# tests/transport/tests.cmake (fixture syxflash_jack). That file may be included after this one,
# so the registration is deferred to the end of the directory.
function(_syx_register_flows_jack_test)
  if(NOT SYXFLASH_JACK_TESTS OR NOT TARGET syxflash_cli_tests)
    return()
  endif()
  add_test(NAME jack.flows_backup_upload
           COMMAND syxflash_cli_tests --gtest_also_run_disabled_tests
                   --gtest_filter=FlowsOverJack.*)
  set_tests_properties(jack.flows_backup_upload PROPERTIES LABELS jack TIMEOUT 120
                       SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
  if(DEFINED SYXFLASH_JACK_SERVER)
    set_tests_properties(jack.flows_backup_upload PROPERTIES
      FIXTURES_REQUIRED syxflash_jack RUN_SERIAL TRUE
      ENVIRONMENT "JACK_DEFAULT_SERVER=${SYXFLASH_JACK_SERVER}")
  endif()
endfunction()
cmake_language(DEFER CALL _syx_register_flows_jack_test)
