#include "mpi/io/agg/core_link.h"

#include "mpi/core/p2p.h"
#include "mpi/core/request.h"

namespace zmpi::io::agg {

Status CoreLink::Send(int peer, int tag, const void* buf, size_t len, void** handle) {
  core::SendArgs a{buf, len, peer, tag, &comm_};
  ZMPI_ASSIGN_OR_RETURN(core::Request * r, core::Isend(a));
  *handle = r;
  return OkStatus();
}

Status CoreLink::Recv(int peer, int tag, void* buf, size_t cap, void** handle) {
  core::RecvArgs a{buf, cap, peer, tag, &comm_};
  ZMPI_ASSIGN_OR_RETURN(core::Request * r, core::Irecv(a));
  *handle = r;
  return OkStatus();
}

bool CoreLink::Done(void* handle) { return static_cast<core::Request*>(handle)->complete; }

Status CoreLink::Finish(void* handle, size_t* bytes) {
  auto* r = static_cast<core::Request*>(handle);
  *bytes = r->kind == core::RequestKind::kRecv ? r->status_bytes : 0;
  return core::Finish(r, nullptr);
}

void CoreLink::FailDead(void* const* handles, size_t count) {
  core::FailDeadPeers(reinterpret_cast<core::Request* const*>(handles), static_cast<int>(count));
}

}  // namespace zmpi::io::agg
