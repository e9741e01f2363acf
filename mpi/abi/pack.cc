// Packing (MPI-4.1 sections 5.2 and 5.3): MPI_Pack/Unpack/Pack_size in the native
// representation and the "external32" forms, each with its large-count (_c) form.
#include <cstring>

#include "mpi/abi/entry.h"
#include "mpi/core/derived_op.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::core::Comm;
using zmpi::core::Datatype;

namespace {

Status NullArg(const char* what) { return zmpi::Error(Code::kArg, "%s is NULL", what); }

Status Count64(int64_t count) {
  return count >= 0 ? zmpi::OkStatus()
                    : zmpi::Error(Code::kCount, "negative count %lld", (long long)count);
}

Status Datarep(const char* datarep) {
  if (datarep == nullptr) return NullArg("datarep");
  if (strcmp(datarep, "external32") != 0) {
    return zmpi::Error(Code::kUnsupportedDatarep,
                       "data representation \"%s\" (only "
                       "\"external32\")",
                       datarep);
  }
  return zmpi::OkStatus();
}

Status Room(int64_t position, int64_t need, int64_t size, const char* what) {
  if (position < 0) return zmpi::Error(Code::kArg, "negative position %lld", (long long)position);
  if (position + need > size) {
    return zmpi::Error(Code::kTruncate, "%s: %lld bytes from position %lld exceed %lld", what,
                       (long long)need, (long long)position, (long long)size);
  }
  return zmpi::OkStatus();
}

template <typename T>
Status StoreSize(int64_t v, T* out) {
  if (sizeof(T) < sizeof(int64_t) && v > 0x7fffffff) {
    return zmpi::Error(Code::kValueTooLarge, "%lld does not fit in an int; use the _c form",
                       (long long)v);
  }
  *out = static_cast<T>(v);
  return zmpi::OkStatus();
}

template <typename P>
int Pack(const char* fn, const void* inbuf, int64_t incount, MPI_Datatype datatype, void* outbuf,
         int64_t outsize, P* position, MPI_Comm comm) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, fn, Count64(incount));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckType(datatype, &t));
  if (position == nullptr) ZMPI_CHECK_ARG(c, fn, NullArg("position"));
  const int64_t need = incount * static_cast<int64_t>(t->size);
  ZMPI_CHECK_ARG(c, fn, Room(*position, need, outsize, "MPI_Pack"));
  if (need > 0 && outbuf == nullptr) ZMPI_CHECK_ARG(c, fn, NullArg("outbuf"));
  zmpi::core::PackTyped(inbuf, incount, *t, static_cast<char*>(outbuf) + *position);
  *position += static_cast<P>(need);
  return MPI_SUCCESS;
}

template <typename P>
int Unpack(const char* fn, const void* inbuf, int64_t insize, P* position, void* outbuf,
           int64_t outcount, MPI_Datatype datatype, MPI_Comm comm) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, fn, Count64(outcount));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckType(datatype, &t));
  if (position == nullptr) ZMPI_CHECK_ARG(c, fn, NullArg("position"));
  const int64_t need = outcount * static_cast<int64_t>(t->size);
  ZMPI_CHECK_ARG(c, fn, Room(*position, need, insize, "MPI_Unpack"));
  if (need > 0 && inbuf == nullptr) ZMPI_CHECK_ARG(c, fn, NullArg("inbuf"));
  zmpi::core::UnpackTyped(static_cast<const char*>(inbuf) + *position, need, outbuf, outcount, *t);
  *position += static_cast<P>(need);
  return MPI_SUCCESS;
}

template <typename S>
int PackSize(const char* fn, int64_t incount, MPI_Datatype datatype, MPI_Comm comm, S* size) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, fn, Count64(incount));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckType(datatype, &t));
  if (size == nullptr) ZMPI_CHECK_ARG(c, fn, NullArg("size"));
  ZMPI_CHECK_ARG(c, fn, StoreSize(incount * static_cast<int64_t>(t->size), size));
  return MPI_SUCCESS;
}

template <typename P>
int PackExternal(const char* fn, const char* datarep, const void* inbuf, int64_t incount,
                 MPI_Datatype datatype, void* outbuf, int64_t outsize, P* position) {
  ZMPI_ENTER(fn);
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, Datarep(datarep));
  ZMPI_CHECK_ARG(nullptr, fn, Count64(incount));
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckType(datatype, &t));
  if (position == nullptr) ZMPI_CHECK_ARG(nullptr, fn, NullArg("position"));
  const int64_t need = zmpi::core::External32Bytes(incount, *t);
  ZMPI_CHECK_ARG(nullptr, fn, Room(*position, need, outsize, "MPI_Pack_external"));
  if (need > 0 && outbuf == nullptr) ZMPI_CHECK_ARG(nullptr, fn, NullArg("outbuf"));
  ZMPI_CHECK_ARG(
      nullptr, fn,
      zmpi::core::PackExternal32(inbuf, incount, *t, static_cast<char*>(outbuf) + *position));
  *position += static_cast<P>(need);
  return MPI_SUCCESS;
}

template <typename P>
int UnpackExternal(const char* fn, const char* datarep, const void* inbuf, int64_t insize,
                   P* position, void* outbuf, int64_t outcount, MPI_Datatype datatype) {
  ZMPI_ENTER(fn);
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, Datarep(datarep));
  ZMPI_CHECK_ARG(nullptr, fn, Count64(outcount));
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckType(datatype, &t));
  if (position == nullptr) ZMPI_CHECK_ARG(nullptr, fn, NullArg("position"));
  const int64_t need = zmpi::core::External32Bytes(outcount, *t);
  ZMPI_CHECK_ARG(nullptr, fn, Room(*position, need, insize, "MPI_Unpack_external"));
  if (need > 0 && inbuf == nullptr) ZMPI_CHECK_ARG(nullptr, fn, NullArg("inbuf"));
  ZMPI_CHECK_ARG(nullptr, fn,
                 zmpi::core::UnpackExternal32(static_cast<const char*>(inbuf) + *position, outcount,
                                              *t, outbuf));
  *position += static_cast<P>(need);
  return MPI_SUCCESS;
}

template <typename S>
int PackExternalSize(const char* fn, const char* datarep, int64_t incount, MPI_Datatype datatype,
                     S* size) {
  ZMPI_ENTER(fn);
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, Datarep(datarep));
  ZMPI_CHECK_ARG(nullptr, fn, Count64(incount));
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckType(datatype, &t));
  if (size == nullptr) ZMPI_CHECK_ARG(nullptr, fn, NullArg("size"));
  *size = static_cast<S>(zmpi::core::External32Bytes(incount, *t));
  return MPI_SUCCESS;
}

}  // namespace

ZMPI_API int PMPI_Pack(const void* inbuf, int incount, MPI_Datatype datatype, void* outbuf,
                       int outsize, int* position, MPI_Comm comm) {
  return Pack("MPI_Pack", inbuf, incount, datatype, outbuf, outsize, position, comm);
}

ZMPI_API int PMPI_Pack_c(const void* inbuf, MPI_Count incount, MPI_Datatype datatype, void* outbuf,
                         MPI_Count outsize, MPI_Count* position, MPI_Comm comm) {
  return Pack("MPI_Pack_c", inbuf, incount, datatype, outbuf, outsize, position, comm);
}

ZMPI_API int PMPI_Unpack(const void* inbuf, int insize, int* position, void* outbuf, int outcount,
                         MPI_Datatype datatype, MPI_Comm comm) {
  return Unpack("MPI_Unpack", inbuf, insize, position, outbuf, outcount, datatype, comm);
}

ZMPI_API int PMPI_Unpack_c(const void* inbuf, MPI_Count insize, MPI_Count* position, void* outbuf,
                           MPI_Count outcount, MPI_Datatype datatype, MPI_Comm comm) {
  return Unpack("MPI_Unpack_c", inbuf, insize, position, outbuf, outcount, datatype, comm);
}

ZMPI_API int PMPI_Pack_size(int incount, MPI_Datatype datatype, MPI_Comm comm, int* size) {
  return PackSize("MPI_Pack_size", incount, datatype, comm, size);
}

ZMPI_API int PMPI_Pack_size_c(MPI_Count incount, MPI_Datatype datatype, MPI_Comm comm,
                              MPI_Count* size) {
  return PackSize("MPI_Pack_size_c", incount, datatype, comm, size);
}

ZMPI_API int PMPI_Pack_external(const char datarep[], const void* inbuf, int incount,
                                MPI_Datatype datatype, void* outbuf, MPI_Aint outsize,
                                MPI_Aint* position) {
  return PackExternal("MPI_Pack_external", datarep, inbuf, incount, datatype, outbuf, outsize,
                      position);
}

ZMPI_API int PMPI_Pack_external_c(const char datarep[], const void* inbuf, MPI_Count incount,
                                  MPI_Datatype datatype, void* outbuf, MPI_Count outsize,
                                  MPI_Count* position) {
  return PackExternal("MPI_Pack_external_c", datarep, inbuf, incount, datatype, outbuf, outsize,
                      position);
}

ZMPI_API int PMPI_Unpack_external(const char datarep[], const void* inbuf, MPI_Aint insize,
                                  MPI_Aint* position, void* outbuf, int outcount,
                                  MPI_Datatype datatype) {
  return UnpackExternal("MPI_Unpack_external", datarep, inbuf, insize, position, outbuf, outcount,
                        datatype);
}

ZMPI_API int PMPI_Unpack_external_c(const char datarep[], const void* inbuf, MPI_Count insize,
                                    MPI_Count* position, void* outbuf, MPI_Count outcount,
                                    MPI_Datatype datatype) {
  return UnpackExternal("MPI_Unpack_external_c", datarep, inbuf, insize, position, outbuf, outcount,
                        datatype);
}

ZMPI_API int PMPI_Pack_external_size(const char datarep[], int incount, MPI_Datatype datatype,
                                     MPI_Aint* size) {
  return PackExternalSize("MPI_Pack_external_size", datarep, incount, datatype, size);
}

ZMPI_API int PMPI_Pack_external_size_c(const char datarep[], MPI_Count incount,
                                       MPI_Datatype datatype, MPI_Count* size) {
  return PackExternalSize("MPI_Pack_external_size_c", datarep, incount, datatype, size);
}

#include "mpi/abi/pack_aliases.inc"
