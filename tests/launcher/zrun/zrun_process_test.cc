// Real jobs through the real zrun binary (real PMIx server, real hwloc binding), with the plain
// PMIx client programs/pmix_client.c as ranks. Every wait here is bounded.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <dirent.h>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hwloc.h>

namespace {

using Clock = std::chrono::steady_clock;

// One zrun run: argv, then its stdout/stderr and exit status. Owns the child until reaped.
class ZrunRun {
 public:
  explicit ZrunRun(std::vector<std::string> args, std::vector<std::string> env_extra = {}) {
    args.insert(args.begin(), ZRUN_PATH);
    int out[2], err[2];
    EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
    EXPECT_EQ(pipe2(err, O_CLOEXEC), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      dup2(err[1], 2);
      for (const std::string& kv : env_extra) putenv(strdup(kv.c_str()));
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(126);
    }
    close(out[1]);
    close(err[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
    start_ = Clock::now();
  }
  ~ZrunRun() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
    if (err_fd_ >= 0) close(err_fd_);
  }

  // Reads output until `pattern` shows up in stdout or `seconds` pass.
  bool WaitForStdout(const std::string& pattern, double seconds) {
    auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    while (out_.find(pattern) == std::string::npos) {
      if (Clock::now() >= deadline || !Pump(50)) return out_.find(pattern) != std::string::npos;
    }
    return true;
  }

  // Waits for zrun to exit (bounded); returns its wait status, or -1 on timeout (then kills it).
  int Wait(double seconds) {
    auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    while (Clock::now() < deadline) {
      Pump(20);
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        elapsed_ = std::chrono::duration<double>(Clock::now() - start_).count();
        while (Pump(100)) {
        }
        return status;
      }
    }
    return -1;
  }

  void Signal(int signo) { kill(pid_, signo); }
  void CloseStdout() {
    close(out_fd_);
    out_fd_ = -1;
  }
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }
  double elapsed() const { return elapsed_; }

 private:
  // Reads what is available; false once both pipes are at EOF.
  bool Pump(int ms) {
    std::vector<pollfd> fds;
    if (out_fd_ >= 0) fds.push_back({out_fd_, POLLIN, 0});
    if (err_fd_ >= 0) fds.push_back({err_fd_, POLLIN, 0});
    if (fds.empty()) return false;
    if (poll(fds.data(), fds.size(), ms) <= 0) return true;
    for (const pollfd& p : fds) {
      if (p.revents == 0) continue;
      char buf[65536];
      ssize_t n = read(p.fd, buf, sizeof(buf));
      int* fd = p.fd == out_fd_ ? &out_fd_ : &err_fd_;
      if (n > 0) {
        (p.fd == out_fd_ ? out_ : err_).append(buf, n);
      } else {
        close(*fd);
        *fd = -1;
      }
    }
    return true;
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
  int out_fd_ = -1, err_fd_ = -1;
  std::string out_, err_;
  Clock::time_point start_;
  double elapsed_ = 0;
};

int ExitCode(int status) {
  if (status == -1) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 1000 + WTERMSIG(status);
}

std::vector<std::string> Client(std::vector<std::string> args) {
  args.insert(args.begin(), CLIENT_PATH);
  return args;
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

int CountLines(const std::string& text, const std::string& needle) {
  int n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

std::vector<pid_t> RankPids(const std::string& out) {
  std::vector<pid_t> pids;
  std::regex re("pid (\\d+)");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), re); it != std::sregex_iterator();
       ++it) {
    pids.push_back(std::stoi((*it)[1]));
  }
  return pids;
}

// True once none of `pids` exists any more (polls up to `seconds`; zombies count as gone).
bool AllGone(const std::vector<pid_t>& pids, double seconds) {
  auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
  for (;;) {
    bool any = false;
    for (pid_t p : pids) {
      std::string stat_path = "/proc/" + std::to_string(p) + "/stat";
      FILE* f = fopen(stat_path.c_str(), "r");
      if (f == nullptr) continue;
      char state = '?';
      if (fscanf(f, "%*d %*s %c", &state) != 1) state = '?';
      fclose(f);
      any = any || state != 'Z';
    }
    if (!any) return true;
    if (Clock::now() >= deadline) return false;
    usleep(20000);
  }
}

TEST(ZrunProcess, WireUpAmongFourRanks) {
  ZrunRun run(Concat({"-n", "4", "--bind-to", "none"}, Client({})));
  EXPECT_EQ(ExitCode(run.Wait(30)), 0) << run.err();
  for (int r = 0; r < 4; ++r) {
    EXPECT_EQ(CountLines(run.out(), "rank " + std::to_string(r) + " read 4 of 4 values"), 1)
        << run.out();
  }
  EXPECT_EQ(CountLines(run.out(), "local peers 0,1,2,3,"), 4) << run.out();
}

// Cores hwloc sees in our allowed cpuset: what -n auto must use.
int AllowedCores() {
  hwloc_topology_t topology;
  hwloc_topology_init(&topology);
  hwloc_topology_load(topology);
  int cores = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_CORE);
  hwloc_topology_destroy(topology);
  return cores;
}

TEST(ZrunProcess, AutoRunsOneRankPerCore) {
  int cores = AllowedCores();
  ASSERT_GT(cores, 0);
  ZrunRun run(Concat({"-n", "auto", "--report-bindings"}, Client({})));
  EXPECT_EQ(ExitCode(run.Wait(60)), 0) << run.err();
  std::string n = std::to_string(cores);
  EXPECT_EQ(CountLines(run.out(), "read " + n + " of " + n + " values"), cores) << run.out();
  EXPECT_EQ(CountLines(run.err(), "bound to core"), cores) << run.err();
  EXPECT_EQ(CountLines(run.err(), "warning"), 0) << run.err();
}

TEST(ZrunProcess, ClosedStdoutDoesNotHangOrOrphan) {
  // zrun's stdout reader goes away: zrun must still finish the job and report the exit status.
  ZrunRun run(Concat({"-n", "2"}, Client({"--lines", "20000"})));
  ASSERT_TRUE(run.WaitForStdout("line 000001", 20));
  run.CloseStdout();
  int code = ExitCode(run.Wait(30));
  EXPECT_GE(code, 0) << run.err();
  EXPECT_LT(code, 1000) << "zrun died by a signal";
}

TEST(ZrunProcess, ExitStatusPropagates) {
  ZrunRun run(Concat({"-n", "3"}, Client({"--rank", "2", "--exit", "7"})));
  EXPECT_EQ(ExitCode(run.Wait(30)), 7) << run.err();
  EXPECT_EQ(CountLines(run.err(), "ending the job"), 1) << run.err();
  EXPECT_NE(run.err().find("rank 2 on "), std::string::npos) << run.err();
  EXPECT_NE(run.err().find("exited with code 7"), std::string::npos) << run.err();
}

TEST(ZrunProcess, StatusAfterFinalizeIsQuiet) {
  // A nonzero status after a clean finalize is the program's answer, not a failure of the job:
  // zrun exits with it and prints nothing (MPICH's init/exitst1 compares the output).
  ZrunRun run(Concat({"-n", "3", "--bind-to", "none"},
                     Client({"--rank", "1", "--exit-after-finalize", "5"})));
  EXPECT_EQ(ExitCode(run.Wait(30)), 5) << run.err();
  EXPECT_EQ(run.err().find("rank 1"), std::string::npos) << run.err();
  EXPECT_EQ(CountLines(run.err(), "ending the job"), 0) << run.err();
}

TEST(ZrunProcess, KilledRankEndsTheJobQuicklyWithOneLine) {
  ZrunRun run(Concat({"-n", "3", "--bind-to", "none"},
                     Client({"--rank", "1", "--signal", "9", "--others-sleep", "60"})));
  int status = run.Wait(30);
  EXPECT_EQ(ExitCode(status), 128 + 9) << run.err();
  EXPECT_LT(run.elapsed(), 5.0);
  EXPECT_EQ(CountLines(run.err(), "ending the job"), 1) << run.err();
  EXPECT_NE(run.err().find("rank 1 on "), std::string::npos) << run.err();
  EXPECT_NE(run.err().find("killed by signal 9 (Killed)"), std::string::npos) << run.err();
  std::vector<pid_t> pids = RankPids(run.out());
  EXPECT_EQ(pids.size(), 3u) << run.out();
  EXPECT_TRUE(AllGone(pids, 2.0));
}

TEST(ZrunProcess, SigintEndsEverything) {
  ZrunRun run(Concat({"-n", "2"}, Client({"--sleep", "60"})));
  ASSERT_TRUE(run.WaitForStdout("read 2 of 2", 20)) << run.err();
  ASSERT_TRUE(run.WaitForStdout("rank 1 read", 5) && run.WaitForStdout("rank 0 read", 5));
  run.Signal(SIGINT);
  EXPECT_EQ(ExitCode(run.Wait(10)), 128 + SIGINT) << run.err();
  EXPECT_LT(run.elapsed(), 60.0);
  EXPECT_NE(run.err().find("signal 2 (Interrupt)"), std::string::npos) << run.err();
  std::vector<pid_t> pids = RankPids(run.out());
  EXPECT_EQ(pids.size(), 2u);
  EXPECT_TRUE(AllGone(pids, 2.0));
}

TEST(ZrunProcess, SigkilledZrunLeavesNoOrphans) {
  // A SIGKILLed zrun cannot remove its PMIx temp dir: keep it in a directory of our own.
  char dir_template[] = "/tmp/zrun-kill-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string tmp = dir_template;
  ZrunRun run(Concat({"-n", "2"}, Client({"--sleep", "60"})), {"TMPDIR=" + tmp});
  ASSERT_TRUE(run.WaitForStdout("rank 1 read", 20) && run.WaitForStdout("rank 0 read", 5));
  std::vector<pid_t> pids = RankPids(run.out());
  ASSERT_EQ(pids.size(), 2u);
  run.Signal(SIGKILL);
  EXPECT_EQ(ExitCode(run.Wait(10)), 1000 + SIGKILL);
  EXPECT_TRUE(AllGone(pids, 3.0));
  // The next zrun removes the dead one's leftover directory, then its own.
  ZrunRun next(Concat({"-n", "1"}, Client({})), {"TMPDIR=" + tmp});
  EXPECT_EQ(ExitCode(next.Wait(20)), 0) << next.err();
  EXPECT_EQ(rmdir(tmp.c_str()), 0) << "stale PMIx directory left in " << tmp;
}

TEST(ZrunProcess, ReportBindingsShowsDistinctCores) {
  ZrunRun run(Concat({"-n", "2", "--report-bindings"}, Client({"--affinity"})));
  EXPECT_EQ(ExitCode(run.Wait(30)), 0) << run.err();
  std::regex re("rank (\\d) on \\S+ bound to core (\\d+) \\[cpus ([0-9,-]+)\\]");
  std::set<std::string> cores;
  for (auto it = std::sregex_iterator(run.err().begin(), run.err().end(), re);
       it != std::sregex_iterator(); ++it) {
    cores.insert((*it)[2]);
    // The kernel agrees: the rank's own view of its affinity is the reported cpu list.
    std::string cpus = (*it)[3];
    if (cpus.find_first_of(",-") == std::string::npos) {
      EXPECT_NE(run.out().find("rank " + std::string((*it)[1]) + " affinity " + cpus + "\n"),
                std::string::npos)
          << run.out();
    }
  }
  EXPECT_EQ(cores.size(), 2u) << run.err();
}

TEST(ZrunProcess, OversubscribedWarnsAndWorks) {
  ZrunRun run(Concat({"-n", "5"}, Client({})));
  EXPECT_EQ(ExitCode(run.Wait(60)), 0) << run.err();
  EXPECT_EQ(CountLines(run.err(), "warning: 5 ranks on"), 1) << run.err();
  EXPECT_EQ(CountLines(run.out(), "read 5 of 5 values"), 5) << run.out();
}

TEST(ZrunProcess, TimeoutEndsTheJob) {
  ZrunRun run(Concat({"--timeout", "1", "-n", "2"}, Client({"--sleep", "60"})));
  EXPECT_EQ(ExitCode(run.Wait(15)), 124) << run.err();
  EXPECT_LT(run.elapsed(), 5.0);
  EXPECT_NE(run.err().find("time limit of 1 s"), std::string::npos) << run.err();
  EXPECT_TRUE(AllGone(RankPids(run.out()), 2.0));
}

TEST(ZrunProcess, UnknownOptionFailsClearly) {
  ZrunRun run(Concat({"--frobnicate", "-n", "2"}, Client({})));
  EXPECT_EQ(ExitCode(run.Wait(10)), 2);
  EXPECT_NE(run.err().find("unknown option '--frobnicate'"), std::string::npos) << run.err();
  EXPECT_EQ(run.out(), "");
}

TEST(ZrunProcess, AbortEndsTheJobWithItsCode) {
  ZrunRun run(Concat({"-n", "2"}, Client({"--rank", "1", "--abort", "5", "--others-sleep", "60"})));
  EXPECT_EQ(ExitCode(run.Wait(30)), 5) << run.err();
  EXPECT_LT(run.elapsed(), 10.0);
  EXPECT_NE(run.err().find("rank 1 on "), std::string::npos) << run.err();
  EXPECT_NE(run.err().find("called abort with code 5"), std::string::npos) << run.err();
}

TEST(ZrunProcess, ExitWithoutFinalizeIsAFailure) {
  ZrunRun run(Concat({"-n", "2"},
                     Client({"--rank", "0", "--no-finalize", "--others-sleep", "60"})));
  EXPECT_NE(ExitCode(run.Wait(30)), 0) << run.err();
  EXPECT_LT(run.elapsed(), 10.0);
  EXPECT_NE(run.err().find("rank 0 on "), std::string::npos) << run.err();
  EXPECT_NE(run.err().find("without calling PMIx_Finalize"), std::string::npos) << run.err();
}

TEST(ZrunProcess, NonPmixProgramsRun) {
  ZrunRun run(Concat({"-n", "2"}, Client({"--no-pmix"})));
  EXPECT_EQ(ExitCode(run.Wait(20)), 0) << run.err();
}

struct RankIds {
  int pid, group, session;
  std::string wait;  // ZMPI_OVERSUB_WAIT as the rank sees it, "unset" if not set
};

// Runs `zrun -n nranks` of a shell that prints its pid, process group, session and
// ZMPI_OVERSUB_WAIT; `env`: zrun's extra environment.
std::vector<RankIds> RankSessionIds(int nranks, const char* mode,
                                    std::vector<std::string> env = {}) {
  std::vector<std::string> args = {"-n", std::to_string(nranks), "--oversubscribe", "--bind-to",
                                   "none", "--rank-sessions", mode};
  ZrunRun run(Concat(args, {"/bin/sh", "-c",
                            "echo \"pid $$ ids $(cut -d' ' -f5,6 /proc/$$/stat) wait "
                            "${ZMPI_OVERSUB_WAIT:-unset}\""}),
              env);
  EXPECT_EQ(ExitCode(run.Wait(20)), 0) << run.err();
  std::regex re("pid (\\d+) ids (\\d+) (\\d+) wait (\\w+)");
  std::vector<RankIds> seen;
  for (auto it = std::sregex_iterator(run.out().begin(), run.out().end(), re);
       it != std::sregex_iterator(); ++it) {
    seen.push_back({std::stoi((*it)[1]), std::stoi((*it)[2]), std::stoi((*it)[3]), (*it)[4]});
  }
  EXPECT_EQ(static_cast<int>(seen.size()), nranks) << run.out();
  return seen;
}

// A local rank leads a session of its own (autogroup: a CPU share each on a busy machine)
// unless ranks outnumber the cores ("auto"; rank_sessions_test has the choice);
// --rank-sessions own keeps that also then, and such ranks sleep when they wait (a yield
// cannot reach a peer in another session) unless the user chose otherwise.
TEST(ZrunProcess, EachRankHasItsOwnSession) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  ASSERT_GT(cpus, 0);
  for (RankIds r : RankSessionIds(1, "auto")) {
    EXPECT_EQ(r.pid, r.session);
    EXPECT_NE(r.session, static_cast<int>(getsid(0)));
    EXPECT_EQ(r.wait, "unset");  // not oversubscribed: the library's default
  }
  for (RankIds r : RankSessionIds(static_cast<int>(cpus) + 1, "own")) {
    EXPECT_EQ(r.pid, r.session);
    EXPECT_EQ(r.wait, "sleep");
  }
  for (RankIds r : RankSessionIds(static_cast<int>(cpus) + 1, "own", {"ZMPI_OVERSUB_WAIT=yield"})) {
    EXPECT_EQ(r.wait, "yield");
  }
}

// --rank-sessions shared (and auto when ranks outnumber the cores): the ranks stay in zrun's
// session (which is ours), each in a process group of its own (zrun's signals reach them):
// their sched_yield reaches a peer on their core.
TEST(ZrunProcess, SharedRankSessionsStayInZrunsSession) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  ASSERT_GT(cpus, 0);
  for (RankIds r : RankSessionIds(static_cast<int>(cpus) + 1, "shared")) {
    EXPECT_NE(r.pid, r.session);
    EXPECT_EQ(r.session, static_cast<int>(getsid(0)));
    EXPECT_EQ(r.group, r.pid);
    EXPECT_EQ(r.wait, "unset");  // a yield reaches the peer here
  }
  // auto does the same with ranks that outnumber the cores, whatever the load; on a busy
  // machine (load at launch) they also sleep after a short yield.
  for (RankIds r : RankSessionIds(static_cast<int>(cpus) + 1, "auto")) {
    EXPECT_NE(r.pid, r.session);
    EXPECT_EQ(r.session, static_cast<int>(getsid(0)));
    EXPECT_EQ(r.group, r.pid);
    EXPECT_TRUE(r.wait == "unset" || r.wait == "sleep") << r.wait;
  }
}

TEST(ZrunProcess, TaggedOutputKeepsLinesWhole) {
  ZrunRun run(Concat({"-n", "3", "--tag-output"}, Client({"--lines", "3000"})));
  EXPECT_EQ(ExitCode(run.Wait(60)), 0) << run.err();
  std::istringstream in(run.out());
  int lines = 0;
  std::regex tagged("\\[(\\d)\\] rank (\\d) (line \\d{6} 0{190}|of 3.*|read 3 of 3 values)");
  for (std::string line; std::getline(in, line); ++lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, tagged)) << "mixed or untagged line: " << line;
    EXPECT_EQ(m[1], m[2]) << line;
  }
  EXPECT_EQ(lines, 3 * 3002);
}

TEST(ZrunProcess, RankEnvironment) {
  ZrunRun run(Concat({"-n", "1", "-x", "ZRUN_TEST_A=hello", "-x", "ZRUN_TEST_B"},
                     Client({"--env", "ZRUN_TEST_A", "--env", "ZRUN_TEST_B"})),
              {"ZRUN_TEST_B=inherited", "PMIX_ZRUN_TEST_STALE=1"});
  EXPECT_EQ(ExitCode(run.Wait(20)), 0) << run.err();
  // pmix_client prints only its last --env; check each variable in its own job below (the
  // hwloc variable zrun sets for its own topology load must not reach the ranks).
  EXPECT_NE(run.out().find("env ZRUN_TEST_B=inherited"), std::string::npos) << run.out();
  for (const char* var : {"ZMPI_OFI_IFACE=lo", "ZMPI_JOB_HOST=", "ZMPI_JOB_SHM_PREFIX=zmpi-",
                          "ZRUN_TEST_A=hello", "PMIX_ZRUN_TEST_STALE=\n", "PMIX_MCA_gds=hash",
                          "LD_LIBRARY_PATH=/", "HWLOC_PLUGINS_BLACKLIST=\n"}) {
    std::string name(var, strchr(var, '=') - var);
    ZrunRun one(Concat({"-n", "1", "-x", "ZRUN_TEST_A=hello"}, Client({"--env", name})),
                {"PMIX_ZRUN_TEST_STALE=1"});
    EXPECT_EQ(ExitCode(one.Wait(20)), 0) << one.err();
    EXPECT_NE(one.out().find(std::string("env ") + var), std::string::npos) << one.out();
  }
}

TEST(ZrunProcess, SharedMemoryAndTempDirAreRemoved) {
  char dir_template[] = "/tmp/zrun-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string tmp = dir_template;
  ZrunRun run(Concat({"-n", "2"}, Client({"--make-shm", "--env", "ZMPI_JOB_SHM_PREFIX"})),
              {"TMPDIR=" + tmp});
  EXPECT_EQ(ExitCode(run.Wait(20)), 0) << run.err();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(run.out(), m, std::regex("ZMPI_JOB_SHM_PREFIX=(\\S+)")));
  std::string prefix = m[1];
  int left = 0;
  DIR* shm = opendir("/dev/shm");
  ASSERT_NE(shm, nullptr);
  while (dirent* e = readdir(shm)) left += std::string(e->d_name).rfind(prefix, 0) == 0;
  closedir(shm);
  EXPECT_EQ(left, 0);
  // The PMIx server's private directory under TMPDIR is gone, so TMPDIR is empty again.
  EXPECT_EQ(rmdir(tmp.c_str()), 0) << "zrun left files in " << tmp;
}

TEST(ZrunProcess, HelpEnvListsTheConfigTable) {
  ZrunRun run({"--help-env"});
  EXPECT_EQ(ExitCode(run.Wait(10)), 0);
  EXPECT_NE(run.out().find("ZMPI_LOG_LEVEL"), std::string::npos);
  EXPECT_NE(run.out().find("ZMPI_ZRUN_TIMEOUT"), std::string::npos);
}

TEST(ZrunProcess, MissingProgramFailsClearly) {
  ZrunRun run({"-n", "2", "/nonexistent/program"});
  EXPECT_NE(ExitCode(run.Wait(10)), 0);
  EXPECT_NE(run.err().find("/nonexistent/program: no such file"), std::string::npos) << run.err();
}

}  // namespace
