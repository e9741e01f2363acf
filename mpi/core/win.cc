#include "mpi/core/win.h"

#include <cstdlib>

#include "mpi/core/objects.h"

namespace zmpi::core {

Win::Win(Comm* comm, void* base, MPI_Aint size, int disp_unit, int flavor, bool owns_memory)
    : comm_(comm),
      base_(base),
      size_(size),
      disp_unit_(disp_unit),
      flavor_(flavor),
      owns_memory_(owns_memory) {}

Win::~Win() {
  if (owns_memory_) free(base_);
  Objects::Get().ReleaseErrhandler(errhandler_);
}

void Win::set_errhandler(MPI_Errhandler e) {
  Objects::Get().RetainErrhandler(e);
  Objects::Get().ReleaseErrhandler(errhandler_);
  errhandler_ = e;
}

}  // namespace zmpi::core
