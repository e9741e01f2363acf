// Delegate: the service a rank that sees a file runs for the ranks that do not (their
// RemoteStores, remote_format.h). It lives in the engine's progress loop as a pending
// operation (pending_op.h: the loop's only cost is its test of a non-empty list), so requests
// are served whenever this rank is inside any MPI call, blocking or not; the ranks of a host
// without the file therefore make progress as long as their delegate calls MPI, which every
// collective on the file guarantees.
//
// One posted receive (any source, kRequestTag) at a time; each request is served at once with
// the local store (synchronous local I/O) and answered with a non-blocking send. Lock requests
// that overlap a range another client holds wait in a queue until its Unlock. The service
// ends when each of its clients has sent kClose and every reply has left.
#ifndef ZMPI_MPI_IO_REMOTE_DELEGATE_H_
#define ZMPI_MPI_IO_REMOTE_DELEGATE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/request.h"
#include "mpi/io/remote/remote_format.h"
#include "mpi/io/store.h"

namespace zmpi::io::remote {

class Delegate {
 public:
  // Serves `clients` ranks of `comm` (the file's private communicator) with `store` (local);
  // both outlive the service.
  Delegate(core::Comm& comm, Store& store, int clients);
  Delegate(const Delegate&) = delete;
  Delegate& operator=(const Delegate&) = delete;

  // Serves what arrived; true once every client closed and every reply left.
  bool Serve();
  bool finished() const { return finished_; }
  // Locks of this rank's own process on the served file: fcntl locks do not exclude the
  // process that holds the locks of remote clients, so the process's own ranges join the same
  // table. TryHoldSelf is false while a client holds an overlapping range (retry after
  // progress); ReleaseSelf lets waiting clients in.
  bool TryHoldSelf(int64_t offset, int64_t len);
  void ReleaseSelf(int64_t offset, int64_t len);
  // The store goes away without a close (a failed open above this layer): stop serving now;
  // the service ends once the replies already sent have left.
  void Abandon();
  int64_t served() const { return served_; }

  // Starts serving: `service` is advanced by every progress pass of this process until it
  // finishes (shared: the file's store waits for it at close; the engine holds it until then).
  static void Start(std::shared_ptr<Delegate> service);

 private:
  static constexpr int kSelf = -1;  // Held::client of this process's own ranges
  struct Held {
    int client;
    int64_t offset;
    int64_t len;
  };
  struct Reply {
    std::vector<char> bytes;
    core::Request* request;
  };

  void PostReceive();
  void Handle(int client, const char* data, size_t bytes);
  void Answer(int client, Status status, int64_t value, const char* data = nullptr, size_t len = 0);
  bool Conflicts(const Held& want) const;
  void GrantWaiting();
  void ReleaseClient(int client);

  core::Comm& comm_;
  Store& store_;
  const int clients_;
  int closed_ = 0;
  bool finished_ = false;
  bool abandoned_ = false;
  int64_t served_ = 0;
  std::vector<char> inbox_;
  core::Request* recv_ = nullptr;
  std::deque<Reply> replies_;
  std::vector<Held> held_;
  std::deque<Held> waiting_;
  std::string where_;  // "delegate rank R on HOST", for error messages
};

}  // namespace zmpi::io::remote

#endif  // ZMPI_MPI_IO_REMOTE_DELEGATE_H_
