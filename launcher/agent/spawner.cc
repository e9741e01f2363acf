#include "launcher/agent/spawner.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/platform/platform.h"

namespace zmpi::launcher::agent {

namespace {

std::vector<char*> CStrings(const std::vector<std::string>& items) {
  std::vector<char*> out;
  for (const std::string& s : items) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

void WriteAll(int fd, const char* text) {
  size_t len = strlen(text);
  while (len > 0) {
    ssize_t n = write(fd, text, len);
    if (n <= 0) return;
    text += n;
    len -= static_cast<size_t>(n);
  }
}

[[noreturn]] void ChildFail(const char* what, const char* path, int err) {
  WriteAll(2, "zrun: cannot execute ");
  WriteAll(2, path);
  WriteAll(2, what);
  WriteAll(2, strerror(err));
  WriteAll(2, "\n");
  _exit(127);
}

// What the child becomes before exec (prepared by the parent: no allocation after fork).
struct ChildIdentity {
  const JobUser* user = nullptr;
  uint64_t data_limit = 0;
  bool confined = false;  // the agent sets its affinity: the rank may not change it
  int inherit_fd = -1;    // keeps its number across exec
  bool own_session = false;
};

// Runs in the child between fork and exec: async-signal-safe calls only.
[[noreturn]] void ChildMain(pid_t parent, const int go[2], int in_fd, int out_fd, int err_fd,
                            const char* cwd, const char* path, char* const* argv,
                            char* const* envp, const ChildIdentity& id) {
  close(go[1]);  // else our own copy of the write end would keep the go pipe open
  int go_fd = go[0];
  // Either way the rank leads a process group of its own (pgid = pid) that signals reach.
  if (id.own_session) {
    setsid();
  } else {
    setpgid(0, 0);
  }
  // Output first, so that a failed switch below is reported on the rank's stderr.
  int in = in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY);
  if (in > 0) dup2(in, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  if (id.inherit_fd >= 0) fcntl(id.inherit_fd, F_SETFD, 0);  // close-on-exec off in this child
  if (id.data_limit > 0) {
    rlimit limit{id.data_limit, id.data_limit};
    if (setrlimit(RLIMIT_DATA, &limit) != 0) ChildFail(": memory limit: ", path, errno);
  }
  if (id.user != nullptr && id.user->switch_to) {
    // Groups, then gid, then uid: after setuid the others can no longer change.
    if (setgroups(id.user->groups.size(), id.user->groups.data()) != 0 ||
        setgid(id.user->gid) != 0 || setuid(id.user->uid) != 0) {
      ChildFail(": cannot switch to the job user: ", path, errno);
    }
  }
  // qemu-user refuses seccomp filters with EINVAL (one would filter qemu's own host calls),
  // as does a kernel built without them: the rank is still confined (the parent sets its
  // affinity), only not kept from widening it; Spawn warns once (AffinityLockRefused).
  if (id.confined && !platform::ForbidAffinityChanges() && errno != EINVAL) {
    ChildFail(": cannot confine it: ", path, errno);
  }
  // After the switch: changing credentials clears the parent-death signal.
  platform::KillWhenParentDies();
  if (getppid() != parent) _exit(127);  // the launcher died before that took effect
  // Signals were blocked across fork: our inherited handlers would write into the launcher's
  // signal pipe and make it believe it was signalled. Default dispositions first, then unblock.
  for (int signo : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT}) signal(signo, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  char byte;
  while (read(go_fd, &byte, 1) < 0 && errno == EINTR) {
  }  // EOF: the parent has bound us (or died, and PDEATHSIG ends us)
  // After the switch to the job user: the directory must be the job user's to enter.
  if (cwd[0] != '\0' && chdir(cwd) != 0) {
    int e = errno;
    WriteAll(2, "zrun: cannot work in ");
    WriteAll(2, cwd);
    WriteAll(2, ": ");
    WriteAll(2, strerror(e));
    WriteAll(2, "\n");
    _exit(127);
  }
  execve(path, argv, envp);
  ChildFail(": ", path, errno);
}

// Whether this system refuses the filter that keeps a rank from changing its CPU affinity
// (see ChildMain): tried once, in a child that then exits.
bool AffinityLockRefused() {
  static const bool refused = [] {
    pid_t pid = fork();
    if (pid == 0) _exit(platform::ForbidAffinityChanges() ? 0 : errno == EINVAL ? 2 : 1);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) return false;
    bool no = WIFEXITED(status) && WEXITSTATUS(status) == 2;
    if (no) {
      ZMPI_LOG(kWarn, "spawn",
               "this system refuses seccomp filters (qemu-user?): ranks start confined to the "
               "offered CPUs but are not kept from changing their affinity");
    }
    return no;
  }();
  return refused;
}

}  // namespace

StatusOr<SpawnedProcess> Spawner::Spawn(const SpawnRequest& request) {
  if (request.cpus != nullptr) AffinityLockRefused();  // warns once if so
  std::vector<char*> argv = CStrings(request.argv);
  std::vector<char*> envp = CStrings(request.env);
  int go[2], out[2], err[2];
  if (pipe2(go, O_CLOEXEC) != 0) return Error(Code::kOther, "pipe2: %s", strerror(errno));
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    close(go[0]);
    close(go[1]);
    return Error(Code::kOther, "pipe2: %s", strerror(errno));
  }
  pid_t parent = getpid();
  sigset_t all, saved;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &saved);
  pid_t pid = fork();
  if (pid == 0) {
    ChildMain(parent, go, request.stdin_fd, out[1], err[1], request.cwd.c_str(),
              request.path.c_str(), argv.data(), envp.data(),
              ChildIdentity{request.user, request.data_limit, request.cpus != nullptr,
                            request.inherit_fd, request.own_session});
  }
  sigprocmask(SIG_SETMASK, &saved, nullptr);
  close(go[0]);
  close(out[1]);
  close(err[1]);
  if (pid < 0) {
    int e = errno;
    close(go[1]);
    close(out[0]);
    close(err[0]);
    return Error(Code::kOther, "fork: %s", strerror(e));
  }
  // Also here, so a signal sent right after Spawn reaches the group; not for a session of its
  // own (setsid fails in a process that already leads a group; Supervisor::SignalRanks
  // signals the pid alone until the child has moved).
  if (!request.own_session) setpgid(pid, pid);
  Status confined =
      request.cpus != nullptr ? platform::ConfineToCpus(pid, *request.cpus) : OkStatus();
  if (!confined.ok()) {  // the owner's limit cannot be applied: the rank must not run
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(go[1]);
    close(out[0]);
    close(err[0]);
    return Error(Code::kOther, "cannot confine pid %d to the offered cpus: %s",
                 static_cast<int>(pid), confined.message().c_str());
  }
  Status bound = OkStatus();
  if (request.core >= 0 && topology_ != nullptr) bound = topology_->BindToCore(pid, request.core);
  std::string binding;
  if (request.describe_binding && topology_ != nullptr) {
    StatusOr<std::string> d = topology_->DescribeBinding(pid);
    binding = d.ok() ? d.value() : "unknown (" + d.status().message() + ")";
  }
  close(go[1]);  // releases the child into exec
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  if (!bound.ok()) {  // the rank still runs, unbound: worth a warning, not a failed job
    ZMPI_LOG(kWarn, "spawn", "%s", bound.message().c_str());
  }
  return SpawnedProcess{pid, out[0], err[0], binding};
}

StatusOr<std::string> Spawner::ResolveProgram(const std::string& program,
                                              const std::string& path_var) {
  auto usable = [](const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0;
  };
  if (program.empty()) return Error(Code::kArg, "no program given");
  if (program.find('/') != std::string::npos) {
    if (usable(program)) return program;
    return Error(Code::kArg, "%s: %s", program.c_str(),
                 access(program.c_str(), F_OK) == 0 ? "not an executable file"
                                                    : "no such file");
  }
  size_t start = 0;
  while (start <= path_var.size()) {
    size_t colon = path_var.find(':', start);
    if (colon == std::string::npos) colon = path_var.size();
    std::string dir = path_var.substr(start, colon - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (usable(candidate)) return candidate;
    start = colon + 1;
  }
  return Error(Code::kArg, "%s: command not found in PATH", program.c_str());
}

}  // namespace zmpi::launcher::agent
