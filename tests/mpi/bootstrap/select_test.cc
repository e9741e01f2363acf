#include "mpi/bootstrap/select.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace zmpi::bootstrap {
namespace {

BootstrapChoice Choose(const std::map<std::string, std::string>& vars) {
  return ChooseBootstrap([&](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

TEST(SelectTest, NoLauncherIsASingleton) {
  EXPECT_EQ(Choose({}).kind, BootstrapKind::kSingleton);
  EXPECT_EQ(Choose({{"HOME", "/root"}}).kind, BootstrapKind::kSingleton);
}

TEST(SelectTest, PmixWinsOverEverything) {
  EXPECT_EQ(Choose({{"PMIX_NAMESPACE", "x"}, {"PMI_FD", "5"}, {"OMPI_COMM_WORLD_SIZE", "4"}}).kind,
            BootstrapKind::kPmix);
  EXPECT_EQ(Choose({{"PMIX_SERVER_URI41", "x"}}).kind, BootstrapKind::kPmix);
}

TEST(SelectTest, PmiSocketMeansPmiWithTheAskedVersion) {
  BootstrapChoice hydra = Choose({{"PMI_FD", "6"}, {"PMI_RANK", "1"}, {"PMI_SIZE", "2"}});
  EXPECT_EQ(hydra.kind, BootstrapKind::kPmi);
  EXPECT_EQ(hydra.pmi_version, 1);
  BootstrapChoice slurm =
      Choose({{"PMI_FD", "11"}, {"PMI_JOBID", "1.0"}, {"PMI_RANK", "1"}, {"PMI_SIZE", "2"}});
  EXPECT_EQ(slurm.kind, BootstrapKind::kPmi);
  EXPECT_EQ(slurm.pmi_version, 0);
  BootstrapChoice port = Choose({{"PMI_PORT", "vm:4242"}, {"PMI_ID", "0"}, {"ZMPI_PMI", "1"}});
  EXPECT_EQ(port.kind, BootstrapKind::kPmi);
  EXPECT_EQ(port.pmi_version, 1);
  EXPECT_EQ(Choose({{"PMI_FD", "6"}, {"ZMPI_PMI", "2"}}).pmi_version, 2);
  EXPECT_EQ(Choose({{"PMI_FD", "6"}, {"ZMPI_PMI", "auto"}}).pmi_version, 1);
  EXPECT_EQ(Choose({{"PMI_FD", "6"}, {"PMI_JOBID", "3.0"}, {"ZMPI_PMI", "1"}}).pmi_version, 1);
  BootstrapChoice bad = Choose({{"PMI_FD", "6"}, {"ZMPI_PMI", "3"}});
  EXPECT_EQ(bad.kind, BootstrapKind::kRefuse);
  EXPECT_NE(bad.message.find("ZMPI_PMI=3"), std::string::npos);
}

TEST(SelectTest, PmiRankWithoutSocketIsRefused) {
  BootstrapChoice c = Choose({{"PMI_RANK", "0"}, {"PMI_SIZE", "2"}});
  EXPECT_EQ(c.kind, BootstrapKind::kRefuse);
  EXPECT_NE(c.message.find("neither PMI_FD nor PMI_PORT"), std::string::npos);
  EXPECT_EQ(c.message.find('\n'), std::string::npos);
  EXPECT_EQ(Choose({{"PMI_SIZE", "3"}}).kind, BootstrapKind::kRefuse);
  EXPECT_EQ(Choose({{"PMI_RANK", "0"}, {"PMI_SIZE", "two"}}).kind, BootstrapKind::kRefuse);
  // A world of one is what a singleton is anyway.
  EXPECT_EQ(Choose({{"PMI_RANK", "0"}, {"PMI_SIZE", "1"}}).kind, BootstrapKind::kSingleton);
}

TEST(SelectTest, SrunWithoutPmiIsRefused) {
  BootstrapChoice c = Choose({{"SLURM_PROCID", "1"},
                              {"SLURM_NTASKS", "2"},
                              {"SLURM_STEP_NUM_TASKS", "2"},
                              {"SLURM_JOB_ID", "7"}});
  EXPECT_EQ(c.kind, BootstrapKind::kRefuse);
  EXPECT_NE(c.message.find("srun --mpi=pmix or srun --mpi=pmi2"), std::string::npos);
  // One task, or the batch script itself (no step variables): a singleton is right.
  EXPECT_EQ(Choose({{"SLURM_PROCID", "0"}, {"SLURM_STEP_NUM_TASKS", "1"}}).kind,
            BootstrapKind::kSingleton);
  EXPECT_EQ(Choose({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "4"}, {"SLURM_JOB_ID", "7"}}).kind,
            BootstrapKind::kSingleton);
}

TEST(SelectTest, OpenMpiWithoutPmixIsRefused) {
  BootstrapChoice c = Choose({{"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_RANK", "3"}});
  EXPECT_EQ(c.kind, BootstrapKind::kRefuse);
  EXPECT_NE(c.message.find("without PMIx"), std::string::npos);
  EXPECT_EQ(Choose({{"OMPI_COMM_WORLD_SIZE", "1"}}).kind, BootstrapKind::kSingleton);
}

}  // namespace
}  // namespace zmpi::bootstrap
