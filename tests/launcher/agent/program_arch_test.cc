#include "launcher/agent/program_arch.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>

namespace zmpi::launcher::agent {
namespace {

// A directory of fake program files: ELF headers with a chosen e_machine and byte order.
class ProgramArchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/zmpi-progarch.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { ASSERT_EQ(system(("rm -rf '" + dir_ + "'").c_str()), 0); }

  std::string Elf(const std::string& name, uint16_t machine, bool big_endian = false) {
    std::string h(64, '\0');
    h[0] = 0x7f, h[1] = 'E', h[2] = 'L', h[3] = 'F';
    h[4] = 2;                      // ELFCLASS64
    h[5] = big_endian ? 2 : 1;     // EI_DATA
    h[6] = 1;                      // EV_CURRENT
    h[big_endian ? 17 : 16] = 2;   // e_type ET_EXEC
    h[18] = static_cast<char>(big_endian ? machine >> 8 : machine & 0xff);
    h[19] = static_cast<char>(big_endian ? machine & 0xff : machine >> 8);
    return Write(name, h);
  }
  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    chmod(path.c_str(), 0755);
    return path;
  }

  std::string dir_;
};

TEST_F(ProgramArchTest, ReadsTheElfMachine) {
  EXPECT_EQ(*ProgramArch(Elf("x", 62)), "x86_64");
  EXPECT_EQ(*ProgramArch(Elf("a", 183)), "aarch64");
  EXPECT_EQ(*ProgramArch(Elf("p", 21, /*big_endian=*/true)), "ppc64");
  EXPECT_EQ(*ProgramArch(Elf("odd", 4242)), "elf-machine-4242");
  EXPECT_EQ(*ProgramArch(Write("script", "#!/bin/sh\necho hi\n")), "");  // the kernel's business
  EXPECT_FALSE(ProgramArch(Write("cut", std::string("\x7f" "ELF\x02\x01", 6))).ok());
  EXPECT_EQ(ProgramArch(dir_ + "/missing").status().code(), Code::kArg);
  // This test binary itself: the architecture it was compiled for.
#if defined(__x86_64__)
  EXPECT_EQ(*ProgramArch("/proc/self/exe"), "x86_64");
#elif defined(__aarch64__)
  EXPECT_EQ(*ProgramArch("/proc/self/exe"), "aarch64");
#endif
}

TEST_F(ProgramArchTest, CanonicalNames) {
  EXPECT_EQ(CanonicalArch("amd64"), "x86_64");
  EXPECT_EQ(CanonicalArch("arm64"), "aarch64");
  EXPECT_EQ(CanonicalArch("riscv64"), "riscv64");
}

TEST_F(ProgramArchTest, AgentRefusesAnotherArchitectureInOneLine) {
  const std::string arm = Elf("model", 183);
  EXPECT_TRUE(CheckProgramRunsHere(arm, "aarch64", "h2").ok());
  EXPECT_TRUE(CheckProgramRunsHere(arm, "arm64", "h2").ok());
  Status s = CheckProgramRunsHere(arm, "x86_64", "h1");
  ASSERT_EQ(s.code(), Code::kArg);
  EXPECT_EQ(s.message(), arm + " is built for aarch64, but host h1 is x86_64");
  EXPECT_TRUE(CheckProgramRunsHere(Write("job.sh", "#!/bin/sh\n"), "x86_64", "h1").ok());
}

TEST_F(ProgramArchTest, ZrunPicksTheProgramOfEachArchitecture) {
  const std::string model = Elf("model", 62);
  std::map<std::string, std::string> none;
  EXPECT_EQ(*ProgramForArch(model, "x86_64", none, "h1"), model);
  // No aarch64 build yet: one line naming the host and what was found.
  StatusOr<std::string> missing = ProgramForArch(model, "aarch64", none, "h2");
  ASSERT_EQ(missing.status().code(), Code::kArg);
  EXPECT_EQ(missing.status().message(),
            "host h2 is aarch64 but " + model + " is x86_64 and there is no " + model +
                ".aarch64 (build one, or pass --program aarch64=PATH)");
  // A wrong file under the right name is named as such.
  Elf("model.aarch64", 62);
  EXPECT_NE(ProgramForArch(model, "aarch64", none, "h2").status().message().find(
                model + ".aarch64 is x86_64"),
            std::string::npos);
  // model.aarch64 beside it, or the Debian spelling model.arm64.
  const std::string arm = Elf("model.aarch64", 183);
  EXPECT_EQ(*ProgramForArch(model, "aarch64", none, "h2"), arm);
  EXPECT_EQ(*ProgramForArch(model, "arm64", none, "h2"), arm);
  ASSERT_EQ(unlink(arm.c_str()), 0);
  const std::string arm64 = Elf("model.arm64", 183);
  EXPECT_EQ(*ProgramForArch(model, "aarch64", none, "h2"), arm64);
  // --program aarch64=PATH wins, and is checked.
  std::map<std::string, std::string> overrides;
  ASSERT_TRUE(AddProgramOverride("arm64=" + Elf("elsewhere", 183), &overrides).ok());
  EXPECT_EQ(*ProgramForArch(model, "aarch64", overrides, "h2"), dir_ + "/elsewhere");
  ASSERT_TRUE(AddProgramOverride("aarch64=" + model, &overrides).ok());
  EXPECT_EQ(ProgramForArch(model, "aarch64", overrides, "h2").status().code(), Code::kArg);
  EXPECT_FALSE(AddProgramOverride("aarch64", &overrides).ok());
  EXPECT_FALSE(AddProgramOverride("=x", &overrides).ok());
  // A script runs anywhere: staged as it is.
  const std::string script = Write("run.sh", "#!/bin/sh\n");
  EXPECT_EQ(*ProgramForArch(script, "aarch64", none, "h2"), script);
}

}  // namespace
}  // namespace zmpi::launcher::agent
