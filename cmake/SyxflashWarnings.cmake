# Common warning flags for every first-party target.
function(syxflash_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                         -Wsign-conversion -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
                         -Wimplicit-fallthrough)
  if(SYXFLASH_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
