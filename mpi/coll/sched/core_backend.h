// The production side of schedules: a Backend over core point-to-point on a communicator's
// collective context (Channel::kColl, so schedule traffic never matches user receives), and
// ScheduleRequest, the request extension (core/coll_request.h) that owns a schedule, its
// backend and copies of the datatypes its spans name (so MPI_Type_free during the operation,
// or between the Starts of a persistent one, changes nothing).
//
// Use (also for the neighborhood collectives): make a ScheduleRequest with the tag from
// comm.NextCollTag(), record steps into sched() with spans whose types come from Keep(),
// then Launch() it.
#ifndef ZMPI_MPI_COLL_SCHED_CORE_BACKEND_H_
#define ZMPI_MPI_COLL_SCHED_CORE_BACKEND_H_

#include <deque>
#include <memory>

#include "common/status.h"
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
  // A copy of `type` that lives as long as this request (nullptr stays nullptr).
  const core::Datatype* Keep(const core::Datatype* type);

  bool Advance(Status* error) override { return schedule_.Advance(backend_, error); }
  void Rewind() override { schedule_.Reset(); }
  void FailDeadPeers() override { schedule_.FailDead(backend_); }

 private:
  Schedule schedule_;
  CoreBackend backend_;
  core::Comm& comm_;
  std::deque<core::Datatype> types_;
  std::deque<datatype::TypeRef> refs_;

  friend StatusOr<core::Request*> Launch(std::unique_ptr<ScheduleRequest> request, bool persistent);
};

// Makes the request: a persistent one stays inactive until MPI_Start; otherwise it starts now.
StatusOr<core::Request*> Launch(std::unique_ptr<ScheduleRequest> request, bool persistent);

}  // namespace zmpi::coll::sched

#endif  // ZMPI_MPI_COLL_SCHED_CORE_BACKEND_H_
