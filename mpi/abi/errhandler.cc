// Error handlers of every object kind, error classes, codes and strings.
// Creating and freeing handlers, and the error class/code/string calls, need no
// initialized world (their state lives in core::Objects), so they skip ZMPI_ENTER.
#include <cstring>
#include <string>

#include "mpi/abi/entry.h"
#include "mpi/abi/file_args.h"
#include "mpi/core/objects.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::StatusOr;
using zmpi::core::Comm;
using zmpi::core::ErrhandlerKind;
using zmpi::core::Objects;
using zmpi::core::Win;

namespace {

Status NullArg(const void* p, const char* what) {
  return p != nullptr ? Status() : zmpi::Error(Code::kArg, "null %s", what);
}

// A handler that can be attached to an object of `kind`: MPI_ERR_ARG otherwise.
Status CheckHandler(MPI_Errhandler handler, ErrhandlerKind kind) {
  if (Objects::Get().ErrhandlerFits(handler, kind)) return Status();
  if (Objects::Get().FindErrhandler(handler) != nullptr) {
    return zmpi::Error(Code::kArg, "error handler 0x%x was created for another kind of object",
                       handler);
  }
  return zmpi::Error(Code::kArg, "invalid error handler 0x%x", handler);
}

int Create(ErrhandlerKind kind, void* function, MPI_Errhandler* errhandler, const char* name) {
  ZMPI_CHECK_ARG(nullptr, name, NullArg(function, "error handler function"));
  ZMPI_CHECK_ARG(nullptr, name, NullArg(errhandler, "errhandler pointer"));
  *errhandler = Objects::Get().AddErrhandler(
      kind, reinterpret_cast<zmpi::core::Errhandler::Function>(function));
  return MPI_SUCCESS;
}

// The caller gets a new reference (freed with MPI_Errhandler_free), as MPI asks.
MPI_Errhandler NewReference(MPI_Errhandler handler) {
  Objects::Get().RetainErrhandler(handler);
  return handler;
}

// MPI_ERR_ARG unless `errorcode` is a predefined or user error code.
Status CheckCode(int errorcode) { return Objects::Get().error_codes().ClassOf(errorcode).status(); }

// The error a *_call_errhandler raises: the code itself, predefined or the user's.
Status RaisedCode(int errorcode) {
  return Status(static_cast<Code>(errorcode), "raised by the application");
}

// Before MPI_Init (no files can exist) MPI_FILE_NULL is the only file.
Status CheckFileNull(MPI_File file) {
  if (file == MPI_FILE_NULL) return Status();
  return zmpi::Error(Code::kFile, "invalid file handle %p", static_cast<void*>(file));
}

}  // namespace

// ---- error classes and strings ----

ZMPI_API int PMPI_Error_class(int errorcode, int* errorclass) {
  ZMPI_ENTER_ANYTIME();
  StatusOr<int> cls = Objects::Get().error_codes().ClassOf(errorcode);
  ZMPI_CHECK_ARG(nullptr, "MPI_Error_class", cls.status());
  ZMPI_CHECK_ARG(nullptr, "MPI_Error_class", NullArg(errorclass, "errorclass pointer"));
  *errorclass = *cls;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Error_string(int errorcode, char* string, int* resultlen) {
  ZMPI_ENTER_ANYTIME();
  StatusOr<std::string> text = Objects::Get().error_codes().Text(errorcode);
  ZMPI_CHECK_ARG(nullptr, "MPI_Error_string", text.status());
  ZMPI_CHECK_ARG(nullptr, "MPI_Error_string", NullArg(string, "string buffer"));
  ZMPI_CHECK_ARG(nullptr, "MPI_Error_string", NullArg(resultlen, "resultlen pointer"));
  size_t n = text->size() < MPI_MAX_ERROR_STRING - 1 ? text->size() : MPI_MAX_ERROR_STRING - 1;
  memcpy(string, text->data(), n);
  string[n] = '\0';
  *resultlen = static_cast<int>(n);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Add_error_class(int* errorclass) {
  ZMPI_ENTER_ANYTIME();
  ZMPI_CHECK_ARG(nullptr, "MPI_Add_error_class", NullArg(errorclass, "errorclass pointer"));
  StatusOr<int> cls = Objects::Get().error_codes().AddClass();
  ZMPI_CHECK_ARG(nullptr, "MPI_Add_error_class", cls.status());
  *errorclass = *cls;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Add_error_code(int errorclass, int* errorcode) {
  ZMPI_ENTER_ANYTIME();
  ZMPI_CHECK_ARG(nullptr, "MPI_Add_error_code", NullArg(errorcode, "errorcode pointer"));
  StatusOr<int> code = Objects::Get().error_codes().AddCode(errorclass);
  ZMPI_CHECK_ARG(nullptr, "MPI_Add_error_code", code.status());
  *errorcode = *code;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Add_error_string(int errorcode, const char* string) {
  ZMPI_ENTER_ANYTIME();
  ZMPI_CHECK_ARG(nullptr, "MPI_Add_error_string", NullArg(string, "string"));
  if (strlen(string) >= MPI_MAX_ERROR_STRING) {
    return zmpi::abi::Report(nullptr, "MPI_Add_error_string",
                             zmpi::Error(Code::kArg, "error string longer than %d characters",
                                         MPI_MAX_ERROR_STRING - 1));
  }
  ZMPI_CHECK_ARG(nullptr, "MPI_Add_error_string",
                 Objects::Get().error_codes().SetString(errorcode, string));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Remove_error_class(int errorclass) {
  ZMPI_ENTER_ANYTIME();
  ZMPI_CHECK_ARG(nullptr, "MPI_Remove_error_class",
                 Objects::Get().error_codes().RemoveClass(errorclass));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Remove_error_code(int errorcode) {
  ZMPI_ENTER_ANYTIME();
  ZMPI_CHECK_ARG(nullptr, "MPI_Remove_error_code",
                 Objects::Get().error_codes().RemoveCode(errorcode));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Remove_error_string(int errorcode) {
  ZMPI_ENTER_ANYTIME();
  ZMPI_CHECK_ARG(nullptr, "MPI_Remove_error_string",
                 Objects::Get().error_codes().RemoveString(errorcode));
  return MPI_SUCCESS;
}

// ---- creating and freeing handlers ----

ZMPI_API int PMPI_Comm_create_errhandler(MPI_Comm_errhandler_function* function,
                                         MPI_Errhandler* errhandler) {
  ZMPI_ENTER_ANYTIME();
  return Create(ErrhandlerKind::kComm, reinterpret_cast<void*>(function), errhandler,
                "MPI_Comm_create_errhandler");
}

ZMPI_API int PMPI_Errhandler_create(MPI_Comm_errhandler_function* function,
                                    MPI_Errhandler* errhandler) {
  ZMPI_ENTER_ANYTIME();
  return Create(ErrhandlerKind::kComm, reinterpret_cast<void*>(function), errhandler,
                "MPI_Errhandler_create");
}

ZMPI_API int PMPI_Win_create_errhandler(MPI_Win_errhandler_function* function,
                                        MPI_Errhandler* errhandler) {
  ZMPI_ENTER_ANYTIME();
  return Create(ErrhandlerKind::kWin, reinterpret_cast<void*>(function), errhandler,
                "MPI_Win_create_errhandler");
}

ZMPI_API int PMPI_File_create_errhandler(MPI_File_errhandler_function* function,
                                         MPI_Errhandler* errhandler) {
  ZMPI_ENTER_ANYTIME();
  return Create(ErrhandlerKind::kFile, reinterpret_cast<void*>(function), errhandler,
                "MPI_File_create_errhandler");
}

ZMPI_API int PMPI_Session_create_errhandler(MPI_Session_errhandler_function* function,
                                            MPI_Errhandler* errhandler) {
  ZMPI_ENTER_ANYTIME();
  return Create(ErrhandlerKind::kSession, reinterpret_cast<void*>(function), errhandler,
                "MPI_Session_create_errhandler");
}

// Drops the caller's reference; the handler stays while objects use it. Predefined
// handlers are never destroyed (freeing a handle to one only clears the handle).
ZMPI_API int PMPI_Errhandler_free(MPI_Errhandler* errhandler) {
  ZMPI_ENTER_ANYTIME();
  ZMPI_CHECK_ARG(nullptr, "MPI_Errhandler_free", NullArg(errhandler, "errhandler pointer"));
  bool predefined = Objects::IsPredefinedErrhandler(*errhandler);
  if (!predefined && Objects::Get().FindErrhandler(*errhandler) == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Errhandler_free",
                             zmpi::Error(Code::kArg, "invalid error handler 0x%x", *errhandler));
  }
  Objects::Get().ReleaseErrhandler(*errhandler);
  *errhandler = MPI_ERRHANDLER_NULL;
  return MPI_SUCCESS;
}

// ---- communicators ----

ZMPI_API int PMPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler) {
  ZMPI_ENTER("MPI_Comm_set_errhandler");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_set_errhandler", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_set_errhandler", CheckHandler(errhandler, ErrhandlerKind::kComm));
  c->set_errhandler(errhandler);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Errhandler_set(MPI_Comm comm, MPI_Errhandler errhandler) {
  return PMPI_Comm_set_errhandler(comm, errhandler);
}

ZMPI_API int PMPI_Comm_get_errhandler(MPI_Comm comm, MPI_Errhandler* errhandler) {
  ZMPI_ENTER("MPI_Comm_get_errhandler");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_get_errhandler", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_get_errhandler", NullArg(errhandler, "errhandler pointer"));
  *errhandler = NewReference(c->errhandler());
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Errhandler_get(MPI_Comm comm, MPI_Errhandler* errhandler) {
  return PMPI_Comm_get_errhandler(comm, errhandler);
}

// Runs the communicator's handler; MPI_SUCCESS when it returns (as MPICH, also under
// MPI_ERRORS_RETURN).
ZMPI_API int PMPI_Comm_call_errhandler(MPI_Comm comm, int errorcode) {
  ZMPI_ENTER("MPI_Comm_call_errhandler");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_call_errhandler", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_call_errhandler", CheckCode(errorcode));
  zmpi::abi::Report(c, "MPI_Comm_call_errhandler", RaisedCode(errorcode));
  return MPI_SUCCESS;
}

// ---- windows ----

ZMPI_API int PMPI_Win_set_errhandler(MPI_Win win, MPI_Errhandler errhandler) {
  ZMPI_ENTER("MPI_Win_set_errhandler");
  Win* w = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_set_errhandler", zmpi::abi::CheckWin(win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_set_errhandler", CheckHandler(errhandler, ErrhandlerKind::kWin));
  w->set_errhandler(errhandler);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Win_get_errhandler(MPI_Win win, MPI_Errhandler* errhandler) {
  ZMPI_ENTER("MPI_Win_get_errhandler");
  Win* w = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_get_errhandler", zmpi::abi::CheckWin(win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_get_errhandler", NullArg(errhandler, "errhandler pointer"));
  *errhandler = NewReference(w->errhandler());
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Win_call_errhandler(MPI_Win win, int errorcode) {
  ZMPI_ENTER("MPI_Win_call_errhandler");
  Win* w = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_call_errhandler", zmpi::abi::CheckWin(win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_call_errhandler", CheckCode(errorcode));
  zmpi::abi::ReportWin(w, "MPI_Win_call_errhandler", RaisedCode(errorcode));
  return MPI_SUCCESS;
}

// ---- files: MPI_FILE_NULL's handler is the default for files opened later ----

namespace {

// The file of a handle (nullptr for MPI_FILE_NULL) and the handler its errors go to. Before
// MPI_Init no file exists: only MPI_FILE_NULL is valid.
Status FindFileOf(MPI_File handle, zmpi::io::File** file, MPI_Errhandler* current) {
  *file = nullptr;
  *current = Objects::Get().default_file_errhandler();
  if (handle == MPI_FILE_NULL) return Status();
  if (!zmpi::abi::Ready()) return CheckFileNull(handle);
  ZMPI_RETURN_IF_ERROR(zmpi::abi::CheckFile(handle, file));
  *current = (*file)->errhandler();
  return Status();
}

}  // namespace

ZMPI_API int PMPI_File_set_errhandler(MPI_File file, MPI_Errhandler errhandler) {
  ZMPI_ENTER_ANYTIME();
  zmpi::io::File* f = nullptr;
  MPI_Errhandler current;
  Status s = FindFileOf(file, &f, &current);
  if (s.ok()) s = CheckHandler(errhandler, ErrhandlerKind::kFile);
  if (!s.ok()) return zmpi::abi::ReportFile(file, current, "MPI_File_set_errhandler", s);
  if (f != nullptr) {
    f->set_errhandler(errhandler);
  } else {
    Objects::Get().set_default_file_errhandler(errhandler);
  }
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_File_get_errhandler(MPI_File file, MPI_Errhandler* errhandler) {
  ZMPI_ENTER_ANYTIME();
  zmpi::io::File* f = nullptr;
  MPI_Errhandler current;
  Status s = FindFileOf(file, &f, &current);
  if (s.ok()) s = NullArg(errhandler, "errhandler pointer");
  if (!s.ok()) return zmpi::abi::ReportFile(file, current, "MPI_File_get_errhandler", s);
  *errhandler = NewReference(current);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_File_call_errhandler(MPI_File file, int errorcode) {
  ZMPI_ENTER_ANYTIME();
  zmpi::io::File* f = nullptr;
  MPI_Errhandler current;
  Status s = FindFileOf(file, &f, &current);
  if (s.ok()) s = CheckCode(errorcode);
  if (!s.ok()) return zmpi::abi::ReportFile(file, current, "MPI_File_call_errhandler", s);
  zmpi::abi::ReportFile(file, current, "MPI_File_call_errhandler", RaisedCode(errorcode));
  return MPI_SUCCESS;
}

#include "mpi/abi/errhandler_aliases.inc"
