// MPI-4.1's accessors of the public MPI_Status fields (§3.2.5). They touch no library state,
// so they work before MPI_Init and after MPI_Finalize; a null status is MPI_ERR_ARG.
#include "mpi/abi/entry.h"

namespace {

zmpi::Status NullStatus(const void* status) {
  if (status != nullptr && status != MPI_STATUS_IGNORE) return zmpi::OkStatus();
  return zmpi::Error(zmpi::Code::kArg, "null status (or MPI_STATUS_IGNORE)");
}

zmpi::Status NullOut(const int* out) {
  return out != nullptr ? zmpi::OkStatus() : zmpi::Error(zmpi::Code::kArg, "null output");
}

int GetField(const char* fn, const MPI_Status* status, int MPI_Status::*field, int* out) {
  ZMPI_CHECK_ARG(nullptr, fn, NullStatus(status));
  ZMPI_CHECK_ARG(nullptr, fn, NullOut(out));
  *out = status->*field;
  return MPI_SUCCESS;
}

int SetField(const char* fn, MPI_Status* status, int MPI_Status::*field, int value) {
  ZMPI_CHECK_ARG(nullptr, fn, NullStatus(status));
  status->*field = value;
  return MPI_SUCCESS;
}

}  // namespace

ZMPI_API int PMPI_Status_get_source(const MPI_Status* status, int* source) {
  return GetField("MPI_Status_get_source", status, &MPI_Status::MPI_SOURCE, source);
}

ZMPI_API int PMPI_Status_set_source(MPI_Status* status, int source) {
  return SetField("MPI_Status_set_source", status, &MPI_Status::MPI_SOURCE, source);
}

ZMPI_API int PMPI_Status_get_tag(const MPI_Status* status, int* tag) {
  return GetField("MPI_Status_get_tag", status, &MPI_Status::MPI_TAG, tag);
}

ZMPI_API int PMPI_Status_set_tag(MPI_Status* status, int tag) {
  return SetField("MPI_Status_set_tag", status, &MPI_Status::MPI_TAG, tag);
}

ZMPI_API int PMPI_Status_get_error(const MPI_Status* status, int* error) {
  return GetField("MPI_Status_get_error", status, &MPI_Status::MPI_ERROR, error);
}

ZMPI_API int PMPI_Status_set_error(MPI_Status* status, int error) {
  return SetField("MPI_Status_set_error", status, &MPI_Status::MPI_ERROR, error);
}

#include "mpi/abi/status_aliases.inc"
