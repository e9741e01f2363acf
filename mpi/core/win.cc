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

Status Win::Attach(void* base, MPI_Aint size) {
  if (flavor_ != MPI_WIN_FLAVOR_DYNAMIC) {
    return Error(Code::kRmaFlavor, "MPI_Win_attach on a window not created dynamic");
  }
  if (size < 0) return Error(Code::kSize, "negative size %ld", static_cast<long>(size));
  if (size == 0) return OkStatus();
  if (base == nullptr) return Error(Code::kArg, "null base with size %ld", static_cast<long>(size));
  char* b = static_cast<char*>(base);
  for (const auto& [at, len] : attached_) {
    if (b < at + len && at < b + size) {
      return Error(Code::kRmaAttach, "memory at %p overlaps a region already attached", base);
    }
  }
  attached_.emplace_back(b, size);
  return OkStatus();
}

Status Win::Detach(const void* base) {
  if (flavor_ != MPI_WIN_FLAVOR_DYNAMIC) {
    return Error(Code::kRmaFlavor, "MPI_Win_detach on a window not created dynamic");
  }
  for (auto it = attached_.begin(); it != attached_.end(); ++it) {
    if (it->first == base) {
      attached_.erase(it);
      return OkStatus();
    }
  }
  return Error(Code::kRmaAttach, "no memory attached at %p", base);
}

}  // namespace zmpi::core
