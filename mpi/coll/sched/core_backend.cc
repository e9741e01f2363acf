#include "mpi/coll/sched/core_backend.h"

#include <cstring>
#include <utility>

#include "mpi/core/derived_op.h"
#include "mpi/core/p2p.h"

namespace zmpi::coll::sched {

Status CoreBackend::Post(const Step& step, int tag, void** handle) {
  const Span& d = step.data;
  StatusOr<core::Request*> r = Error(Code::kIntern, "no operation");
  if (step.kind == StepKind::kSend) {
    core::SendArgs a{d.buf, d.bytes(), step.peer, tag, &comm_};
    a.channel = core::Channel::kColl;
    if (!d.plain()) {
      a.type = d.type;
      a.count = d.count;
    }
    r = core::Isend(a);
  } else {
    core::RecvArgs a{d.mut(), d.bytes(), step.peer, tag, &comm_};
    a.channel = core::Channel::kColl;
    if (!d.plain()) {
      a.type = d.type;
      a.count = d.count;
    }
    r = core::Irecv(a);
  }
  if (!r.ok()) return r.status();
  *handle = *r;
  return OkStatus();
}

bool CoreBackend::Done(void* handle) { return static_cast<core::Request*>(handle)->complete; }

Status CoreBackend::Finish(void* handle) {
  return core::Finish(static_cast<core::Request*>(handle), nullptr);
}

void CoreBackend::Copy(const Step& step) {
  const Span& from = step.data;
  const Span& to = step.to;
  if (from.plain()) {
    core::UnpackTyped(from.buf, static_cast<int64_t>(from.bytes()), to.mut(), to.count, *to.type);
  } else if (to.plain()) {
    core::PackTyped(from.buf, from.count, *from.type, to.mut());
  } else {
    core::PackTyped(from.buf, from.count, *from.type, step.staging);
    core::UnpackTyped(step.staging, static_cast<int64_t>(from.bytes()), to.mut(), to.count,
                      *to.type);
  }
}

void CoreBackend::FailDead(void* const* handles, size_t count) {
  core::FailDeadPeers(reinterpret_cast<core::Request* const*>(handles), static_cast<int>(count));
}

const core::Datatype* ScheduleRequest::Keep(const core::Datatype* type) {
  if (type == nullptr) return nullptr;
  types_.push_back(*type);
  if (type->type != nullptr) refs_.emplace_back(type->type);
  return &types_.back();
}

StatusOr<core::Request*> Launch(std::unique_ptr<ScheduleRequest> request, bool persistent) {
  core::Comm& comm = request->comm_;
  core::Request* r = core::NewCollective(comm, std::move(request), persistent);
  if (!persistent) core::StartCollective(r);
  return r;
}

}  // namespace zmpi::coll::sched
