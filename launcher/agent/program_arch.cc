#include "launcher/agent/program_arch.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

namespace zmpi::launcher::agent {
namespace {

// e_machine values (System V ABI, ELF header) and the names `uname -m` gives.
struct MachineName {
  uint16_t machine;
  const char* name;
};
constexpr MachineName kMachines[] = {
    {3, "i686"},    {8, "mips"},     {20, "ppc"},       {21, "ppc64"}, {22, "s390x"},
    {40, "arm"},    {62, "x86_64"},  {183, "aarch64"},  {243, "riscv64"},
    {258, "loongarch64"},
};

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

}  // namespace

std::string ArchOfElfMachine(uint16_t machine) {
  for (const MachineName& m : kMachines) {
    if (m.machine == machine) return m.name;
  }
  return "elf-machine-" + std::to_string(machine);
}

std::string CanonicalArch(const std::string& arch) {
  if (arch == "amd64" || arch == "x86-64") return "x86_64";
  if (arch == "arm64") return "aarch64";
  return arch;
}

StatusOr<std::string> ProgramArch(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error(Code::kArg, "cannot open %s: %s", path.c_str(), strerror(errno));
  unsigned char h[20];
  ssize_t n;
  do {
    n = pread(fd, h, sizeof(h), 0);
  } while (n < 0 && errno == EINTR);
  const int err = errno;
  close(fd);
  if (n < 0) return Error(Code::kArg, "cannot read %s: %s", path.c_str(), strerror(err));
  if (n < 4 || memcmp(h, "\x7f" "ELF", 4) != 0) return std::string();
  if (n < static_cast<ssize_t>(sizeof(h)) || (h[5] != 1 && h[5] != 2)) {
    return Error(Code::kArg, "%s: ELF header cut short or of unknown byte order", path.c_str());
  }
  // e_machine: 2 bytes at offset 18, in the file's byte order (EI_DATA: 1 little, 2 big).
  const uint16_t machine = h[5] == 1 ? static_cast<uint16_t>(h[18] | h[19] << 8)
                                     : static_cast<uint16_t>(h[18] << 8 | h[19]);
  return ArchOfElfMachine(machine);
}

Status CheckProgramRunsHere(const std::string& path, const std::string& host_arch,
                            const std::string& host) {
  ZMPI_ASSIGN_OR_RETURN(std::string arch, ProgramArch(path));
  if (arch.empty() || arch == CanonicalArch(host_arch)) return OkStatus();
  return Error(Code::kArg, "%s is built for %s, but host %s is %s", path.c_str(), arch.c_str(),
               host.c_str(), CanonicalArch(host_arch).c_str());
}

StatusOr<std::string> ProgramForArch(const std::string& program, const std::string& arch_in,
                                     const std::map<std::string, std::string>& overrides,
                                     const std::string& host) {
  const std::string arch = CanonicalArch(arch_in);
  auto it = overrides.find(arch);
  if (it != overrides.end()) {
    ZMPI_RETURN_IF_ERROR(CheckProgramRunsHere(it->second, arch, host));
    return it->second;
  }
  ZMPI_ASSIGN_OR_RETURN(std::string own, ProgramArch(program));
  if (own.empty() || own == arch) return program;
  std::string tried;
  for (const std::string& suffix : {arch, std::string(arch == "aarch64"  ? "arm64"
                                                      : arch == "x86_64" ? "amd64"
                                                                         : "")}) {
    if (suffix.empty()) continue;
    const std::string candidate = program + "." + suffix;
    if (!Exists(candidate)) {
      if (tried.empty()) tried = "there is no " + candidate;
      continue;
    }
    StatusOr<std::string> got = ProgramArch(candidate);
    if (got.ok() && (got->empty() || *got == arch)) return candidate;
    tried = candidate + " is " + (got.ok() ? *got : got.status().message());
  }
  return Error(Code::kArg, "host %s is %s but %s is %s and %s (build one, or pass --program %s=PATH)",
               host.c_str(), arch.c_str(), program.c_str(), own.c_str(), tried.c_str(),
               arch.c_str());
}

Status AddProgramOverride(const std::string& spec, std::map<std::string, std::string>* overrides) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    return Error(Code::kArg, "--program wants ARCH=PATH (e.g. aarch64=./model.arm), got '%s'",
                 spec.c_str());
  }
  (*overrides)[CanonicalArch(spec.substr(0, eq))] = spec.substr(eq + 1);
  return OkStatus();
}

}  // namespace zmpi::launcher::agent
