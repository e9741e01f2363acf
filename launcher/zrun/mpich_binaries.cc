#include "launcher/zrun/mpich_binaries.h"

#include <unistd.h>

#include <algorithm>
#include <set>

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
    {"libmpichcxx.so.12", "MPICH's C++ library (Debian name)"},
    {"libmpifort.so.12", "MPICH's Fortran library"},
    {"libmpichfort.so.12", "MPICH's Fortran library (Debian name)"},
};

const MpichName* Find(const std::string& soname) {
  for (const MpichName& n : kMpichNames) {
    if (soname == n.soname) return &n;
  }
  return nullptr;
}

}  // namespace

bool IsMpichLibrary(const std::string& soname) { return Find(soname) != nullptr; }

StatusOr<MpichSetup> PlanMpichBinary(const std::string& program, const ElfDeps& deps,
                                     const std::string& lib_dir, bool forced) {
  MpichSetup setup;
  for (const std::string& soname : deps.needed) {
    const MpichName* name = Find(soname);
    if (name == nullptr) continue;
    setup.mpich_libs.push_back(soname);
    std::string path = lib_dir + "/" + soname;
    if (access(path.c_str(), R_OK) != 0) {
      return Error(Code::kArg,
                   "%s needs %s (%s), which zmpi does not provide (no %s); it would load "
                   "another MPI and run as one-rank worlds",
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
