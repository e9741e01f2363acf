// An MPI-4 session (MPI-4.1 §11.3): a handle on the library's runtime that is independent of
// MPI_Init/MPI_Finalize (Runtime::OpenSession/CloseSession count them), with its error
// handler, its hints, and the process sets it offers: "mpi://WORLD" (every process of the
// job) and "mpi://SELF" (this process). Sessions live in core::Objects (they exist before
// the runtime starts and after it ends).
#ifndef ZMPI_MPI_CORE_SESSION_H_
#define ZMPI_MPI_CORE_SESSION_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "mpi/core/info.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

class BsendBuffer;

class Session {
 public:
  // Holds a reference on its error handler (core::Objects counts them) until destroyed.
  Session(MPI_Errhandler errhandler, Info info);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  MPI_Errhandler errhandler() const { return errhandler_; }
  void set_errhandler(MPI_Errhandler e);
  // The hints in effect (the caller's, plus the thread level provided).
  const Info& info() const { return info_; }

  // The buffer of MPI_Session_attach_buffer (owned by the process's BsendBuffer), or nullptr:
  // buffered sends on the session's communicators without a buffer of their own use it.
  BsendBuffer* bsend_buffer() const { return bsend_buffer_; }
  void set_bsend_buffer(BsendBuffer* buffer) { bsend_buffer_ = buffer; }

  // Process sets, in a fixed order.
  static const std::vector<std::string>& PsetNames();
  // World ranks of a process set (names compare without regard to case); kArg if unknown.
  // Needs the runtime.
  static StatusOr<std::vector<int>> PsetMembers(const std::string& name);

 private:
  MPI_Errhandler errhandler_;
  Info info_;
  BsendBuffer* bsend_buffer_ = nullptr;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_SESSION_H_
