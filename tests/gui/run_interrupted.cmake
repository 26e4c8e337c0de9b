# The app killed mid-upload (DESIGN.md §7), then started again: the second start must offer the
# interrupted update and recover it. Under one Xvfb (Mesa software GL):
#   1. syxflash --autopilot --simulate parker-midifly, killed with SIGKILL as soon as its journal
#      shows firmware messages going out (a crash, or the computer losing power);
#   2. syxflash --autopilot with no device chosen: it must take the start-up offer (Recover),
#      run the guided recovery with the journal's file and reach the end; screenshots checked.
# -DSYXFLASH=<exe> -DCHECK=<exe> -DOUT=<dir>
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}/config" "${OUT}/cwd" "${OUT}/data" "${OUT}/state" "${OUT}/tmp")
file(WRITE "${OUT}/kill-then-restart.sh" "#!/bin/sh
\"$1\" --autopilot --simulate parker-midifly > \"${OUT}/first-run.log\" 2>&1 &
pid=$!
i=0
while [ $i -lt 1200 ]; do
  if grep -qs '\"record\":\"progress\"' \"${OUT}\"/state/syxflash/journal/*.jsonl; then break; fi
  sleep 0.1
  i=$((i + 1))
done
kill -KILL $pid
wait $pid
echo \"first run killed mid-upload (after $i polls)\"
exec \"$1\" --autopilot --screenshot-dir \"${OUT}/screenshots\"
")
file(CHMOD "${OUT}/kill-then-restart.sh" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env LIBGL_ALWAYS_SOFTWARE=1 "XDG_CONFIG_HOME=${OUT}/config"
          "XDG_DATA_HOME=${OUT}/data" "XDG_STATE_HOME=${OUT}/state" "TMPDIR=${OUT}/tmp"
          xvfb-run -a -s "-screen 0 2560x1600x24" "${OUT}/kill-then-restart.sh" "${SYXFLASH}"
  WORKING_DIRECTORY "${OUT}/cwd"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the second start's autopilot exited with ${rc}")
endif()
# Started without --simulate: only the offer's Recover leads from Device straight to Recovery.
if(NOT out MATCHES "autopilot: device page shown\nautopilot: start recovery")
  message(FATAL_ERROR "the second start did not go from the offer to the recovery")
endif()
file(GLOB journals "${OUT}/state/syxflash/journal/*.jsonl")
set(resolved 0)
foreach(j IN LISTS journals)
  file(READ "${j}" text)
  if(text MATCHES "\"record\":\"resolved\"")
    math(EXPR resolved "${resolved} + 1")
  endif()
endforeach()
if(resolved EQUAL 0)
  message(FATAL_ERROR "the killed update's journal was not marked resolved after the recovery")
endif()
execute_process(COMMAND "${CHECK}" "${OUT}/screenshots" 01-device 02-recovery 03-done 04-library
                        05-tools RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "screenshot check failed")
endif()
message("screenshots kept in ${OUT}/screenshots")
