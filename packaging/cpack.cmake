# Packaging (issue 8). Included from the top-level CMakeLists.txt after every target exists.
#   Linux:   cpack -G DEB / -G TGZ  (tested: tests/packaging/tests.cmake)
#   macOS:   cpack -G DragNDrop     (app bundle; configuration written, NOT tested)
#   Windows: cpack -G NSIS          (installer; configuration written, NOT tested)
set(_pkg "${CMAKE_CURRENT_LIST_DIR}")
set(SYXFLASH_APP_ID "io.github.syxflash")

# The device manifests are installed by the top-level CMakeLists.txt to
# share/syxflash/firmware-manifests, where the programs look first (relative to themselves).

if(UNIX AND NOT APPLE)
  install(FILES "${_pkg}/linux/${SYXFLASH_APP_ID}.desktop"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
  install(FILES "${_pkg}/linux/${SYXFLASH_APP_ID}.metainfo.xml"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")
  install(FILES "${_pkg}/icons/${SYXFLASH_APP_ID}.svg"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps")
  foreach(_size 16 32 48 64 128 256)
    install(FILES "${_pkg}/icons/${SYXFLASH_APP_ID}-${_size}.png"
            DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/${_size}x${_size}/apps"
            RENAME "${SYXFLASH_APP_ID}.png")
  endforeach()

  # Man pages and the changelog are installed gzip -9n'd (Debian policy 12.3/12.7: compressed,
  # and without a timestamp so builds are reproducible).
  find_program(SYXFLASH_GZIP gzip REQUIRED)
  set(_gz_outputs "")
  foreach(_src man/syxflash.1 man/syxflash-cli.1 changelog)
    get_filename_component(_name "${_src}" NAME)
    set(_out "${CMAKE_BINARY_DIR}/packaging/${_name}.gz")
    add_custom_command(OUTPUT "${_out}"
                       COMMAND ${CMAKE_COMMAND} -E make_directory "${CMAKE_BINARY_DIR}/packaging"
                       COMMAND "${SYXFLASH_GZIP}" -9nc "${_pkg}/${_src}" > "${_out}"
                       DEPENDS "${_pkg}/${_src}" VERBATIM)
    list(APPEND _gz_outputs "${_out}")
  endforeach()
  add_custom_target(syxflash_packaging_docs ALL DEPENDS ${_gz_outputs})
  install(FILES "${CMAKE_BINARY_DIR}/packaging/syxflash.1.gz"
                "${CMAKE_BINARY_DIR}/packaging/syxflash-cli.1.gz"
          DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
  install(FILES "${_pkg}/copyright" "${CMAKE_BINARY_DIR}/packaging/changelog.gz"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/syxflash")
elseif(APPLE)
  install(FILES "${_pkg}/LICENSE" "${_pkg}/icons/${SYXFLASH_APP_ID}.svg" DESTINATION ".")
else()
  install(FILES "${_pkg}/LICENSE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/syxflash")
endif()

set(CPACK_PACKAGE_NAME "syxflash")
set(CPACK_PACKAGE_VENDOR "The syxflash developers")
set(CPACK_PACKAGE_CONTACT "The syxflash developers <syxflash@example.invalid>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "update MIDI instruments over SysEx safely")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "syxflash")
set(CPACK_RESOURCE_FILE_LICENSE "${_pkg}/LICENSE")
set(CPACK_PACKAGE_EXECUTABLES "syxflash" "syxflash")
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/build/;/\\\\.git/")

# Debian: dependencies come from the binaries themselves (dpkg-shlibdeps, like ${shlibs:Depends}).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "sound")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The synopsis line comes from CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the long text.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "syxflash gets firmware onto MIDI instruments over System Exclusive (SysEx)
without losing presets: it backs up every preset first, checks the firmware
file against what the device expects before sending a byte, paces messages
the way the device needs them, and guides recovery of a half-flashed unit.
.
This package holds the syxflash wizard, the syxflash-cli command-line tool
and the device manifests.")

# macOS: a drag-and-drop disk image holding syxflash.app (untested; needs an .icns icon).
set(CPACK_BUNDLE_NAME "syxflash")
set(CPACK_DMG_VOLUME_NAME "syxflash ${PROJECT_VERSION}")

# Windows: an NSIS installer with a Start-menu entry (untested).
set(CPACK_NSIS_DISPLAY_NAME "syxflash")
set(CPACK_NSIS_PACKAGE_NAME "syxflash ${PROJECT_VERSION}")
set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
set(CPACK_NSIS_MODIFY_PATH ON)
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)

if(APPLE)
  set(CPACK_GENERATOR "DragNDrop;TGZ")
elseif(WIN32)
  set(CPACK_GENERATOR "NSIS;ZIP")
else()
  set(CPACK_GENERATOR "DEB;TGZ")
endif()
include(CPack)
