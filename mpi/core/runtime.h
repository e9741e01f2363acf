// The Runtime: the library's one mutable global, created by MPI_Init and destroyed by
// MPI_Finalize. It owns the bootstrap, the transports (through the Engine), communicators,
// requests and user error handlers.
#ifndef ZMPI_MPI_CORE_RUNTIME_H_
#define ZMPI_MPI_CORE_RUNTIME_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "mpi/core/bootstrap.h"
#include "mpi/core/bsend.h"
#include "mpi/core/comm.h"
#include "mpi/core/engine.h"
#include "mpi/core/request.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

enum class LibraryState { kNotInitialized, kInitialized, kFinalized };

class Runtime {
 public:
  // Creates the global runtime (bootstrap, transports, MPI_COMM_WORLD/SELF).
  static Status Init();
  // Waits for all ranks, shuts transports down and destroys the runtime.
  static Status Finalize();
  static LibraryState state() { return state_; }
  static Runtime* Get() { return instance_; }
  ~Runtime();

  const Config& config() const { return config_; }
  Bootstrap& bootstrap() { return *bootstrap_; }
  Engine& engine() { return *engine_; }
  RequestPool& requests() { return requests_; }
  // The buffer of buffered-mode sends (MPI_Buffer_attach); it also owns the buffers attached
  // to communicators (BsendBuffer::For picks the one a send uses).
  BsendBuffer& bsend() { return bsend_; }
  // Numbers the partitioned sends of this process (see partitioned.h).
  uint32_t NextPartitionChannel() { return next_partition_channel_++; }
  int world_rank() const { return bootstrap_->rank(); }
  int world_size() const { return bootstrap_->size(); }
  const std::string& processor_name() const { return processor_name_; }
  // Idle polls before a waiting rank yields: ZMPI_SPIN_COUNT, or 0 when this host runs more
  // ranks than it has CPUs (spinning then only delays the rank that shares our core).
  int spin_count() const { return spin_count_; }

  // Communicator handles: MPI_COMM_WORLD, MPI_COMM_SELF and created ones. nullptr if unknown.
  Comm* FindComm(MPI_Comm handle) const {
    return handle == MPI_COMM_WORLD ? comms_[0].get() : FindOtherComm(handle);
  }
  Comm* world() const { return comms_[0].get(); }
  // Registers a new communicator; `context` must come from AgreeOnContext.
  Comm* AddComm(std::vector<int> world_ranks, int rank, uint32_t context);
  void FreeComm(Comm* comm);
  // The next free context id agreed by all members of `parent` (collective over parent).
  StatusOr<uint32_t> AgreeOnContext(Comm& parent);

  // User error handlers (MPI_Comm_create_errhandler).
  MPI_Errhandler AddErrhandler(MPI_Comm_errhandler_function* fn);
  MPI_Comm_errhandler_function* FindErrhandler(MPI_Errhandler handle) const;
  bool FreeErrhandler(MPI_Errhandler handle);

  // Ends the whole job: every rank exits with `code`.
  [[noreturn]] void Abort(int code, const std::string& message);

 private:
  Comm* FindOtherComm(MPI_Comm handle) const;
  Runtime() = default;
  Status Start();
  Status StartTransports();

  static Runtime* instance_;
  static LibraryState state_;

  Config config_;
  std::thread fabric_loader_;  // see Start; joined by the destructor
  std::unique_ptr<Bootstrap> bootstrap_;
  RequestPool requests_;
  std::unique_ptr<Engine> engine_;
  BsendBuffer bsend_;
  uint32_t next_partition_channel_ = 0;
  std::vector<std::unique_ptr<Comm>> comms_;  // [0] world, [1] self, then created ones
  std::vector<MPI_Comm_errhandler_function*> errhandlers_;
  uint32_t next_context_ = 4;  // 0/1 world, 2/3 self
  std::string processor_name_;
  int spin_count_ = 0;
  bool oversubscribed_ = false;  // more ranks on this host than CPUs
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_RUNTIME_H_
