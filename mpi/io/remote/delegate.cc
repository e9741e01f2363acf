#include "mpi/io/remote/delegate.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "mpi/core/p2p.h"
#include "mpi/core/pending_op.h"
#include "mpi/core/request_ext.h"
#include "mpi/core/runtime.h"

namespace zmpi::io::remote {
namespace {

// The engine's handle on a service: advances it each progress pass until it finishes.
class ServiceOp final : public core::PendingOp {
 public:
  explicit ServiceOp(std::shared_ptr<Delegate> service) : service_(std::move(service)) {}
  bool Advance() override { return service_->Serve(); }

 private:
  std::shared_ptr<Delegate> service_;
};

}  // namespace

Delegate::Delegate(core::Comm& comm, Store& store, int clients)
    : comm_(comm), store_(store), clients_(clients) {
  core::Runtime* rt = core::Runtime::Get();
  where_ = "delegate rank " + std::to_string(comm.rank()) + " on " + rt->processor_name();
  finished_ = clients_ == 0;
}

void Delegate::Start(std::shared_ptr<Delegate> service) {
  if (service->finished_) return;
  core::Runtime::Get()->engine().AddPendingOp(std::make_unique<ServiceOp>(std::move(service)));
}

void Delegate::PostReceive() {
  inbox_.resize(sizeof(RequestHeader) + kMaxChunk);
  core::RecvArgs a{inbox_.data(), inbox_.size(), MPI_ANY_SOURCE, kRequestTag, &comm_};
  StatusOr<core::Request*> r = core::Irecv(a);
  recv_ = r.ok() ? *r : nullptr;
}

void Delegate::Abandon() {
  abandoned_ = true;
  if (recv_ != nullptr && !recv_->complete && core::Cancel(recv_).ok()) {
    core::Finish(recv_, nullptr).IgnoreError();
    recv_ = nullptr;
  }
}

bool Delegate::Serve() {
  if (finished_) return true;
  if (abandoned_) {
    while (!replies_.empty() && replies_.front().request->complete) {
      core::Finish(replies_.front().request, nullptr).IgnoreError();
      replies_.pop_front();
    }
    if (recv_ != nullptr && recv_->complete) {
      core::Finish(recv_, nullptr).IgnoreError();  // a request nobody will answer
      recv_ = nullptr;
    }
    finished_ = replies_.empty() && recv_ == nullptr;
    return finished_;
  }
  if (recv_ == nullptr && closed_ < clients_) PostReceive();
  // Requests waiting in the unexpected queue complete the receive at once: serve a few.
  for (int i = 0; i < 32 && recv_ != nullptr && recv_->complete; ++i) {
    const int client = recv_->status_source;
    const size_t bytes = recv_->status_bytes;
    Status s = core::Finish(recv_, nullptr);
    recv_ = nullptr;
    if (s.ok()) Handle(client, inbox_.data(), bytes);
    if (closed_ < clients_) PostReceive();
  }
  while (!replies_.empty() && replies_.front().request->complete) {
    core::Finish(replies_.front().request, nullptr).IgnoreError();
    replies_.pop_front();
  }
  finished_ = closed_ >= clients_ && replies_.empty();
  return finished_;
}

void Delegate::Answer(int client, Status status, int64_t value, const char* data, size_t len) {
  ReplyHeader h{kVersion, static_cast<int32_t>(status.code()), value, 0, 0, 0};
  std::string text;
  if (!status.ok()) {
    text = status.message() + " (" + where_ + ")";
    if (text.size() > kMaxText) text.resize(kMaxText);
    h.text_len = static_cast<uint32_t>(text.size());
    data = text.data();
    len = text.size();
  }
  Reply reply;
  reply.bytes.resize(sizeof(h) + len);
  memcpy(reply.bytes.data(), &h, sizeof(h));
  if (len > 0) memcpy(reply.bytes.data() + sizeof(h), data, len);
  core::SendArgs a{reply.bytes.data(), reply.bytes.size(), client, kReplyTag, &comm_};
  StatusOr<core::Request*> r = core::Isend(a);
  if (!r.ok()) return;  // the client is gone; its own wait reports that
  reply.request = *r;
  replies_.push_back(std::move(reply));  // the vector's buffer moves with it, unchanged
  ++served_;
}

bool Delegate::Conflicts(const Held& want) const {
  for (const Held& h : held_) {
    if (want.offset < h.offset + h.len && h.offset < want.offset + want.len) return true;
  }
  return false;
}

bool Delegate::TryHoldSelf(int64_t offset, int64_t len) {
  Held want{kSelf, offset, len};
  if (Conflicts(want)) return false;
  held_.push_back(want);
  return true;
}

void Delegate::ReleaseSelf(int64_t offset, int64_t len) {
  auto it = std::find_if(held_.begin(), held_.end(), [&](const Held& x) {
    return x.client == kSelf && x.offset == offset && x.len == len;
  });
  if (it != held_.end()) held_.erase(it);
  GrantWaiting();
}

void Delegate::GrantWaiting() {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (Conflicts(*it)) {
      ++it;
      continue;
    }
    Held h = *it;
    it = waiting_.erase(it);
    Status s = store_.Lock(h.offset, h.len);
    if (s.ok()) held_.push_back(h);
    Answer(h.client, std::move(s), 0);
  }
}

void Delegate::ReleaseClient(int client) {
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->client == client && client != kSelf) {
      store_.Unlock(it->offset, it->len).IgnoreError();
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  waiting_.erase(std::remove_if(waiting_.begin(), waiting_.end(),
                                [client](const Held& h) { return h.client == client; }),
                 waiting_.end());
  GrantWaiting();
}

void Delegate::Handle(int client, const char* data, size_t bytes) {
  RequestHeader h;
  if (bytes < sizeof(h)) {
    Answer(client, Error(Code::kIo, "short request"), 0);
    return;
  }
  memcpy(&h, data, sizeof(h));
  const char* payload = data + sizeof(h);
  const size_t payload_len = bytes - sizeof(h);
  if (h.version != kVersion) {
    Answer(client, Error(Code::kIo, "request of another zmpi version"), 0);
    return;
  }
  switch (static_cast<Op>(h.op)) {
    case Op::kRead: {
      if (h.len < 0 || static_cast<size_t>(h.len) > kMaxChunk) {
        Answer(client, Error(Code::kIo, "read of %lld bytes", static_cast<long long>(h.len)), 0);
        return;
      }
      std::vector<char> buf(static_cast<size_t>(h.len));
      StatusOr<size_t> n = store_.ReadAt(h.offset, buf.data(), buf.size());
      if (!n.ok()) {
        Answer(client, n.status(), 0);
      } else {
        Answer(client, OkStatus(), static_cast<int64_t>(*n), buf.data(), *n);
      }
      return;
    }
    case Op::kWrite:
      if (h.len < 0 || static_cast<size_t>(h.len) != payload_len) {
        Answer(client, Error(Code::kIo, "write request of the wrong length"), 0);
        return;
      }
      Answer(client, store_.WriteAt(h.offset, payload, payload_len), h.len);
      return;
    case Op::kSize: {
      StatusOr<int64_t> n = store_.Size();
      Answer(client, n.status(), n.ok() ? *n : 0);
      return;
    }
    case Op::kResize:
      Answer(client, store_.Resize(h.offset), 0);
      return;
    case Op::kPreallocate:
      Answer(client, store_.Preallocate(h.offset), 0);
      return;
    case Op::kSync:
      Answer(client, store_.Sync(), 0);
      return;
    case Op::kFetchAddShared: {
      StatusOr<int64_t> old = store_.FetchAddShared(h.offset);
      Answer(client, old.status(), old.ok() ? *old : 0);
      return;
    }
    case Op::kSetShared:
      Answer(client, store_.SetShared(h.offset), 0);
      return;
    case Op::kLock: {
      Held want{client, h.offset, h.len};
      if (Conflicts(want)) {
        waiting_.push_back(want);  // answered by GrantWaiting after the holder's Unlock
        return;
      }
      Status s = store_.Lock(h.offset, h.len);
      if (s.ok()) held_.push_back(want);
      Answer(client, std::move(s), 0);
      return;
    }
    case Op::kUnlock: {
      auto it = std::find_if(held_.begin(), held_.end(), [&](const Held& x) {
        return x.client == client && x.offset == h.offset && x.len == h.len;
      });
      if (it == held_.end()) {
        Answer(client, Error(Code::kIo, "unlock of a range this rank does not hold"), 0);
        return;
      }
      held_.erase(it);
      Answer(client, store_.Unlock(h.offset, h.len), 0);
      GrantWaiting();
      return;
    }
    case Op::kClose:
      ++closed_;
      ReleaseClient(client);
      Answer(client, OkStatus(), 0);
      return;
  }
  Answer(client, Error(Code::kIo, "unknown request %u", h.op), 0);
}

}  // namespace zmpi::io::remote
