// Handle conversion between C and Fortran (MPI-4.1 §19.3.4), statuses too, and Pcontrol.
// On the MPICH ABI a handle is its own Fortran integer, so the conversions are identities
// (mpi.h also has them as macros: the names are parenthesized here so the macros leave the
// definitions alone). MPI_File is a pointer: files get numbers from core::Objects.
#include <cstring>

#include "mpi/abi/entry.h"
#include "mpi/core/objects.h"

using zmpi::Code;

#define ZMPI_IDENTITY_CONVERSION(Name, CType)                                     \
  ZMPI_API MPI_Fint(PMPI_##Name##_c2f)(CType handle) { return (MPI_Fint)handle; } \
  ZMPI_API CType(PMPI_##Name##_f2c)(MPI_Fint handle) { return (CType)handle; }

ZMPI_IDENTITY_CONVERSION(Comm, MPI_Comm)
ZMPI_IDENTITY_CONVERSION(Type, MPI_Datatype)
ZMPI_IDENTITY_CONVERSION(Group, MPI_Group)
ZMPI_IDENTITY_CONVERSION(Request, MPI_Request)
ZMPI_IDENTITY_CONVERSION(Op, MPI_Op)
ZMPI_IDENTITY_CONVERSION(Errhandler, MPI_Errhandler)
ZMPI_IDENTITY_CONVERSION(Info, MPI_Info)
ZMPI_IDENTITY_CONVERSION(Win, MPI_Win)
ZMPI_IDENTITY_CONVERSION(Message, MPI_Message)
ZMPI_IDENTITY_CONVERSION(Session, MPI_Session)

ZMPI_API MPI_Fint PMPI_File_c2f(MPI_File file) {
  ZMPI_ENTER_ANYTIME();
  return zmpi::core::Objects::Get().FileToFortran(file);
}

// An integer that names no file gives MPI_FILE_NULL.
ZMPI_API MPI_File PMPI_File_f2c(MPI_Fint file) {
  ZMPI_ENTER_ANYTIME();
  return static_cast<MPI_File>(zmpi::core::Objects::Get().FileFromFortran(file));
}

// ---- statuses: the C, Fortran and Fortran 2008 forms hold the same five integers ----

namespace {

MPI_Fint f_status_ignore[MPI_F_STATUS_SIZE];
MPI_Fint f_statuses_ignore[MPI_F_STATUS_SIZE];
MPI_F08_status f08_status_ignore;
MPI_F08_status f08_statuses_ignore;

static_assert(sizeof(MPI_Status) == MPI_F_STATUS_SIZE * sizeof(MPI_Fint));
static_assert(sizeof(MPI_F08_status) == sizeof(MPI_Status));

// MPI_ERR_ARG for a null status or one of the "ignore" markers.
int Copy(const void* in, const void* in_ignore, void* out, const void* out_ignore,
         const char* function) {
  if (in == nullptr || in == in_ignore || out == nullptr || out == out_ignore) {
    return zmpi::abi::Report(nullptr, function, zmpi::Error(Code::kArg, "null or ignored status"));
  }
  memcpy(out, in, sizeof(MPI_Status));
  return MPI_SUCCESS;
}

}  // namespace

extern "C" {
__attribute__((visibility("default"))) MPI_Fint* MPI_F_STATUS_IGNORE = f_status_ignore;
__attribute__((visibility("default"))) MPI_Fint* MPI_F_STATUSES_IGNORE = f_statuses_ignore;
__attribute__((visibility("default"))) MPI_F08_status* MPI_F08_STATUS_IGNORE = &f08_status_ignore;
__attribute__((visibility("default"))) MPI_F08_status* MPI_F08_STATUSES_IGNORE =
    &f08_statuses_ignore;
}

ZMPI_API int PMPI_Status_c2f(const MPI_Status* c_status, MPI_Fint* f_status) {
  return Copy(c_status, MPI_STATUS_IGNORE, f_status, MPI_F_STATUS_IGNORE, "MPI_Status_c2f");
}

ZMPI_API int PMPI_Status_f2c(const MPI_Fint* f_status, MPI_Status* c_status) {
  return Copy(f_status, MPI_F_STATUS_IGNORE, c_status, MPI_STATUS_IGNORE, "MPI_Status_f2c");
}

ZMPI_API int PMPI_Status_c2f08(const MPI_Status* c_status, MPI_F08_status* f08_status) {
  return Copy(c_status, MPI_STATUS_IGNORE, f08_status, MPI_F08_STATUS_IGNORE, "MPI_Status_c2f08");
}

ZMPI_API int PMPI_Status_f082c(const MPI_F08_status* f08_status, MPI_Status* c_status) {
  return Copy(f08_status, MPI_F08_STATUS_IGNORE, c_status, MPI_STATUS_IGNORE, "MPI_Status_f082c");
}

ZMPI_API int PMPI_Status_f082f(const MPI_F08_status* f08_status, MPI_Fint* f_status) {
  return Copy(f08_status, MPI_F08_STATUS_IGNORE, f_status, MPI_F_STATUS_IGNORE, "MPI_Status_f082f");
}

ZMPI_API int PMPI_Status_f2f08(const MPI_Fint* f_status, MPI_F08_status* f08_status) {
  return Copy(f_status, MPI_F_STATUS_IGNORE, f08_status, MPI_F08_STATUS_IGNORE, "MPI_Status_f2f08");
}

// Profiling control: zmpi has no profiling of its own to switch, so every level is accepted
// and changes nothing; tools that intercept PMPI see the call.
ZMPI_API int PMPI_Pcontrol(const int, ...) { return MPI_SUCCESS; }

#include "mpi/abi/convert_aliases.inc"
