#include "mpi/coll/core_links.h"

namespace zmpi::coll {

CoreLinks::~CoreLinks() { WaitAll().IgnoreError(); }

Status CoreLinks::Send(int dest, int tag, const void* buf, size_t bytes) {
  return core::CollSend(comm_, dest, tag, buf, bytes);
}

Status CoreLinks::Recv(int source, int tag, void* buf, size_t bytes) {
  return core::CollRecv(comm_, source, tag, buf, bytes);
}

Status CoreLinks::SendRecv(int dest, const void* sendbuf, size_t sendbytes, int source,
                           void* recvbuf, size_t recvbytes, int tag) {
  return core::CollSendRecv(comm_, dest, sendbuf, sendbytes, source, recvbuf, recvbytes, tag);
}

Status CoreLinks::SendSmall(int dest, int tag, const void* buf, size_t bytes) {
  return core::CollSend(comm_, dest, tag, buf, bytes);  // an eager frame at once, no request
}

Status CoreLinks::Isend(int dest, int tag, const void* buf, size_t bytes) {
  core::SendArgs args{buf, bytes, dest, tag, &comm_};
  args.channel = core::Channel::kColl;
  ZMPI_ASSIGN_OR_RETURN(core::Request * request, core::Isend(args));
  Track(request);
  return OkStatus();
}

Status CoreLinks::Irecv(int source, int tag, void* buf, size_t bytes) {
  core::RecvArgs args{buf, bytes, source, tag, &comm_};
  args.channel = core::Channel::kColl;
  ZMPI_ASSIGN_OR_RETURN(core::Request * request, core::Irecv(args));
  Track(request);
  return OkStatus();
}

void CoreLinks::Track(core::Request* request) {
  if (pending_ < kInline && spill_.empty()) {
    inline_[pending_++] = request;
    return;
  }
  if (spill_.empty()) spill_.assign(inline_, inline_ + pending_);
  spill_.push_back(request);
  ++pending_;
}

Status CoreLinks::WaitAll() {
  if (pending_ == 0) return OkStatus();
  core::Request* const* requests = spill_.empty() ? inline_ : spill_.data();
  Status status = core::WaitAll(requests, pending_, nullptr);
  pending_ = 0;
  spill_.clear();
  return status;
}

}  // namespace zmpi::coll
