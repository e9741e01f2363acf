// zrund's re-execution in place (launcher/zrund/restart.h), run for real in a child process:
// the child re-executes this test program with --print-self, which prints its PID and open
// descriptors instead of running the tests.
#include "launcher/zrund/restart.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace zmpi::launcher::zrund {
namespace {

bool CloseOnExec(int fd) { return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

TEST(Restart, OpenDescriptorsListsThisProcesssDescriptors) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::set<int> open = OpenDescriptors();
  EXPECT_EQ(open.count(0) + open.count(1) + open.count(2), 3u);
  EXPECT_EQ(open.count(fds[0]) + open.count(fds[1]), 2u);
  close(fds[1]);
  EXPECT_EQ(OpenDescriptors().count(fds[1]), 0u);
  close(fds[0]);
}

TEST(Restart, CloseOnExecExceptMarksAllButTheKeptOnes) {
  int kept[2], ours[2];
  ASSERT_EQ(pipe(kept), 0);
  std::set<int> keep = OpenDescriptors();
  ASSERT_EQ(pipe(ours), 0);
  CloseOnExecExcept(keep);
  EXPECT_FALSE(CloseOnExec(kept[0]));
  EXPECT_FALSE(CloseOnExec(kept[1]));
  EXPECT_TRUE(CloseOnExec(ours[0]));
  EXPECT_TRUE(CloseOnExec(ours[1]));
  for (int fd : {kept[0], kept[1], ours[0], ours[1]}) close(fd);
}

// The same program runs again in the same process, with the given arguments, the inherited
// descriptors and no others, and SIGPIPE's default action.
TEST(Restart, ReExecRunsThisProgramAgainInTheSameProcess) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);  // not close-on-exec: the child inherits it and keeps it
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    dup2(out[1], 1);
    int extra[2];
    if (pipe(extra) != 0) _exit(3);  // opened "after start": must not reach the new image
    std::set<int> inherited = {0, 1, 2, out[1]};
    signal(SIGPIPE, SIG_IGN);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, nullptr);
    Status s = ReExec({"/proc/self/exe", "--print-self"}, inherited);
    fprintf(stderr, "%s\n", s.message().c_str());
    _exit(4);
  }
  close(out[1]);
  char buf[256] = {};
  size_t got = 0;
  for (ssize_t n;
       got < sizeof(buf) - 1 && (n = read(out[0], buf + got, sizeof(buf) - 1 - got)) > 0;) {
    got += static_cast<size_t>(n);
  }
  close(out[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(std::string(buf), "pid " + std::to_string(child) + " fds 0 1 2 " +
                                  std::to_string(out[1]) + " sigpipe default usr1 unblocked\n");
}

TEST(Restart, ReExecWithoutACommandLineFails) { EXPECT_FALSE(ReExec({}, {}).ok()); }

// What the re-executed child reports on stdout.
int PrintSelf() {
  std::string line = "pid " + std::to_string(getpid()) + " fds";
  for (int fd : OpenDescriptors()) line += " " + std::to_string(fd);
  struct sigaction pipe_action = {};
  sigaction(SIGPIPE, nullptr, &pipe_action);
  line += pipe_action.sa_handler == SIG_DFL ? " sigpipe default" : " sigpipe changed";
  sigset_t mask;
  sigprocmask(SIG_BLOCK, nullptr, &mask);
  line += sigismember(&mask, SIGUSR1) ? " usr1 blocked\n" : " usr1 unblocked\n";
  return write(1, line.data(), line.size()) == static_cast<ssize_t>(line.size()) ? 0 : 1;
}

}  // namespace
}  // namespace zmpi::launcher::zrund

int main(int argc, char** argv) {
  if (argc == 2 && strcmp(argv[1], "--print-self") == 0) {
    return zmpi::launcher::zrund::PrintSelf();
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
