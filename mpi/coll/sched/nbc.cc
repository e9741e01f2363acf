#include "mpi/coll/sched/nbc.h"

#include <memory>
#include <vector>

#include "mpi/coll/op_reducer.h"
#include "mpi/coll/reduction.h"
#include "mpi/coll/sched/builders.h"
#include "mpi/coll/sched/core_backend.h"
#include "mpi/coll/sched/small_nbc.h"
#include "mpi/core/op.h"
#include "mpi/core/user_op.h"

namespace zmpi::coll {
namespace {

using core::Datatype;
using sched::ScheduleRequest;
using sched::Span;

std::unique_ptr<ScheduleRequest> NewRequest(core::Comm& comm) {
  return std::make_unique<ScheduleRequest>(comm, comm.NextCollTag());
}

// `base` is the type itself for a user-defined op (the C boundary's CheckOp); the request
// keeps the reducer.
const Reducer* MakeReducer(ScheduleRequest& req, MPI_Op op, const Datatype& base) {
  core::UserOp user;
  if (!core::IsPredefinedOp(op) && core::FindUserOp(op, &user)) {
    return req.sched().Own(std::make_unique<UserReducer>(user, base));
  }
  return req.UseOpReducer(op, base);
}

// The working buffer of a reduction on `elements` base elements: `out` itself when its span
// is plain, else scratch (the caller unpacks it into `out` at the end). Records the copy of
// `in` (this rank's contribution) into it.
char* Stage(sched::Schedule& s, Span in, Span out) {
  char* data =
      out.plain() && out.buf != nullptr ? static_cast<char*>(out.mut()) : s.Scratch(in.bytes());
  s.Copy(in, Span{data, static_cast<int64_t>(in.bytes()), nullptr});
  return data;
}

void Unstage(sched::Schedule& s, const char* data, Span out) {
  s.Copy(Span{data, static_cast<int64_t>(out.bytes()), nullptr}, out);
}

// An intercommunicator's rooted operation: what `root` says this rank is.
sched::InterRole RoleOf(int root) {
  if (root == MPI_ROOT) return sched::InterRole::kRoot;
  return root == MPI_PROC_NULL ? sched::InterRole::kIdle : sched::InterRole::kRemote;
}

// Whether this rank holds the root's side of a rooted operation.
bool AtRoot(const core::Comm& comm, int root) {
  return comm.is_inter() ? root == MPI_ROOT : comm.rank() == root;
}

// The blocks of a v-form: counts[i] elements of `type` at buf + displs[i] extents, for each of
// `n` ranks (the request keeps a reference to the type).
std::vector<Span> Blocks(ScheduleRequest& req, const void* buf, const Datatype* type,
                         const int64_t* counts, const int64_t* displs, int n) {
  const Span all{buf, 0, req.Keep(type)};
  std::vector<Span> blocks;
  blocks.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) blocks.push_back(all.At(displs[i], counts[i]));
  return blocks;
}

}  // namespace

Req Ibarrier(core::Comm& comm, bool persistent) {
  auto req = NewRequest(comm);
  if (comm.is_inter()) {
    sched::BuildInterBarrier(req->sched(), comm.size());
  } else {
    sched::BuildBarrier(req->sched(), comm.rank(), comm.size());
  }
  return sched::Launch(std::move(req), persistent);
}

Req Ibcast(core::Comm& comm, void* buf, int64_t count, const Datatype& type, int root,
           bool persistent) {
  if (!persistent && sched::SmallIbcastFits(comm, count, type)) {
    return sched::SmallIbcast(comm, buf, count, type, root);
  }
  auto req = NewRequest(comm);
  const Span data{buf, count, req->Keep(&type)};
  if (comm.is_inter()) {
    sched::BuildInterBcast(req->sched(), comm.size(), data, RoleOf(root), root);
  } else {
    sched::BuildBcast(req->sched(), comm.rank(), comm.size(), data, root);
  }
  return sched::Launch(std::move(req), persistent);
}

Req Igatherv(core::Comm& comm, const void* sendbuf, int64_t sendcount, const Datatype* sendtype,
             void* recvbuf, const int64_t* recvcounts, const int64_t* displs,
             const Datatype* recvtype, int root, bool persistent) {
  auto req = NewRequest(comm);
  const int n = comm.size();
  const bool at_root = AtRoot(comm, root);
  const bool in_place = at_root && sendbuf == MPI_IN_PLACE;
  std::vector<Span> blocks;
  if (at_root) blocks = Blocks(*req, recvbuf, recvtype, recvcounts, displs, n);
  const Span own =
      in_place || sendtype == nullptr ? Span{} : Span{sendbuf, sendcount, req->Keep(sendtype)};
  if (comm.is_inter()) {
    sched::BuildInterGatherv(req->sched(), n, own, blocks.data(), RoleOf(root), root);
  } else {
    sched::BuildGatherv(req->sched(), comm.rank(), n, own, blocks.data(), root, in_place);
  }
  return sched::Launch(std::move(req), persistent);
}

Req Iscatterv(core::Comm& comm, const void* sendbuf, const int64_t* sendcounts,
              const int64_t* displs, const Datatype* sendtype, void* recvbuf, int64_t recvcount,
              const Datatype* recvtype, int root, bool persistent) {
  auto req = NewRequest(comm);
  const int n = comm.size();
  const bool at_root = AtRoot(comm, root);
  const bool in_place = at_root && recvbuf == MPI_IN_PLACE;
  std::vector<Span> blocks;
  if (at_root) blocks = Blocks(*req, sendbuf, sendtype, sendcounts, displs, n);
  const Span own =
      in_place || recvtype == nullptr ? Span{} : Span{recvbuf, recvcount, req->Keep(recvtype)};
  if (comm.is_inter()) {
    sched::BuildInterScatterv(req->sched(), n, blocks.data(), own, RoleOf(root), root);
  } else {
    sched::BuildScatterv(req->sched(), comm.rank(), n, blocks.data(), own, root, in_place);
  }
  return sched::Launch(std::move(req), persistent);
}

Req Iallgatherv(core::Comm& comm, const void* sendbuf, int64_t sendcount, const Datatype* sendtype,
                void* recvbuf, const int64_t* recvcounts, const int64_t* displs,
                const Datatype& recvtype, bool persistent) {
  auto req = NewRequest(comm);
  const int n = comm.size();
  const bool in_place = sendbuf == MPI_IN_PLACE;
  const std::vector<Span> blocks = Blocks(*req, recvbuf, &recvtype, recvcounts, displs, n);
  const Span own = in_place ? Span{} : Span{sendbuf, sendcount, req->Keep(sendtype)};
  if (comm.is_inter()) {
    sched::BuildInterAllgatherv(req->sched(), n, own, blocks.data());
  } else {
    sched::BuildAllgatherv(req->sched(), comm.rank(), n, own, blocks.data(), in_place);
  }
  return sched::Launch(std::move(req), persistent);
}

Req Ialltoallw(core::Comm& comm, const void* sendbuf, const int64_t* sendcounts,
               const int64_t* sdispls, const Datatype* const* sendtypes, void* recvbuf,
               const int64_t* recvcounts, const int64_t* rdispls, const Datatype* const* recvtypes,
               bool persistent) {
  auto req = NewRequest(comm);
  sched::Schedule& s = req->sched();
  const int n = comm.size();
  std::vector<Span> sends(n), recvs(n);
  for (int i = 0; i < n; ++i) {
    recvs[i] =
        Span{static_cast<char*>(recvbuf) + rdispls[i], recvcounts[i], req->Keep(recvtypes[i])};
  }
  if (sendbuf == MPI_IN_PLACE) {
    // Every block leaves from a packed copy of the receive buffer taken when the run starts.
    size_t total = 0;
    for (int i = 0; i < n; ++i) total += recvs[i].bytes();
    char* copy = s.Scratch(total);
    for (int i = 0; i < n; ++i) {
      sends[i] = Span{copy, static_cast<int64_t>(recvs[i].bytes()), nullptr};
      s.Copy(recvs[i], sends[i]);
      copy += recvs[i].bytes();
    }
  } else {
    for (int i = 0; i < n; ++i) {
      sends[i] = Span{static_cast<const char*>(sendbuf) + sdispls[i], sendcounts[i],
                      req->Keep(sendtypes[i])};
    }
  }
  if (comm.is_inter()) {
    sched::BuildInterAlltoallw(s, n, sends.data(), recvs.data());
  } else {
    sched::BuildAlltoallw(s, comm.rank(), n, sends.data(), recvs.data());
  }
  return sched::Launch(std::move(req), persistent);
}

Req Ireduce(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
            const Datatype& type, const Datatype& base, MPI_Op op, int root, bool persistent) {
  auto req = NewRequest(comm);
  sched::Schedule& s = req->sched();
  const Datatype* t = req->Keep(&type);
  const Datatype* b = req->Keep(&base);
  const Reducer* r = MakeReducer(*req, op, *b);
  const size_t elements = static_cast<size_t>(count) * (t->size / b->size);
  const Span out{recvbuf, count, t};
  const Span in{sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf, count, t};
  if (comm.is_inter()) {
    const sched::InterRole role = RoleOf(root);
    if (role == sched::InterRole::kRoot) {
      char* data = out.plain() && out.buf != nullptr ? static_cast<char*>(out.mut())
                                                     : s.Scratch(out.bytes());
      sched::BuildInterReduce(s, comm.size(), *r, data, elements, role, root);
      Unstage(s, data, out);
    } else if (role == sched::InterRole::kRemote) {
      sched::BuildInterReduce(s, comm.size(), *r, Stage(s, in, Span{}), elements, role, root);
    }
    return sched::Launch(std::move(req), persistent);
  }
  const bool at_root = comm.rank() == root;
  char* data = at_root ? Stage(s, in, out) : Stage(s, in, Span{});
  sched::BuildReduce(s, comm.rank(), comm.size(), *r, data, elements, root);
  if (at_root) Unstage(s, data, out);
  return sched::Launch(std::move(req), persistent);
}

Req Iallreduce(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
               const Datatype& type, const Datatype& base, MPI_Op op, bool persistent) {
  if (!persistent) {
    if (core::ReduceFn fold = sched::SmallIallreduceFits(comm, count, type, base, op)) {
      return sched::SmallIallreduce(comm, sendbuf, recvbuf, count, type, fold);
    }
  }
  auto req = NewRequest(comm);
  sched::Schedule& s = req->sched();
  const Datatype* t = req->Keep(&type);
  const Datatype* b = req->Keep(&base);
  const Reducer* r = MakeReducer(*req, op, *b);
  const size_t elements = static_cast<size_t>(count) * (t->size / b->size);
  const Span out{recvbuf, count, t};
  const Span in{sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf, count, t};
  if (comm.is_inter()) {
    // This rank's contribution, packed, and the combination of the remote group's.
    const char* own = in.plain() ? static_cast<const char*>(in.buf) : Stage(s, in, Span{});
    char* data = out.plain() ? static_cast<char*>(out.mut()) : s.Scratch(out.bytes());
    sched::BuildInterAllreduce(s, comm.size(), *r, own, data, elements);
    Unstage(s, data, out);
    return sched::Launch(std::move(req), persistent);
  }
  char* data = Stage(s, in, out);
  sched::BuildAllreduce(s, comm.rank(), comm.size(), *r, data, elements);
  Unstage(s, data, out);
  return sched::Launch(std::move(req), persistent);
}

Req Iscan(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count, const Datatype& type,
          const Datatype& base, MPI_Op op, bool exclusive, bool persistent) {
  auto req = NewRequest(comm);
  sched::Schedule& s = req->sched();
  const Datatype* t = req->Keep(&type);
  const Datatype* b = req->Keep(&base);
  const Reducer* r = MakeReducer(*req, op, *b);
  const size_t elements = static_cast<size_t>(count) * (t->size / b->size);
  const Span out{recvbuf, count, t};
  const Span in{sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf, count, t};
  // Exscan leaves rank 0's receive buffer alone (its contents are undefined by the standard,
  // but a program may keep data there).
  const bool untouched = exclusive && comm.rank() == 0;
  char* data = Stage(s, in, untouched ? Span{} : out);
  sched::BuildScan(s, comm.rank(), comm.size(), *r, data, elements, exclusive);
  if (!untouched) Unstage(s, data, out);
  return sched::Launch(std::move(req), persistent);
}

Req IreduceScatter(core::Comm& comm, const void* sendbuf, void* recvbuf, const int64_t* recvcounts,
                   const Datatype& type, const Datatype& base, MPI_Op op, bool persistent) {
  auto req = NewRequest(comm);
  sched::Schedule& s = req->sched();
  const int n = comm.local_size();
  const Datatype* t = req->Keep(&type);
  const Datatype* b = req->Keep(&base);
  const Reducer* r = MakeReducer(*req, op, *b);
  int64_t total = 0, before = 0;
  for (int i = 0; i < n; ++i) {
    total += recvcounts[i];
    if (i < comm.rank()) before += recvcounts[i];
  }
  const size_t per = t->size / b->size;  // base elements per element of type
  const Span in{sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf, total, t};
  if (comm.is_inter()) {
    // Every rank sends its whole vector to every remote rank, combines the remote group's
    // vectors in rank order and keeps its own block (the groups' totals are equal).
    const char* own = in.plain() ? static_cast<const char*>(in.buf) : Stage(s, in, Span{});
    char* all = s.Scratch(static_cast<size_t>(total) * t->size);
    sched::BuildInterAllreduce(s, comm.size(), *r, own, all, static_cast<size_t>(total) * per);
    s.Copy(Span{all + before * t->size, static_cast<int64_t>(recvcounts[comm.rank()] * t->size),
                nullptr},
           Span{recvbuf, recvcounts[comm.rank()], t});
    return sched::Launch(std::move(req), persistent);
  }
  char* data = Stage(s, in, Span{});
  // Reduce everything to rank 0, which hands each rank its block (packed bytes; the receiver
  // unpacks into its type).
  sched::BuildReduce(s, comm.rank(), n, *r, data, static_cast<size_t>(total) * per, 0);
  std::vector<Span> blocks(n);
  int64_t offset = 0;
  for (int i = 0; i < n; ++i) {
    blocks[i] =
        Span{data + offset * t->size, static_cast<int64_t>(recvcounts[i] * t->size), nullptr};
    offset += recvcounts[i];
  }
  sched::BuildScatterv(s, comm.rank(), n, blocks.data(), Span{recvbuf, recvcounts[comm.rank()], t},
                       0, false);
  return sched::Launch(std::move(req), persistent);
}

}  // namespace zmpi::coll
