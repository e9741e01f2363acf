/* The body of libmpich.so.12, libmpichcxx.so.12 and libmpicxx.so.12 (compat/CMakeLists.txt):
 * nothing. Each is a library with MPICH's soname whose only content is its dependency on
 * zmpi's libmpi.so.12, so a program that needs one of MPICH's names loads zmpi, and the loader
 * finds every MPI symbol in libmpi.so.12 through the global lookup scope. A real soname (rather
 * than a symlink to libmpi.so.12) is what ldconfig caches and update-alternatives can manage. */
