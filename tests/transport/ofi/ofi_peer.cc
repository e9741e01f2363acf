// A second process for the ofi tests: an echo peer (world rank 1 of 2).
//
//   ofi_peer PROVIDER
// prints its address on stdout (one line), reads rank 0's address from stdin (one line), then
// serves rank 0 until told to stop or 10 s pass without traffic:
//   frame with header "echo": sent back unchanged;
//   frame with header "bulk" and payload {uint64 key, uint64 len}: receives `len` bytes as a
//     bulk transfer on `key`, then sends them back on key + 1;
//   frame with header "bye": exits 0.
// Any error prints a line on stderr and exits 1.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "transport/ofi/endpoint.h"

namespace zmpi::transport::ofi {
namespace {

class EchoSink final : public FrameSink {
 public:
  explicit EchoSink(Endpoint& endpoint) : endpoint_(endpoint) {}

  bool OnFrame(int peer, const Frame& frame) override {
    std::string header(static_cast<const char*>(frame.header), frame.header_len);
    last_traffic = std::chrono::steady_clock::now();
    if (header == "bye") {
      done = true;
      return true;
    }
    if (header == "bulk") {
      uint64_t spec[2];
      memcpy(spec, frame.payload, sizeof(spec));
      key_ = spec[0];
      buffer_.assign(spec[1], 0);
      Check(endpoint_.PostBulkRecv(peer, key_, buffer_.data(), buffer_.size(), &buffer_));
      return true;
    }
    StatusOr<SendResult> sent = endpoint_.Send(peer, frame);
    Check(sent.status());
    return sent.ok() && *sent == SendResult::kDone;  // no room: hold it, echo it later
  }

  void OnBulkDone(void* cookie, Status status) override {
    Check(status);
    last_traffic = std::chrono::steady_clock::now();
    if (cookie == &buffer_) {
      Check(endpoint_.PostBulkSend(0, key_ + 1, buffer_.data(), buffer_.size(), &key_));
    }
  }

  static void Check(const Status& status) {
    if (status.ok()) return;
    fprintf(stderr, "ofi_peer: %s\n", status.ToString().c_str());
    exit(1);
  }

  bool done = false;
  std::chrono::steady_clock::time_point last_traffic = std::chrono::steady_clock::now();

 private:
  Endpoint& endpoint_;
  uint64_t key_ = 0;
  std::vector<char> buffer_;
};

int Main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: ofi_peer PROVIDER\n");
    return 2;
  }
  Options options;
  options.provider = argv[1];
  options.iface = "lo";
  options.my_rank = 1;
  options.world_size = 2;
  StatusOr<std::unique_ptr<Endpoint>> created = CreateEndpoint(options);
  EchoSink::Check(created.status());
  Endpoint& endpoint = *created.value();
  std::cout << endpoint.Address() << std::endl;
  std::string peer_address;
  if (!std::getline(std::cin, peer_address)) return 1;
  EchoSink::Check(endpoint.Connect({{0, peer_address}}));
  EchoSink sink(endpoint);
  while (!sink.done) {
    EchoSink::Check(endpoint.Poll(sink).status());
    if (std::chrono::steady_clock::now() - sink.last_traffic > std::chrono::seconds(10)) {
      fprintf(stderr, "ofi_peer: no traffic for 10 s, giving up\n");
      return 1;
    }
  }
  // Let the last echoes leave before the endpoint closes.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  while (std::chrono::steady_clock::now() < until) EchoSink::Check(endpoint.Poll(sink).status());
  return 0;
}

}  // namespace
}  // namespace zmpi::transport::ofi

int main(int argc, char** argv) { return zmpi::transport::ofi::Main(argc, argv); }
