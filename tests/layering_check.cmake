# Fails when a file in src/core (or src/emulator, which is sans-I/O too) includes something the
# pure layers must not see: RtMidi, ImGui, GLFW, threads, sleeping or the wall clock.
set(_forbidden
    "RtMidi" "imgui" "GLFW" "<thread>" "<mutex>" "<condition_variable>" "<future>" "<atomic>"
    "std::thread" "std::jthread" "this_thread" "sleep_for" "sleep_until" "system_clock"
    "steady_clock" "high_resolution_clock" "time\\(nullptr\\)" "gettimeofday" "clock_gettime"
    "transport/" "engine/" "gui/" "cli/")
set(_failures "")
foreach(_layer core emulator)
  file(GLOB_RECURSE _files "${SOURCE_DIR}/src/${_layer}/*.cpp" "${SOURCE_DIR}/src/${_layer}/*.hpp")
  foreach(_file IN LISTS _files)
    file(STRINGS "${_file}" _lines)
    set(_n 0)
    foreach(_line IN LISTS _lines)
      math(EXPR _n "${_n} + 1")
      foreach(_word IN LISTS _forbidden)
        if(_line MATCHES "${_word}")
          string(APPEND _failures "${_file}:${_n}: '${_word}' is not allowed in src/${_layer}\n")
        endif()
      endforeach()
    endforeach()
  endforeach()
endforeach()
if(_failures)
  message(FATAL_ERROR "Layering violations:\n${_failures}")
endif()
message(STATUS "src/core and src/emulator are free of I/O, threads and clocks")
