// Groups (MPI-4.1 §7.3). Errors have no object of their own to go to: MPI_COMM_WORLD's
// handler runs, as for the other calls without a communicator.
#include "mpi/core/group.h"

#include <memory>
#include <vector>

#include "mpi/abi/entry.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::StatusOr;
using zmpi::core::Group;
using zmpi::core::Runtime;

namespace {

Status CheckGroup(MPI_Group handle, Group** group) {
  *group = Runtime::Get()->FindGroup(handle);
  if (*group != nullptr) return zmpi::OkStatus();
  return zmpi::Error(Code::kGroup, "invalid group handle 0x%x", handle);
}

Status CheckOut(const void* p, const char* what) {
  return p != nullptr ? zmpi::OkStatus() : zmpi::Error(Code::kArg, "null %s", what);
}

Status CheckRanks(int n, const void* ranks) {
  if (n < 0) return zmpi::Error(Code::kArg, "negative count %d", n);
  if (n > 0 && ranks == nullptr) return zmpi::Error(Code::kArg, "null rank array");
  return zmpi::OkStatus();
}

// Stores a new group and returns its handle. An empty result is MPI_GROUP_EMPTY itself (as
// with MPICH, which programs test with ==); MPI_Group_free accepts it so that the caller may
// free every result alike.
MPI_Group Store(std::unique_ptr<Group> g) {
  if (g->size() == 0) return MPI_GROUP_EMPTY;
  return Runtime::Get()->groups().Add(std::move(g));
}

int Finish(const char* function, StatusOr<std::unique_ptr<Group>> result, MPI_Group* out) {
  if (!result.ok()) return zmpi::abi::Report(nullptr, function, result.status());
  *out = Store(std::move(*result));
  return MPI_SUCCESS;
}

}  // namespace

ZMPI_API int PMPI_Group_size(MPI_Group group, int* size) {
  ZMPI_ENTER("MPI_Group_size");
  Group* g;
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_size", CheckGroup(group, &g));
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_size", CheckOut(size, "size"));
  *size = g->size();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Group_rank(MPI_Group group, int* rank) {
  ZMPI_ENTER("MPI_Group_rank");
  Group* g;
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_rank", CheckGroup(group, &g));
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_rank", CheckOut(rank, "rank"));
  int r = g->RankOfWorld(Runtime::Get()->world_rank());
  *rank = r < 0 ? MPI_UNDEFINED : r;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Group_translate_ranks(MPI_Group group1, int n, const int ranks1[],
                                        MPI_Group group2, int ranks2[]) {
  ZMPI_ENTER("MPI_Group_translate_ranks");
  const char* fn = "MPI_Group_translate_ranks";
  Group *a, *b;
  ZMPI_CHECK_ARG(nullptr, fn, CheckGroup(group1, &a));
  ZMPI_CHECK_ARG(nullptr, fn, CheckRanks(n, ranks1));
  ZMPI_CHECK_ARG(nullptr, fn, CheckGroup(group2, &b));
  ZMPI_CHECK_ARG(nullptr, fn, CheckRanks(n, ranks2));
  std::vector<int> out(n);
  for (int i = 0; i < n; ++i) {
    StatusOr<int> r = a->TranslateRank(ranks1[i], *b);
    if (!r.ok()) return zmpi::abi::Report(nullptr, fn, r.status());
    out[i] = *r;
  }
  for (int i = 0; i < n; ++i) ranks2[i] = out[i];
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Group_compare(MPI_Group group1, MPI_Group group2, int* result) {
  ZMPI_ENTER("MPI_Group_compare");
  Group *a, *b;
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_compare", CheckGroup(group1, &a));
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_compare", CheckGroup(group2, &b));
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_compare", CheckOut(result, "result"));
  *result = a->Compare(*b);
  return MPI_SUCCESS;
}

#define ZMPI_GROUP_SET_OP(Name, Method)                                                     \
  ZMPI_API int PMPI_Group_##Name(MPI_Group group1, MPI_Group group2, MPI_Group* newgroup) { \
    ZMPI_ENTER("MPI_Group_" #Name);                                                         \
    Group *a, *b;                                                                           \
    ZMPI_CHECK_ARG(nullptr, "MPI_Group_" #Name, CheckGroup(group1, &a));                    \
    ZMPI_CHECK_ARG(nullptr, "MPI_Group_" #Name, CheckGroup(group2, &b));                    \
    ZMPI_CHECK_ARG(nullptr, "MPI_Group_" #Name, CheckOut(newgroup, "newgroup"));            \
    *newgroup = Store(a->Method(*b));                                                       \
    return MPI_SUCCESS;                                                                     \
  }

ZMPI_GROUP_SET_OP(union, Union)
ZMPI_GROUP_SET_OP(intersection, Intersection)
ZMPI_GROUP_SET_OP(difference, Difference)

ZMPI_API int PMPI_Group_incl(MPI_Group group, int n, const int ranks[], MPI_Group* newgroup) {
  ZMPI_ENTER("MPI_Group_incl");
  Group* g;
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_incl", CheckGroup(group, &g));
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_incl", CheckRanks(n, ranks));
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_incl", CheckOut(newgroup, "newgroup"));
  return Finish("MPI_Group_incl", g->Incl(std::vector<int>(ranks, ranks + n)), newgroup);
}

ZMPI_API int PMPI_Group_excl(MPI_Group group, int n, const int ranks[], MPI_Group* newgroup) {
  ZMPI_ENTER("MPI_Group_excl");
  Group* g;
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_excl", CheckGroup(group, &g));
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_excl", CheckRanks(n, ranks));
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_excl", CheckOut(newgroup, "newgroup"));
  return Finish("MPI_Group_excl", g->Excl(std::vector<int>(ranks, ranks + n)), newgroup);
}

ZMPI_API int PMPI_Group_range_incl(MPI_Group group, int n, int ranges[][3], MPI_Group* newgroup) {
  ZMPI_ENTER("MPI_Group_range_incl");
  Group* g;
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_range_incl", CheckGroup(group, &g));
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_range_incl", CheckRanks(n, ranges));
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_range_incl", CheckOut(newgroup, "newgroup"));
  std::vector<int> t(&ranges[0][0], &ranges[0][0] + 3 * n);
  return Finish("MPI_Group_range_incl", g->RangeIncl(t), newgroup);
}

ZMPI_API int PMPI_Group_range_excl(MPI_Group group, int n, int ranges[][3], MPI_Group* newgroup) {
  ZMPI_ENTER("MPI_Group_range_excl");
  Group* g;
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_range_excl", CheckGroup(group, &g));
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_range_excl", CheckRanks(n, ranges));
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_range_excl", CheckOut(newgroup, "newgroup"));
  std::vector<int> t(&ranges[0][0], &ranges[0][0] + 3 * n);
  return Finish("MPI_Group_range_excl", g->RangeExcl(t), newgroup);
}

ZMPI_API int PMPI_Group_free(MPI_Group* group) {
  ZMPI_ENTER("MPI_Group_free");
  Group* g;
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_free", CheckOut(group, "group"));
  ZMPI_CHECK_ARG(nullptr, "MPI_Group_free", CheckGroup(*group, &g));
  if (*group == MPI_GROUP_EMPTY) {  // predefined: nothing to release (see Store)
    *group = MPI_GROUP_NULL;
    return MPI_SUCCESS;
  }
  Runtime::Get()->groups().Remove(*group);
  *group = MPI_GROUP_NULL;
  return MPI_SUCCESS;
}

#include "mpi/abi/group_aliases.inc"
