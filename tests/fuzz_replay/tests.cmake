# Every fuzzer's seeds (fuzz/seeds/<name>/, which keep the inputs fuzzers once crashed on) are
# replayed through its entry point in every test build, without libFuzzer: a regression there
# fails the README's test command, not only the nightly fuzzing in .ci/run.
file(GLOB _syx_fuzz_sources CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/fuzz/*_fuzz.cpp")
foreach(_src IN LISTS _syx_fuzz_sources)
  get_filename_component(_name "${_src}" NAME_WE)
  set(_seeds "${CMAKE_SOURCE_DIR}/fuzz/seeds/${_name}")
  if(NOT IS_DIRECTORY "${_seeds}")
    continue()
  endif()
  add_executable(${_name}_replay "${_src}" "${CMAKE_CURRENT_LIST_DIR}/replay_main.cpp")
  target_include_directories(${_name}_replay PRIVATE "${CMAKE_SOURCE_DIR}/fuzz")
  target_link_libraries(${_name}_replay PRIVATE syxflash_core syxflash_emulator)
  syxflash_warnings(${_name}_replay)
  add_test(NAME fuzz_replay.${_name} COMMAND ${_name}_replay "${_seeds}")
  set_tests_properties(fuzz_replay.${_name} PROPERTIES LABELS core)
endforeach()
