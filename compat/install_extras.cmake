# The rest of the conventional install layout (included by compat/CMakeLists.txt): the CMake
# package (lib/cmake/zmpi), man pages (share/man/man1), the systemd unit for zrund
# (lib/systemd/system, installed but not enabled), and the Debian package (cpack -G DEB).
include(CMakePackageConfigHelpers)
set(ZMPI_CONFIG_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/zmpi)
file(RELATIVE_PATH ZMPI_CONFIG_REL_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/cmake/zmpi
     ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" ZMPI_CONFIG_REL_PREFIX "${ZMPI_CONFIG_REL_PREFIX}")
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/zmpiConfig.cmake.in
               ${ZMPI_INSTALL_STAGE}/zmpiConfig.cmake @ONLY)
write_basic_package_version_file(${ZMPI_INSTALL_STAGE}/zmpiConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${ZMPI_INSTALL_STAGE}/zmpiConfig.cmake ${ZMPI_INSTALL_STAGE}/zmpiConfigVersion.cmake
        DESTINATION ${ZMPI_CONFIG_DIR} COMPONENT compat)

install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/man/zrun.1 ${CMAKE_CURRENT_SOURCE_DIR}/man/zrund.1
              ${CMAKE_CURRENT_SOURCE_DIR}/man/mpicc.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT compat)
foreach(alias IN ITEMS mpiexec mpirun)
  file(WRITE ${ZMPI_INSTALL_STAGE}/man/${alias}.1 ".so man1/zrun.1\n")
  install(FILES ${ZMPI_INSTALL_STAGE}/man/${alias}.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
          COMPONENT compat)
endforeach()
foreach(alias IN ITEMS mpicxx mpifort)
  file(WRITE ${ZMPI_INSTALL_STAGE}/man/${alias}.1 ".so man1/mpicc.1\n")
  install(FILES ${ZMPI_INSTALL_STAGE}/man/${alias}.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
          COMPONENT compat)
endforeach()

# The unit names zrund by the prefix chosen at install time (cmake --install --prefix, or
# CPack's /opt/zmpi), so it is written by the install step itself.
install(CODE "
  set(bindir \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
  set(unitdir \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/systemd/system\")
  set(ZMPI_UNIT_BINDIR \"\${bindir}\")
  set(ZMPI_UNIT_PATH \"\${unitdir}/zrund.service\")
  configure_file(\"${CMAKE_CURRENT_SOURCE_DIR}/systemd/zrund.service.in\"
                 \"\$ENV{DESTDIR}\${unitdir}/zrund.service\" @ONLY)
  message(STATUS \"Installing: \$ENV{DESTDIR}\${unitdir}/zrund.service\")
" COMPONENT compat)

# cpack -G DEB: zmpi_<version>_<arch>.deb, everything under /opt/zmpi (it brings its own
# libmpich.so.12 and friends, so it must not sit in the system's library directory, where
# Debian's MPICH packages own those names; docs/install.md).
set(CPACK_PACKAGE_NAME zmpi)
set(CPACK_PACKAGE_VENDOR zmpi)
set(CPACK_PACKAGE_CONTACT "zmpi maintainers <zmpi@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "MPI library (MPICH ABI) with a zero-config launcher, zrun, and its agent, zrund")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /opt/zmpi)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6, libstdc++6, libpmix2, libhwloc15, libsodium23, libmdnsd1, libfabric1")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gcc, g++, gfortran")
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
