// How the two-phase engine talks to the other ranks of a file: non-blocking sends and
// receives of plain bytes, tested without driving progress (the engine runs inside progress,
// from a pending operation). The real one is core point-to-point on the file's private
// communicator (core_link.h); unit tests use an in-memory one.
#ifndef ZMPI_MPI_IO_AGG_LINK_H_
#define ZMPI_MPI_IO_AGG_LINK_H_

#include <cstddef>

#include "common/status.h"

namespace zmpi::io::agg {

class Link {
 public:
  virtual ~Link() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Start a send of `len` bytes (the buffer stays untouched until Finish) or a receive of at
  // most `cap` bytes; *handle names it until Finish.
  virtual Status Send(int peer, int tag, const void* buf, size_t len, void** handle) = 0;
  virtual Status Recv(int peer, int tag, void* buf, size_t cap, void** handle) = 0;
  // Whether it completed; never drives progress.
  virtual bool Done(void* handle) = 0;
  // Ends a completed operation: its error; *bytes = bytes received (receives).
  virtual Status Finish(void* handle, size_t* bytes) = 0;
  // Fails those of the posted operations whose peer died (they complete with an error).
  virtual void FailDead(void* const* handles, size_t count) = 0;
};

}  // namespace zmpi::io::agg

#endif  // ZMPI_MPI_IO_AGG_LINK_H_
