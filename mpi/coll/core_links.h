// CoreLinks: Links over core point-to-point on a communicator's collective context
// (Channel::kColl), so collective traffic never matches user messages.
#ifndef ZMPI_MPI_COLL_CORE_LINKS_H_
#define ZMPI_MPI_COLL_CORE_LINKS_H_

#include <cstddef>
#include <vector>

#include "common/status.h"
#include "mpi/coll/links.h"
#include "mpi/core/comm.h"
#include "mpi/core/coll_p2p.h"
#include "mpi/core/p2p.h"

namespace zmpi::coll {

class CoreLinks final : public Links {
 public:
  explicit CoreLinks(core::Comm& comm) : comm_(comm) {}
  // Completes whatever an error path left started, so no request outlives its buffers.
  ~CoreLinks() override;
  CoreLinks(const CoreLinks&) = delete;
  CoreLinks& operator=(const CoreLinks&) = delete;

  int rank() const override { return comm_.rank(); }
  int size() const override { return comm_.size(); }

  Status Send(int dest, int tag, const void* buf, size_t bytes) override;
  Status Recv(int source, int tag, void* buf, size_t bytes) override;
  Status SendRecv(int dest, const void* sendbuf, size_t sendbytes, int source, void* recvbuf,
                  size_t recvbytes, int tag) override;
  Status SendSmall(int dest, int tag, const void* buf, size_t bytes) override;
  Status Isend(int dest, int tag, const void* buf, size_t bytes) override;
  Status Irecv(int source, int tag, void* buf, size_t bytes) override;
  Status WaitAll() override;

 private:
  void Track(core::Request* request);

  core::Comm& comm_;
  // Requests started since the last WaitAll: the first few inline, so small collectives do
  // not allocate; past that all of them move to `spill_`.
  static constexpr int kInline = 8;
  core::Request* inline_[kInline];
  std::vector<core::Request*> spill_;
  int pending_ = 0;
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_CORE_LINKS_H_
