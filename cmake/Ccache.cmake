# Use ccache when present. The sloppiness settings let ccache cache translation units that use
# the precompiled LibTorch header; base_dir makes hits independent of the checkout's location.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} ${CCACHE_PROGRAM})
  message(STATUS "motioncue: using ccache (${CCACHE_PROGRAM})")
endif()
