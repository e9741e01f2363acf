// Bootstrap: who am I, who else is in the job, and an exchange of small strings (transport
// addresses) with all of them. One back end per way a launcher can start us (select.cc picks
// it from the environment): the PMIx client (zrun's agent, Open MPI's mpirun, srun
// --mpi=pmix), the PMI-2 and PMI-1 wire protocols (srun --mpi=pmi2, MPICH's Hydra mpiexec),
// and a one-rank world (singleton) when no launcher started us.
#ifndef ZMPI_MPI_BOOTSTRAP_BOOTSTRAP_H_
#define ZMPI_MPI_BOOTSTRAP_BOOTSTRAP_H_

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace zmpi::core {

class Bootstrap {
 public:
  virtual ~Bootstrap() = default;

  // PMIx when its server is reachable; singleton when no launcher started us. Fails if a
  // PMIx launcher started us but the server cannot be reached.
  static StatusOr<std::unique_ptr<Bootstrap>> Create();

  virtual int rank() const = 0;
  virtual int size() const = 0;
  // World ranks on this host, sorted, including rank().
  virtual const std::vector<int>& local_ranks() const = 0;
  // Unique per job (the PMIx namespace), usable in file names.
  virtual const std::string& job_id() const = 0;
  virtual bool singleton() const = 0;

  // Publish a value under key, then Exchange() makes every rank's value readable by Get.
  virtual Status Put(const std::string& key, const std::string& value) = 0;
  virtual Status Exchange() = 0;
  virtual StatusOr<std::string> Get(int rank, const std::string& key) = 0;
  // A barrier among all ranks of the job (no data).
  virtual Status Barrier() = 0;
  // Ends the whole job with `code`, reporting `message`.
  virtual void Abort(int code, const std::string& message) = 0;
  // Whether Abort itself prints `message` on this process's stderr (PMI-1/PMI-2: Hydra's
  // mpiexec shows no abort message), so a caller need not print it too.
  virtual bool AbortPrints() const { return false; }
  virtual Status Finalize() = 0;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_BOOTSTRAP_BOOTSTRAP_H_
