// The streaming sends under way (engine_typed.cc): derived sends that pack as their data leave,
// between their kCts and their last frame, listed per destination peer in the order their
// streams started. PumpStreamFrames asks it how many streams are under way (one stream keeps
// whole slots, several take turns in 4 KiB frames) and which go to one peer (those share
// combined frames), without walking the engine's pending operations. Only derived sends touch
// it; the contiguous path never does. Not thread-safe (the Engine is not).
#ifndef ZMPI_MPI_CORE_STREAM_SET_H_
#define ZMPI_MPI_CORE_STREAM_SET_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace zmpi::core {

class StreamSet {
 public:
  // A stream to `peer` starts (its send request's id); the first for a peer may allocate.
  void Add(int peer, uint64_t sreq) {
    if (static_cast<size_t>(peer) >= by_peer_.size()) by_peer_.resize(peer + 1);
    by_peer_[peer].push_back(sreq);
    ++size_;
  }
  // The stream ended (sent, failed or gone); no-op if it is not listed.
  void Remove(int peer, uint64_t sreq) {
    if (static_cast<size_t>(peer) >= by_peer_.size()) return;
    std::vector<uint64_t>& list = by_peer_[peer];
    auto it = std::find(list.begin(), list.end(), sreq);
    if (it == list.end()) return;
    list.erase(it);
    --size_;
  }
  // Streams under way to all peers.
  int size() const { return size_; }
  // The streams to `peer`, oldest first (ids; a request may have completed meanwhile).
  const std::vector<uint64_t>& To(int peer) const {
    return static_cast<size_t>(peer) < by_peer_.size() ? by_peer_[peer] : none_;
  }
  // Drops the streams to `peer` for which `ended(id)` is true (requests gone meanwhile).
  template <typename Ended>
  void RemoveIf(int peer, Ended ended) {
    if (static_cast<size_t>(peer) >= by_peer_.size()) return;
    std::vector<uint64_t>& list = by_peer_[peer];
    const size_t before = list.size();
    list.erase(std::remove_if(list.begin(), list.end(), ended), list.end());
    size_ -= static_cast<int>(before - list.size());
  }

 private:
  std::vector<std::vector<uint64_t>> by_peer_;
  std::vector<uint64_t> none_;
  int size_ = 0;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_STREAM_SET_H_
