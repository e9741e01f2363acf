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
#include "mpi/core/attributes.h"
#include "mpi/bootstrap/bootstrap.h"
#include "mpi/core/bsend.h"
#include "mpi/core/comm.h"
#include "mpi/core/context_pool.h"
#include "mpi/core/datatype_table.h"
#include "mpi/core/engine.h"
#include "mpi/core/group.h"
#include "mpi/core/handles.h"
#include "mpi/core/request.h"
#include "mpi/core/win.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

enum class LibraryState { kNotInitialized, kInitialized, kFinalized };

class Runtime {
 public:
  // MPI_Init: creates the global runtime (bootstrap, transports, MPI_COMM_WORLD/SELF)
  // unless a session already did. The runtime ends when the world model is finalized and
  // no session is open, whichever comes last.
  static Status Init();
  // MPI_Finalize: ends the world model; shuts the runtime down (waits for all ranks, closes
  // transports) unless a session is still open.
  static Status Finalize();
  // MPI_Session_init / MPI_Session_finalize: the same runtime, reference-counted.
  static Status OpenSession();
  static Status CloseSession();
  // After Init() failed: tells the launcher why through the bootstrap of the failed start
  // (an abort with `message`, contract::kStartFailurePrefix) and ends the process with `code`.
  [[noreturn]] static void AbortFailedStart(int code, const std::string& message);
  // Whether AbortFailedStart prints `message` itself (through the bootstrap).
  static bool FailedStartPrints();
  // Whether the runtime runs (world model or a session): what entry points need.
  static LibraryState state() { return state_; }
  // The world model alone (MPI_Initialized, MPI_Finalized).
  static LibraryState world_state() { return world_state_; }
  static Runtime* Get() { return instance_; }
  ~Runtime();

  const Config& config() const { return config_; }
  // The tool interface (mpi/tool, MPI_T control variables) changes the few settings that take
  // effect while running: the Engine reads its fields through the same Config.
  Config& mutable_config() { return config_; }
  // ZMPI_NAME=VALUE settings written through MPI_T; every runtime started later reads them
  // after the environment (Start). Callers hold the library lock (AnytimeLock).
  static std::vector<std::string>& tool_settings();
  Bootstrap& bootstrap() { return *bootstrap_; }
  Engine& engine() { return *engine_; }
  RequestPool& requests() { return requests_; }
  DatatypeTable& datatypes() { return datatypes_; }
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
  // More ranks on this host than CPUs: waiting ranks sleep (ProgressLoop::Pace).
  bool oversubscribed() const { return oversubscribed_; }
  // Every idle progress turn polls the network endpoint (a system call): it has no shm peers.
  bool idle_turn_polls_network() const { return idle_turn_polls_network_; }
  // Whether waiting ranks sleep on a futex their shm peers wake (ZMPI_OVERSUB_WAIT=sleep,
  // oversubscribed hosts only): docs/benchmarks.md, "Oversubscribed hosts".
  bool wait_sleeps() const { return wait_sleeps_; }
  // Seconds a waiting rank polls before it blocks until a message arrives, where every peer
  // is reached through a network endpoint that can block (ofi with net); < 0: it never
  // blocks (ZMPI_NET_BLOCK_AFTER; docs/transport-ofi.md, "Ranks that block").
  double net_block_after() const { return net_block_after_; }
  void set_spin_count(int spin_count) { spin_count_ = spin_count; }

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
  ContextPool& contexts() { return contexts_; }
  // A communicator over all world ranks that no user handle names (its own context): for
  // the sessions model's constructions, which have no parent communicator.
  Comm* internal_world() const { return internal_world_.get(); }
  // Communicators freed while requests still use them; destroyed (and their contexts
  // released) once no live request names them.
  void SweepRetiredComms();

  // Groups (MPI_GROUP_EMPTY is predefined; FindGroup knows it).
  HandleTable<Group, HandleKind::kGroup>& groups() { return groups_; }
  Group* FindGroup(MPI_Group handle);

  // Attributes of every object kind (mpi/core/object_attributes.h has the hooks).
  AttributeStore& attributes() { return attributes_; }
  // Windows (their creation and freeing: mpi/core/win_ops.h).
  HandleTable<Win, HandleKind::kWin>& wins() { return wins_; }
  Win* FindWin(MPI_Win handle) const { return wins_.Find(handle); }
  // State of a layer above the core that lives as long as the runtime (MPI-IO's open files
  // and registered data representations, mpi/io/io_state.h): that layer defines the type.
  struct Extension {
    virtual ~Extension() = default;
  };
  std::unique_ptr<Extension>& io() { return io_; }

  // Ends the whole job: every rank exits with `code`.
  [[noreturn]] void Abort(int code, const std::string& message);

 private:
  Comm* FindOtherComm(MPI_Comm handle) const;
  Runtime() = default;
  Status Start();
  // Shuts the runtime down (the end of Finalize or of the last session).
  static Status Shutdown();
  bool Uses(const Comm* comm) const;
  Status StartTransports();

  static Runtime* instance_;
  // The launcher's bootstrap of a start that failed, kept open (not finalized) for
  // AbortFailedStart; owned, never freed (the process is about to end).
  static Bootstrap* failed_start_;
  static LibraryState state_;
  static LibraryState world_state_;
  static int open_sessions_;

  Config config_;
  std::thread fabric_loader_;  // see Start; joined by the destructor
  std::unique_ptr<Bootstrap> bootstrap_;
  DatatypeTable datatypes_;  // before requests_: pending operations drop type references last
  RequestPool requests_;
  std::unique_ptr<Engine> engine_;
  BsendBuffer bsend_;
  uint32_t next_partition_channel_ = 0;
  std::vector<std::unique_ptr<Comm>> comms_;  // [0] world, [1] self, then created ones
  std::vector<uint32_t> free_comm_slots_;     // empty entries of comms_ (AddComm reuses them)
  ContextPool contexts_;  // 0/1 world, 2/3 self, 4/5 internal world
  std::unique_ptr<Comm> internal_world_;
  std::vector<std::unique_ptr<Comm>> retired_comms_;
  HandleTable<Group, HandleKind::kGroup> groups_;
  Group empty_group_{std::vector<int>{}};
  // Declared after the communicators so windows (which use their communicator) and
  // attributes go first.
  HandleTable<Win, HandleKind::kWin> wins_;
  std::unique_ptr<Extension> io_;  // files use communicators and datatypes: destroyed first
  AttributeStore attributes_;
  std::string processor_name_;
  int spin_count_ = 0;
  bool oversubscribed_ = false;  // more ranks on this host than CPUs
  bool wait_sleeps_ = false;     // oversubscribed_ and ZMPI_OVERSUB_WAIT=sleep
  double net_block_after_ = -1;
  bool idle_turn_polls_network_ = false;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_RUNTIME_H_
