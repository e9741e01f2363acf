# Toolchain for a cross build to aarch64 Linux on a Debian x86-64 host (preset `aarch64`,
# driven by tools/cross-aarch64.sh). Debian's arm64 packages serve as the target's libraries:
# those that co-install with their amd64 twins are multiarch packages in /usr/lib/aarch64-linux-gnu
# (libfabric, hwloc, libsodium, gtest); those that do not (PMIx and libmdnsd conflict with the
# amd64 ones the native build needs) are unpacked into ZMPI_AARCH64_SYSROOT by the script.
# Test programs run through qemu-user: CMAKE_CROSSCOMPILING_EMULATOR for what ctest starts
# itself, binfmt_misc (registered by the script in a private user namespace) for what a test
# program execs (zrun starting ranks).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
find_program(ZMPI_AARCH64_FC aarch64-linux-gnu-gfortran)
if(ZMPI_AARCH64_FC)
  set(CMAKE_Fortran_COMPILER ${ZMPI_AARCH64_FC})
endif()

if(NOT ZMPI_AARCH64_SYSROOT)
  set(ZMPI_AARCH64_SYSROOT "$ENV{ZMPI_AARCH64_SYSROOT}")
endif()
if(NOT ZMPI_AARCH64_SYSROOT)
  message(FATAL_ERROR "ZMPI_AARCH64_SYSROOT is not set: run tools/cross-aarch64.sh, which "
                      "unpacks the arm64 packages that do not co-install")
endif()
# Try-compiles see the same variables.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ZMPI_AARCH64_SYSROOT)

set(CMAKE_FIND_ROOT_PATH ${ZMPI_AARCH64_SYSROOT} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config reads the target's .pc files only (the unpacked ones have their paths rewritten
# into the sysroot by the script).
set(ENV{PKG_CONFIG_LIBDIR}
    "${ZMPI_AARCH64_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# The unpacked libraries are found at link time through -L/-rpath-link and at run time
# (under qemu) through an RPATH into the sysroot: these binaries are for testing here, not
# for installing elsewhere.
set(_zmpi_sysroot_lib "${ZMPI_AARCH64_SYSROOT}/usr/lib/aarch64-linux-gnu")
foreach(_kind EXE SHARED)
  string(APPEND CMAKE_${_kind}_LINKER_FLAGS_INIT
         " -L${_zmpi_sysroot_lib} -Wl,-rpath-link,${_zmpi_sysroot_lib}"
         " -Wl,-rpath,${_zmpi_sysroot_lib}")
endforeach()

find_program(ZMPI_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64 REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${ZMPI_QEMU_AARCH64})
# gtest lists a binary's tests when ctest runs it, not at build time: building needs no qemu.
set(CMAKE_GTEST_DISCOVER_TESTS_DISCOVERY_MODE PRE_TEST)
