// What the PMI-1 and PMI-2 back ends share: a job-wide key-value space with a fence, over
// which Bootstrap's Put/Exchange/Get run with per-rank keys and escaped values, and the
// search for the ranks on this host (the launcher's PMI_process_mapping, or else an exchange
// of host names).
#ifndef ZMPI_MPI_BOOTSTRAP_PMI_KVS_H_
#define ZMPI_MPI_BOOTSTRAP_PMI_KVS_H_

#include <memory>
#include <string>
#include <vector>

#include "mpi/bootstrap/bootstrap.h"
#include "mpi/bootstrap/pmi_wire.h"

namespace zmpi::bootstrap {

// How long one reply from the launcher may take. A fence waits for the slowest rank to get
// there, so this is generous; it only turns a hung launcher into an error.
inline constexpr int kPmiReplyTimeoutMs = 300 * 1000;

class PmiKvsBootstrap : public core::Bootstrap {
 public:
  explicit PmiKvsBootstrap(std::unique_ptr<PmiConnection> connection)
      : connection_(std::move(connection)) {}

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  const std::vector<int>& local_ranks() const override { return local_; }
  const std::string& job_id() const override { return job_id_; }
  bool singleton() const override { return false; }
  bool AbortPrints() const override { return true; }

  Status Put(const std::string& key, const std::string& value) override;
  Status Exchange() override { return KvsFence(); }
  StatusOr<std::string> Get(int rank, const std::string& key) override;
  Status Barrier() override { return KvsFence(); }

 protected:
  // The protocol's own put, fence and get on the job's key-value space.
  virtual Status KvsPut(const std::string& key, const std::string& value) = 0;
  virtual Status KvsFence() = 0;
  virtual StatusOr<std::string> KvsGet(const std::string& key, int hint_rank) = 0;

  // Sets job_id_ from the launcher's name for the job (made safe for file names).
  void SetJobId(const std::string& launcher_name);
  // Sets local_ from `mapping` (PMI_process_mapping; may be empty), or by exchanging host
  // names when the mapping is absent or unreadable. Needs rank_ and size_.
  Status FindLocalRanks(const std::string& mapping);
  // Prints the abort reason once, as PMIx's server would.
  void ReportAbort(const std::string& message) const;

  std::unique_ptr<PmiConnection> connection_;
  int rank_ = 0;
  int size_ = 1;
  // Longest value the launcher stores (PMI-1 tells; PMI-2 fixes it at 1024).
  size_t max_value_ = 1024;
  std::vector<int> local_;
  std::string job_id_;
};

}  // namespace zmpi::bootstrap

#endif  // ZMPI_MPI_BOOTSTRAP_PMI_KVS_H_
