# Applies SYXFLASH_SANITIZE to everything built after this point.
if(SYXFLASH_SANITIZE)
  string(REPLACE ";" "," _syx_san "${SYXFLASH_SANITIZE}")
  add_compile_options(-fsanitize=${_syx_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_syx_san})
endif()
