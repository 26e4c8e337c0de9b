# Runs the real wizard window under Xvfb (Mesa software GL) with --autopilot, then checks the
# exit code, that settings went to the XDG config dir (not beside the binary or in the working
# directory) and that every page's screenshot is there and not blank.
# -DSYXFLASH=<exe> -DCHECK=<exe> -DOUT=<dir> -DPAGES=<list> [-DSIMULATE=<id>] [-DFAULT=<spec>]
# Backups, journals and temp files go under OUT (XDG_DATA_HOME, XDG_STATE_HOME, TMPDIR), never
# into the home folder of whoever runs the tests.
# [-DDPI=<n>]           announce this display DPI (Xft.dpi, what desktops set for high-DPI screens)
# [-DSAVED_SIZE=W,H]    start with this window size saved in the settings file
# [-DEXPECT_SIZE=WxH]   the screenshots must have this size
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}/config/syxflash" "${OUT}/cwd" "${OUT}/data" "${OUT}/state" "${OUT}/tmp")
set(args --autopilot --screenshot-dir "${OUT}/screenshots")
if(SIMULATE)
  list(APPEND args --simulate "${SIMULATE}")
endif()
if(FAULT)
  list(APPEND args --fault "${FAULT}")
endif()
if(SAVED_SIZE)
  file(WRITE "${OUT}/config/syxflash/imgui.ini" "[Syxflash][Window]\nSize=${SAVED_SIZE}\n\n")
endif()
set(wrapper "")
set(server_args "-screen 0 2560x1600x24")
if(DPI)
  # GLFW reads Xft.dpi from the root window's RESOURCE_MANAGER property (what xrdb sets).
  # -noreset keeps the property after xprop disconnects.
  file(WRITE "${OUT}/with-dpi.sh"
       "#!/bin/sh\nxprop -root -f RESOURCE_MANAGER 8s -set RESOURCE_MANAGER 'Xft.dpi:	${DPI}' || exit 1\nexec \"$@\"\n")
  file(CHMOD "${OUT}/with-dpi.sh" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
  set(wrapper "${OUT}/with-dpi.sh")
  set(server_args "-noreset ${server_args}")
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env LIBGL_ALWAYS_SOFTWARE=1 "XDG_CONFIG_HOME=${OUT}/config"
          "XDG_DATA_HOME=${OUT}/data" "XDG_STATE_HOME=${OUT}/state" "TMPDIR=${OUT}/tmp"
          xvfb-run -a -s "${server_args}" ${wrapper} "${SYXFLASH}" ${args}
  WORKING_DIRECTORY "${OUT}/cwd"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "syxflash --autopilot exited with ${rc}")
endif()
if(NOT EXISTS "${OUT}/config/syxflash/imgui.ini")
  message(FATAL_ERROR "settings were not saved to \$XDG_CONFIG_HOME/syxflash/imgui.ini")
endif()
file(READ "${OUT}/config/syxflash/imgui.ini" ini)
if(NOT ini MATCHES "\\[Syxflash\\]\\[Window\\]\nSize=[0-9]+,[0-9]+")
  message(FATAL_ERROR "the window size was not saved:\n${ini}")
endif()
if(EXPECT_SIZE)
  list(GET PAGES 0 first)
  # PNG: 8-byte signature, IHDR length and type, then width and height as 32-bit big-endian.
  file(READ "${OUT}/screenshots/${first}.png" ihdr OFFSET 16 LIMIT 8 HEX)
  string(SUBSTRING "${ihdr}" 0 8 w)
  string(SUBSTRING "${ihdr}" 8 8 h)
  math(EXPR w "0x${w}")
  math(EXPR h "0x${h}")
  if(NOT "${w}x${h}" STREQUAL "${EXPECT_SIZE}")
    message(FATAL_ERROR "screenshots are ${w}x${h}, expected ${EXPECT_SIZE}")
  endif()
  message("window size ${w}x${h} as expected")
endif()
if(EXISTS "${OUT}/cwd/imgui.ini")
  message(FATAL_ERROR "imgui.ini was written to the working directory")
endif()
execute_process(COMMAND "${CHECK}" "${OUT}/screenshots" ${PAGES} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "screenshot check failed")
endif()
message("screenshots kept in ${OUT}/screenshots")
