# The real Linux MIDI stack under test (label `vm`): every tests/vm/jobs/*.sh runs as root in a
# QEMU VM booted from Debian's own kernel, with the ALSA sequencer, snd-usb-audio and USB-MIDI
# gadgets on dummy_hcd (tests/vm/vm.sh says how). The kernel + initramfs are built once by the
# `vm.prepare` fixture and cached in ~/.cache/syxflash-vm. Run: ctest --preset ci -L vm
if(NOT SYXFLASH_VM_TESTS)
  return()
endif()
set(_syx_vm "${CMAKE_CURRENT_LIST_DIR}/vm.sh")
add_test(NAME vm.prepare COMMAND bash "${_syx_vm}" prepare)
set_tests_properties(vm.prepare PROPERTIES FIXTURES_SETUP syxflash_vm LABELS vm
                                           SKIP_RETURN_CODE 77 TIMEOUT 600)
file(GLOB _syx_vm_jobs CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/jobs/*.sh")
foreach(_job IN LISTS _syx_vm_jobs)
  get_filename_component(_name "${_job}" NAME_WE)
  add_test(NAME vm.${_name}
           COMMAND bash "${_syx_vm}" run "${_job}" "${CMAKE_BINARY_DIR}/vm/${_name}"
                   "SYXFLASH_CLI=$<TARGET_FILE:syxflash-cli>" "SYXFLASH_SOURCE=${CMAKE_SOURCE_DIR}")
  # One VM at a time: each one takes a whole core (TCG), and its timing tests want it.
  set_tests_properties(vm.${_name} PROPERTIES FIXTURES_REQUIRED syxflash_vm LABELS vm
                                              SKIP_RETURN_CODE 77 RUN_SERIAL TRUE TIMEOUT 900)
endforeach()
