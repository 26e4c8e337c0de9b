# Transport tests that need a real MIDI system: a private JACK server started by a CTest fixture
# (DESIGN.md §9). Every test using it requires the fixture, carries the label `jack`, and gets the
# server's name through JACK_DEFAULT_SERVER so parallel build trees never share a server.
if(NOT SYXFLASH_JACK_TESTS)
  return()
endif()
find_program(SYXFLASH_JACKD jackd)
find_program(SYXFLASH_JACK_LSP jack_lsp)
if(NOT SYXFLASH_JACKD OR NOT SYXFLASH_JACK_LSP)
  message(STATUS "jackd/jack_lsp not found: JACK end-to-end tests disabled")
  return()
endif()

string(MD5 _syx_jack_hash "${CMAKE_BINARY_DIR}")
string(SUBSTRING "${_syx_jack_hash}" 0 10 _syx_jack_hash)
set(SYXFLASH_JACK_SERVER "syxflash-test-${_syx_jack_hash}")
set(_syx_jack_state "${CMAKE_BINARY_DIR}/jack-fixture")
set(_syx_jack_script "${CMAKE_CURRENT_LIST_DIR}/jack_server.sh")

add_test(NAME jack.server.start COMMAND sh "${_syx_jack_script}" start ${SYXFLASH_JACK_SERVER}
                                        "${_syx_jack_state}")
add_test(NAME jack.server.stop COMMAND sh "${_syx_jack_script}" stop ${SYXFLASH_JACK_SERVER}
                                       "${_syx_jack_state}")
set_tests_properties(jack.server.start PROPERTIES FIXTURES_SETUP syxflash_jack LABELS jack)
set_tests_properties(jack.server.stop PROPERTIES FIXTURES_CLEANUP syxflash_jack LABELS jack)

file(GLOB _syx_jack_tests CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/jack/*_test.cpp")
add_executable(syxflash_jack_tests ${_syx_jack_tests})
# The receiving peer is a separate RtMidi JACK client, so the test links RtMidi directly.
target_link_libraries(syxflash_jack_tests PRIVATE syxflash_test_support syxflash_engine
                      PkgConfig::RTMIDI GTest::gtest_main nlohmann_json::nlohmann_json)
syxflash_warnings(syxflash_jack_tests)
add_dependencies(syxflash_jack_tests syxflash-cli)
if(TARGET syxflash_gui)
  # The wizard's engine in hardware mode over JACK (flows_jack_test.cpp).
  target_link_libraries(syxflash_jack_tests PRIVATE syxflash_gui)
  target_compile_definitions(syxflash_jack_tests PRIVATE SYXFLASH_JACK_WITH_GUI=1)
endif()
# Timing is measured at the receiver: run these alone so other tests do not steal the CPU.
gtest_discover_tests(syxflash_jack_tests DISCOVERY_TIMEOUT 60
                     PROPERTIES LABELS jack FIXTURES_REQUIRED syxflash_jack RUN_SERIAL TRUE
                                ENVIRONMENT "JACK_DEFAULT_SERVER=${SYXFLASH_JACK_SERVER}"
                                TIMEOUT 120)
