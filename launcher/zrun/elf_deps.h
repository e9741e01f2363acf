// ElfDeps: the dynamic-linking facts of a program file that decide which MPI library its ranks
// load: the DT_NEEDED names and the DT_RPATH / DT_RUNPATH search lists. Read from the file's
// program headers (PT_DYNAMIC, PT_LOAD), so stripped binaries without section headers work.
// ELF32 and ELF64, either byte order. Pure file parsing: no loader, no exec.
#ifndef ZMPI_LAUNCHER_ZRUN_ELF_DEPS_H_
#define ZMPI_LAUNCHER_ZRUN_ELF_DEPS_H_

#include <string>
#include <vector>

#include "common/status.h"

namespace zmpi::launcher::zrun {

struct ElfDeps {
  bool is_elf = false;              // false: a script or other non-ELF file (nothing else set)
  bool is_dynamic = false;          // has a PT_DYNAMIC segment
  std::vector<std::string> needed;  // DT_NEEDED, in order
  std::string rpath;                // DT_RPATH (searched BEFORE LD_LIBRARY_PATH), "" if none
  std::string runpath;              // DT_RUNPATH (after LD_LIBRARY_PATH; disables DT_RPATH)

  bool Needs(const std::string& soname) const;
};

// Parses `bytes`, a whole file's contents. A non-ELF file gives is_elf == false and OK; a
// truncated or inconsistent ELF file is an error (kOther) saying what is wrong.
StatusOr<ElfDeps> ParseElfDeps(const std::string& bytes);
// Reads and parses `path` (only the parts the headers point at are read).
StatusOr<ElfDeps> ReadElfDeps(const std::string& path);

// Dynamic symbols (SHT_DYNSYM) whose names start with one of the given prefixes: the ones the
// file needs from elsewhere (undefined) and the ones it offers (defined, global or weak). A file
// without section headers, or not ELF, gives empty lists; a damaged table is an error.
struct ElfSymbols {
  std::vector<std::string> undefined;
  std::vector<std::string> defined;
};
StatusOr<ElfSymbols> ParseElfSymbols(const std::string& bytes,
                                     const std::vector<std::string>& prefixes);
StatusOr<ElfSymbols> ReadElfSymbols(const std::string& path,
                                    const std::vector<std::string>& prefixes);

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_ELF_DEPS_H_
