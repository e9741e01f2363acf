// The two-phase engine's Link over core point-to-point, on a communicator that only MPI-IO
// uses (the file's private one, placed_store.h), user context: nothing else matches there.
#ifndef ZMPI_MPI_IO_AGG_CORE_LINK_H_
#define ZMPI_MPI_IO_AGG_CORE_LINK_H_

#include "mpi/core/comm.h"
#include "mpi/io/agg/link.h"

namespace zmpi::io::agg {

class CoreLink final : public Link {
 public:
  explicit CoreLink(core::Comm& comm) : comm_(comm) {}
  int rank() const override { return comm_.rank(); }
  int size() const override { return comm_.size(); }
  Status Send(int peer, int tag, const void* buf, size_t len, void** handle) override;
  Status Recv(int peer, int tag, void* buf, size_t cap, void** handle) override;
  bool Done(void* handle) override;
  Status Finish(void* handle, size_t* bytes) override;
  void FailDead(void* const* handles, size_t count) override;

 private:
  core::Comm& comm_;
};

}  // namespace zmpi::io::agg

#endif  // ZMPI_MPI_IO_AGG_CORE_LINK_H_
