# The real Linux MIDI stack under test (label `vm`): every tests/vm/jobs/*.sh runs as root in a
# QEMU VM booted from Debian's own kernel, with the ALSA sequencer, snd-usb-audio and USB-MIDI
# gadgets on dummy_hcd (tests/vm/vm.sh says how). The kernel + initramfs are built once by the
# `vm.prepare` fixture and cached in ~/.cache/syxflash-vm. Run: ctest --preset ci -L vm
#
# One boot for all jobs (`vm.all`, tests/vm/run_jobs.sh: a clean VM between jobs, each bounded to
# SYXFLASH_VM_JOB_SECONDS, default 240 s), then one test per job (`vm.NAME`) that reports its
# verdict and time from that run; a job that failed there gets one more try alone in its own VM.
if(NOT SYXFLASH_VM_TESTS)
  return()
endif()
set(_syx_vm "${CMAKE_CURRENT_LIST_DIR}/vm.sh")
set(_syx_vm_results "${CMAKE_BINARY_DIR}/vm/all")
set(_syx_vm_env "SYXFLASH_CLI=$<TARGET_FILE:syxflash-cli>" "SYXFLASH_SOURCE=${CMAKE_SOURCE_DIR}")
if(TARGET syxflash)
  list(APPEND _syx_vm_env "SYXFLASH_GUI=$<TARGET_FILE:syxflash>")
endif()
add_test(NAME vm.prepare COMMAND bash "${_syx_vm}" prepare)
set_tests_properties(vm.prepare PROPERTIES FIXTURES_SETUP syxflash_vm LABELS vm
                                           SKIP_RETURN_CODE 77 TIMEOUT 600)
file(GLOB _syx_vm_jobs CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/jobs/*.sh")
# The gap measurement first, in the freshest VM.
list(FILTER _syx_vm_jobs EXCLUDE REGEX "/din_interface_upload\\.sh$")
if(NOT TARGET syxflash)
  # The wizard under Xvfb needs the wizard (SYXFLASH_BUILD_GUI).
  list(FILTER _syx_vm_jobs EXCLUDE REGEX "/wizard_[^/]*\\.sh$")
endif()
list(PREPEND _syx_vm_jobs "${CMAKE_CURRENT_LIST_DIR}/jobs/din_interface_upload.sh")
list(LENGTH _syx_vm_jobs _syx_vm_count)
math(EXPR _syx_vm_all_timeout "${_syx_vm_count} * 260 + 300")
add_test(NAME vm.all COMMAND bash "${_syx_vm}" run-all "${_syx_vm_results}" ${_syx_vm_jobs} --
                             ${_syx_vm_env})
# One VM at a time: each one takes a whole core (TCG), and its timing tests want it.
set_tests_properties(vm.all PROPERTIES FIXTURES_REQUIRED syxflash_vm FIXTURES_SETUP syxflash_vm_all
                                       LABELS vm SKIP_RETURN_CODE 77 RUN_SERIAL TRUE
                                       TIMEOUT ${_syx_vm_all_timeout})
foreach(_job IN LISTS _syx_vm_jobs)
  get_filename_component(_name "${_job}" NAME_WE)
  add_test(NAME vm.${_name} COMMAND bash "${_syx_vm}" check "${_syx_vm_results}" "${_job}"
                                    ${_syx_vm_env})
  set_tests_properties(vm.${_name} PROPERTIES FIXTURES_REQUIRED "syxflash_vm;syxflash_vm_all"
                                              LABELS vm SKIP_RETURN_CODE 77 RUN_SERIAL TRUE
                                              TIMEOUT 400)
endforeach()
