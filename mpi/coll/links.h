// Links: the point-to-point a collective algorithm needs, and nothing else.
//
// Every algorithm in mpi/coll is written against this interface, so production runs it over
// core point-to-point (CoreLinks, on the communicator's collective context) and unit tests
// run the very same code in one process, one thread per rank, over an in-memory fake.
//
// Contract: ranks are 0..size()-1 of one group; buffers are contiguous bytes; a receive's
// `bytes` is exactly what the matching send carries (algorithms compute both sides alike).
// Messages between one pair with one tag arrive in the order they were sent. Send may block
// until the receiver takes the message (rendezvous), so algorithms pair sends and receives
// with SendRecv or the nonblocking calls. Isend/Irecv start an operation that completes at
// the next WaitAll; buffers stay untouched by the caller until then. Not thread-safe: one
// Links object serves one collective call of one rank.
#ifndef ZMPI_MPI_COLL_LINKS_H_
#define ZMPI_MPI_COLL_LINKS_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/include/mpi.h"

namespace zmpi::coll {

// The in-place marker of the collective entry points (MPI_IN_PLACE).
inline bool IsInPlace(const void* buf) { return buf == MPI_IN_PLACE; }

class Links {
 public:
  virtual ~Links() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;

  virtual Status Send(int dest, int tag, const void* buf, size_t bytes) = 0;
  virtual Status Recv(int source, int tag, void* buf, size_t bytes) = 0;
  virtual Status SendRecv(int dest, const void* sendbuf, size_t sendbytes, int source,
                          void* recvbuf, size_t recvbytes, int tag) = 0;

  // A message small enough for every transport's eager path (at most kSmallBytes): returns
  // once `buf` may be reused, without waiting for the receiver, and costs no request. (Should
  // a transport still need a rendezvous for it, it waits like Send until the receive is
  // posted: use it where every receiver posts its receives before it waits on anything.)
  static constexpr size_t kSmallBytes = 4096;
  virtual Status SendSmall(int dest, int tag, const void* buf, size_t bytes) = 0;

  virtual Status Isend(int dest, int tag, const void* buf, size_t bytes) = 0;
  virtual Status Irecv(int source, int tag, void* buf, size_t bytes) = 0;
  // Completes every operation started since the last WaitAll, even after an error; returns
  // the first error.
  virtual Status WaitAll() = 0;
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_LINKS_H_
