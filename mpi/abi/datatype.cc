// Datatypes (predefined) and message sizes.
#include <cstring>

#include "mpi/abi/entry.h"

using zmpi::Code;
using zmpi::core::Datatype;

namespace {

long long StatusBytes(const MPI_Status* status) {
  unsigned long long lo = static_cast<unsigned int>(status->count_lo);
  unsigned long long hi = static_cast<unsigned int>(status->count_hi_and_cancelled) >> 1;
  return static_cast<long long>((hi << 32) | lo);
}

}  // namespace

ZMPI_API int PMPI_Type_size(MPI_Datatype datatype, int* size) {
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Type_size", zmpi::abi::CheckType(datatype, &t));
  *size = static_cast<int>(t->size);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Type_size_x(MPI_Datatype datatype, MPI_Count* size) {
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Type_size_x", zmpi::abi::CheckType(datatype, &t));
  *size = static_cast<MPI_Count>(t->size);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Type_get_extent(MPI_Datatype datatype, MPI_Aint* lb, MPI_Aint* extent) {
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Type_get_extent", zmpi::abi::CheckType(datatype, &t));
  *lb = 0;
  *extent = static_cast<MPI_Aint>(t->extent);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Type_get_name(MPI_Datatype datatype, char* type_name, int* resultlen) {
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Type_get_name", zmpi::abi::CheckType(datatype, &t));
  size_t n = strlen(t->name);
  memcpy(type_name, t->name, n + 1);
  *resultlen = static_cast<int>(n);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Get_count(const MPI_Status* status, MPI_Datatype datatype, int* count) {
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Get_count", zmpi::abi::CheckType(datatype, &t));
  long long bytes = StatusBytes(status);
  if (t->size == 0) {
    *count = bytes == 0 ? 0 : MPI_UNDEFINED;
  } else if (bytes % static_cast<long long>(t->size) != 0) {
    *count = MPI_UNDEFINED;
  } else {
    long long n = bytes / static_cast<long long>(t->size);
    *count = n > 0x7fffffff ? MPI_UNDEFINED : static_cast<int>(n);
  }
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Get_elements(const MPI_Status* status, MPI_Datatype datatype, int* count) {
  return PMPI_Get_count(status, datatype, count);
}

#include "mpi/abi/datatype_aliases.inc"
