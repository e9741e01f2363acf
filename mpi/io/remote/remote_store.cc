#include "mpi/io/remote/remote_store.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "mpi/core/p2p.h"
#include "mpi/core/request_ext.h"

namespace zmpi::io::remote {

RemoteStore::RemoteStore(core::Comm& comm, int data_delegate, int home)
    : comm_(comm), data_(data_delegate), home_(home) {}

StatusOr<int64_t> RemoteStore::Call(int server, Op op, int64_t offset, int64_t len,
                                    const void* payload, void* out, size_t cap) {
  if (closed_) return Error(Code::kBadFile, "the file is closed");
  const size_t payload_len = payload != nullptr ? static_cast<size_t>(len) : 0;
  std::vector<char> request(sizeof(RequestHeader) + payload_len);
  RequestHeader h{kVersion, static_cast<uint32_t>(op), offset, len, 0};
  memcpy(request.data(), &h, sizeof(h));
  if (payload_len > 0) memcpy(request.data() + sizeof(h), payload, payload_len);
  std::vector<char> reply(sizeof(ReplyHeader) + std::max(cap, kMaxText));

  core::RecvArgs ra{reply.data(), reply.size(), server, kReplyTag, &comm_};
  ZMPI_ASSIGN_OR_RETURN(core::Request * recv, core::Irecv(ra));
  core::SendArgs sa{request.data(), request.size(), server, kRequestTag, &comm_};
  StatusOr<core::Request*> send = core::Isend(sa);
  if (!send.ok()) {
    // Nothing will answer: withdraw the receive before its buffer goes away.
    core::Cancel(recv).IgnoreError();
    core::Wait(recv, nullptr).IgnoreError();
    return send.status();
  }
  Status sent = core::Wait(*send, nullptr);
  core::ProgressLoop loop;
  core::WaitComplete(recv, loop);
  const size_t bytes = recv->status_bytes;
  Status got = core::Finish(recv, nullptr);
  ZMPI_RETURN_IF_ERROR(sent);
  ZMPI_RETURN_IF_ERROR(got);
  ReplyHeader r;
  if (bytes < sizeof(r)) return Error(Code::kIo, "short reply from the file's delegate");
  memcpy(&r, reply.data(), sizeof(r));
  if (r.version != kVersion) return Error(Code::kIo, "reply of another version from the delegate");
  const char* body = reply.data() + sizeof(r);
  const size_t body_len = bytes - sizeof(r);
  if (r.code != 0) {
    size_t n = std::min<size_t>({r.text_len, body_len, kMaxText});
    return Status(static_cast<Code>(r.code), std::string(body, n));
  }
  if (op == Op::kRead) {
    if (r.value < 0 || static_cast<size_t>(r.value) > std::min(cap, body_len)) {
      return Error(Code::kIo, "bad read reply from the file's delegate");
    }
    memcpy(out, body, static_cast<size_t>(r.value));
  }
  return r.value;
}

StatusOr<size_t> RemoteStore::ReadAt(int64_t offset, void* buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    size_t chunk = std::min(len - done, kMaxChunk);
    ZMPI_ASSIGN_OR_RETURN(int64_t n, Call(data_, Op::kRead, offset + static_cast<int64_t>(done),
                                          static_cast<int64_t>(chunk), nullptr,
                                          static_cast<char*>(buf) + done, chunk));
    done += static_cast<size_t>(n);
    if (static_cast<size_t>(n) < chunk) break;  // end of file
  }
  return done;
}

Status RemoteStore::WriteAt(int64_t offset, const void* buf, size_t len) {
  size_t done = 0;
  do {
    size_t chunk = std::min(len - done, kMaxChunk);
    ZMPI_RETURN_IF_ERROR(Call(data_, Op::kWrite, offset + static_cast<int64_t>(done),
                              static_cast<int64_t>(chunk), static_cast<const char*>(buf) + done)
                             .status());
    done += chunk;
  } while (done < len);
  return OkStatus();
}

StatusOr<int64_t> RemoteStore::Size() { return Call(data_, Op::kSize, 0, 0); }
Status RemoteStore::Resize(int64_t size) { return Call(data_, Op::kResize, size, 0).status(); }
Status RemoteStore::Preallocate(int64_t size) {
  return Call(data_, Op::kPreallocate, size, 0).status();
}
Status RemoteStore::Sync() { return Call(data_, Op::kSync, 0, 0).status(); }
StatusOr<int64_t> RemoteStore::FetchAddShared(int64_t delta) {
  return Call(home_, Op::kFetchAddShared, delta, 0);
}
Status RemoteStore::SetShared(int64_t value) {
  return Call(home_, Op::kSetShared, value, 0).status();
}
Status RemoteStore::Lock(int64_t offset, int64_t len) {
  return Call(home_, Op::kLock, offset, len).status();
}
Status RemoteStore::Unlock(int64_t offset, int64_t len) {
  return Call(home_, Op::kUnlock, offset, len).status();
}

Status RemoteStore::Close() {
  if (closed_) return OkStatus();
  Status s = Call(data_, Op::kClose, 0, 0).status();
  if (home_ != data_) {
    Status h = Call(home_, Op::kClose, 0, 0).status();
    if (s.ok()) s = std::move(h);
  }
  closed_ = true;
  return s;
}

}  // namespace zmpi::io::remote
