include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS motioncue ${MOTIONCUE_MODULE_TARGETS} motioncue_cli EXPORT motioncueTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/src/motioncue DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(EXPORT motioncueTargets NAMESPACE motioncue::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/motioncue)
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/motioncueConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/motioncueConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/motioncue)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/motioncueConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/motioncueConfig.cmake
              ${CMAKE_BINARY_DIR}/motioncueConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/motioncue)
