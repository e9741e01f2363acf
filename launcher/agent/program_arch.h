// Which CPU architecture a program file is built for, and the choices that follow from it in
// a job whose hosts differ: the agent refuses to exec a program of another architecture (one
// clear line instead of "Exec format error" from every rank), and zrun picks, per host
// architecture, the program to stage: `./model` for its own architecture, `./model.<arch>`
// beside it, or an explicit `--program <arch>=PATH`. Pure file inspection: reads the ELF
// header only (either byte order, ELF32 and ELF64); no exec, no loader.
#ifndef ZMPI_LAUNCHER_AGENT_PROGRAM_ARCH_H_
#define ZMPI_LAUNCHER_AGENT_PROGRAM_ARCH_H_

#include <cstdint>
#include <map>
#include <string>

#include "common/status.h"

namespace zmpi::launcher::agent {

// The name agents announce for an ELF e_machine ("x86_64", "aarch64", ...; uname -m
// spellings), or "elf-machine-<n>" for one not in the table.
std::string ArchOfElfMachine(uint16_t machine);

// Canonical spelling of an architecture name: "amd64" -> "x86_64", "arm64" -> "aarch64";
// others unchanged.
std::string CanonicalArch(const std::string& arch);

// The architecture `path` is built for: "" if it is not an ELF file (a script, which the
// kernel hands to its interpreter), an error if it cannot be read or its header is cut short.
StatusOr<std::string> ProgramArch(const std::string& path);

// OK if `path` can run on a host of `host_arch`: not ELF, or ELF of that architecture.
// Otherwise kArg with one line naming the program, its architecture, the host and the host's.
Status CheckProgramRunsHere(const std::string& path, const std::string& host_arch,
                            const std::string& host);

// zrun's choice for the hosts of one architecture. `overrides` maps canonical architecture
// names to paths (`--program aarch64=PATH`). Order: the override; `program` itself if it is
// built for `arch` (or is not ELF); `program.<arch>` (and the other spelling, e.g.
// `program.arm64`) if that file is built for `arch`. None: kArg, one line naming the host and
// what was found, e.g. "host h2 is aarch64 but ./model is x86_64 and there is no
// ./model.aarch64 (build one, or pass --program aarch64=PATH)".
StatusOr<std::string> ProgramForArch(const std::string& program, const std::string& arch,
                                     const std::map<std::string, std::string>& overrides,
                                     const std::string& host);

// Parses one `--program ARCH=PATH` value into `overrides` (ARCH canonicalized).
Status AddProgramOverride(const std::string& spec, std::map<std::string, std::string>* overrides);

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_PROGRAM_ARCH_H_
