// MPICH binaries under zrun: a program linked by MPICH's compiler wrappers names MPICH's
// libraries (libmpich.so.12, libmpichcxx.so.12, ...) instead of libmpi.so.12. zmpi's library
// directory holds those sonames as empty libraries that need libmpi.so.12 (compat/), and comes
// first on the ranks' LD_LIBRARY_PATH, so such a program loads zmpi. Three cases need more,
// decided here from the program's ELF dynamic section and symbols (elf_deps.h):
// - a needed MPICH library zmpi does not provide (Fortran, for now), or any of Open MPI's
//   libraries (another ABI): refuse to start, saying so, instead of letting the loader pick
//   MPICH's or Open MPI's library and run N one-rank worlds;
// - MPI functions the program needs that zmpi does not have yet: the loader binds functions
//   lazily, so such a program starts and a rank stops with "undefined symbol" at its first
//   call; zrun says so in one warning line before the job (the program may never call them);
// - a DT_RPATH (searched before LD_LIBRARY_PATH), or --mpich-binaries for programs zrun cannot
//   read (a script that starts one): also LD_PRELOAD zmpi's libmpi.so.12, whose MPI symbols
//   then win over any MPICH library the loader still finds.
#ifndef ZMPI_LAUNCHER_ZRUN_MPICH_BINARIES_H_
#define ZMPI_LAUNCHER_ZRUN_MPICH_BINARIES_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/zrun/elf_deps.h"

namespace zmpi::launcher::zrun {

struct MpichSetup {
  std::vector<std::string> mpich_libs;  // MPICH-ABI libraries the program needs, in its order
  std::string preload;                  // a library to LD_PRELOAD, "" for none
};

// The MPICH-ABI sonames zrun recognizes (Debian's and upstream MPICH's spellings).
bool IsMpichLibrary(const std::string& soname);
// Open MPI's sonames (libmpi.so.40, libmpi_mpifh.so.40, libopen-pal.so.40, ...).
bool IsOpenMpiLibrary(const std::string& soname);

// What the ranks of a program with `deps` need, given zmpi's library directory `lib_dir` and
// whether --mpich-binaries was given. Errors (kArg) name the missing library and why; `program`
// is only used in messages.
StatusOr<MpichSetup> PlanMpichBinary(const std::string& program, const ElfDeps& deps,
                                     const std::string& lib_dir, bool forced);

// The whole check for the program at `path` (shown as `program`): reads its ELF dependencies,
// plans with PlanMpichBinary, and for an MPI program prints the missing-names warning (one
// "zrun: warning: ..." line on stderr). A file that cannot be read plans as a script: starting
// it reports what is wrong.
StatusOr<MpichSetup> CheckProgram(const std::string& program, const std::string& path,
                                  const std::string& lib_dir, bool forced);

// The name prefixes of MPI's functions and data (MPI_, PMPI_, and MPICH's MPIX_, PMPIX_).
const std::vector<std::string>& MpiSymbolPrefixes();
// The MPI names `program` needs that `library` does not define, sorted, without duplicates.
std::vector<std::string> MissingMpiSymbols(const ElfSymbols& program, const ElfSymbols& library);
// One line (no "zrun: " prefix, no newline) naming at most `shown` of `missing`.
std::string MissingSymbolsWarning(const std::string& program,
                                  const std::vector<std::string>& missing, size_t shown = 6);

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_MPICH_BINARIES_H_
