#include "mpi/core/matching.h"

#include "common/check.h"
#include "mpi/core/counters.h"

namespace zmpi::core {

MatchQueues::~MatchQueues() {
  while (unexpected_head_ != nullptr) {
    Unexpected* next = unexpected_head_->next;
    --counters.unexpected_queued;
    delete unexpected_head_;
    unexpected_head_ = next;
  }
}

Request* MatchQueues::TakePostedAfterHead(int source, int tag) {
  if (posted_head_ == nullptr) return nullptr;
  Request* prev = posted_head_;
  for (Request* r = prev->next; r != nullptr; prev = r, r = r->next) {
    if (!Matches(r->rank, r->tag, source, tag)) continue;
    prev->next = r->next;
    if (posted_tail_ == r) posted_tail_ = prev;
    r->next = nullptr;
    return r;
  }
  return nullptr;
}

void MatchQueues::AppendPosted(Request* request) {
  ++counters.posted_receives;
  request->next = nullptr;
  if (posted_tail_) posted_tail_->next = request;
  else posted_head_ = request;
  posted_tail_ = request;
}

bool MatchQueues::RemovePosted(Request* request) {
  Request* prev = nullptr;
  for (Request* r = posted_head_; r != nullptr; prev = r, r = r->next) {
    if (r != request) continue;
    if (prev) prev->next = r->next;
    else posted_head_ = r->next;
    if (posted_tail_ == r) posted_tail_ = prev;
    r->next = nullptr;
    return true;
  }
  return false;
}

std::unique_ptr<Unexpected> MatchQueues::TakeUnexpected(int source, int tag) {
  Unexpected* prev = nullptr;
  for (Unexpected* u = unexpected_head_; u != nullptr; prev = u, u = u->next) {
    if (!Matches(source, tag, u->header.source, u->header.tag)) continue;
    if (prev) prev->next = u->next;
    else unexpected_head_ = u->next;
    if (unexpected_tail_ == u) unexpected_tail_ = prev;
    u->next = nullptr;
    --counters.unexpected_queued;
    return std::unique_ptr<Unexpected>(u);
  }
  return nullptr;
}

const Unexpected* MatchQueues::PeekUnexpected(int source, int tag) const {
  for (Unexpected* u = unexpected_head_; u != nullptr; u = u->next) {
    if (Matches(source, tag, u->header.source, u->header.tag)) return u;
  }
  return nullptr;
}

void MatchQueues::AppendUnexpected(std::unique_ptr<Unexpected> message) {
  Unexpected* u = message.release();
  ++counters.unexpected_messages;
  if (++counters.unexpected_queued > counters.unexpected_high_water) {
    counters.unexpected_high_water = counters.unexpected_queued;
  }
  u->next = nullptr;
  if (unexpected_tail_) unexpected_tail_->next = u;
  else unexpected_head_ = u;
  unexpected_tail_ = u;
}

size_t MatchQueues::PostedCount() const {
  size_t n = 0;
  for (const Request* r = posted_head_; r != nullptr; r = r->next) ++n;
  return n;
}

size_t Matcher::PostedCount() const {
  size_t n = 0;
  for (const auto& q : queues_) {
    if (q) n += q->PostedCount();
  }
  return n;
}

MatchQueues& Matcher::Grow(uint32_t context) {
  ZMPI_CHECK_LT(context, 1u << 24);
  if (context >= queues_.size()) queues_.resize(context + 1);
  if (!queues_[context]) queues_[context] = std::make_unique<MatchQueues>();
  return *queues_[context];
}

}  // namespace zmpi::core
