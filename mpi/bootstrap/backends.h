// The back ends behind Bootstrap::Create (select.cc), one file each.
#ifndef ZMPI_MPI_BOOTSTRAP_BACKENDS_H_
#define ZMPI_MPI_BOOTSTRAP_BACKENDS_H_

#include <memory>

#include "common/status.h"
#include "mpi/bootstrap/bootstrap.h"

namespace zmpi::bootstrap {

// A world of one, for a process no launcher started.
std::unique_ptr<core::Bootstrap> CreateSingleton();

// Connects to the PMIx server named by the PMIX_* environment.
StatusOr<std::unique_ptr<core::Bootstrap>> CreatePmix();

}  // namespace zmpi::bootstrap

#endif  // ZMPI_MPI_BOOTSTRAP_BACKENDS_H_
