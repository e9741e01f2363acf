#include "mpi/core/comm.h"

#include <algorithm>

#include "mpi/core/objects.h"

namespace zmpi::core {

Comm::Comm(MPI_Comm handle, std::vector<int> world_ranks, int rank, uint32_t context)
    : handle_(handle), world_ranks_(std::move(world_ranks)), rank_(rank), context_(context) {
  int max_world = 0;
  for (int w : world_ranks_) max_world = std::max(max_world, w);
  world_to_rank_.assign(max_world + 1, -1);
  for (size_t i = 0; i < world_ranks_.size(); ++i) world_to_rank_[world_ranks_[i]] = i;
}

int Comm::RankOfWorld(int world_rank) const {
  if (world_rank < 0 || world_rank >= static_cast<int>(world_to_rank_.size())) return -1;
  return world_to_rank_[world_rank];
}

Comm::~Comm() { Objects::Get().ReleaseErrhandler(errhandler_); }

void Comm::set_errhandler(MPI_Errhandler e) {
  Objects::Get().RetainErrhandler(e);
  Objects::Get().ReleaseErrhandler(errhandler_);
  errhandler_ = e;
}

}  // namespace zmpi::core
