#include "launcher/zrun/doctor.h"

#include <dlfcn.h>
#include <errno.h>
#include <hwloc.h>
#if ZMPI_HAVE_PMIX
#include <pmix.h>
#endif
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "common/platform/platform.h"
#include "common/platform/process_memory.h"
#include "launcher/agent/host_info.h"
#include "launcher/agent/link.h"
#include "launcher/agent/spawner.h"
#include "launcher/proto/frame_format.h"
#include "launcher/proto/key_file.h"
#include "launcher/zrun/agent_connector.h"
#include "launcher/zrun/agent_finder.h"
#include "launcher/zrun/doctor_hosts.h"
#include "launcher/zrun/elf_deps.h"
#include "launcher/zrun/job_choice.h"
#include "launcher/zrun/launch_request.h"
#include "launcher/zrun/mpich_binaries.h"

namespace zmpi::launcher::zrun {

namespace {

using L = DoctorLine;

L Line(L::Level level, std::string check, std::string what, std::string fix = "") {
  return L{level, std::move(check), std::move(what), std::move(fix)};
}

L CheckLibrary() {
  std::string lib = agent::LibraryDir() + "/libmpi.so.12";
  if (access(lib.c_str(), R_OK) != 0) {
    return Line(L::kFail, "library", lib + " is missing",
                "reinstall zmpi: zrun gives ranks the library beside its own bin/");
  }
  return Line(L::kOk, "library", lib);
}

L CheckPmix() {
#if ZMPI_HAVE_PMIX
  const char* v = PMIx_Get_version();
  return Line(L::kOk, "pmix", v != nullptr ? v : "libpmix (version unknown)");
#else
  return Line(L::kOk, "pmix", "not in this build (ZMPI_PORTABLE): ranks start over PMI-1");
#endif
}

L CheckHwloc() {
  unsigned v = hwloc_get_api_version();
  char text[64];
  snprintf(text, sizeof(text), "hwloc API %u.%u.%u", v >> 16, (v >> 8) & 0xff, v & 0xff);
  if ((v >> 16) != (HWLOC_API_VERSION >> 16)) {
    return Line(L::kFail, "hwloc", std::string(text) + ", zrun was built for another major version",
                "install the hwloc library zmpi was built with (libhwloc15 on Debian 12)");
  }
  // Ranks are bound with the platform layer's call where it has one (agent/topology.h).
  const char* call = platform::CpuBindingCall();
  return Line(L::kOk, "hwloc",
              std::string(text) + "; ranks are bound to cores with " +
                  (call != nullptr ? call : "hwloc's binding (the platform layer has no call)"));
}

// libfabric is what ranks on different hosts talk over; only its version is asked here.
L CheckLibfabric() {
  void* h = dlopen("libfabric.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (h == nullptr) {
    return Line(L::kWarn, "libfabric", "libfabric.so.1 not found: jobs on one host only",
                "apt install libfabric1 for jobs across hosts");
  }
  using VersionFn = uint32_t (*)();
  auto version = reinterpret_cast<VersionFn>(dlsym(h, "fi_version"));
  char text[64] = "libfabric (version unknown)";
  if (version != nullptr) {
    uint32_t v = version();
    snprintf(text, sizeof(text), "libfabric %u.%u", v >> 16, v & 0xffff);
  }
  dlclose(h);
  return Line(L::kOk, "libfabric", text);
}

L CheckShm() {
  struct statvfs st;
  if (statvfs(platform::ShmDirectory(), &st) != 0) {
    return Line(L::kFail, "/dev/shm", std::string("cannot use it: ") + strerror(errno),
                "mount a tmpfs on /dev/shm (ranks on one host share memory there)");
  }
  unsigned long long free_mib =
      static_cast<unsigned long long>(st.f_bavail) * st.f_frsize / (1024 * 1024);
  std::string what = std::to_string(free_mib) + " MiB free";
  if (access(platform::ShmDirectory(), W_OK) != 0) {
    return Line(L::kFail, "/dev/shm", "not writable", "make /dev/shm writable (mode 1777)");
  }
  if (free_mib < 64) {
    return Line(L::kWarn, "/dev/shm", what + " (ranks on one host need a few MiB each)",
                "mount -o remount,size=1G /dev/shm (containers: --shm-size=1g)");
  }
  return Line(L::kOk, "/dev/shm", what);
}

// Two sibling processes, as two ranks are: the reader copies a word out of the other with
// process_vm_readv after the other allowed it (PR_SET_PTRACER, as zmpi's ranks do).
L CheckSingleCopy() {
  static volatile uint64_t word = 0;
  int ready[2], done[2];
  if (pipe(ready) != 0) return Line(L::kWarn, "single-copy", "cannot test (pipe)");
  if (pipe(done) != 0) {
    close(ready[0]);
    close(ready[1]);
    return Line(L::kWarn, "single-copy", "cannot test (pipe)");
  }
  pid_t owner = fork();
  if (owner == 0) {
    word = 0x5a4d5049;
    platform::AllowMemoryAccessBySiblings();
    char b = 1;
    (void)!write(ready[1], &b, 1);
    pollfd p{done[0], POLLIN, 0};
    poll(&p, 1, 5000);
    _exit(0);
  }
  close(ready[1]);
  close(done[0]);
  std::string result = "error";
  char b;
  pollfd p{ready[0], POLLIN, 0};
  if (owner > 0 && poll(&p, 1, 5000) == 1 && read(ready[0], &b, 1) == 1) {
    int status_pipe[2];
    if (pipe(status_pipe) == 0) {
      pid_t reader = fork();
      if (reader == 0) {
        uint64_t got = 0;
        iovec local{&got, sizeof(got)};
        iovec remote{const_cast<uint64_t*>(&word), sizeof(word)};
        ssize_t n = platform::ReadProcessMemory(owner, &local, 1, &remote, 1);
        int e = n == sizeof(got) && got == 0x5a4d5049 ? 0 : (n < 0 ? errno : EIO);
        (void)!write(status_pipe[1], &e, sizeof(e));
        _exit(0);
      }
      close(status_pipe[1]);
      int e = -1;
      pollfd q{status_pipe[0], POLLIN, 0};
      if (reader > 0 && poll(&q, 1, 5000) == 1 &&
          read(status_pipe[0], &e, sizeof(e)) == sizeof(e)) {
        result = e == 0 ? "" : strerror(e);
      }
      close(status_pipe[0]);
      if (reader > 0) waitpid(reader, nullptr, 0);
    }
  }
  close(ready[0]);
  close(done[1]);  // the owner ends
  if (owner > 0) waitpid(owner, nullptr, 0);
  if (result.empty()) return Line(L::kOk, "single-copy", "process_vm_readv between ranks works");
  return Line(L::kWarn, "single-copy",
              "process_vm_readv between ranks fails (" + result +
                  "): large messages on one host take two copies",
              "sysctl kernel.yama.ptrace_scope=1 (or 0); in a container allow process_vm_readv "
              "(CAP_SYS_PTRACE or a seccomp profile that permits it)");
}

L CheckKey(const Options& o) {
  std::string path = o.key_file.empty() ? proto::KeyFile::DefaultPath() : o.key_file;
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return Line(L::kOk, "key", "no cluster key at " + path + ": jobs run on this host only",
                "for several hosts: zrun --new-key " + path + ", copy it to each host, run zrund");
  }
  StatusOr<std::unique_ptr<proto::KeyFile>> key = proto::KeyFile::Load(path);
  if (!key.ok()) return Line(L::kFail, "key", key.status().message(), "chmod 600 " + path);
  return Line(L::kOk, "key", path + " (cluster " + (*key)->ClusterId() + ")");
}

// The wire-up and network a job over the agents of `offers` gets (job_choice.h), with the
// user's ZMPI_WIREUP/ZMPI_NET (environment or -x): ok with the choice, or FAIL with the
// refusal zrun would print. Sets `*refused` then.
L CheckJobChoice(const Options& o, const std::vector<HostOffer>& offers, bool* refused) {
  std::vector<std::string> env = ForwardedEnvironment(o.env_specs);
  StatusOr<JobChoice> choice =
      ChooseForJob(offers, EnvValue(env, "ZMPI_WIREUP"), EnvValue(env, "ZMPI_NET"));
  *refused = !choice.ok();
  if (!choice.ok()) {
    return Line(L::kFail, "job", choice.status().message(),
                "name the hosts that share one (--host), or unset ZMPI_WIREUP/ZMPI_NET");
  }
  return Line(L::kOk, "job",
              "wire-up " + choice->wireup + ", network " + choice->net + " (from " +
                  std::to_string(offers.size()) + " agents' offers)");
}

// Only when the user asked for more than this host. `usable` gets the agents that answered
// and hold the key; `refused` is set when they cannot run one job together (CheckJobChoice).
std::vector<L> CheckAgents(const Options& o, std::vector<FoundAgent>* usable, bool* refused) {
  std::vector<L> out;
  std::string path = o.key_file.empty() ? proto::KeyFile::DefaultPath() : o.key_file;
  StatusOr<std::unique_ptr<proto::KeyFile>> key = proto::KeyFile::Load(path);
  if (!key.ok()) {
    out.push_back(Line(L::kFail, "agents", "no usable key: " + key.status().message(),
                       "zrun --new-key " + path));
    return out;
  }
  StatusOr<std::vector<FoundAgent>> found =
      FindAgents(o.iface, (*key)->ClusterId(), o.browse_ms, o.hosts);
  if (!found.ok() || found->empty()) {
    out.push_back(Line(L::kFail, "agents",
                       found.ok() ? "no agent of this cluster answered within " +
                                        std::to_string(o.browse_ms) + " ms"
                                  : found.status().message(),
                       "start zrund (with this key) on the other hosts; check --iface and that "
                       "UDP port 5353 (mDNS) is not filtered"));
    return out;
  }
  std::vector<AgentLink> links = ConnectAgents(found.value(), **key, agent::HostName(), 3000);
  std::vector<HostOffer> offers;
  bool all_offer = true;
  for (size_t i = 0; i < found->size(); ++i) {
    const FoundAgent& a = found->at(i);
    // What the agent offers: from the handshake once it answered (protocol 3 on), else what
    // it announced over mDNS.
    std::optional<proto::JobOffer> offer = a.offer;
    const agent::Link* link = links[i].link.get();
    if (link != nullptr) {
      offer.reset();
      if (link->version() >= proto::kOfferVersion) offer = link->peer_offer();
    }
    std::string who = a.name + " (" + a.address + ":" + std::to_string(a.port) + ", " + a.arch +
                      ", " + std::to_string(a.cores) + " cores, " + DescribeOffer(offer) + ")";
    if (link != nullptr) {
      out.push_back(Line(L::kOk, "agent", who + " answers and holds the key"));
      usable->push_back(a);
      if (offer.has_value()) offers.push_back(HostOffer{a.name, *offer});
      all_offer = all_offer && offer.has_value();
    } else {
      out.push_back(Line(L::kFail, "agent", who + ": " + links[i].status.message(),
                         "check that zrund there uses the same key file and is not busy"));
    }
  }
  if (!offers.empty() && all_offer) out.push_back(CheckJobChoice(o, offers, refused));
  return out;
}

std::vector<L> CheckProgramFile(const Options& o) {
  std::vector<L> out;
  const std::string& program = o.command[0];
  const char* path_var = getenv("PATH");
  StatusOr<std::string> path =
      agent::Spawner::ResolveProgram(program, path_var != nullptr ? path_var : "/usr/bin:/bin");
  if (!path.ok()) {
    out.push_back(Line(L::kFail, "program", path.status().message(), "give the program's path"));
    return out;
  }
  StatusOr<ElfDeps> deps = ReadElfDeps(path.value());
  if (!deps.ok() || !deps->is_elf) {
    out.push_back(Line(L::kWarn, "program", path.value() + " is not an ELF program (a script?)",
                       "if it starts an MPICH-built program, add --mpich-binaries"));
    return out;
  }
  std::string mpi;
  for (const std::string& n : deps->needed) {
    if (n.compare(0, 6, "libmpi") == 0 || n.compare(0, 8, "libmpich") == 0)
      mpi += (mpi.empty() ? "" : ", ") + n;
  }
  if (deps->Needs("libmpi.so.40") || deps->Needs("libmpi_mpifh.so.40")) {
    out.push_back(Line(L::kFail, "program", path.value() + " needs " + mpi + " (Open MPI's ABI)",
                       "rebuild it with zmpi's mpicc/mpifort, or run it with mpirun.openmpi"));
    return out;
  }
  if (mpi.empty()) {
    out.push_back(Line(L::kWarn, "program",
                       path.value() + " needs no MPI library (a static MPI, or not MPI)",
                       "build it with zmpi's mpicc; a program that does not call MPI_Init runs "
                       "as N independent copies"));
    return out;
  }
  StatusOr<MpichSetup> setup =
      zrun::CheckProgram(program, path.value(), agent::LibraryDir(), o.mpich_binaries);
  if (!setup.ok()) {
    out.push_back(
        Line(L::kFail, "program", setup.status().message(), "see docs/mpich-binaries.md"));
    return out;
  }
  bool mpich_names = false;
  for (const std::string& lib : setup->mpich_libs)
    mpich_names = mpich_names || lib != "libmpi.so.12";
  std::string how =
      mpich_names ? "zmpi through MPICH's names in zmpi's lib/" : "zmpi's libmpi.so.12";
  if (!setup->preload.empty()) how += ", with libmpi.so.12 preloaded (DT_RPATH)";
  out.push_back(
      Line(L::kOk, "program", path.value() + " needs " + mpi + ": its ranks load " + how));
  return out;
}

}  // namespace

std::string FormatDoctorLine(const DoctorLine& line) {
  static const char* kLevels[] = {"ok  ", "warn", "FAIL"};
  char head[64];
  snprintf(head, sizeof(head), "%s  %-12s ", kLevels[line.level], line.check.c_str());
  std::string out = head + line.what;
  if (!line.fix.empty()) out += (line.level == DoctorLine::kOk ? " -> " : " -> fix: ") + line.fix;
  return out;
}

std::vector<DoctorLine> RunDoctor(const Options& options, std::string* table) {
  if (table != nullptr) table->clear();
  std::vector<DoctorLine> lines = {CheckLibrary(),   CheckPmix(), CheckHwloc(),
                                   CheckLibfabric(), CheckShm(),  CheckSingleCopy(),
                                   CheckKey(options)};
  if (!options.command.empty()) {
    for (DoctorLine& l : CheckProgramFile(options)) lines.push_back(std::move(l));
  }
  // Agents only when asked for: named hosts, a hostfile, --discover, or -n auto with a key.
  Options o = options;
  if (!o.hostfile.empty()) {
    StatusOr<std::vector<HostfileEntry>> entries = ReadHostfile(o.hostfile);
    if (!entries.ok()) {
      lines.push_back(Line(L::kFail, "hostfile", entries.status().message(), "fix the hostfile"));
      return lines;
    }
    for (const HostfileEntry& e : entries.value()) o.hosts.push_back(e.name);
  }
  std::string key = o.key_file.empty() ? proto::KeyFile::DefaultPath() : o.key_file;
  bool asked = !o.hosts.empty() || !o.hostfile.empty() || o.discover ||
               (o.auto_ranks && !o.local && access(key.c_str(), F_OK) == 0);
  if (asked) {
    std::vector<FoundAgent> usable;
    bool refused = false;
    for (DoctorLine& l : CheckAgents(o, &usable, &refused)) lines.push_back(std::move(l));
    if (refused) {  // the probe is a job over these agents: zrun would refuse it the same way
      lines.push_back(Line(L::kWarn, "hosts", "not probed: no job can run on all these agents"));
      return lines;
    }
    std::string hosts_table;
    CheckHosts(o, key, usable, &lines, &hosts_table);
    if (table != nullptr) *table = hosts_table;
  }
  return lines;
}

int Doctor(const Options& options) {
  int failed = 0;
  std::string table;
  for (const DoctorLine& line : RunDoctor(options, &table)) {
    printf("%s\n", FormatDoctorLine(line).c_str());
    failed += line.level == DoctorLine::kFail;
  }
  if (!table.empty()) printf("\n%s", table.c_str());
  fflush(stdout);
  return failed == 0 ? 0 : 1;
}

}  // namespace zmpi::launcher::zrun
