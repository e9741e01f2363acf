// A window (MPI-4 §12.2): memory a communicator's members expose to one another, the
// communicator the window duplicated for itself at creation (so its traffic never meets the
// user's), and what MPI lets a program ask of it (predefined attributes, name, info, error
// handler). The data-moving operations (put, get, accumulate, synchronization) build on this
// object elsewhere.
#ifndef ZMPI_MPI_CORE_WIN_H_
#define ZMPI_MPI_CORE_WIN_H_

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/info.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

class Win {
 public:
  // `comm` is the window's own communicator; `owns_memory` says whether `base` came from
  // the library (MPI_Win_allocate) and is freed with the window.
  Win(Comm* comm, void* base, MPI_Aint size, int disp_unit, int flavor, bool owns_memory);
  ~Win();
  Win(const Win&) = delete;
  Win& operator=(const Win&) = delete;

  int handle() const { return handle_; }
  void set_handle(int handle) { handle_ = handle; }
  Comm& comm() const { return *comm_; }
  void* base() const { return base_; }
  // The predefined attributes point at these (MPI_WIN_SIZE, _DISP_UNIT, _CREATE_FLAVOR,
  // _MODEL), so they live as long as the window.
  const MPI_Aint* size() const { return &size_; }
  const int* disp_unit() const { return &disp_unit_; }
  const int* flavor() const { return &flavor_; }
  const int* model() const { return &model_; }

  // Retains the new handler and releases the old one (core::Objects).
  MPI_Errhandler errhandler() const { return errhandler_; }
  void set_errhandler(MPI_Errhandler e);
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  const Info& info() const { return info_; }
  void set_info(const Info& info) { info_ = info; }

  // Memory attached to a dynamic window (MPI_Win_attach/detach; MPI_WIN_FLAVOR_DYNAMIC only).
  // Regions may not overlap; detach names a region by the base it was attached with.
  Status Attach(void* base, MPI_Aint size);
  Status Detach(const void* base);
  size_t attached() const { return attached_.size(); }

 private:
  int handle_ = MPI_WIN_NULL;
  Comm* comm_;
  void* base_;
  MPI_Aint size_;
  int disp_unit_;
  int flavor_;
  int model_ = MPI_WIN_UNIFIED;  // one copy of the memory: public and private are the same
  bool owns_memory_;
  MPI_Errhandler errhandler_ = MPI_ERRORS_ARE_FATAL;
  std::string name_;
  Info info_;
  std::vector<std::pair<char*, MPI_Aint>> attached_;  // (base, size) of attached regions
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_WIN_H_
