// A communicator: an ordered group of world ranks, this process's rank in it, and two
// matching contexts (one for user point-to-point, one for collectives), so traffic of
// different communicators, and collectives and user messages, never match each other.
#ifndef ZMPI_MPI_CORE_COMM_H_
#define ZMPI_MPI_CORE_COMM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "mpi/include/mpi.h"

namespace zmpi::core {

class BsendBuffer;

class Comm {
 public:
  // `world_ranks[i]` is the world rank of rank i; `context` is even; context + 1 carries
  // collectives.
  Comm(MPI_Comm handle, std::vector<int> world_ranks, int rank, uint32_t context);
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;

  MPI_Comm handle() const { return handle_; }
  int rank() const { return rank_; }
  int size() const { return static_cast<int>(world_ranks_.size()); }
  int WorldRank(int rank) const { return world_ranks_[rank]; }
  const std::vector<int>& world_ranks() const { return world_ranks_; }
  // Rank in this communicator of a world rank, or -1.
  int RankOfWorld(int world_rank) const;

  uint32_t p2p_context() const { return context_; }
  uint32_t coll_context() const { return context_ + 1; }

  MPI_Errhandler errhandler() const { return errhandler_; }
  void set_errhandler(MPI_Errhandler e) { errhandler_ = e; }
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

  // The buffer of MPI_Comm_attach_buffer (owned by the process's BsendBuffer), or nullptr:
  // buffered sends on this communicator then use the process's buffer.
  BsendBuffer* bsend_buffer() const { return bsend_buffer_; }
  void set_bsend_buffer(BsendBuffer* buffer) { bsend_buffer_ = buffer; }

  // Collective tag sequence: every collective call on this communicator takes the next
  // tag, so consecutive collectives never confuse each other's messages.
  int NextCollTag() { return coll_tag_ = (coll_tag_ + 1) & 0x3fffffff; }

 private:
  MPI_Comm handle_;
  std::vector<int> world_ranks_;
  std::vector<int> world_to_rank_;  // dense map world rank -> rank (or -1)
  int rank_;
  uint32_t context_;
  MPI_Errhandler errhandler_ = MPI_ERRORS_ARE_FATAL;
  std::string name_;
  int coll_tag_ = 0;
  BsendBuffer* bsend_buffer_ = nullptr;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_COMM_H_
