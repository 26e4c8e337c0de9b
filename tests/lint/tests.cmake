# Lint (issue 12): no function in src/cli or src/engine over 80 lines
# (scripts/check_function_length.py, well under a second). Label: lint. Needs python3; without it
# these tests are not registered. No exceptions: split a function rather than allow it here.
find_package(Python3 COMPONENTS Interpreter QUIET)
if(NOT Python3_Interpreter_FOUND)
  message(STATUS "python3 not found: the lint tests are not registered")
  return()
endif()
set(_check "${CMAKE_SOURCE_DIR}/scripts/check_function_length.py")
file(GLOB _cli_sources CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/src/cli/*.cpp")
file(GLOB_RECURSE _engine_sources CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/src/engine/*.cpp")
add_test(NAME lint.cli_functions_at_most_80_lines
         COMMAND ${Python3_EXECUTABLE} ${_check} --max 80 ${_cli_sources})
add_test(NAME lint.engine_functions_at_most_80_lines
         COMMAND ${Python3_EXECUTABLE} ${_check} --max 80 ${_engine_sources})
# The checker itself: braces in comments, strings and raw strings do not count, a short function
# and a class pass, the long one is found with its length.
add_test(NAME lint.function_length_check_finds_a_long_function
         COMMAND ${Python3_EXECUTABLE} ${_check} --max 80
                 "${CMAKE_CURRENT_LIST_DIR}/long_function_sample.txt")
set_tests_properties(lint.function_length_check_finds_a_long_function PROPERTIES
  PASS_REGULAR_EXPRESSION "long_function_sample.txt:14: function of 82 lines \\(max 80\\): int long_one"
  FAIL_REGULAR_EXPRESSION "short_one|Short|Traceback")
set_tests_properties(lint.cli_functions_at_most_80_lines lint.engine_functions_at_most_80_lines
                     lint.function_length_check_finds_a_long_function
                     PROPERTIES LABELS lint TIMEOUT 10)
