#include "mpi/coll/sched/core_backend.h"

#include <cstring>
#include <utility>

#include "mpi/core/derived_op.h"
#include "mpi/core/p2p.h"

namespace zmpi::coll::sched {

namespace {

StatusOr<core::Request*> PostSend(core::Comm& comm, const Span& d, int peer, int tag) {
  core::SendArgs a{d.buf, d.bytes(), peer, tag, &comm};
  a.channel = core::Channel::kColl;
  if (!d.plain()) {
    a.type = d.type;
    a.count = d.count;
  }
  return core::Isend(a);
}

StatusOr<core::Request*> PostRecv(core::Comm& comm, const Span& d, int peer, int tag) {
  core::RecvArgs a{d.mut(), d.bytes(), peer, tag, &comm};
  a.channel = core::Channel::kColl;
  if (!d.plain()) {
    a.type = d.type;
    a.count = d.count;
  }
  return core::Irecv(a);
}

}  // namespace

// Every I-collective's start passes here: no Status is made unless something failed.
Status CoreBackend::Post(const Step& step, int tag, void** handle) {
  StatusOr<core::Request*> r = step.kind == StepKind::kSend
                                   ? PostSend(comm_, step.data, step.peer, tag)
                                   : PostRecv(comm_, step.data, step.peer, tag);
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
  if (type->type == nullptr && core::FindDatatype(type->handle) == type) return type;
  types_.push_front(*type);
  if (type->type != nullptr) refs_.emplace_back(type->type);
  return &types_.front();
}

StatusOr<core::Request*> Launch(std::unique_ptr<ScheduleRequest> request, bool persistent) {
  core::Comm& comm = request->comm_;
  core::Request* r = core::NewCollective(comm, std::move(request), persistent);
  if (!persistent) core::StartCollective(r);
  return r;
}

}  // namespace zmpi::coll::sched
