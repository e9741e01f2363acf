// Keyvals and attributes on communicators, datatypes and windows, and the MPI-1 names.
#include "mpi/abi/entry.h"
#include "mpi/core/object_attributes.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::core::AttrCopyFunction;
using zmpi::core::AttrDeleteFunction;
using zmpi::core::Comm;
using zmpi::core::HandleKind;
using zmpi::core::Win;

namespace {

Status NullArg(const void* p, const char* what) {
  return p != nullptr ? Status() : zmpi::Error(Code::kArg, "null %s", what);
}

// MPI_ERR_KEYVAL for a null keyval pointer is what MPICH raises too; MPI_ERR_ARG is as fair,
// but the pointer is the keyval argument.
int CreateKeyval(HandleKind kind, void* copy, void* del, int* keyval, void* extra,
                 const char* function) {
  ZMPI_CHECK_ARG(nullptr, function, NullArg(keyval, "keyval pointer"));
  ZMPI_CHECK_ARG(
      nullptr, function,
      zmpi::core::CreateKeyval(kind, reinterpret_cast<AttrCopyFunction>(copy),
                               reinterpret_cast<AttrDeleteFunction>(del), extra, keyval));
  return MPI_SUCCESS;
}

int FreeKeyval(HandleKind kind, int* keyval, const char* function) {
  ZMPI_CHECK_ARG(nullptr, function, NullArg(keyval, "keyval pointer"));
  ZMPI_CHECK_ARG(nullptr, function, zmpi::core::FreeKeyval(kind, *keyval));
  *keyval = MPI_KEYVAL_INVALID;
  return MPI_SUCCESS;
}

// attribute_val is a void** in disguise: the value is stored through it.
Status GetInto(HandleKind kind, int handle, int keyval, void* attribute_val, int* flag) {
  ZMPI_RETURN_IF_ERROR(NullArg(attribute_val, "attribute_val pointer"));
  ZMPI_RETURN_IF_ERROR(NullArg(flag, "flag pointer"));
  void* value = nullptr;
  bool found = false;
  ZMPI_RETURN_IF_ERROR(zmpi::core::GetAttribute(kind, handle, keyval, &value, &found));
  *flag = found;
  if (found) *static_cast<void**>(attribute_val) = value;
  return Status();
}

}  // namespace

// ---- communicators ----

ZMPI_API int PMPI_Comm_create_keyval(MPI_Comm_copy_attr_function* copy,
                                     MPI_Comm_delete_attr_function* del, int* keyval,
                                     void* extra_state) {
  ZMPI_ENTER("MPI_Comm_create_keyval");
  return CreateKeyval(HandleKind::kComm, reinterpret_cast<void*>(copy),
                      reinterpret_cast<void*>(del), keyval, extra_state, "MPI_Comm_create_keyval");
}

ZMPI_API int PMPI_Keyval_create(MPI_Copy_function* copy, MPI_Delete_function* del, int* keyval,
                                void* extra_state) {
  ZMPI_ENTER("MPI_Keyval_create");
  return CreateKeyval(HandleKind::kComm, reinterpret_cast<void*>(copy),
                      reinterpret_cast<void*>(del), keyval, extra_state, "MPI_Keyval_create");
}

ZMPI_API int PMPI_Comm_free_keyval(int* keyval) {
  ZMPI_ENTER("MPI_Comm_free_keyval");
  return FreeKeyval(HandleKind::kComm, keyval, "MPI_Comm_free_keyval");
}

ZMPI_API int PMPI_Keyval_free(int* keyval) {
  ZMPI_ENTER("MPI_Keyval_free");
  return FreeKeyval(HandleKind::kComm, keyval, "MPI_Keyval_free");
}

ZMPI_API int PMPI_Comm_set_attr(MPI_Comm comm, int keyval, void* attribute_val) {
  ZMPI_ENTER("MPI_Comm_set_attr");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_set_attr", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_set_attr",
                 zmpi::core::SetAttribute(HandleKind::kComm, comm, keyval, attribute_val));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Attr_put(MPI_Comm comm, int keyval, void* attribute_val) {
  return PMPI_Comm_set_attr(comm, keyval, attribute_val);
}

ZMPI_API int PMPI_Comm_get_attr(MPI_Comm comm, int keyval, void* attribute_val, int* flag) {
  ZMPI_ENTER("MPI_Comm_get_attr");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_get_attr", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_get_attr",
                 GetInto(HandleKind::kComm, comm, keyval, attribute_val, flag));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Attr_get(MPI_Comm comm, int keyval, void* attribute_val, int* flag) {
  return PMPI_Comm_get_attr(comm, keyval, attribute_val, flag);
}

ZMPI_API int PMPI_Comm_delete_attr(MPI_Comm comm, int keyval) {
  ZMPI_ENTER("MPI_Comm_delete_attr");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_delete_attr", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_delete_attr",
                 zmpi::core::DeleteAttribute(HandleKind::kComm, comm, keyval));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Attr_delete(MPI_Comm comm, int keyval) {
  return PMPI_Comm_delete_attr(comm, keyval);
}

// ---- datatypes (errors go to MPI_COMM_WORLD's handler, as for every datatype call) ----

ZMPI_API int PMPI_Type_create_keyval(MPI_Type_copy_attr_function* copy,
                                     MPI_Type_delete_attr_function* del, int* keyval,
                                     void* extra_state) {
  ZMPI_ENTER("MPI_Type_create_keyval");
  return CreateKeyval(HandleKind::kDatatype, reinterpret_cast<void*>(copy),
                      reinterpret_cast<void*>(del), keyval, extra_state, "MPI_Type_create_keyval");
}

ZMPI_API int PMPI_Type_free_keyval(int* keyval) {
  ZMPI_ENTER("MPI_Type_free_keyval");
  return FreeKeyval(HandleKind::kDatatype, keyval, "MPI_Type_free_keyval");
}

ZMPI_API int PMPI_Type_set_attr(MPI_Datatype datatype, int keyval, void* attribute_val) {
  ZMPI_ENTER("MPI_Type_set_attr");
  const zmpi::core::Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Type_set_attr", zmpi::abi::CheckAnyType(datatype, &t));
  ZMPI_CHECK_ARG(nullptr, "MPI_Type_set_attr",
                 zmpi::core::SetAttribute(HandleKind::kDatatype, datatype, keyval, attribute_val));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Type_get_attr(MPI_Datatype datatype, int keyval, void* attribute_val, int* flag) {
  ZMPI_ENTER("MPI_Type_get_attr");
  const zmpi::core::Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Type_get_attr", zmpi::abi::CheckAnyType(datatype, &t));
  ZMPI_CHECK_ARG(nullptr, "MPI_Type_get_attr",
                 GetInto(HandleKind::kDatatype, datatype, keyval, attribute_val, flag));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Type_delete_attr(MPI_Datatype datatype, int keyval) {
  ZMPI_ENTER("MPI_Type_delete_attr");
  const zmpi::core::Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Type_delete_attr", zmpi::abi::CheckAnyType(datatype, &t));
  ZMPI_CHECK_ARG(nullptr, "MPI_Type_delete_attr",
                 zmpi::core::DeleteAttribute(HandleKind::kDatatype, datatype, keyval));
  return MPI_SUCCESS;
}

// ---- windows ----

ZMPI_API int PMPI_Win_create_keyval(MPI_Win_copy_attr_function* copy,
                                    MPI_Win_delete_attr_function* del, int* keyval,
                                    void* extra_state) {
  ZMPI_ENTER("MPI_Win_create_keyval");
  return CreateKeyval(HandleKind::kWin, reinterpret_cast<void*>(copy), reinterpret_cast<void*>(del),
                      keyval, extra_state, "MPI_Win_create_keyval");
}

ZMPI_API int PMPI_Win_free_keyval(int* keyval) {
  ZMPI_ENTER("MPI_Win_free_keyval");
  return FreeKeyval(HandleKind::kWin, keyval, "MPI_Win_free_keyval");
}

ZMPI_API int PMPI_Win_set_attr(MPI_Win win, int keyval, void* attribute_val) {
  ZMPI_ENTER("MPI_Win_set_attr");
  Win* w = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_set_attr", zmpi::abi::CheckWin(win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_set_attr",
                     zmpi::core::SetAttribute(HandleKind::kWin, win, keyval, attribute_val));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Win_get_attr(MPI_Win win, int keyval, void* attribute_val, int* flag) {
  ZMPI_ENTER("MPI_Win_get_attr");
  Win* w = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_get_attr", zmpi::abi::CheckWin(win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_get_attr",
                     GetInto(HandleKind::kWin, win, keyval, attribute_val, flag));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Win_delete_attr(MPI_Win win, int keyval) {
  ZMPI_ENTER("MPI_Win_delete_attr");
  Win* w = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Win_delete_attr", zmpi::abi::CheckWin(win, &w));
  ZMPI_CHECK_WIN_ARG(w, "MPI_Win_delete_attr",
                     zmpi::core::DeleteAttribute(HandleKind::kWin, win, keyval));
  return MPI_SUCCESS;
}

// ---- MPI_DUP_FN and friends: the value is copied as is ----

ZMPI_EXPORT_EXCEPTION int MPIR_Dup_fn(MPI_Comm, int, void*, void* attribute_val_in,
                                      void* attribute_val_out, int* flag) {
  *static_cast<void**>(attribute_val_out) = attribute_val_in;
  *flag = 1;
  return MPI_SUCCESS;
}

#include "mpi/abi/attr_aliases.inc"
