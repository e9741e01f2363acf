// Bootstrap::Create: which launcher started us, from the environment it left.
#include "mpi/bootstrap/select.h"

#include <cstdlib>
#include <cstring>

#include "mpi/bootstrap/backends.h"

namespace zmpi::bootstrap {
namespace {

// The variable's value as a count, or -1 when unset or not a number.
long Count(const EnvLookup& env, const char* name) {
  const char* text = env(name);
  if (text == nullptr || *text == '\0') return -1;
  char* end = nullptr;
  long v = strtol(text, &end, 10);
  return *end == '\0' && v >= 0 ? v : -1;
}

BootstrapChoice Refuse(std::string message) {
  BootstrapChoice c;
  c.kind = BootstrapKind::kRefuse;
  c.message = std::move(message);
  return c;
}

}  // namespace

BootstrapChoice ChooseBootstrap(const EnvLookup& env) {
  BootstrapChoice choice;
  for (const char* name : {"PMIX_NAMESPACE", "PMIX_SERVER_URI4", "PMIX_SERVER_URI3",
                           "PMIX_SERVER_URI2", "PMIX_SERVER_URI21", "PMIX_SERVER_URI41"}) {
    if (env(name) != nullptr) {
      choice.kind = BootstrapKind::kPmix;
      return choice;
    }
  }
  if (env("PMI_FD") != nullptr || env("PMI_PORT") != nullptr) {
    const char* version = env("ZMPI_PMI");
    if (version == nullptr || *version == '\0' || strcmp(version, "auto") == 0) {
      // Slurm's pmi2 plugin (which sets PMI_JOBID) is a PMI-2 server first; Hydra and the
      // rest are PMI-1 servers first (Hydra 4.0 does not know PMI-2's abort).
      choice.pmi_version = env("PMI_JOBID") != nullptr ? 0 : 1;
    } else if (strcmp(version, "1") == 0 || strcmp(version, "2") == 0) {
      choice.pmi_version = version[0] - '0';
    } else {
      return Refuse(std::string("ZMPI_PMI=") + version + " is not auto, 1 or 2");
    }
    choice.kind = BootstrapKind::kPmi;
    return choice;
  }
  // Launchers whose ranks we cannot reach: refuse rather than run one-rank worlds. A size
  // of one (or an unreadable one that is set) is still a refusal only when it says "many".
  long pmi_size = Count(env, "PMI_SIZE");
  if (pmi_size > 1 || (pmi_size < 0 && env("PMI_RANK") != nullptr && env("PMI_SIZE") != nullptr)) {
    return Refuse(
        "PMI_RANK/PMI_SIZE are set but neither PMI_FD nor PMI_PORT, so zmpi cannot "
        "reach this launcher's PMI server: start the program with mpiexec.mpich, "
        "srun --mpi=pmix or --mpi=pmi2, mpirun.openmpi or zrun");
  }
  long step_tasks = Count(env, "SLURM_STEP_NUM_TASKS");
  if (step_tasks > 1 && env("SLURM_PROCID") != nullptr) {
    return Refuse("srun started this rank (one of " + std::to_string(step_tasks) +
                  ") without PMI: use srun --mpi=pmix or srun --mpi=pmi2 "
                  "(or MpiDefault=pmix in slurm.conf)");
  }
  long ompi_size = Count(env, "OMPI_COMM_WORLD_SIZE");
  if (ompi_size > 1) {
    return Refuse("Open MPI's mpirun started this rank (one of " + std::to_string(ompi_size) +
                  ") without PMIx: use an mpirun with PMIx (Open MPI 4 or later, "
                  "mpirun.openmpi on Debian 12) or zrun");
  }
  return choice;
}

}  // namespace zmpi::bootstrap

namespace zmpi::core {

StatusOr<std::unique_ptr<Bootstrap>> Bootstrap::Create() {
  bootstrap::BootstrapChoice choice = bootstrap::ChooseBootstrap(getenv);
  switch (choice.kind) {
    case bootstrap::BootstrapKind::kPmix:
      return bootstrap::CreatePmix();
    case bootstrap::BootstrapKind::kPmi:
      return bootstrap::CreatePmi(choice.pmi_version);
    case bootstrap::BootstrapKind::kRefuse:
      return Error(Code::kOther, "%s", choice.message.c_str());
    case bootstrap::BootstrapKind::kSingleton:
      break;
  }
  return bootstrap::CreateSingleton();
}

}  // namespace zmpi::core
