// Which launcher started this process, judged from the environment it left, and the one-line
// refusal when it is a launcher zmpi cannot talk to (N processes that each believed they were
// alone would run N one-rank worlds and exit 0: wrong results, no error).
#ifndef ZMPI_MPI_BOOTSTRAP_SELECT_H_
#define ZMPI_MPI_BOOTSTRAP_SELECT_H_

#include <functional>
#include <string>

namespace zmpi::bootstrap {

enum class BootstrapKind { kSingleton, kPmix, kPmi, kRefuse };

struct BootstrapChoice {
  BootstrapKind kind = BootstrapKind::kSingleton;
  // kPmi: 1 or 2 (that version only) or 0 (PMI-2, or PMI-1 if the launcher has only that).
  // ZMPI_PMI=1|2 chooses; by default srun --mpi=pmi2 (PMI_JOBID set) gets 0, others 1.
  int pmi_version = 0;
  std::string message;  // kRefuse: what the user should do, one line
};

// `env` returns a variable's value or nullptr (getenv in production, a map in tests).
using EnvLookup = std::function<const char*(const char*)>;
BootstrapChoice ChooseBootstrap(const EnvLookup& env);

}  // namespace zmpi::bootstrap

#endif  // ZMPI_MPI_BOOTSTRAP_SELECT_H_
