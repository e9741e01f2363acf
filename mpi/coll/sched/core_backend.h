// The production side of schedules: a Backend over core point-to-point on a communicator's
// collective context (Channel::kColl, so schedule traffic never matches user receives), and
// ScheduleRequest, the request extension (core/coll_request.h) that owns a schedule, its
// backend and copies of the datatypes its spans name (so MPI_Type_free during the operation,
// or between the Starts of a persistent one, changes nothing).
//
// Use (also for the neighborhood collectives): make a ScheduleRequest with the tag from
// comm.NextCollTag(), record steps into sched() with spans whose types come from Keep(),
// then Launch() it. A neighbor allgather, for instance, is one round:
//
//   auto req = std::make_unique<ScheduleRequest>(comm, comm.NextCollTag());
//   Schedule& s = req->sched();
//   const core::Datatype* st = req->Keep(sendtype);
//   const core::Datatype* rt = req->Keep(recvtype);
//   for (int i = 0; i < indegree; ++i)
//     s.Recv(sources[i], Span{recvbuf, 0, rt}.At(i * recvcount, recvcount));
//   for (int i = 0; i < outdegree; ++i) s.Send(dests[i], Span{sendbuf, sendcount, st});
//   s.Wait();
//   return Launch(std::move(req), persistent);  // the request (inactive when persistent)
//
// A peer may be MPI_PROC_NULL (Cartesian edges): core completes such a send or receive at
// once and moves nothing.
// Two messages between the same pair in one schedule match in recording order, so a graph
// with repeated edges stays correct as long as both sides record their edges in the same
// (standard-defined) order.
#ifndef ZMPI_MPI_COLL_SCHED_CORE_BACKEND_H_
#define ZMPI_MPI_COLL_SCHED_CORE_BACKEND_H_

#include <forward_list>
#include <memory>
#include <optional>
#include <vector>

#include "common/status.h"
#include "mpi/coll/op_reducer.h"
#include "mpi/coll/sched/schedule.h"
#include "mpi/core/coll_request.h"
#include "mpi/core/comm.h"
#include "mpi/core/datatype.h"
#include "mpi/core/request.h"
#include "mpi/datatype/type.h"

namespace zmpi::coll::sched {

class CoreBackend final : public Backend {
 public:
  explicit CoreBackend(core::Comm& comm) : comm_(comm) {}
  Status Post(const Step& step, int tag, void** handle) override;
  bool Done(void* handle) override;
  Status Finish(void* handle) override;
  void Copy(const Step& step) override;
  void FailDead(void* const* handles, size_t count) override;

 private:
  core::Comm& comm_;
};

class ScheduleRequest final : public core::CollectiveExt {
 public:
  ScheduleRequest(core::Comm& comm, int tag) : schedule_(tag), backend_(comm), comm_(comm) {}

  Schedule& sched() { return schedule_; }
  // A copy of `type` that lives as long as this request (nullptr stays nullptr); a
  // predefined type's own entry, which lives as long as the library.
  const core::Datatype* Keep(const core::Datatype* type);
  // The reducer of predefined `op` on predefined `base` (a type from Keep), kept inside the
  // request (one per request).
  const Reducer* UseOpReducer(MPI_Op op, const core::Datatype& base) {
    return &op_reducer_.emplace(op, base);
  }

  bool Advance(Status* error) override { return schedule_.Advance(backend_, error); }
  void Rewind() override { schedule_.Reset(); }
  void FailDeadPeers() override { schedule_.FailDead(backend_); }

 private:
  Schedule schedule_;
  CoreBackend backend_;
  core::Comm& comm_;
  // Node-based, so the copies Keep hands out never move (and, unlike a deque, nothing is
  // allocated while empty: most requests keep only predefined types).
  std::forward_list<core::Datatype> types_;
  std::vector<datatype::TypeRef> refs_;
  std::optional<OpReducer> op_reducer_;

  friend StatusOr<core::Request*> Launch(std::unique_ptr<ScheduleRequest> request, bool persistent);
};

// Makes the request: a persistent one stays inactive until MPI_Start; otherwise it starts now.
StatusOr<core::Request*> Launch(std::unique_ptr<ScheduleRequest> request, bool persistent);

}  // namespace zmpi::coll::sched

#endif  // ZMPI_MPI_COLL_SCHED_CORE_BACKEND_H_
