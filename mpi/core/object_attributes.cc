#include "mpi/core/object_attributes.h"

#include "mpi/core/objects.h"
#include "mpi/core/runtime.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {
namespace {

// Bits 30-31 of a predefined keyval say "builtin", bits 26-29 "keyval" (MPICH's encoding).
constexpr uint32_t kPredefinedKeyvalMask = 0xfc000000u;
constexpr uint32_t kPredefinedKeyvalBits = 0x64000000u;

Status PredefinedError(int keyval) {
  return Error(Code::kKeyval, "keyval 0x%x is predefined (read-only)",
               static_cast<unsigned>(keyval));
}

// The values MPI_COMM_WORLD's predefined attributes point at. They never change during a
// run except MPI_LASTUSEDCODE (which points into ErrorCodes).
struct WorldValues {
  int tag_ub = 0x3fffffff;   // zmpi::abi::kTagUpperBound
  int host = MPI_PROC_NULL;  // no host process
  int io = MPI_ANY_SOURCE;   // every rank can do I/O
  int wtime_is_global = 0;   // each host's clock is its own
  int appnum = 0;            // one application
  int universe_size = 1;
};

WorldValues& World() {
  static WorldValues values;
  return values;
}

bool GetWorldAttribute(int keyval, void** value) {
  WorldValues& w = World();
  switch (keyval) {
    case MPI_TAG_UB:
      *value = &w.tag_ub;
      return true;
    case MPI_HOST:
      *value = &w.host;
      return true;
    case MPI_IO:
      *value = &w.io;
      return true;
    case MPI_WTIME_IS_GLOBAL:
      *value = &w.wtime_is_global;
      return true;
    case MPI_APPNUM:
      *value = &w.appnum;
      return true;
    case MPI_UNIVERSE_SIZE:
      w.universe_size = Runtime::Get()->world_size();
      *value = &w.universe_size;
      return true;
    case MPI_LASTUSEDCODE:
      *value = const_cast<int*>(Objects::Get().error_codes().last_used());
      return true;
    default:
      return false;
  }
}

bool GetWinAttribute(int handle, int keyval, void** value) {
  const Win* win = Runtime::Get()->FindWin(handle);
  if (win == nullptr) return false;
  switch (keyval) {
    case MPI_WIN_BASE:
      *value = win->base();
      return true;  // the base itself, not a pointer
    case MPI_WIN_SIZE:
      *value = const_cast<MPI_Aint*>(win->size());
      return true;
    case MPI_WIN_DISP_UNIT:
      *value = const_cast<int*>(win->disp_unit());
      return true;
    case MPI_WIN_CREATE_FLAVOR:
      *value = const_cast<int*>(win->flavor());
      return true;
    case MPI_WIN_MODEL:
      *value = const_cast<int*>(win->model());
      return true;
    default:
      return false;
  }
}

AttributeStore& Store() { return Runtime::Get()->attributes(); }

}  // namespace

bool IsPredefinedKeyval(int keyval) {
  return (static_cast<uint32_t>(keyval) & kPredefinedKeyvalMask) == kPredefinedKeyvalBits;
}

Status CopyAttributes(HandleKind kind, int old_handle, int new_handle) {
  return Store().Copy(kind, old_handle, new_handle);
}

void MoveAttributes(HandleKind kind, int placeholder, int new_handle) {
  Store().Move(kind, placeholder, new_handle);
}

void DiscardAttributes(HandleKind kind, int placeholder) { Store().Discard(kind, placeholder); }

Status DeleteAttributes(HandleKind kind, int handle) { return Store().DeleteAll(kind, handle); }

Status GetAttribute(HandleKind kind, int handle, int keyval, void** value, bool* found) {
  if (!IsPredefinedKeyval(keyval)) return Store().Get(kind, handle, keyval, value, found);
  // A predefined keyval of another object kind is as wrong as an unknown one.
  bool known = false;
  switch (kind) {
    case HandleKind::kComm:
      // MPI attaches these to MPI_COMM_WORLD; like MPICH, every communicator answers them
      // (libraries ask their own duplicate for MPI_TAG_UB).
      known = GetWorldAttribute(keyval, value);
      *found = known;
      break;
    case HandleKind::kWin:
      known = keyval >= MPI_WIN_BASE && keyval <= MPI_WIN_MODEL;
      *found = known && GetWinAttribute(handle, keyval, value);
      break;
    default:
      break;
  }
  if (!known) {
    return Error(Code::kKeyval, "keyval 0x%x is not for this kind of object",
                 static_cast<unsigned>(keyval));
  }
  return OkStatus();
}

Status SetAttribute(HandleKind kind, int handle, int keyval, void* value) {
  if (IsPredefinedKeyval(keyval)) return PredefinedError(keyval);
  return Store().Set(kind, handle, keyval, value);
}

Status DeleteAttribute(HandleKind kind, int handle, int keyval) {
  if (IsPredefinedKeyval(keyval)) return PredefinedError(keyval);
  return Store().Delete(kind, handle, keyval);
}

Status CreateKeyval(HandleKind kind, AttrCopyFunction copy, AttrDeleteFunction del,
                    void* extra_state, int* keyval) {
  *keyval = Store().CreateKeyval(kind, copy, del, extra_state);
  return OkStatus();
}

Status FreeKeyval(HandleKind kind, int keyval) {
  if (IsPredefinedKeyval(keyval)) return PredefinedError(keyval);
  return Store().FreeKeyval(kind, keyval);
}

Status DeleteAttributesAtFinalize() {
  Status self = Store().DeleteAll(HandleKind::kComm, MPI_COMM_SELF);
  Status world = Store().DeleteAll(HandleKind::kComm, MPI_COMM_WORLD);
  return self.ok() ? world : self;
}

}  // namespace zmpi::core
