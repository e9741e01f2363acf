#include "launcher/zrun/doctor_hosts.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/platform/platform.h"
#include "launcher/agent/net_iface.h"
#include "launcher/agent/program_arch.h"
#include "launcher/agent/spawner.h"
#include "launcher/zrun/doctor_report.h"
#include "launcher/zrun/elf_deps.h"

namespace zmpi::launcher::zrun {

namespace {

using L = DoctorLine;

std::string SelfPath() {
  StatusOr<std::string> exe = platform::ExecutablePath();
  return exe.ok() ? *exe : std::string();
}

int64_t MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

// Runs argv with stdout and stderr captured, killed after `seconds`. Returns the exit status
// (as waitpid's) or -1 if it could not start.
int RunCaptured(const std::vector<std::string>& argv, int seconds, std::string* out,
                std::string* err) {
  int o[2], e[2];
  if (pipe(o) != 0) return -1;
  if (pipe(e) != 0) {
    close(o[0]);
    close(o[1]);
    return -1;
  }
  pid_t child = fork();
  if (child == 0) {
    dup2(o[1], 1);
    dup2(e[1], 2);
    close(o[0]);
    close(o[1]);
    close(e[0]);
    close(e[1]);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, 0);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(o[1]);
  close(e[1]);
  if (child < 0) {
    close(o[0]);
    close(e[0]);
    return -1;
  }
  int64_t deadline = MonotonicMs() + int64_t{seconds} * 1000;
  bool killed = false;
  pollfd fds[2] = {{o[0], POLLIN, 0}, {e[0], POLLIN, 0}};
  std::string* sinks[2] = {out, err};
  int open_fds = 2;
  while (open_fds > 0) {
    int left = static_cast<int>(deadline - MonotonicMs());
    if (left <= 0) {
      if (killed) break;
      kill(child, SIGTERM);  // zrun ends the job on every agent
      killed = true;
      deadline = MonotonicMs() + 5000;
      continue;
    }
    if (poll(fds, 2, left) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (pollfd& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  int status = 0;
  if (waitpid(child, &status, WNOHANG) == 0) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
  }
  if (killed) err->append("zrun: the probe job did not end within its time bound\n");
  return status;
}

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// $ORIGIN (and ${ORIGIN}) in a search list, as the loader expands it for `program`.
std::string ExpandOrigin(std::string list, const std::string& program) {
  std::string dir = program.substr(0, program.rfind('/'));
  if (program.find('/') == std::string::npos) dir = ".";
  for (const char* token : {"${ORIGIN}", "$ORIGIN"}) {
    for (size_t at = list.find(token); at != std::string::npos; at = list.find(token, at)) {
      list.replace(at, strlen(token), dir);
      at += dir.size();
    }
  }
  return list;
}

// Which program each host's architecture gets (as zrun would stage it), one FAIL line per
// host that has none; the probe's arguments that ask each host for that program's libraries.
std::vector<std::string> ProgramChecks(const Options& o, const std::vector<FoundAgent>& agents,
                                       std::vector<L>* lines, std::string* shown) {
  std::vector<std::string> args;
  if (o.command.empty()) return args;
  const char* path_var = getenv("PATH");
  StatusOr<std::string> path = agent::Spawner::ResolveProgram(
      o.command[0], path_var != nullptr ? path_var : "/usr/bin:/bin");
  if (!path.ok()) return args;  // the local "program" line said so
  *shown = o.command[0];
  std::map<std::string, std::string> chosen;  // arch -> program file
  std::string runs;
  for (const FoundAgent& a : agents) {
    if (a.arch.empty()) continue;
    std::string arch = agent::CanonicalArch(a.arch);
    StatusOr<std::string> file = agent::ProgramForArch(path.value(), arch, o.programs, a.name);
    if (!file.ok()) {
      lines->push_back(
          L{L::kFail, "arch", file.status().message(),
            "build " + o.command[0] + " for " + arch + " (or pass --program " + arch + "=PATH)"});
      continue;
    }
    chosen[arch] = file.value();
  }
  for (const auto& [arch, file] : chosen) {
    runs += (runs.empty() ? "" : ", ") + arch + ": " + file;
    StatusOr<ElfDeps> deps = ReadElfDeps(file);
    if (!deps.ok() || !deps->is_elf || deps->needed.empty()) continue;
    args.push_back("--needed");
    args.push_back(arch + "=" + Join(deps->needed, ","));
    if (!deps->rpath.empty()) {
      args.push_back("--rpath");
      args.push_back(arch + "=" + ExpandOrigin(deps->rpath, file));
    }
    if (!deps->runpath.empty()) {
      args.push_back("--runpath");
      args.push_back(arch + "=" + ExpandOrigin(deps->runpath, file));
    }
  }
  if (!chosen.empty()) {
    lines->push_back(L{L::kOk, "arch",
                       "zrun stages the program built for each host's "
                       "architecture (" +
                           runs + ")",
                       ""});
  }
  return args;
}

std::string LastLines(const std::string& text, int count) {
  std::vector<std::string> lines;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    if (end > begin) lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  std::vector<std::string> tail(
      lines.end() - std::min<long>(count, static_cast<long>(lines.size())), lines.end());
  return Join(tail, " / ");
}

}  // namespace

std::string ProbeProgramPath() {
  std::string self = SelfPath();
  return self.substr(0, self.rfind('/')) + "/../libexec/zmpi/zmpi-doctor-probe";
}

void CheckHosts(const Options& o, const std::string& key_path,
                const std::vector<FoundAgent>& agents, std::vector<DoctorLine>* lines,
                std::string* table) {
  table->clear();
  if (agents.empty()) return;
  std::string program;
  std::vector<std::string> lib_args = ProgramChecks(o, agents, lines, &program);
#if !ZMPI_HAVE_PMIX
  // The probe is a PMIx client that pings over libfabric (doctor_probe.cc): the portable
  // build has neither, so it has no probe.
  lines->push_back(L{L::kWarn, "probe",
                     "links, interfaces and clocks between hosts were not checked: the "
                     "portable build has no zmpi-doctor-probe (a PMIx and libfabric program)",
                     ""});
  return;
#endif
  std::string probe = ProbeProgramPath();
  char real[PATH_MAX];
  if (realpath(probe.c_str(), real) == nullptr || access(real, X_OK) != 0) {
    lines->push_back(L{L::kFail, "probe",
                       probe + " is missing: links, interfaces and clocks "
                               "were not checked",
                       "reinstall zmpi (the probe is part of it)"});
    return;
  }
  std::vector<std::string> hosts;
  for (const FoundAgent& a : agents) hosts.push_back(a.address + ":" + std::to_string(a.port));
  std::vector<std::string> argv = {SelfPath(),
                                   "--key-file",
                                   key_path,
                                   "--host",
                                   Join(hosts, ","),
                                   "-ppn",
                                   "1",
                                   "--bind-to",
                                   "none",
                                   "--stdin",
                                   "none",
                                   "--oversubscribe",
                                   "--startup-timeout",
                                   "30",
                                   "--timeout",
                                   std::to_string(kProbeJobTimeoutSeconds)};
  if (!o.iface.empty()) {
    argv.push_back("--iface");
    argv.push_back(o.iface);
  }
  argv.push_back("--");
  argv.push_back(real);
  argv.push_back("--timeout-ms");
  argv.push_back(std::to_string(kProbeLinkTimeoutMs));
  for (const std::string& a : lib_args) argv.push_back(a);
  std::string out, err;
  int status = RunCaptured(argv, kProbeJobTimeoutSeconds + 10, &out, &err);
  probe::Report report = probe::Parse(out);
  std::vector<std::string> names;
  int reference = -1;  // zrun's own host when an agent runs here, else the first host
  for (size_t i = 0; i < agents.size(); ++i) {
    names.push_back(agents[i].name);
    if (reference < 0 && agent::IsLocalAddress(agents[i].address)) reference = static_cast<int>(i);
  }
  if (reference < 0) reference = 0;
  bool job_ok = status == 0;
  if (!job_ok) {
    std::string why = status < 0                  ? "could not start " + SelfPath()
                      : LastLines(err, 2).empty() ? "exit status " + std::to_string(status)
                                                  : LastLines(err, 2);
    lines->push_back(L{L::kFail, "probe", "the probe job (one rank per host) failed: " + why,
                       "fix what zrun says; a plain job would fail the same way"});
    if (report.hosts.empty()) return;
  }
  probe::Verdict verdict = probe::Judge(report, names, reference, program);
  for (DoctorLine& l : verdict.lines) lines->push_back(std::move(l));
  *table = verdict.table;
}

}  // namespace zmpi::launcher::zrun
