# Warnings for the project's own targets only (third-party headers are included as SYSTEM).
function(motioncue_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
                                           -Wnon-virtual-dtor -Wno-unused-parameter)
  if(MOTIONCUE_SANITIZE)
    # GCC 12's -Wmaybe-uninitialized misfires on LibTorch's inlined headers once the sanitizers
    # change inlining (a c10::optional<Tensor> copied inside NormalizeFuncOptions, seen in
    # body/rotations.cpp); the Release build keeps the warning, and the sanitizers check at run
    # time what it guesses at.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(MOTIONCUE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
