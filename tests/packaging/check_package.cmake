# -DBINARY_DIR -DSOURCE_DIR -DVERSION; see tests.cmake.
cmake_minimum_required(VERSION 3.25)
set(work "${BINARY_DIR}/packaging-test")
file(REMOVE_RECURSE "${work}")
file(MAKE_DIRECTORY "${work}/out" "${work}/root" "${work}/home" "${work}/tgz")

foreach(tool cpack dpkg-deb desktop-file-validate appstreamcli lintian tar)
  if(tool STREQUAL "cpack")
    get_filename_component(_dir "${CMAKE_COMMAND}" DIRECTORY)
    find_program(CPACK_EXE cpack HINTS "${_dir}" REQUIRED)
  else()
    string(MAKE_C_IDENTIFIER "${tool}" _var)
    find_program(${_var}_EXE "${tool}")
    if(NOT ${_var}_EXE)
      message(FATAL_ERROR "${tool} is missing: install it with 'scripts/dev.sh deps' "
                          "(packages dpkg-dev, desktop-file-utils, appstream, lintian)")
    endif()
  endif()
endforeach()

function(run)
  cmake_parse_arguments(R "" "OUT;RC" "" ${ARGN})
  execute_process(COMMAND ${R_UNPARSED_ARGUMENTS} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(R_RC)
    set(${R_RC} "${rc}" PARENT_SCOPE)
  elseif(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${R_UNPARSED_ARGUMENTS}\n${out}${err}")
  endif()
  if(R_OUT)
    set(${R_OUT} "${out}${err}" PARENT_SCOPE)
  endif()
endfunction()

# 1. Build the packages.
# CPACK_GENERATOR is DEB;TGZ on Linux (packaging/cpack.cmake).
run(${CPACK_EXE} --config "${BINARY_DIR}/CPackConfig.cmake" -B "${work}/out")
file(GLOB deb "${work}/out/*.deb")
file(GLOB tgz "${work}/out/*.tar.gz")
list(LENGTH deb n)
if(NOT n EQUAL 1 OR NOT tgz)
  message(FATAL_ERROR "expected one .deb and one .tar.gz in ${work}/out, got: ${deb} ${tgz}")
endif()
message("built ${deb} and ${tgz}")

# 2. Contents.
set(expected
  ./usr/bin/syxflash
  ./usr/bin/syxflash-cli
  ./usr/share/applications/io.github.syxflash.desktop
  ./usr/share/metainfo/io.github.syxflash.metainfo.xml
  ./usr/share/icons/hicolor/scalable/apps/io.github.syxflash.svg
  ./usr/share/man/man1/syxflash.1.gz
  ./usr/share/man/man1/syxflash-cli.1.gz
  ./usr/share/doc/syxflash/copyright
  ./usr/share/doc/syxflash/changelog.gz)
foreach(size 16 32 48 64 128 256)
  list(APPEND expected ./usr/share/icons/hicolor/${size}x${size}/apps/io.github.syxflash.png)
endforeach()
file(GLOB manifests RELATIVE "${SOURCE_DIR}/firmware-manifests"
     "${SOURCE_DIR}/firmware-manifests/*.toml")
foreach(m IN LISTS manifests)
  list(APPEND expected ./usr/share/syxflash/firmware-manifests/${m})
endforeach()
run(${dpkg_deb_EXE} -c "${deb}" OUT listing)
foreach(path IN LISTS expected)
  string(FIND "${listing}" " ${path}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${path} is missing from the .deb:\n${listing}")
  endif()
endforeach()
list(LENGTH expected n)
message("the .deb holds all ${n} expected files")
run(${dpkg_deb_EXE} -f "${deb}" Depends OUT depends)
if(NOT depends MATCHES "libc6" OR NOT depends MATCHES "libglfw3")
  message(FATAL_ERROR "Depends looks wrong (dpkg-shlibdeps not run?): ${depends}")
endif()
message("Depends: ${depends}")

# 3. Unpack into a temporary root; validate desktop entry and metainfo from there.
set(root "${work}/root")
run(${dpkg_deb_EXE} -x "${deb}" "${root}")
run(${desktop_file_validate_EXE} "${root}/usr/share/applications/io.github.syxflash.desktop"
    OUT out)
message("desktop-file-validate: ok ${out}")
run(${appstreamcli_EXE} validate --no-net
    "${root}/usr/share/metainfo/io.github.syxflash.metainfo.xml" OUT out)
message("appstreamcli validate: ${out}")

# 4. Run the programs from the unpacked root (HOME is empty so no user manifests interfere).
set(env ${CMAKE_COMMAND} -E env "HOME=${work}/home" --unset=XDG_CONFIG_HOME)
run(${env} "${root}/usr/bin/syxflash" --version OUT out)
if(NOT out MATCHES "^syxflash ${VERSION} \\(")
  message(FATAL_ERROR "unexpected 'syxflash --version' output: ${out}")
endif()
message("${out}")
run(${env} "${root}/usr/bin/syxflash-cli" --version OUT out)
if(NOT out MATCHES "syxflash-cli ${VERSION}")
  message(FATAL_ERROR "unexpected 'syxflash-cli --version' output: ${out}")
endif()
message("${out}")

# 5. 'syxflash-cli devices' lists every shipped device. Active once firmware-manifests/*.toml
#    exist and the CLI has a 'devices' command; assumes a manifest's id is its file name
#    without .toml (true for every shipped manifest: see firmware-manifests/README.md).
run(${env} "${root}/usr/bin/syxflash-cli" --help OUT cli_help)
set(have_devices OFF)
if(cli_help MATCHES "\n  devices ")
  set(have_devices ON)
endif()
if(manifests AND NOT have_devices)
  message("syxflash-cli has no 'devices' command yet: the device-listing check is skipped")
elseif(manifests)
  run(${env} "${root}/usr/bin/syxflash-cli" devices OUT devices)
  message("syxflash-cli devices:\n${devices}")
  foreach(m IN LISTS manifests)
    string(REGEX REPLACE "\\.toml$" "" id "${m}")
    string(FIND "${devices}" "${id}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "'syxflash-cli devices' from the unpacked package does not list ${id}")
    endif()
  endforeach()
  # Prove the unpacked copy is what was read (not the source tree, which the binary also knows):
  # remove one manifest from the root and it must disappear from the list.
  list(GET manifests 0 first)
  string(REGEX REPLACE "\\.toml$" "" first_id "${first}")
  file(REMOVE "${root}/usr/share/syxflash/firmware-manifests/${first}")
  run(${env} "${root}/usr/bin/syxflash-cli" devices OUT devices RC rc)
  string(FIND "${devices}" "${first_id}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "removed ${first} from the unpacked root but 'devices' still lists "
                        "${first_id}: manifests are not found relative to the program")
  endif()
else()
  message("no firmware-manifests/*.toml in the source tree yet: 'syxflash-cli devices' check "
          "skipped")
endif()

# 6. The .tar.gz is relocatable too: bin/ and share/ side by side.
run(${tar_EXE} -xzf "${tgz}" -C "${work}/tgz")
file(GLOB tgz_cli "${work}/tgz/*/bin/syxflash-cli")
if(NOT tgz_cli)
  message(FATAL_ERROR "the .tar.gz has no bin/syxflash-cli")
endif()
run(${env} ${tgz_cli} --version OUT out)

# 7. lintian: show everything, fail on errors only.
run(${lintian_EXE} --tag-display-limit 0 "${deb}" OUT lint RC rc)
message("lintian (exit ${rc}):\n${lint}")
if(lint MATCHES "(^|\n)E: ")
  message(FATAL_ERROR "lintian reports errors")
endif()
message("packaging checks passed")
