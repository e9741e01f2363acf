// CreatePmix in a build without PMIx (ZMPI_PORTABLE: Haiku has no PMIx). A process that a
// PMIx launcher started cannot reach its peers: it says so instead of running alone.
#include "mpi/bootstrap/backends.h"

namespace zmpi::bootstrap {

StatusOr<std::unique_ptr<core::Bootstrap>> CreatePmix() {
  return Error(Code::kOther,
               "a PMIx launcher started this process, but this zmpi was built without PMIx "
               "(ZMPI_PORTABLE): start it with zrun (which then talks PMI-1 to it) or with "
               "a PMI-1/PMI-2 launcher such as mpiexec.mpich");
}

}  // namespace zmpi::bootstrap
