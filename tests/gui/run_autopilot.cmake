# Runs the real wizard window under Xvfb (Mesa software GL) with --autopilot, then checks the
# exit code, that settings went to the XDG config dir (not beside the binary or in the working
# directory) and that every page's screenshot is there and not blank.
# -DSYXFLASH=<exe> -DCHECK=<exe> -DOUT=<dir> -DPAGES=<list> [-DSIMULATE=<id>]
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}/config" "${OUT}/cwd")
set(args --autopilot --screenshot-dir "${OUT}/screenshots")
if(SIMULATE)
  list(APPEND args --simulate "${SIMULATE}")
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env LIBGL_ALWAYS_SOFTWARE=1 "XDG_CONFIG_HOME=${OUT}/config"
          xvfb-run -a -s "-screen 0 1280x800x24" "${SYXFLASH}" ${args}
  WORKING_DIRECTORY "${OUT}/cwd"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "syxflash --autopilot exited with ${rc}")
endif()
if(NOT EXISTS "${OUT}/config/syxflash/imgui.ini")
  message(FATAL_ERROR "settings were not saved to \$XDG_CONFIG_HOME/syxflash/imgui.ini")
endif()
if(EXISTS "${OUT}/cwd/imgui.ini")
  message(FATAL_ERROR "imgui.ini was written to the working directory")
endif()
execute_process(COMMAND "${CHECK}" "${OUT}/screenshots" ${PAGES} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "screenshot check failed")
endif()
message("screenshots kept in ${OUT}/screenshots")
