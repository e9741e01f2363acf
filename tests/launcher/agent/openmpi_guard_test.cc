#include "launcher/agent/openmpi_guard.h"

#include <gtest/gtest.h>

#include <string>

#include "common/contract.h"

namespace zmpi::launcher::agent {
namespace {

const std::string kDashes(74, '-');

// Feeds `text` as one read, line by line, and returns what passed.
std::string Feed(OpenMpiGuardFilter* f, const std::string& text) {
  std::string out;
  auto sink = [&out](const char* d, size_t n) { out.append(d, n); };
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    f->Line(text.data() + at, end - at, sink);
    at = end;
  }
  f->EndOfRead(sink);
  return out;
}

// What Open MPI 4.1 prints when it cannot open the pml zrun names (structure, not its text).
std::string OpenMpiHelp() {
  return kDashes + "\nA component was not found.\n\nHost:      vm\nFramework: pml\nComponent: " +
         contract::kOpenMpiGuardValue + "\n" + kDashes + "\n" + kDashes + "\nMPI_INIT failed.\n" +
         kDashes + "\n[vm:1] *** An error occurred in MPI_Init_thread\n";
}

TEST(OpenMpiGuardTest, OpenMpisHelpOnTheGuardIsDropped) {
  OpenMpiGuardFilter f;
  EXPECT_EQ(Feed(&f, "before\n" + OpenMpiHelp()), "before\n");
  EXPECT_TRUE(f.tripped());
  EXPECT_EQ(Feed(&f, "[vm:1] *** and potentially your MPI job)\n"), "");  // later reads too
}

TEST(OpenMpiGuardTest, OtherOutputPassesUnchanged) {
  OpenMpiGuardFilter f;
  // A table between dash lines, an unclosed block (released at the end of the read), and the
  // variable itself in an `env` listing: none of them is Open MPI's failure.
  std::string text = kDashes + "\n| a | b |\n" + kDashes + "\nx\n" + kDashes + "\nopen\n" +
                     std::string(contract::kOpenMpiGuardEnv) + "=" + contract::kOpenMpiGuardValue +
                     "\n";
  EXPECT_EQ(Feed(&f, text), text);
  EXPECT_FALSE(f.tripped());
  std::string lines;
  for (int i = 0; i < 100; ++i) lines += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(Feed(&f, kDashes + "\n" + lines), kDashes + "\n" + lines);
}

TEST(OpenMpiGuardTest, HeldLinesLeaveAtTheEndOfTheRead) {
  OpenMpiGuardFilter f;
  std::string out;
  auto sink = [&out](const char* d, size_t n) { out.append(d, n); };
  std::string dash = kDashes + "\n";
  f.Line(dash.data(), dash.size(), sink);
  EXPECT_EQ(out, "");
  f.EndOfRead(sink);
  EXPECT_EQ(out, dash);
}

TEST(OpenMpiGuardTest, ReportIsOneLine) {
  std::string r = OpenMpiGuardReport(1, "h2", "/opt/zmpi/bin/mpicc");
  EXPECT_EQ(r.rfind("zrun: rank 1 on h2 loaded Open MPI's library instead of zmpi's", 0), 0u) << r;
  EXPECT_NE(r.find("rebuild it with /opt/zmpi/bin/mpicc (mpi4py: MPICC=/opt/zmpi/bin/mpicc pip"),
            std::string::npos)
      << r;
  EXPECT_EQ(r.find('\n'), r.size() - 1);
}

TEST(OpenMpiGuardTest, EnvironmentHasTheGuardAndLocalHelp) {
  EnvBlock env;
  SetOpenMpiGuard(&env);
  EXPECT_EQ(env.Find(contract::kOpenMpiGuardEnv).value_or(""), contract::kOpenMpiGuardValue);
  EXPECT_EQ(env.Find("OMPI_MCA_ess_singleton_isolated").value_or(""), "1");
}

}  // namespace
}  // namespace zmpi::launcher::agent
