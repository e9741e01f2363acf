#include "transport/ofi/bulk.h"

#include <rdma/fi_errno.h>
#include <rdma/fi_tagged.h>

#include <algorithm>

#include "transport/ofi/tag_format.h"

namespace zmpi::transport::ofi {

uint64_t Bulk::ChooseLayout(int peer, size_t len) const {
  constexpr size_t kMaxChunks = 4;
  if (len <= chunk_ || len / kMaxChunks > chunk_) return len;  // whole
  for (const Op& op : ops_) {
    if (!op.is_send && op.peer == peer) return 0;  // behind another from that peer: chunks
  }
  return len;
}

Status Bulk::Post(bool is_send, int peer, fi_addr_t addr, uint64_t key, void* buf, size_t len,
                  uint64_t layout, void* cookie) {
  ops_.emplace_back();
  Op& op = ops_.back();
  op.self = std::prev(ops_.end());
  op.is_send = is_send;
  op.peer = peer;
  op.addr = addr;
  op.tag = BulkTag(key);
  op.buf = static_cast<char*>(buf);
  op.len = len;
  op.cookie = cookie;
  op.chunk = layout == 0 ? chunk_ : std::min<uint64_t>(layout, fabric_.max_msg_size());
  op.chunk = std::max<size_t>(op.chunk, 1);
  op.chunks = len == 0 ? 1 : (len - 1) / op.chunk + 1;  // no overflow for a huge chunk
  op.contexts.reset(new OpContext[op.chunks]);
  for (size_t i = 0; i < op.chunks; ++i) {
    op.contexts[i] = OpContext{};
    op.contexts[i].kind = OpKind::kBulkChunk;
    op.contexts[i].index = static_cast<int>(i);
    op.contexts[i].owner = &op;
  }
  if (!PostChunks(op) && op.posted == 0) {
    Status status = op.status;
    if (op.queued) pending_.erase(std::find(pending_.begin(), pending_.end(), &op));
    ops_.erase(op.self);
    return status;
  }
  return OkStatus();
}

size_t Bulk::ChunkLen(const Op& op, size_t index) const {
  if (op.len == 0) return 0;
  return std::min(op.chunk, op.len - index * op.chunk);
}

bool Bulk::PostChunks(Op& op) {
  while (op.posted < op.chunks && op.status.ok()) {
    size_t index = op.posted;
    char* at = op.buf + index * op.chunk;
    size_t n = ChunkLen(op, index);
    void* context = &op.contexts[index];
    ssize_t ret = op.is_send ? fi_tsend(fabric_.ep(), at, n, nullptr, op.addr, op.tag, context)
                             : fi_trecv(fabric_.ep(), at, n, nullptr, op.addr, op.tag, 0, context);
    if (ret == -FI_EAGAIN) {
      if (!op.queued) pending_.push_back(&op);
      op.queued = true;
      return true;
    }
    if (ret != 0) {
      op.status = OfiError(op.is_send ? "fi_tsend(bulk)" : "fi_trecv(bulk)", ret);
      return false;
    }
    ++op.posted;
  }
  return op.status.ok();
}

int Bulk::Progress(FrameSink& sink) {
  int events = 0;
  size_t n = pending_.size();
  while (n-- > 0 && !pending_.empty()) {
    Op* op = pending_.front();
    pending_.pop_front();
    op->queued = false;
    PostChunks(*op);
    if (op->queued) break;  // the provider is full: keep the order, try next Poll
    events += FinishIfDone(*op, sink);
  }
  return events;
}

int Bulk::OnCompletion(OpContext* context, Status status, size_t len, FrameSink& sink) {
  Op& op = *static_cast<Op*>(context->owner);
  size_t expected = ChunkLen(op, static_cast<size_t>(context->index));
  if (status.ok() && !op.is_send && len != expected) {
    status = Error(Code::kTruncate, "ofi: bulk chunk %d from rank %d has %zu bytes, expected %zu",
                   context->index, op.peer, len, expected);
  }
  if (!status.ok() && op.status.ok()) op.status = std::move(status);
  ++op.finished;
  return FinishIfDone(op, sink);
}

int Bulk::FailPeer(int peer, const Status& why, FrameSink& sink) {
  int events = 0;
  for (auto it = ops_.begin(); it != ops_.end();) {
    Op& op = *it++;  // FinishIfDone may erase op
    if (op.peer != peer || op.reported) continue;
    if (op.status.ok()) op.status = why;
    if (op.queued) pending_.erase(std::find(pending_.begin(), pending_.end(), &op));
    op.queued = false;
    op.chunks = op.posted;  // post nothing more
    if (op.finished == op.posted) {
      events += FinishIfDone(op, sink);
      continue;
    }
    op.reported = true;
    sink.OnBulkDone(op.cookie, op.status);
    ++events;
  }
  return events;
}

int Bulk::FinishIfDone(Op& op, FrameSink& sink) {
  bool all_posted = op.posted == op.chunks || !op.status.ok();
  if (!all_posted || op.finished < op.posted) return 0;
  if (op.queued) pending_.erase(std::find(pending_.begin(), pending_.end(), &op));
  if (op.reported) {  // the sink already heard about it
    ops_.erase(op.self);
    return 0;
  }
  void* cookie = op.cookie;
  Status status = std::move(op.status);
  ops_.erase(op.self);  // before the callback: the sink may post the next transfer
  sink.OnBulkDone(cookie, std::move(status));
  return 1;
}

}  // namespace zmpi::transport::ofi
