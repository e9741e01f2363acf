// Error classes, strings and handlers.
#include <cstdio>
#include <cstring>

#include "mpi/abi/entry.h"

using zmpi::Code;
using zmpi::core::Comm;
using zmpi::core::Runtime;

ZMPI_API int PMPI_Error_class(int errorcode, int* errorclass) {
  if (errorcode < 0 || errorcode > MPI_ERR_LASTCODE) {
    return zmpi::abi::Report(nullptr, "MPI_Error_class",
                             zmpi::Error(Code::kArg, "invalid error code %d", errorcode));
  }
  *errorclass = errorcode;  // zmpi's error codes are the classes
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Error_string(int errorcode, char* string, int* resultlen) {
  Code code = static_cast<Code>(errorcode);
  int n = snprintf(string, MPI_MAX_ERROR_STRING, "%s: %s", zmpi::CodeName(code),
                   zmpi::CodeText(code));
  *resultlen = n < MPI_MAX_ERROR_STRING ? n : MPI_MAX_ERROR_STRING - 1;
  return MPI_SUCCESS;
}

static bool KnownErrhandler(MPI_Errhandler e) {
  return e == MPI_ERRORS_ARE_FATAL || e == MPI_ERRORS_RETURN || e == MPI_ERRORS_ABORT ||
         Runtime::Get()->FindErrhandler(e) != nullptr;
}

ZMPI_API int PMPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler) {
  ZMPI_ENTER("MPI_Comm_set_errhandler");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_set_errhandler", zmpi::abi::CheckComm(comm, &c));
  if (!KnownErrhandler(errhandler)) {
    return zmpi::abi::Report(c, "MPI_Comm_set_errhandler",
                             zmpi::Error(Code::kArg, "invalid error handler 0x%x", errhandler));
  }
  c->set_errhandler(errhandler);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_get_errhandler(MPI_Comm comm, MPI_Errhandler* errhandler) {
  ZMPI_ENTER("MPI_Comm_get_errhandler");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_get_errhandler", zmpi::abi::CheckComm(comm, &c));
  *errhandler = c->errhandler();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_create_errhandler(MPI_Comm_errhandler_function* function,
                                         MPI_Errhandler* errhandler) {
  ZMPI_ENTER("MPI_Comm_create_errhandler");
  if (function == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Comm_create_errhandler",
                             zmpi::Error(Code::kArg, "null error handler function"));
  }
  *errhandler = Runtime::Get()->AddErrhandler(function);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_call_errhandler(MPI_Comm comm, int errorcode) {
  ZMPI_ENTER("MPI_Comm_call_errhandler");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_call_errhandler", zmpi::abi::CheckComm(comm, &c));
  zmpi::abi::Report(c, "MPI_Comm_call_errhandler",
                    zmpi::Status(static_cast<Code>(errorcode), "raised by the application"));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Errhandler_free(MPI_Errhandler* errhandler) {
  ZMPI_ENTER("MPI_Errhandler_free");
  Runtime::Get()->FreeErrhandler(*errhandler);
  *errhandler = MPI_ERRHANDLER_NULL;
  return MPI_SUCCESS;
}

#include "mpi/abi/errhandler_aliases.inc"
