#include "transport/ofi/inbox.h"

#include <rdma/fi_errno.h>
#include <rdma/fi_tagged.h>

#include <cstring>

#include "common/log.h"
#include "transport/ofi/tag_format.h"

namespace zmpi::transport::ofi {

Inbox::Inbox(Fabric& fabric, size_t slots, size_t frame_bytes, int world_size)
    : fabric_(fabric), frame_bytes_(frame_bytes), slots_(slots), senders_(world_size) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    slots_[i].op.kind = OpKind::kFrameRecv;
    slots_[i].op.index = static_cast<int>(i);
    slots_[i].buf.resize(frame_bytes);
  }
}

Status Inbox::Start() {
  for (Slot& slot : slots_) ZMPI_RETURN_IF_ERROR(Post(&slot));
  return OkStatus();
}

Status Inbox::Post(Slot* slot) {
  ssize_t ret = fi_trecv(fabric_.ep(), slot->buf.data(), frame_bytes_, nullptr, FI_ADDR_UNSPEC,
                         FrameTag(0), kBodyMask, &slot->op);
  if (ret == -FI_EAGAIN) {
    unposted_.push_back(slot);
    return OkStatus();
  }
  if (ret != 0) return OfiError("fi_trecv(frame)", ret);
  ++posted_;
  return OkStatus();
}

Status Inbox::Repost() {
  while (!unposted_.empty()) {
    Slot* slot = unposted_.back();
    unposted_.pop_back();
    size_t before = unposted_.size();
    ZMPI_RETURN_IF_ERROR(Post(slot));
    if (unposted_.size() > before) break;  // the provider is still full
  }
  return OkStatus();
}

int Inbox::OnArrived(OpContext* op, const fi_cq_tagged_entry& entry) {
  Slot* slot = &slots_[op->index];
  --posted_;
  uint32_t sender = SenderOf(entry.tag);
  FramePrefix prefix;
  bool sane = entry.len >= sizeof(prefix);
  if (sane) memcpy(&prefix, slot->buf.data(), sizeof(prefix));
  sane = sane && prefix.version == kWireVersion && prefix.header_len <= kMaxHeader &&
         sizeof(prefix) + prefix.header_len + prefix.payload_len == entry.len;
  if (!sane || sender >= senders_.size()) {
    ZMPI_LOG(kError, "ofi", "malformed frame (%zu bytes, tag %llx) dropped", entry.len,
             static_cast<unsigned long long>(entry.tag));
    Post(slot).IgnoreError();  // a failure shows again at the next Repost
    return sender < senders_.size() ? static_cast<int>(sender) : -1;
  }
  Sender& s = senders_[sender];
  // Providers complete in order (FI_ORDER_SAS); the sorted insert only guards against one
  // that does not.
  auto at = s.held.end();
  while (at != s.held.begin() && static_cast<int32_t>((at - 1)->seq - prefix.seq) > 0) --at;
  s.held.insert(at, Held{prefix.seq, slot, std::string()});
  if (!s.listed) {
    s.listed = true;
    active_.push_back(static_cast<int>(sender));
  }
  return -1;
}

void Inbox::OnFailed(OpContext* op) {
  --posted_;
  Post(&slots_[op->index]).IgnoreError();  // a failure shows again at the next Repost
}

StatusOr<int> Inbox::Deliver(FrameSink& sink) {
  int delivered = 0;
  for (size_t i = 0; i < active_.size();) {
    int peer = active_[i];
    Sender& s = senders_[peer];
    while (!s.held.empty() && s.held.front().seq == s.next_seq) {
      Held& h = s.held.front();
      FramePrefix prefix;
      memcpy(&prefix, h.data(), sizeof(prefix));
      const char* header = h.data() + sizeof(prefix);
      Frame frame{header, prefix.header_len, header + prefix.header_len, prefix.payload_len};
      if (!sink.OnFrame(peer, frame)) break;  // held: it and those behind it wait
      Slot* slot = h.slot;
      s.held.pop_front();
      ++s.next_seq;
      ++delivered;
      if (slot != nullptr) ZMPI_RETURN_IF_ERROR(Post(slot));
    }
    if (s.held.empty()) {
      s.listed = false;
      active_[i] = active_.back();
      active_.pop_back();
    } else {
      ++i;
    }
  }
  if (posted_ + unposted_.size() < slots_.size() / 4) ZMPI_RETURN_IF_ERROR(Spill());
  return delivered;
}

Status Inbox::Spill() {
  size_t target = slots_.size() / 2;
  for (int peer : active_) {
    Sender& s = senders_[peer];
    // Newest first: the oldest frames are the next to be taken.
    for (auto it = s.held.rbegin(); it != s.held.rend(); ++it) {
      if (posted_ + unposted_.size() >= target) return OkStatus();
      if (it->slot == nullptr) continue;
      FramePrefix prefix;
      memcpy(&prefix, it->slot->buf.data(), sizeof(prefix));
      size_t len = sizeof(prefix) + prefix.header_len + prefix.payload_len;
      it->copy.assign(it->slot->buf.data(), len);
      Slot* slot = it->slot;
      it->slot = nullptr;
      ++spilled_;
      ZMPI_RETURN_IF_ERROR(Post(slot));
    }
  }
  ZMPI_LOG_ONCE(kInfo, "ofi", "held frames copied out so other senders keep flowing");
  return OkStatus();
}

}  // namespace zmpi::transport::ofi
