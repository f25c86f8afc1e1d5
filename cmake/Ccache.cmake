# Use ccache when present. The sloppiness settings let ccache cache translation units that use
# the precompiled LibTorch header; base_dir makes hits independent of the checkout's location, and
# so does leaving the working directory out of the hash (ccache adds it for -g builds such as the
# sanitizer build, which would otherwise miss in every fresh clone).
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} CCACHE_NOHASHDIR=1 ${CCACHE_PROGRAM})
  message(STATUS "motioncue: using ccache (${CCACHE_PROGRAM})")
endif()
