// The tool information interface's performance variables (MPI-4.1 §15.3.7): queries,
// sessions, handles, start/stop/read/write/reset. The variables live in mpi/tool/pvars.h,
// sessions and handles in mpi/tool/handles.h.
#include <cstdint>

#include "mpi/abi/tool.h"
#include "mpi/tool/pvars.h"
#include "mpi/tool/strings.h"

using zmpi::Status;
using zmpi::abi::ToolCode;
using zmpi::core::Runtime;
namespace tool = zmpi::tool;

namespace {

template <typename T>
void Put(T* out, T value) {
  if (out != nullptr) *out = value;
}

// The session and, unless it is MPI_T_PVAR_ALL_HANDLES (*all), the handle, with the
// standard's errors: MPI_T_ERR_INVALID_SESSION, then MPI_T_ERR_INVALID_HANDLE.
int Lookup(MPI_T_pvar_session session, MPI_T_pvar_handle handle, bool allow_all,
           tool::PvarSession** s, tool::PvarHandle** h, bool* all) {
  *s = tool::FindSession(session);
  if (*s == nullptr) return MPI_T_ERR_INVALID_SESSION;
  *all = handle == MPI_T_PVAR_ALL_HANDLES;
  if (*all) return allow_all ? MPI_SUCCESS : MPI_T_ERR_INVALID_HANDLE;
  *h = tool::FindPvarHandle(*s, handle);
  return *h != nullptr ? MPI_SUCCESS : MPI_T_ERR_INVALID_HANDLE;
}

// Start, stop or reset every handle of a session that the operation applies to (MPI-4.1:
// MPI_T_PVAR_ALL_HANDLES skips continuous variables for start/stop, read-only ones for reset).
template <typename Op>
int ForAll(tool::PvarSession* s, bool skip_continuous, bool skip_readonly, Op op) {
  for (auto& h : s->handles) {
    const tool::PvarInfo& v = tool::Pvar(h->index);
    if ((skip_continuous && v.continuous) || (skip_readonly && v.readonly)) continue;
    Status st = op(h.get());
    if (!st.ok()) return ToolCode(st);
  }
  return MPI_SUCCESS;
}

}  // namespace

ZMPI_API int PMPI_T_pvar_get_num(int* num_pvar) {
  ZMPI_T_ENTER();
  ZMPI_T_REQUIRE(num_pvar);
  *num_pvar = tool::PvarCount();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_pvar_get_info(int pvar_index, char* name, int* name_len, int* verbosity,
                                  int* var_class, MPI_Datatype* datatype, MPI_T_enum* enumtype,
                                  char* desc, int* desc_len, int* bind, int* readonly,
                                  int* continuous, int* atomic) {
  ZMPI_T_ENTER();
  if (pvar_index < 0 || pvar_index >= tool::PvarCount()) return MPI_T_ERR_INVALID_INDEX;
  const tool::PvarInfo& v = tool::Pvar(pvar_index);
  tool::PutString(v.name, name, name_len);
  tool::PutString(v.desc, desc, desc_len);
  Put(verbosity, v.verbosity);
  Put(var_class, v.var_class);
  Put(datatype, tool::PvarDatatype());
  Put(enumtype, MPI_T_ENUM_NULL);
  Put(bind, v.bind);
  Put(readonly, v.readonly ? 1 : 0);
  Put(continuous, v.continuous ? 1 : 0);
  Put(atomic, v.atomic ? 1 : 0);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_pvar_get_index(const char* name, int var_class, int* pvar_index) {
  ZMPI_T_ENTER();
  ZMPI_T_REQUIRE(name);
  ZMPI_T_REQUIRE(pvar_index);
  int i = tool::FindPvar(name, var_class);
  if (i < 0) return MPI_T_ERR_INVALID_NAME;
  *pvar_index = i;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_pvar_session_create(MPI_T_pvar_session* session) {
  ZMPI_T_ENTER();
  ZMPI_T_REQUIRE(session);
  *session = tool::ToHandle(tool::CreateSession());
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_pvar_session_free(MPI_T_pvar_session* session) {
  ZMPI_T_ENTER();
  ZMPI_T_REQUIRE(session);
  tool::PvarSession* s = tool::FindSession(*session);
  if (s == nullptr) return MPI_T_ERR_INVALID_SESSION;
  tool::FreeSession(s);
  *session = MPI_T_PVAR_SESSION_NULL;
  return MPI_SUCCESS;
}

// A variable bound to a communicator needs obj_handle to point at a live MPI_Comm.
ZMPI_API int PMPI_T_pvar_handle_alloc(MPI_T_pvar_session session, int pvar_index, void* obj_handle,
                                      MPI_T_pvar_handle* handle, int* count) {
  ZMPI_T_ENTER();
  tool::PvarSession* s = tool::FindSession(session);
  if (s == nullptr) return MPI_T_ERR_INVALID_SESSION;
  if (pvar_index < 0 || pvar_index >= tool::PvarCount()) return MPI_T_ERR_INVALID_INDEX;
  ZMPI_T_REQUIRE(handle);
  ZMPI_T_REQUIRE(count);
  MPI_Comm comm = MPI_COMM_NULL;
  if (tool::Pvar(pvar_index).bind == MPI_T_BIND_MPI_COMM) {
    if (obj_handle == nullptr) return MPI_T_ERR_INVALID_HANDLE;
    comm = *static_cast<const MPI_Comm*>(obj_handle);
    const bool running = Runtime::state() == zmpi::core::LibraryState::kInitialized;
    if (!running || Runtime::Get()->FindComm(comm) == nullptr) return MPI_T_ERR_INVALID_HANDLE;
  }
  *handle = tool::ToHandle(tool::AllocPvarHandle(s, pvar_index, comm));
  *count = 1;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_pvar_handle_free(MPI_T_pvar_session session, MPI_T_pvar_handle* handle) {
  ZMPI_T_ENTER();
  tool::PvarSession* s = tool::FindSession(session);
  if (s == nullptr) return MPI_T_ERR_INVALID_SESSION;
  ZMPI_T_REQUIRE(handle);
  tool::PvarHandle* h = tool::FindPvarHandle(s, *handle);
  if (h == nullptr) return MPI_T_ERR_INVALID_HANDLE;
  tool::FreePvarHandle(h);
  *handle = MPI_T_PVAR_HANDLE_NULL;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_pvar_start(MPI_T_pvar_session session, MPI_T_pvar_handle handle) {
  ZMPI_T_ENTER();
  tool::PvarSession* s = nullptr;
  tool::PvarHandle* h = nullptr;
  bool all = false;
  if (int rc = Lookup(session, handle, true, &s, &h, &all); rc != MPI_SUCCESS) return rc;
  if (all) return ForAll(s, true, false, tool::StartHandle);
  return ToolCode(tool::StartHandle(h));
}

ZMPI_API int PMPI_T_pvar_stop(MPI_T_pvar_session session, MPI_T_pvar_handle handle) {
  ZMPI_T_ENTER();
  tool::PvarSession* s = nullptr;
  tool::PvarHandle* h = nullptr;
  bool all = false;
  if (int rc = Lookup(session, handle, true, &s, &h, &all); rc != MPI_SUCCESS) return rc;
  if (all) return ForAll(s, true, false, tool::StopHandle);
  return ToolCode(tool::StopHandle(h));
}

ZMPI_API int PMPI_T_pvar_read(MPI_T_pvar_session session, MPI_T_pvar_handle handle, void* buf) {
  ZMPI_T_ENTER();
  tool::PvarSession* s = nullptr;
  tool::PvarHandle* h = nullptr;
  bool all = false;
  if (int rc = Lookup(session, handle, false, &s, &h, &all); rc != MPI_SUCCESS) return rc;
  ZMPI_T_REQUIRE(buf);
  *static_cast<unsigned long long*>(buf) = tool::ReadHandle(h);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_pvar_write(MPI_T_pvar_session session, MPI_T_pvar_handle handle,
                               const void* buf) {
  ZMPI_T_ENTER();
  tool::PvarSession* s = nullptr;
  tool::PvarHandle* h = nullptr;
  bool all = false;
  if (int rc = Lookup(session, handle, false, &s, &h, &all); rc != MPI_SUCCESS) return rc;
  ZMPI_T_REQUIRE(buf);
  return ToolCode(tool::WriteHandle(h, *static_cast<const unsigned long long*>(buf)));
}

ZMPI_API int PMPI_T_pvar_reset(MPI_T_pvar_session session, MPI_T_pvar_handle handle) {
  ZMPI_T_ENTER();
  tool::PvarSession* s = nullptr;
  tool::PvarHandle* h = nullptr;
  bool all = false;
  if (int rc = Lookup(session, handle, true, &s, &h, &all); rc != MPI_SUCCESS) return rc;
  if (all) return ForAll(s, false, true, tool::ResetHandle);
  return ToolCode(tool::ResetHandle(h));
}

// Every variable is atomic (the library lock holds off every event while this runs).
ZMPI_API int PMPI_T_pvar_readreset(MPI_T_pvar_session session, MPI_T_pvar_handle handle,
                                   void* buf) {
  ZMPI_T_ENTER();
  tool::PvarSession* s = nullptr;
  tool::PvarHandle* h = nullptr;
  bool all = false;
  if (int rc = Lookup(session, handle, false, &s, &h, &all); rc != MPI_SUCCESS) return rc;
  ZMPI_T_REQUIRE(buf);
  const tool::PvarInfo& v = tool::Pvar(h->index);
  if (v.readonly) return MPI_T_ERR_PVAR_NO_WRITE;
  if (!v.atomic) return MPI_T_ERR_PVAR_NO_ATOMIC;
  *static_cast<unsigned long long*>(buf) = tool::ReadHandle(h);
  return ToolCode(tool::ResetHandle(h));
}

#include "mpi/abi/tool_pvar_aliases.inc"
