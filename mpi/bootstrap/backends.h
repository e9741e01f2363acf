// The back ends behind Bootstrap::Create (select.cc), one file each.
#ifndef ZMPI_MPI_BOOTSTRAP_BACKENDS_H_
#define ZMPI_MPI_BOOTSTRAP_BACKENDS_H_

#include <memory>

#include "common/status.h"
#include "mpi/bootstrap/bootstrap.h"
#include "mpi/bootstrap/pmi_wire.h"

namespace zmpi::bootstrap {

// A world of one, for a process no launcher started.
std::unique_ptr<core::Bootstrap> CreateSingleton();

// Connects to the PMIx server named by the PMIX_* environment.
StatusOr<std::unique_ptr<core::Bootstrap>> CreatePmix();

// Talks PMI over PMI_FD or PMI_PORT. `version` 0 asks for PMI-2 and takes PMI-1 if that is
// all the launcher has; 1 or 2 insists on that version (BootstrapChoice::pmi_version).
// Only once per process: a second call fails (the launcher's socket is gone).
StatusOr<std::unique_ptr<core::Bootstrap>> CreatePmi(int version);
// Lets unit tests, each with a fresh scripted server, call CreatePmi again.
void ForgetPmiSessionForTesting();

// PMI-1 on an open connection; `init_done` when the version exchange already took place.
StatusOr<std::unique_ptr<core::Bootstrap>> CreatePmi1(std::unique_ptr<PmiConnection> connection,
                                                      bool init_done);

}  // namespace zmpi::bootstrap

#endif  // ZMPI_MPI_BOOTSTRAP_BACKENDS_H_
