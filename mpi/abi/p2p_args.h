// Argument checks shared by the point-to-point entry points (pt2pt.cc and the persistent,
// buffered, matched-probe and large-count forms): each turns the C arguments of a send or a
// receive into core SendArgs/RecvArgs, or reports the first wrong argument through the
// communicator's error handler, in the standard's order. Templates over the count type:
// `int` for the classic forms, MPI_Count for the _c forms.
#ifndef ZMPI_MPI_ABI_P2P_ARGS_H_
#define ZMPI_MPI_ABI_P2P_ARGS_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/abi/entry.h"
#include "mpi/core/p2p.h"

namespace zmpi::abi {

// The one place where a count of elements becomes bytes: count * size, the packed size for
// derived types too.
inline size_t MessageBytes(const core::Datatype* type, size_t count) { return count * type->size; }

// A required output or array argument given as NULL is MPI_ERR_ARG.
inline Status CheckPointer(const void* p, const char* what) {
  return p != nullptr ? Status() : Error(Code::kArg, "null %s argument", what);
}

template <typename Count>
inline Status CheckCountOf(Count count) {
  return count >= 0 ? Status()
                    : Error(Code::kCount, "negative count %lld", static_cast<long long>(count));
}
template <typename Count>
inline Status CheckBufferOf(const void* buf, Count count) {
  return buf != nullptr || count <= 0
             ? Status()
             : Error(Code::kBuffer, "null buffer with count %lld", static_cast<long long>(count));
}

// The datatype of a send or receive. MPI_DATATYPE_NULL with count 0 is accepted, as MPICH
// does (nothing moves; MPICH's own tests use it for zero-byte synchronisation): *type is then
// nullptr.
template <typename Count>
inline Status CheckTypeOf(MPI_Datatype datatype, Count count, const core::Datatype** type) {
  if (count == 0 && datatype == MPI_DATATYPE_NULL) {
    *type = nullptr;
    return Status();
  }
  return CheckType(datatype, type);
}

// A null buffer is MPI_BOTTOM, valid with a derived type (absolute addresses).
template <typename Count>
inline Status CheckBufferFor(const void* buf, Count count, const core::Datatype* type) {
  return type != nullptr && type->type != nullptr ? Status() : CheckBufferOf(buf, count);
}

// The descriptor a checked send or receive moves: its derived type (also returned in *derived)
// or MPI_BYTE for MPI_DATATYPE_NULL with count 0 (see CheckTypeOf).
inline const core::Datatype* CheckedType(MPI_Datatype datatype, const core::Datatype** derived) {
  *derived = core::FindDatatype(datatype);
  return *derived != nullptr ? *derived : core::FindPlainDatatype(MPI_BYTE);
}

// The common case of a point-to-point call in one test that builds no Status: known
// communicator and plain datatype, count >= 0 with a buffer, a real rank (not MPI_PROC_NULL
// or MPI_ANY_SOURCE) and a real tag (not MPI_ANY_TAG). When false, the full checks tell
// whether and where the call is wrong. Any count type.
template <typename Count>
inline bool PlainArgs(const core::Comm* comm, const core::Datatype* type, const void* buf,
                      Count count, int rank, int tag) {
  return comm != nullptr && type != nullptr && count >= 0 && (buf != nullptr || count == 0) &&
         static_cast<unsigned>(rank) < static_cast<unsigned>(comm->size()) &&
         static_cast<unsigned>(tag) <= static_cast<unsigned>(kTagUpperBound);
}

// Every check of a send (MPI_PROC_NULL is valid); MPI_SUCCESS if none fails.
template <typename Count>
[[gnu::noinline, gnu::cold]] int CheckSendFully(const char* fn, const void* buf, Count count,
                                                MPI_Datatype datatype, int dest, int tag,
                                                MPI_Comm comm) {
  core::Comm* c = nullptr;
  const core::Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, fn, CheckCountOf(count));
  ZMPI_CHECK_ARG(c, fn, CheckTypeOf(datatype, count, &t));
  ZMPI_CHECK_ARG(c, fn, CheckBufferFor(buf, count, t));
  ZMPI_CHECK_ARG(c, fn, CheckSendRank(*c, dest));
  ZMPI_CHECK_ARG(c, fn, CheckSendTag(tag));
  return MPI_SUCCESS;
}

// Every check of a receive (MPI_ANY_SOURCE, MPI_ANY_TAG and MPI_PROC_NULL are valid).
template <typename Count>
[[gnu::noinline, gnu::cold]] int CheckRecvFully(const char* fn, const void* buf, Count count,
                                                MPI_Datatype datatype, int source, int tag,
                                                MPI_Comm comm) {
  core::Comm* c = nullptr;
  const core::Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, fn, CheckCountOf(count));
  ZMPI_CHECK_ARG(c, fn, CheckTypeOf(datatype, count, &t));
  ZMPI_CHECK_ARG(c, fn, CheckBufferFor(buf, count, t));
  ZMPI_CHECK_ARG(c, fn, CheckRecvRank(*c, source));
  ZMPI_CHECK_ARG(c, fn, CheckRecvTag(tag));
  return MPI_SUCCESS;
}

// Checks a send's arguments into `args`; errors are reported through comm's handler.
// Inline: with the core's send below it, this is the whole of MPI_Send.
template <typename Count>
[[gnu::always_inline]] inline int CheckSend(const char* fn, const void* buf, Count count,
                                            MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                                            core::SendMode mode, core::SendArgs* args) {
  core::Comm* c = core::Runtime::Get()->FindComm(comm);
  const core::Datatype* t = core::FindPlainDatatype(datatype);
  const core::Datatype* derived = nullptr;
  if (!PlainArgs(c, t, buf, count, dest, tag)) [[unlikely]] {
    int rc = CheckSendFully(fn, buf, count, datatype, dest, tag, comm);
    if (rc != MPI_SUCCESS) return rc;
    if (t == nullptr) t = CheckedType(datatype, &derived);
  }
  *args = core::SendArgs{buf, MessageBytes(t, static_cast<size_t>(count)), dest, tag, c, mode};
  if (derived != nullptr) [[unlikely]] {
    args->type = derived;
    args->count = static_cast<int64_t>(count);
  }
  return MPI_SUCCESS;
}

// Checks a receive's arguments into `args` (see CheckSend).
template <typename Count>
[[gnu::always_inline]] inline int CheckRecv(const char* fn, void* buf, Count count,
                                            MPI_Datatype datatype, int source, int tag,
                                            MPI_Comm comm, core::RecvArgs* args) {
  core::Comm* c = core::Runtime::Get()->FindComm(comm);
  const core::Datatype* t = core::FindPlainDatatype(datatype);
  const core::Datatype* derived = nullptr;
  if (!PlainArgs(c, t, buf, count, source, tag)) [[unlikely]] {
    int rc = CheckRecvFully(fn, buf, count, datatype, source, tag, comm);
    if (rc != MPI_SUCCESS) return rc;
    if (t == nullptr) t = CheckedType(datatype, &derived);
  }
  *args = core::RecvArgs{
      buf,    MessageBytes(t, static_cast<size_t>(count)), source, tag, c, core::Channel::kUser,
      t->size};
  if (derived != nullptr) [[unlikely]] {
    args->type = derived;
    args->count = static_cast<int64_t>(count);
  }
  return MPI_SUCCESS;
}

}  // namespace zmpi::abi

#endif  // ZMPI_MPI_ABI_P2P_ARGS_H_
