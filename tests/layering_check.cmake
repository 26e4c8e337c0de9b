# Fails when a file in src/core (or src/emulator, which is sans-I/O too) includes something the
# pure layers must not see: RtMidi, ImGui, GLFW, threads, sleeping or the wall clock.
# src/core also must not open, read, map or list files (DESIGN.md §2: core parses spans and text;
# the engine opens files and walks folders, engine/file_access.hpp): std::filesystem is allowed
# for the `path` type only.
set(_forbidden
    "RtMidi" "imgui" "GLFW" "<thread>" "<mutex>" "<condition_variable>" "<future>" "<atomic>"
    "std::thread" "std::jthread" "this_thread" "sleep_for" "sleep_until" "system_clock"
    "steady_clock" "high_resolution_clock" "time\\(nullptr\\)" "gettimeofday" "clock_gettime"
    "transport/" "engine/" "gui/" "cli/")
set(_forbidden_in_core
    "<fstream>" "fstream" "<cstdio>" "<stdio\\.h>" "FILE\\*" "fopen" "fdopen" "fread" "fwrite"
    "fclose" "<fcntl\\.h>" "<unistd\\.h>" "<sys/stat\\.h>" "<dirent\\.h>"
    "mmap" "munmap" "opendir" "readdir" "[^a-z_]open\\(" "[^a-z_]stat\\(" "fstat\\(" "lstat\\("
    "directory_iterator" "directory_entry" "namespace [A-Za-z_]+ = std::filesystem"
    "using namespace std::filesystem")
set(_failures "")
foreach(_layer core emulator)
  set(_words ${_forbidden})
  if(_layer STREQUAL "core")
    list(APPEND _words ${_forbidden_in_core})
  endif()
  file(GLOB_RECURSE _files "${SOURCE_DIR}/src/${_layer}/*.cpp" "${SOURCE_DIR}/src/${_layer}/*.hpp")
  foreach(_file IN LISTS _files)
    file(STRINGS "${_file}" _lines)
    set(_n 0)
    foreach(_line IN LISTS _lines)
      math(EXPR _n "${_n} + 1")
      foreach(_word IN LISTS _words)
        if(_line MATCHES "${_word}")
          string(APPEND _failures "${_file}:${_n}: '${_word}' is not allowed in src/${_layer}\n")
        endif()
      endforeach()
      # Any std::filesystem name but `path` (status, file_size, exists, remove, …) touches the
      # file system.
      if(_layer STREQUAL "core")
        string(REPLACE "std::filesystem::path" "" _rest "${_line}")
        if(_rest MATCHES "std::filesystem::")
          string(APPEND _failures
                 "${_file}:${_n}: std::filesystem other than 'path' is not allowed in src/core "
                 "(files are the engine's: file_access.hpp)\n")
        endif()
      endif()
    endforeach()
  endforeach()
endforeach()
if(_failures)
  message(FATAL_ERROR "Layering violations:\n${_failures}")
endif()
message(STATUS "src/core and src/emulator are free of I/O, threads and clocks; "
               "src/core opens no files")
