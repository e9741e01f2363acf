// Message matching, above the transports: per communicator context, a queue of posted
// receives and a queue of unexpected messages, both in arrival order. A receive matches on
// (source, tag) with MPI_ANY_SOURCE / MPI_ANY_TAG wildcards; because each transport delivers
// one peer's frames in order and both queues are scanned oldest first, MPI's non-overtaking
// rule holds for any mix of transports.
#ifndef ZMPI_MPI_CORE_MATCHING_H_
#define ZMPI_MPI_CORE_MATCHING_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "mpi/core/protocol_format.h"
#include "mpi/core/request.h"

namespace zmpi::core {

// A matchable message that arrived before its receive: an eager message (data copied here)
// or a rendezvous announcement (data still at the sender).
struct Unexpected {
  FrameHeader header;
  int peer = -1;  // world rank of the sender
  std::unique_ptr<char[]> data;
  size_t data_len = 0;
  Unexpected* next = nullptr;
};

inline bool Matches(int want_source, int want_tag, int source, int tag) {
  return (want_source == source || want_source == MPI_ANY_SOURCE) &&
         (want_tag == tag || want_tag == MPI_ANY_TAG);
}

class MatchQueues {
 public:
  MatchQueues() = default;
  ~MatchQueues();
  MatchQueues(const MatchQueues&) = delete;
  MatchQueues& operator=(const MatchQueues&) = delete;

  // Removes and returns the oldest posted receive matching (source, tag), or nullptr.
  // Inline for the usual case: the oldest posted receive is the one.
  Request* TakePosted(int source, int tag) {
    Request* r = posted_head_;
    if (r == nullptr || !Matches(r->rank, r->tag, source, tag))
      return TakePostedAfterHead(source, tag);
    posted_head_ = r->next;
    if (posted_head_ == nullptr) posted_tail_ = nullptr;
    r->next = nullptr;
    return r;
  }
  void AppendPosted(Request* request);
  // Removes `request` if it is still posted; false if it was already matched.
  bool RemovePosted(Request* request);

  // Removes and returns the oldest unexpected message matching the wildcards, or nullptr.
  std::unique_ptr<Unexpected> TakeUnexpected(int source, int tag);
  // Oldest matching unexpected message, left in place (for probe), or nullptr.
  const Unexpected* PeekUnexpected(int source, int tag) const;
  void AppendUnexpected(std::unique_ptr<Unexpected> message);

  bool empty() const { return posted_head_ == nullptr && unexpected_head_ == nullptr; }
  // Receives waiting in the posted queue (a walk).
  size_t PostedCount() const;

 private:
  Request* TakePostedAfterHead(int source, int tag);

  Request* posted_head_ = nullptr;
  Request* posted_tail_ = nullptr;
  Unexpected* unexpected_head_ = nullptr;
  Unexpected* unexpected_tail_ = nullptr;
};

// Queues for every context id, created on first use (a message may arrive for a
// communicator this process has not finished creating yet).
class Matcher {
 public:
  MatchQueues& For(uint32_t context) {
    if (context < queues_.size() && queues_[context]) return *queues_[context];
    return Grow(context);
  }
  // Receives waiting in every context's posted queue (a walk: for MPI_T, not the hot path).
  size_t PostedCount() const;

 private:
  MatchQueues& Grow(uint32_t context);
  std::vector<std::unique_ptr<MatchQueues>> queues_;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_MATCHING_H_
