// MPI_Group: an ordered set of processes, named by their world ranks. Groups are values:
// every operation makes a new group and never changes its inputs. The set operations here
// are pure (no runtime), so they are unit-tested on their own; mpi/abi/group.cc checks
// handles and turns their Status into MPI error classes.
#ifndef ZMPI_MPI_CORE_GROUP_H_
#define ZMPI_MPI_CORE_GROUP_H_

#include <memory>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

class Group {
 public:
  // `world_ranks` must hold distinct non-negative world ranks.
  explicit Group(std::vector<int> world_ranks);
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  int size() const { return static_cast<int>(world_ranks_.size()); }
  int WorldRank(int rank) const { return world_ranks_[rank]; }
  const std::vector<int>& world_ranks() const { return world_ranks_; }
  // Rank in this group of a world rank, or -1.
  int RankOfWorld(int world_rank) const;

  // MPI_IDENT (same order), MPI_SIMILAR (same members), or MPI_UNEQUAL.
  int Compare(const Group& other) const;
  // MPI_Group_translate_ranks for one rank: MPI_PROC_NULL stays, a rank not in `other`
  // gives MPI_UNDEFINED. kRank when `rank` is not a rank of this group.
  StatusOr<int> TranslateRank(int rank, const Group& other) const;

  // The set operations of MPI-4.1 §7.3.2. Orders follow the standard: union is this group's
  // members then the others' new ones in their order; intersection and difference keep
  // this group's order.
  std::unique_ptr<Group> Union(const Group& other) const;
  std::unique_ptr<Group> Intersection(const Group& other) const;
  std::unique_ptr<Group> Difference(const Group& other) const;
  // MPI_Group_incl/excl: kRank for a rank out of range or given twice.
  StatusOr<std::unique_ptr<Group>> Incl(const std::vector<int>& ranks) const;
  StatusOr<std::unique_ptr<Group>> Excl(const std::vector<int>& ranks) const;
  // MPI_Group_range_incl/excl: each triplet (first, last, stride). kArg for stride 0 or a
  // triplet that runs away from `last`; kRank for ranks out of range or named twice.
  StatusOr<std::unique_ptr<Group>> RangeIncl(const std::vector<int>& triplets) const;
  StatusOr<std::unique_ptr<Group>> RangeExcl(const std::vector<int>& triplets) const;

  // The session whose process set this group derives from (MPI_Group_from_session_pset, then
  // every group the operations above make from it: they take this group's, the first operand's),
  // or MPI_SESSION_NULL. MPI_Comm_create_from_group gives its communicator this session.
  MPI_Session session() const { return session_; }
  void set_session(MPI_Session session) { session_ = session; }

 private:
  // Expands triplets into ranks, with the checks above.
  StatusOr<std::vector<int>> ExpandRanges(const std::vector<int>& triplets) const;
  // A group of `world_ranks` with this group's session.
  std::unique_ptr<Group> Derived(std::vector<int> world_ranks) const;

  std::vector<int> world_ranks_;
  std::unordered_map<int, int> rank_of_world_;
  MPI_Session session_ = MPI_SESSION_NULL;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_GROUP_H_
