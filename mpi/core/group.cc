#include "mpi/core/group.h"

#include <algorithm>

#include "mpi/include/mpi.h"

namespace zmpi::core {

Group::Group(std::vector<int> world_ranks) : world_ranks_(std::move(world_ranks)) {
  rank_of_world_.reserve(world_ranks_.size());
  for (size_t i = 0; i < world_ranks_.size(); ++i) {
    rank_of_world_.emplace(world_ranks_[i], static_cast<int>(i));
  }
}

int Group::RankOfWorld(int world_rank) const {
  auto it = rank_of_world_.find(world_rank);
  return it == rank_of_world_.end() ? -1 : it->second;
}

int Group::Compare(const Group& other) const {
  if (world_ranks_ == other.world_ranks_) return MPI_IDENT;
  if (size() != other.size()) return MPI_UNEQUAL;
  for (int w : world_ranks_) {
    if (other.RankOfWorld(w) < 0) return MPI_UNEQUAL;
  }
  return MPI_SIMILAR;
}

std::unique_ptr<Group> Group::Derived(std::vector<int> world_ranks) const {
  auto g = std::make_unique<Group>(std::move(world_ranks));
  g->session_ = session_;
  return g;
}

StatusOr<int> Group::TranslateRank(int rank, const Group& other) const {
  if (rank == MPI_PROC_NULL) return MPI_PROC_NULL;
  if (rank < 0 || rank >= size()) {
    return Error(Code::kRank, "rank %d is not in the group of size %d", rank, size());
  }
  int r = other.RankOfWorld(world_ranks_[rank]);
  return r < 0 ? MPI_UNDEFINED : r;
}

std::unique_ptr<Group> Group::Union(const Group& other) const {
  std::vector<int> out = world_ranks_;
  for (int w : other.world_ranks_) {
    if (RankOfWorld(w) < 0) out.push_back(w);
  }
  return Derived(std::move(out));
}

std::unique_ptr<Group> Group::Intersection(const Group& other) const {
  std::vector<int> out;
  for (int w : world_ranks_) {
    if (other.RankOfWorld(w) >= 0) out.push_back(w);
  }
  return Derived(std::move(out));
}

std::unique_ptr<Group> Group::Difference(const Group& other) const {
  std::vector<int> out;
  for (int w : world_ranks_) {
    if (other.RankOfWorld(w) < 0) out.push_back(w);
  }
  return Derived(std::move(out));
}

StatusOr<std::unique_ptr<Group>> Group::Incl(const std::vector<int>& ranks) const {
  std::vector<char> seen(world_ranks_.size(), 0);
  std::vector<int> out;
  out.reserve(ranks.size());
  for (int r : ranks) {
    if (r < 0 || r >= size()) {
      return Error(Code::kRank, "rank %d is not in the group of size %d", r, size());
    }
    if (seen[r]) return Error(Code::kRank, "rank %d is named twice", r);
    seen[r] = 1;
    out.push_back(world_ranks_[r]);
  }
  return Derived(std::move(out));
}

StatusOr<std::unique_ptr<Group>> Group::Excl(const std::vector<int>& ranks) const {
  std::vector<char> drop(world_ranks_.size(), 0);
  for (int r : ranks) {
    if (r < 0 || r >= size()) {
      return Error(Code::kRank, "rank %d is not in the group of size %d", r, size());
    }
    if (drop[r]) return Error(Code::kRank, "rank %d is named twice", r);
    drop[r] = 1;
  }
  std::vector<int> out;
  for (int r = 0; r < size(); ++r) {
    if (!drop[r]) out.push_back(world_ranks_[r]);
  }
  return Derived(std::move(out));
}

StatusOr<std::vector<int>> Group::ExpandRanges(const std::vector<int>& triplets) const {
  std::vector<char> seen(world_ranks_.size(), 0);
  std::vector<int> out;
  for (size_t i = 0; i + 3 <= triplets.size(); i += 3) {
    const int first = triplets[i], last = triplets[i + 1], stride = triplets[i + 2];
    if (stride == 0) return Error(Code::kArg, "range %zu has stride 0", i / 3);
    if ((stride > 0 && first > last) || (stride < 0 && first < last)) {
      return Error(Code::kArg, "range %zu (%d, %d, %d) runs away from its last rank", i / 3, first,
                   last, stride);
    }
    if (first < 0 || first >= size() || last < 0 || last >= size()) {
      return Error(Code::kRank, "range %zu (%d, %d, %d) leaves the group of size %d", i / 3, first,
                   last, stride, size());
    }
    for (long long r = first; stride > 0 ? r <= last : r >= last; r += stride) {
      if (seen[r]) return Error(Code::kRank, "rank %lld is named twice", r);
      seen[r] = 1;
      out.push_back(static_cast<int>(r));
    }
  }
  return out;
}

StatusOr<std::unique_ptr<Group>> Group::RangeIncl(const std::vector<int>& triplets) const {
  ZMPI_ASSIGN_OR_RETURN(std::vector<int> ranks, ExpandRanges(triplets));
  return Incl(ranks);
}

StatusOr<std::unique_ptr<Group>> Group::RangeExcl(const std::vector<int>& triplets) const {
  ZMPI_ASSIGN_OR_RETURN(std::vector<int> ranks, ExpandRanges(triplets));
  return Excl(ranks);
}

}  // namespace zmpi::core
