// An error handler created by MPI_{Comm,Win,File,Session}_create_errhandler: the kind of
// object it may be attached to and the user's function. Handlers are reference counted: the
// handle the user holds is one reference, every object the handler is attached to holds
// one more (Objects::RetainErrhandler/ReleaseErrhandler), so MPI_Errhandler_free while a
// communicator still uses the handler leaves it working until the last user goes.
#ifndef ZMPI_MPI_CORE_ERRHANDLER_H_
#define ZMPI_MPI_CORE_ERRHANDLER_H_

namespace zmpi::core {

enum class ErrhandlerKind { kComm, kWin, kFile, kSession };

class Errhandler {
 public:
  // Every user handler type is void(Handle*, int*, ...); the kind says which handle type.
  using Function = void (*)(void*, int*, ...);

  Errhandler(ErrhandlerKind kind, Function function) : kind_(kind), function_(function) {}
  ErrhandlerKind kind() const { return kind_; }
  Function function() const { return function_; }
  int refs() const { return refs_; }
  void Retain() { ++refs_; }
  // Returns true when the last reference went.
  bool Release() { return --refs_ == 0; }

 private:
  ErrhandlerKind kind_;
  Function function_;
  int refs_ = 1;  // the creator's handle
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_ERRHANDLER_H_
