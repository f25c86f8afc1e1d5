# Warnings for the project's own targets only (third-party headers are included as SYSTEM).
function(motioncue_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
                                           -Wnon-virtual-dtor -Wno-unused-parameter)
  if(MOTIONCUE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
