// An in-memory network for running collective algorithms in one process, one thread per
// rank, through the same coll::Links interface production uses.
//
// Two delivery modes: kEager copies a message at send time (sends never block), kRendezvous
// hands the receiver the sender's buffer and blocks the sender until the receiver took it,
// like a large message over the real transports; an algorithm that would deadlock on
// rendezvous deadlocks here too (reported as an error after a bounded wait, not a hang).
// A receive whose size differs from the matching send is an error: algorithms compute both
// sides alike, so a mismatch is a bug.
#ifndef ZMPI_TESTS_MPI_COLL_FAKE_LINKS_H_
#define ZMPI_TESTS_MPI_COLL_FAKE_LINKS_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "common/status.h"
#include "mpi/coll/links.h"

namespace zmpi::coll::testing {

enum class Delivery { kEager, kRendezvous };

class FakeNetwork {
 public:
  // A wait longer than `wait_limit` fails with kIntern ("deadlock?") instead of hanging.
  FakeNetwork(int size, Delivery delivery,
              std::chrono::milliseconds wait_limit = std::chrono::seconds(60));
  FakeNetwork(const FakeNetwork&) = delete;
  FakeNetwork& operator=(const FakeNetwork&) = delete;

  int size() const { return size_; }
  // Runs body(links) for every rank on its own thread; returns each rank's Status.
  std::vector<Status> Run(const std::function<Status(Links&)>& body);
  // Messages sent but never received (a correct collective leaves none).
  size_t Undelivered();

 private:
  friend class FakeLinks;
  struct Message {
    int source;
    int dest;
    int tag;
    const char* data;
    size_t bytes;
    std::vector<char> copy;  // eager payload
    bool taken = false;
  };
  using MessagePtr = std::shared_ptr<Message>;

  // `copy`: deliver eagerly whatever the mode (SendSmall).
  MessagePtr Post(int source, int dest, int tag, const void* buf, size_t bytes,
                  bool copy = false);
  Status AwaitTaken(const MessagePtr& message);
  Status Take(int dest, int source, int tag, void* buf, size_t bytes);

  const int size_;
  const Delivery delivery_;
  const std::chrono::milliseconds wait_limit_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::deque<MessagePtr>> inbox_;  // by destination
};

}  // namespace zmpi::coll::testing

#endif  // ZMPI_TESTS_MPI_COLL_FAKE_LINKS_H_
