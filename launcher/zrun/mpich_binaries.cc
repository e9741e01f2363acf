#include "launcher/zrun/mpich_binaries.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "common/log.h"

namespace zmpi::launcher::zrun {

namespace {

// The library every MPICH-ABI name resolves to.
constexpr const char kZmpiLibrary[] = "libmpi.so.12";

struct MpichName {
  const char* soname;
  const char* what;  // for messages
};

// libmpi.so.12 is upstream MPICH's own C library name (and ours); libmpich.so.12 Debian's.
constexpr MpichName kMpichNames[] = {
    {"libmpi.so.12", "MPI C library"},
    {"libmpich.so.12", "MPICH's C library"},
    {"libmpicxx.so.12", "MPICH's C++ library"},
    {"libmpichcxx.so.12", "MPICH's C++ library, as Debian names it"},
    {"libmpifort.so.12", "MPICH's Fortran library"},
    {"libmpichfort.so.12", "MPICH's Fortran library, as Debian names it"},
};

const MpichName* Find(const std::string& soname) {
  for (const MpichName& n : kMpichNames) {
    if (soname == n.soname) return &n;
  }
  return nullptr;
}

}  // namespace

bool IsMpichLibrary(const std::string& soname) { return Find(soname) != nullptr; }

// Open MPI's libraries (libmpi.so.40, libmpi_mpifh.so.40, libopen-pal.so.40, ...): another
// ABI, which zmpi cannot stand in for. Started by zrun, such a program does not see an Open
// MPI launcher and runs as N one-rank worlds that all exit 0.
bool IsOpenMpiLibrary(const std::string& soname) {
  const std::string suffix = ".so.40";
  return soname.size() > suffix.size() &&
         soname.compare(soname.size() - suffix.size(), suffix.size(), suffix) == 0 &&
         (soname.compare(0, 6, "libmpi") == 0 || soname.compare(0, 9, "libopen-r") == 0 ||
          soname.compare(0, 9, "libopen-p") == 0);
}

StatusOr<MpichSetup> PlanMpichBinary(const std::string& program, const ElfDeps& deps,
                                     const std::string& lib_dir, bool forced) {
  MpichSetup setup;
  for (const std::string& soname : deps.needed) {
    if (IsOpenMpiLibrary(soname)) {
      return Error(Code::kArg,
                   "%s needs %s, Open MPI's library: zmpi cannot stand in for it, and it would "
                   "run as one-rank worlds; rebuild it with zmpi's mpicc (or run it with "
                   "mpirun.openmpi)",
                   program.c_str(), soname.c_str());
    }
  }
  for (const std::string& soname : deps.needed) {
    const MpichName* name = Find(soname);
    if (name == nullptr) continue;
    setup.mpich_libs.push_back(soname);
    std::string path = lib_dir + "/" + soname;
    if (access(path.c_str(), R_OK) != 0) {
      return Error(Code::kArg,
                   "%s needs %s (%s), which zmpi does not provide yet (no %s): it would load "
                   "MPICH's library and run as one-rank worlds; run it with MPICH's mpiexec",
                   program.c_str(), soname.c_str(), name->what, path.c_str());
    }
  }
  // DT_RPATH is searched before LD_LIBRARY_PATH (unless DT_RUNPATH is present, which turns
  // DT_RPATH off), so an MPICH binary with one could still load MPICH's library.
  bool rpath_wins = !deps.rpath.empty() && deps.runpath.empty();
  if (forced || (!setup.mpich_libs.empty() && rpath_wins)) {
    std::string path = lib_dir + "/" + kZmpiLibrary;
    if (access(path.c_str(), R_OK) != 0) {
      return Error(Code::kArg, "--mpich-binaries: no %s", path.c_str());
    }
    setup.preload = path;
  }
  return setup;
}

StatusOr<MpichSetup> CheckProgram(const std::string& program, const std::string& path,
                                  const std::string& lib_dir, bool forced) {
  StatusOr<ElfDeps> deps = ReadElfDeps(path);
  if (!deps.ok()) {
    ZMPI_LOG(kInfo, "zrun", "%s", deps.status().message().c_str());
    deps = ElfDeps();
  }
  ZMPI_ASSIGN_OR_RETURN(MpichSetup setup, PlanMpichBinary(program, deps.value(), lib_dir, forced));
  if (!setup.mpich_libs.empty()) {
    // Not a reason to refuse: a program may never call what it references.
    StatusOr<ElfSymbols> needs = ReadElfSymbols(path, MpiSymbolPrefixes());
    StatusOr<ElfSymbols> offers = ReadElfSymbols(lib_dir + "/" + kZmpiLibrary, MpiSymbolPrefixes());
    if (needs.ok() && offers.ok()) {
      std::vector<std::string> missing = MissingMpiSymbols(needs.value(), offers.value());
      if (!missing.empty()) {
        fprintf(stderr, "zrun: %s\n", MissingSymbolsWarning(program, missing).c_str());
      }
    }
  }
  for (const std::string& lib : setup.mpich_libs) {
    ZMPI_LOG(kInfo, "zrun", "program needs %s: ranks load it from %s%s", lib.c_str(),
             lib_dir.c_str(), setup.preload.empty() ? "" : " (and preload libmpi.so.12)");
  }
  return setup;
}

const std::vector<std::string>& MpiSymbolPrefixes() {
  static const std::vector<std::string> prefixes = {"MPI_", "PMPI_", "MPIX_", "PMPIX_"};
  return prefixes;
}

std::vector<std::string> MissingMpiSymbols(const ElfSymbols& program, const ElfSymbols& library) {
  std::set<std::string> have(library.defined.begin(), library.defined.end());
  std::set<std::string> missing;
  for (const std::string& name : program.undefined) {
    if (have.count(name) == 0) missing.insert(name);
  }
  return std::vector<std::string>(missing.begin(), missing.end());
}

std::string MissingSymbolsWarning(const std::string& program,
                                  const std::vector<std::string>& missing, size_t shown) {
  std::string names;
  for (size_t i = 0; i < missing.size() && i < shown; ++i) names += (i ? ", " : "") + missing[i];
  if (missing.size() > shown) names += " and " + std::to_string(missing.size() - shown) + " more";
  return "warning: " + program + " uses " + std::to_string(missing.size()) + " MPI name" +
         (missing.size() == 1 ? "" : "s") + " zmpi does not have yet (" + names +
         "); a rank that calls one stops with 'undefined symbol'";
}

}  // namespace zmpi::launcher::zrun
