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

}  // namespace

ZMPI_API int PMPI_Status_get_source(const MPI_Status* status, int* source) {
  ZMPI_CHECK_ARG(nullptr, "MPI_Status_get_source", NullStatus(status));
  ZMPI_CHECK_ARG(nullptr, "MPI_Status_get_source", NullOut(source));
  *source = status->MPI_SOURCE;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Status_set_source(MPI_Status* status, int source) {
  ZMPI_CHECK_ARG(nullptr, "MPI_Status_set_source", NullStatus(status));
  status->MPI_SOURCE = source;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Status_get_tag(const MPI_Status* status, int* tag) {
  ZMPI_CHECK_ARG(nullptr, "MPI_Status_get_tag", NullStatus(status));
  ZMPI_CHECK_ARG(nullptr, "MPI_Status_get_tag", NullOut(tag));
  *tag = status->MPI_TAG;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Status_set_tag(MPI_Status* status, int tag) {
  ZMPI_CHECK_ARG(nullptr, "MPI_Status_set_tag", NullStatus(status));
  status->MPI_TAG = tag;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Status_get_error(const MPI_Status* status, int* error) {
  ZMPI_CHECK_ARG(nullptr, "MPI_Status_get_error", NullStatus(status));
  ZMPI_CHECK_ARG(nullptr, "MPI_Status_get_error", NullOut(error));
  *error = status->MPI_ERROR;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Status_set_error(MPI_Status* status, int error) {
  ZMPI_CHECK_ARG(nullptr, "MPI_Status_set_error", NullStatus(status));
  status->MPI_ERROR = error;
  return MPI_SUCCESS;
}

#include "mpi/abi/status_aliases.inc"
