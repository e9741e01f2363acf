#include "tests/mpi/coll/fake_links.h"

#include <chrono>
#include <cstring>
#include <thread>

namespace zmpi::coll::testing {
// One rank's view of the network.
class FakeLinks final : public Links {
 public:
  FakeLinks(FakeNetwork& net, int rank) : net_(net), rank_(rank) {}
  ~FakeLinks() override { WaitAll().IgnoreError(); }

  int rank() const override { return rank_; }
  int size() const override { return net_.size(); }

  Status Send(int dest, int tag, const void* buf, size_t bytes) override {
    ZMPI_RETURN_IF_ERROR(CheckPeer(dest));
    return net_.AwaitTaken(net_.Post(rank_, dest, tag, buf, bytes));
  }
  Status Recv(int source, int tag, void* buf, size_t bytes) override {
    ZMPI_RETURN_IF_ERROR(CheckPeer(source));
    return net_.Take(rank_, source, tag, buf, bytes);
  }
  Status SendRecv(int dest, const void* sendbuf, size_t sendbytes, int source, void* recvbuf,
                  size_t recvbytes, int tag) override {
    ZMPI_RETURN_IF_ERROR(CheckPeer(dest));
    ZMPI_RETURN_IF_ERROR(CheckPeer(source));
    auto sent = net_.Post(rank_, dest, tag, sendbuf, sendbytes);
    Status received = net_.Take(rank_, source, tag, recvbuf, recvbytes);
    Status delivered = net_.AwaitTaken(sent);
    return received.ok() ? delivered : received;
  }
  Status SendSmall(int dest, int tag, const void* buf, size_t bytes) override {
    ZMPI_RETURN_IF_ERROR(CheckPeer(dest));
    if (bytes > kSmallBytes) {
      return Error(Code::kIntern, "SendSmall of %zu bytes (limit %zu)", bytes, kSmallBytes);
    }
    net_.Post(rank_, dest, tag, buf, bytes, /*copy=*/true);
    return OkStatus();
  }
  Status Isend(int dest, int tag, const void* buf, size_t bytes) override {
    ZMPI_RETURN_IF_ERROR(CheckPeer(dest));
    sends_.push_back(net_.Post(rank_, dest, tag, buf, bytes));
    return OkStatus();
  }
  Status Irecv(int source, int tag, void* buf, size_t bytes) override {
    ZMPI_RETURN_IF_ERROR(CheckPeer(source));
    recvs_.push_back({source, tag, buf, bytes});
    return OkStatus();
  }
  Status WaitAll() override {
    Status first;
    // Receives match in the order they were posted; sends are already visible, so taking
    // receives first cannot invent a deadlock.
    for (const PostedRecv& r : recvs_) {
      Status s = net_.Take(rank_, r.source, r.tag, r.buf, r.bytes);
      if (first.ok() && !s.ok()) first = s;
    }
    for (const auto& m : sends_) {
      Status s = net_.AwaitTaken(m);
      if (first.ok() && !s.ok()) first = s;
    }
    recvs_.clear();
    sends_.clear();
    return first;
  }

 private:
  struct PostedRecv {
    int source;
    int tag;
    void* buf;
    size_t bytes;
  };

  Status CheckPeer(int peer) const {
    if (peer < 0 || peer >= net_.size()) {
      return Error(Code::kRank, "rank %d: peer %d out of range", rank_, peer);
    }
    return OkStatus();
  }

  FakeNetwork& net_;
  const int rank_;
  std::vector<FakeNetwork::MessagePtr> sends_;
  std::vector<PostedRecv> recvs_;
};

FakeNetwork::FakeNetwork(int size, Delivery delivery, std::chrono::milliseconds wait_limit)
    : size_(size), delivery_(delivery), wait_limit_(wait_limit), inbox_(size) {}

std::vector<Status> FakeNetwork::Run(const std::function<Status(Links&)>& body) {
  std::vector<Status> results(size_);
  std::vector<std::thread> threads;
  threads.reserve(size_);
  for (int r = 0; r < size_; ++r) {
    threads.emplace_back([this, r, &body, &results] {
      FakeLinks links(*this, r);
      results[r] = body(links);
    });
  }
  for (auto& t : threads) t.join();
  return results;
}

size_t FakeNetwork::Undelivered() {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& q : inbox_) n += q.size();
  return n;
}

FakeNetwork::MessagePtr FakeNetwork::Post(int source, int dest, int tag, const void* buf,
                                          size_t bytes, bool copy) {
  auto m = std::make_shared<Message>();
  m->source = source;
  m->dest = dest;
  m->tag = tag;
  m->bytes = bytes;
  m->data = static_cast<const char*>(buf);
  if (copy || delivery_ == Delivery::kEager) {
    m->copy.assign(m->data, m->data + bytes);
    m->data = m->copy.data();
    m->taken = true;  // the sender is free at once
  }
  std::lock_guard<std::mutex> lock(mu_);
  inbox_[dest].push_back(m);
  cv_.notify_all();
  return m;
}

Status FakeNetwork::AwaitTaken(const MessagePtr& message) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, wait_limit_, [&] { return message->taken; })) {
    // Withdraw it: the payload points into the sender's buffer, which is about to go away.
    auto& q = inbox_[message->dest];
    for (auto it = q.begin(); it != q.end(); ++it) {
      if (*it == message) {
        q.erase(it);
        break;
      }
    }
    return Error(Code::kIntern, "send from %d to %d tag %d (%zu bytes) never received",
                 message->source, message->dest, message->tag, message->bytes);
  }
  return OkStatus();
}

Status FakeNetwork::Take(int dest, int source, int tag, void* buf, size_t bytes) {
  std::unique_lock<std::mutex> lock(mu_);
  auto& q = inbox_[dest];
  std::deque<MessagePtr>::iterator it;
  auto found = [&] {
    for (it = q.begin(); it != q.end(); ++it) {
      if ((*it)->source == source && (*it)->tag == tag) return true;
    }
    return false;
  };
  if (!cv_.wait_for(lock, wait_limit_, found)) {
    return Error(Code::kIntern, "rank %d: no message from %d tag %d (deadlock?)", dest, source,
                 tag);
  }
  MessagePtr m = *it;
  q.erase(it);
  if (m->bytes != bytes) {
    m->taken = true;
    cv_.notify_all();
    return Error(Code::kTruncate, "rank %d: message from %d is %zu bytes, expected %zu", dest,
                 source, m->bytes, bytes);
  }
  if (bytes > 0) std::memcpy(buf, m->data, bytes);
  m->taken = true;
  cv_.notify_all();
  return OkStatus();
}

}  // namespace zmpi::coll::testing
