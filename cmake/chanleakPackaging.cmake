# Install rules and the CMake package config for find_package(chanleak).
# Included from the top-level CMakeLists.txt after lib/ (the targets exist).
#
#   cmake --install build --prefix P
#     P/lib/libchanleak-tidy.so, P/lib/libchanleak-tidy-impl.so
#     P/lib/libchanleak-rt.so, P/lib/libchanleak-rt.a (the runtime)
#     P/bin/chanleak                   (installed by tools/chanleak)
#     P/include/chanleak/**
#     P/share/doc/chanleak/            (docs/ and README.md)
#     P/lib/cmake/chanleak/chanleakConfig.cmake, ...ConfigVersion.cmake,
#                          chanleakTargets.cmake
include(CMakePackageConfigHelpers)

# The annotation macros (and the other public headers) as a target.
add_library(chanleak-annotations INTERFACE)
add_library(chanleak::annotations ALIAS chanleak-annotations)
target_include_directories(chanleak-annotations INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(chanleak-annotations PROPERTIES EXPORT_NAME annotations)

# Each shim and the module it loads go to the same directory: the shim looks
# for its -impl.so next to itself.
install(TARGETS chanleak-tidy
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT tidy)
if(TARGET chanleak-tidy-impl)
  install(TARGETS chanleak-tidy-impl
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT tidy)
endif()
install(TARGETS chanleak-analyzer
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT analyzer)
if(TARGET chanleak-analyzer-impl)
  install(TARGETS chanleak-analyzer-impl
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT analyzer)
endif()

# The runtime, linked (chanleak::rt, chanleak::rt-static) or preloaded.
install(TARGETS chanleak-rt chanleak-rt-static EXPORT chanleakTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime)
set_target_properties(chanleak-rt PROPERTIES EXPORT_NAME rt)
set_target_properties(chanleak-rt-static PROPERTIES EXPORT_NAME rt-static)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/chanleak
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT headers)
install(TARGETS chanleak-annotations EXPORT chanleakTargets COMPONENT headers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT docs)
install(FILES ${PROJECT_SOURCE_DIR}/README.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT docs OPTIONAL)

set(CHANLEAK_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/chanleak)
install(EXPORT chanleakTargets NAMESPACE chanleak::
  DESTINATION ${CHANLEAK_CMAKE_DIR} COMPONENT cmake)
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/chanleakConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/chanleakConfig.cmake
  INSTALL_DESTINATION ${CHANLEAK_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_DOCDIR)
# 0.x: a new minor version may change anything.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/chanleakConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/cmake/chanleakConfig.cmake
  ${PROJECT_BINARY_DIR}/cmake/chanleakConfigVersion.cmake
  DESTINATION ${CHANLEAK_CMAKE_DIR} COMPONENT cmake)
