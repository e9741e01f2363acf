// Helpers shared by the ofi tests and the ping-pong benchmark: a recording FrameSink, endpoint
// creation on loopback, address exchange, and bounded pumping loops.
#ifndef ZMPI_TESTS_TRANSPORT_OFI_OFI_HARNESS_H_
#define ZMPI_TESTS_TRANSPORT_OFI_OFI_HARNESS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "transport/endpoint.h"
#include "transport/ofi/endpoint.h"

namespace zmpi::transport::ofi::testing {

using Clock = std::chrono::steady_clock;
inline constexpr std::chrono::seconds kDeadline{10};

struct Received {
  int peer;
  std::string header;
  std::string payload;
};

// Records frames and bulk completions. `refuse` (if set) decides per offer whether to hold.
class RecordingSink final : public FrameSink {
 public:
  bool OnFrame(int peer, const Frame& frame) override {
    ++offers;
    if (refuse && refuse(peer, frame)) return false;
    frames.push_back({peer, std::string(static_cast<const char*>(frame.header), frame.header_len),
                      std::string(static_cast<const char*>(frame.payload), frame.payload_len)});
    return true;
  }
  void OnBulkDone(void* cookie, Status status) override {
    ++bulk_calls;
    bulk_done[cookie] = std::move(status);
  }

  std::function<bool(int, const Frame&)> refuse;
  std::vector<Received> frames;
  std::map<void*, Status> bulk_done;
  long bulk_calls = 0;
  long offers = 0;
};

inline Options MakeOptions(const std::string& provider, int rank, int size) {
  Options options;
  options.provider = provider;
  options.iface = "lo";
  options.my_rank = rank;
  options.world_size = size;
  return options;
}

// Polls every (endpoint, sink) pair until `done` holds or the deadline passes.
inline bool PumpUntil(const std::vector<std::pair<Endpoint*, FrameSink*>>& pairs,
                      const std::function<bool()>& done,
                      std::chrono::milliseconds limit = kDeadline) {
  auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    for (auto& [endpoint, sink] : pairs) {
      StatusOr<int> polled = endpoint->Poll(*sink);
      if (!polled.ok()) return false;
    }
  }
  return true;
}

// Sends one frame, polling the given pairs while the endpoint says kRetry. False on error or
// deadline.
inline bool SendBounded(Endpoint* endpoint, int peer, const Frame& frame,
                        const std::vector<std::pair<Endpoint*, FrameSink*>>& pairs,
                        Status* error = nullptr) {
  auto deadline = Clock::now() + kDeadline;
  while (Clock::now() < deadline) {
    StatusOr<SendResult> sent = endpoint->Send(peer, frame);
    if (!sent.ok()) {
      if (error) *error = sent.status();
      return false;
    }
    if (*sent == SendResult::kDone) return true;
    for (auto& [e, s] : pairs) {
      if (!e->Poll(*s).ok()) return false;
    }
  }
  return false;
}

}  // namespace zmpi::transport::ofi::testing

#endif  // ZMPI_TESTS_TRANSPORT_OFI_OFI_HARNESS_H_
