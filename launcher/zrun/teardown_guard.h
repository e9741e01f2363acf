// TeardownGuard: keeps SIGINT/SIGTERM/SIGHUP in charge while zrun tears down what it started
// after the job, when no event loop reads the signal pipe any more. libpmix's deregistration
// and PMIx_server_finalize block the caller (up to 10 s per operation, or for good with
// libpmix 4.2.2: docs/zrund.md), and zrun must still end on Ctrl-C.
//
// While the guard lives, a thread of its own polls the signal pipe. On SIGINT/SIGTERM/SIGHUP
// (SIGCHLD is ignored), or when the teardown outlasts its limit, the thread writes one line,
// runs `cleanup` (what must not stay behind: the job's /dev/shm segments, the PMIx
// directory) and ends the process with _exit: the job's exit code if it failed, else
// 128 + the signal. `cleanup` runs on the guard's thread while the owner's thread may still be
// inside libpmix: it may only remove things by name. Destroying the guard (teardown done)
// stops the thread; the owner must destroy it before what `cleanup` refers to.
#ifndef ZMPI_LAUNCHER_ZRUN_TEARDOWN_GUARD_H_
#define ZMPI_LAUNCHER_ZRUN_TEARDOWN_GUARD_H_

#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace zmpi::launcher::zrun {

class TeardownGuard {
 public:
  struct Options {
    int signal_fd = -1;                      // the SignalPipe's read end
    int job_exit_code = 0;                   // what the job ended with
    std::chrono::milliseconds limit{20000};  // the longest the teardown may take
    std::string label = "zrun";
    std::function<void()> cleanup;
  };

  explicit TeardownGuard(Options options);
  ~TeardownGuard();
  TeardownGuard(const TeardownGuard&) = delete;
  TeardownGuard& operator=(const TeardownGuard&) = delete;

  // How long a teardown may take after the job was interrupted: a user who pressed Ctrl-C
  // waits no longer than this for libpmix.
  static constexpr std::chrono::milliseconds kAfterSignal{2000};

 private:
  void Watch();
  [[noreturn]] void Leave(int signo);

  Options options_;
  int stop_read_fd_ = -1;
  int stop_write_fd_ = -1;
  std::thread thread_;
};

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_TEARDOWN_GUARD_H_
