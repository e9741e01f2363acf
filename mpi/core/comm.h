// A communicator: an ordered group of world ranks, this process's rank in it, and two
// matching contexts (one for user point-to-point, one for collectives), so traffic of
// different communicators, and collectives and user messages, never match each other.
//
// An intercommunicator keeps the point-to-point path unchanged: its addressed ranks
// (world_ranks(), size(), WorldRank) are the REMOTE group, which is what a destination or
// source rank names; rank() is this process's rank in the LOCAL group (what a sender puts
// into a frame's source field, i.e. the receiver's remote-group rank). The local group and
// a hidden intracommunicator over it (for the internal collectives of dup, split, merge)
// are kept beside.
#ifndef ZMPI_MPI_CORE_COMM_H_
#define ZMPI_MPI_CORE_COMM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mpi/core/counters.h"
#include "mpi/core/info.h"
#include "mpi/core/topology.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

class BsendBuffer;

class Comm {
 public:
  // `world_ranks[i]` is the world rank of rank i; `context` is even; context + 1 carries
  // collectives.
  Comm(MPI_Comm handle, std::vector<int> world_ranks, int rank, uint32_t context);
  ~Comm();  // releases the error handler
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;

  MPI_Comm handle() const { return handle_; }
  int rank() const { return rank_; }
  // Size of the addressed group (the remote group of an intercommunicator).
  int size() const { return static_cast<int>(world_ranks_.size()); }
  int WorldRank(int rank) const { return world_ranks_[rank]; }
  const std::vector<int>& world_ranks() const { return world_ranks_; }
  // Rank in this communicator of a world rank, or -1.
  int RankOfWorld(int world_rank) const;

  uint32_t p2p_context() const { return context_; }
  uint32_t coll_context() const { return context_ + 1; }

  // Intercommunicators. For an intracommunicator the local group is the addressed one.
  bool is_inter() const { return local_comm_ != nullptr; }
  // Makes this an intercommunicator whose local group is `local` (an intracommunicator of
  // the local group with a context of its own; owned from now on).
  void MakeInter(std::unique_ptr<Comm> local) { local_comm_ = std::move(local); }
  Comm* local_comm() const { return local_comm_.get(); }
  const std::vector<int>& local_world_ranks() const {
    return local_comm_ ? local_comm_->world_ranks() : world_ranks_;
  }
  int local_size() const { return static_cast<int>(local_world_ranks().size()); }

  // Hints in effect (MPI_Comm_set_info, inherited by dup).
  Info& info() { return info_; }

  MPI_Errhandler errhandler() const { return errhandler_; }
  // Retains the new handler and releases the old one (a user handler lives while a
  // communicator uses it; core::Objects counts the references).
  void set_errhandler(MPI_Errhandler e);
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  // The process topology (MPI_Cart_create & co.), or nullptr; copied by DupComm.
  const Topology* topology() const { return topology_.get(); }
  void set_topology(std::unique_ptr<Topology> topology) { topology_ = std::move(topology); }

  // The buffer of MPI_Comm_attach_buffer (owned by the process's BsendBuffer), or nullptr:
  // buffered sends on this communicator then use the process's buffer.
  BsendBuffer* bsend_buffer() const { return bsend_buffer_; }
  void set_bsend_buffer(BsendBuffer* buffer) { bsend_buffer_ = buffer; }
  // The session this communicator derives from (MPI_Comm_create_from_group on a session's
  // group, and every communicator made from one such), or MPI_SESSION_NULL in the world model.
  // Buffered sends without a buffer of the communicator's own use the session's, if attached.
  MPI_Session session() const { return session_; }
  void set_session(MPI_Session session) { session_ = session; }

  // Collective tag sequence: every collective call on this communicator takes the next
  // tag, so consecutive collectives never confuse each other's messages. Each tag taken is
  // counted (coll_operations, and the process's counters.h): MPI_T reads the counts.
  int NextCollTag() {
    ++coll_operations_;
    ++counters.collective_operations;
    return coll_tag_ = (coll_tag_ + 1) & 0x3fffffff;
  }
  uint64_t coll_operations() const { return coll_operations_; }

 private:
  MPI_Comm handle_;
  std::vector<int> world_ranks_;
  std::vector<int> world_to_rank_;  // dense map world rank -> rank (or -1)
  int rank_;
  uint32_t context_;
  MPI_Errhandler errhandler_ = MPI_ERRORS_ARE_FATAL;
  std::string name_;
  std::unique_ptr<Topology> topology_;
  int coll_tag_ = 0;
  uint64_t coll_operations_ = 0;
  std::unique_ptr<Comm> local_comm_;  // intercommunicators only
  Info info_;
  BsendBuffer* bsend_buffer_ = nullptr;
  MPI_Session session_ = MPI_SESSION_NULL;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_COMM_H_
