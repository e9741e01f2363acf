#include "mpi/core/win_ops.h"

#include <cstdlib>
#include <memory>

#include "mpi/core/comm_ops.h"
#include "mpi/core/object_attributes.h"
#include "mpi/core/runtime.h"

namespace zmpi::core {
namespace {

StatusOr<Win*> MakeWin(Comm& comm, void* base, MPI_Aint size, int disp_unit, int flavor,
                       bool owns_memory, const Info* info) {
  Runtime& rt = *Runtime::Get();
  StatusOr<uint32_t> context = rt.AgreeOnContext(comm);
  if (!context.ok()) {
    if (owns_memory) free(base);
    return context.status();
  }
  Comm* own = rt.AddComm(comm.world_ranks(), comm.rank(), *context);
  auto win = std::make_unique<Win>(own, base, size, disp_unit, flavor, owns_memory);
  if (info != nullptr) win->set_info(*info);
  Win* w = win.get();
  w->set_handle(rt.wins().Add(std::move(win)));
  return w;
}

}  // namespace

StatusOr<Win*> CreateWin(Comm& comm, void* base, MPI_Aint size, int disp_unit, const Info* info) {
  return MakeWin(comm, base, size, disp_unit, MPI_WIN_FLAVOR_CREATE, false, info);
}

StatusOr<Win*> AllocateWin(Comm& comm, MPI_Aint size, int disp_unit, const Info* info) {
  void* base = nullptr;
  if (size > 0) {
    // Aligned for any type the program may store there.
    if (posix_memalign(&base, 64, static_cast<size_t>(size)) != 0) {
      return Error(Code::kNoMem, "cannot allocate a window of %ld bytes", size);
    }
  }
  return MakeWin(comm, base, size, disp_unit, MPI_WIN_FLAVOR_ALLOCATE, true, info);
}

StatusOr<Win*> CreateDynamicWin(Comm& comm, const Info* info) {
  return MakeWin(comm, MPI_BOTTOM, 0, 1, MPI_WIN_FLAVOR_DYNAMIC, false, info);
}

Status FreeWin(Win* win) {
  Runtime& rt = *Runtime::Get();
  ZMPI_RETURN_IF_ERROR(DeleteAttributes(HandleKind::kWin, win->handle()));
  Status barrier = BarrierAll(win->comm());
  Comm* own = &win->comm();
  rt.wins().Remove(win->handle());
  rt.FreeComm(own);
  return barrier;
}

}  // namespace zmpi::core
