# GUI tests beyond the headless ones in syxflash_gui_tests (label gui).
if(NOT SYXFLASH_BUILD_GUI)
  return()
endif()

# --version needs no display.
add_test(NAME gui.version COMMAND syxflash --version)
set_tests_properties(gui.version PROPERTIES LABELS gui
                     PASS_REGULAR_EXPRESSION "^syxflash [0-9]+\\.[0-9]+\\.[0-9]+ \\(")

# Without a display the wizard says what to do instead of crashing.
add_test(NAME gui.no-display
         COMMAND ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY
                 $<TARGET_FILE:syxflash>)
set_tests_properties(gui.no-display PROPERTIES LABELS gui
                     PASS_REGULAR_EXPRESSION "no display found.*xvfb-run -a syxflash --autopilot")

if(NOT SYXFLASH_GUI_TESTS)
  return()
endif()
find_program(SYXFLASH_XVFB_RUN xvfb-run)
if(NOT SYXFLASH_XVFB_RUN)
  message(WARNING "xvfb-run not found: the real-window GUI tests are not registered "
                  "(install xvfb, or configure with -DSYXFLASH_GUI_TESTS=OFF)")
  return()
endif()

add_executable(syxflash_screenshot_check "${CMAKE_CURRENT_LIST_DIR}/screenshot_check.cpp")
target_link_libraries(syxflash_screenshot_check PRIVATE PkgConfig::STB)
syxflash_warnings(syxflash_screenshot_check)

# The real flow against each device's emulator: the pages each run visits, in order (the
# autopilot photographs a page just before leaving it, plus one picture mid-upload).
set(_upload_pages 01-device 02-connection 03-backup 04-firmware 05-confirm
                  06-upload-in-progress 07-upload 08-verify 09-done 10-library 11-tools)
# The MIDIFly cannot report its version over MIDI: Verify asks what its display shows (one
# picture of the question before the answer).
set(_display_check_pages 01-device 02-connection 03-backup 04-firmware 05-confirm
                         06-upload-in-progress 07-upload 08-verify-question 09-verify 10-done
                         11-library 12-tools)
# K-Station: syxflash cannot send its firmware (no layout known); backup, restore, done.
set(_backup_only_pages 01-device 02-connection 03-backup 04-firmware 05-done 06-library 07-tools)
# Power lost mid-upload, then the guided recovery (press Recovery, send again slower). The
# MIDIFly cannot report its state over MIDI, so the loss shows on Verify: the display check is
# answered there ("something is wrong"), which opens Recovery.
set(_recovery_pages 01-device 02-connection 03-backup 04-firmware 05-confirm
                    06-upload-in-progress 07-upload 08-verify-question 09-verify 10-recovery
                    11-done 12-library 13-tools)
set(_runs moog-little-phatty parker-midifly novation-k-station recovery-power-loss)
set(_device_moog-little-phatty moog-little-phatty)
set(_pages_moog-little-phatty ${_upload_pages})
set(_device_parker-midifly parker-midifly)
set(_pages_parker-midifly ${_display_check_pages})
set(_device_novation-k-station novation-k-station)
set(_pages_novation-k-station ${_backup_only_pages})
set(_device_recovery-power-loss parker-midifly)
set(_pages_recovery-power-loss ${_recovery_pages})
set(_fault_recovery-power-loss power-loss-at=50%)
# Screenshots are kept as test artefacts under the build tree.
foreach(_run IN LISTS _runs)
  add_test(NAME gui.autopilot.${_run}
           COMMAND ${CMAKE_COMMAND} -DSYXFLASH=$<TARGET_FILE:syxflash>
                   -DCHECK=$<TARGET_FILE:syxflash_screenshot_check>
                   -DOUT=${CMAKE_BINARY_DIR}/gui-artefacts/${_run} "-DPAGES=${_pages_${_run}}"
                   -DSIMULATE=${_device_${_run}} "-DFAULT=${_fault_${_run}}"
                   -P "${CMAKE_CURRENT_LIST_DIR}/run_autopilot.cmake")
  set_tests_properties(gui.autopilot.${_run} PROPERTIES LABELS gui TIMEOUT 400)
endforeach()
set(_pages ${_display_check_pages}) # the size runs use the MIDIFly

# Killed mid-upload, started again: the interrupted update is offered and recovered.
add_test(NAME gui.autopilot.interrupted-restart
         COMMAND ${CMAKE_COMMAND} -DSYXFLASH=$<TARGET_FILE:syxflash>
                 -DCHECK=$<TARGET_FILE:syxflash_screenshot_check>
                 -DOUT=${CMAKE_BINARY_DIR}/gui-artefacts/interrupted-restart
                 -P "${CMAKE_CURRENT_LIST_DIR}/run_interrupted.cmake")
set_tests_properties(gui.autopilot.interrupted-restart PROPERTIES LABELS gui TIMEOUT 400)

# Default size at 96 DPI; twice the size (and twice the text) at 192 DPI; a saved size restored.
set(_common -DSYXFLASH=$<TARGET_FILE:syxflash> -DCHECK=$<TARGET_FILE:syxflash_screenshot_check>
            "-DPAGES=${_pages}" -DSIMULATE=parker-midifly)
add_test(NAME gui.autopilot.default-size
         COMMAND ${CMAKE_COMMAND} ${_common} -DOUT=${CMAKE_BINARY_DIR}/gui-artefacts/default-size
                 -DEXPECT_SIZE=1100x720 -P "${CMAKE_CURRENT_LIST_DIR}/run_autopilot.cmake")
find_program(SYXFLASH_XPROP xprop)
if(SYXFLASH_XPROP)
  add_test(NAME gui.autopilot.high-dpi
           COMMAND ${CMAKE_COMMAND} ${_common} -DOUT=${CMAKE_BINARY_DIR}/gui-artefacts/high-dpi
                   -DDPI=192 -DEXPECT_SIZE=2200x1440
                   -P "${CMAKE_CURRENT_LIST_DIR}/run_autopilot.cmake")
  set_tests_properties(gui.autopilot.high-dpi PROPERTIES LABELS gui TIMEOUT 400)
else()
  message(WARNING "xprop (x11-utils) not found: gui.autopilot.high-dpi is not registered")
endif()
add_test(NAME gui.autopilot.saved-size
         COMMAND ${CMAKE_COMMAND} ${_common} -DOUT=${CMAKE_BINARY_DIR}/gui-artefacts/saved-size
                 -DSAVED_SIZE=960,640 -DEXPECT_SIZE=960x640
                 -P "${CMAKE_CURRENT_LIST_DIR}/run_autopilot.cmake")
set_tests_properties(gui.autopilot.default-size gui.autopilot.saved-size PROPERTIES LABELS gui
                     TIMEOUT 400)
