// The tool information interface (MPI-4.1 chapter 15): initialization, control variables,
// enumerations and categories. The variables themselves live in mpi/tool/.
#include "mpi/abi/tool.h"

#include <vector>

#include "mpi/tool/categories.h"
#include "mpi/tool/cvars.h"
#include "mpi/tool/strings.h"

using zmpi::Status;
using zmpi::abi::ToolCode;
namespace tool = zmpi::tool;

namespace {

template <typename T>
void Put(T* out, T value) {
  if (out != nullptr) *out = value;
}

// The indices of a category's members, as many as `len` allows.
int PutIndices(const std::vector<int>& from, int len, int indices[]) {
  if (len < 0) return MPI_T_ERR_INVALID;
  if (len > 0 && indices == nullptr && !from.empty()) return MPI_T_ERR_INVALID;
  for (int i = 0; i < len && i < static_cast<int>(from.size()); ++i) indices[i] = from[i];
  return MPI_SUCCESS;
}

bool ValidCategory(int index) { return index >= 0 && index < tool::CategoryCount(); }

}  // namespace

// ---- initialization ----

ZMPI_API int PMPI_T_init_thread(int required, int* provided) {
  ZMPI_ENTER_ANYTIME();
  ZMPI_T_REQUIRE(provided);
  tool::Initialize();
  // Every MPI_T call locks, but reading a pvar reads the engine's queues and counters, which
  // MPI calls change without the lock below MULTIPLE: a tool thread may read them while
  // another thread is in MPI only once the library lock is on. So MULTIPLE (asked for, or
  // in effect already) is granted as the library's own (Threads::Grant: it turns the lock on
  // unless the library already runs without it, SERIALIZED then); the other levels as asked.
  using zmpi::core::Threads;
  const bool running = zmpi::core::Runtime::state() == zmpi::core::LibraryState::kInitialized;
  *provided = Threads::Grant(Threads::enabled() ? MPI_THREAD_MULTIPLE : required, running);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_finalize(void) {
  ZMPI_ENTER_ANYTIME();
  return ToolCode(tool::Finalize());
}

// ---- control variables ----

ZMPI_API int PMPI_T_cvar_get_num(int* num_cvar) {
  ZMPI_T_ENTER();
  ZMPI_T_REQUIRE(num_cvar);
  *num_cvar = tool::CvarCount();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_cvar_get_info(int cvar_index, char* name, int* name_len, int* verbosity,
                                  MPI_Datatype* datatype, MPI_T_enum* enumtype, char* desc,
                                  int* desc_len, int* bind, int* scope) {
  ZMPI_T_ENTER();
  if (cvar_index < 0 || cvar_index >= tool::CvarCount()) return MPI_T_ERR_INVALID_INDEX;
  const tool::CvarInfo& v = tool::Cvar(cvar_index);
  tool::PutString(v.name, name, name_len);
  tool::PutString(v.desc, desc, desc_len);
  Put(verbosity, v.verbosity);
  Put(datatype, tool::DatatypeOf(v.type));
  Put(enumtype, v.enumtype != nullptr ? tool::EnumHandle(v.enumtype) : MPI_T_ENUM_NULL);
  Put(bind, static_cast<int>(MPI_T_BIND_NO_OBJECT));
  Put(scope, v.scope);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_cvar_get_index(const char* name, int* cvar_index) {
  ZMPI_T_ENTER();
  ZMPI_T_REQUIRE(name);
  ZMPI_T_REQUIRE(cvar_index);
  int i = tool::FindCvar(name);
  if (i < 0) return MPI_T_ERR_INVALID_NAME;
  *cvar_index = i;
  return MPI_SUCCESS;
}

// Every control variable is bound to no object: obj_handle is ignored.
ZMPI_API int PMPI_T_cvar_handle_alloc(int cvar_index, void* obj_handle, MPI_T_cvar_handle* handle,
                                      int* count) {
  ZMPI_T_ENTER();
  (void)obj_handle;
  if (cvar_index < 0 || cvar_index >= tool::CvarCount()) return MPI_T_ERR_INVALID_INDEX;
  ZMPI_T_REQUIRE(handle);
  ZMPI_T_REQUIRE(count);
  *handle = tool::ToHandle(tool::AllocCvarHandle(cvar_index));
  *count = tool::Cvar(cvar_index).count;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_cvar_handle_free(MPI_T_cvar_handle* handle) {
  ZMPI_T_ENTER();
  ZMPI_T_REQUIRE(handle);
  tool::CvarHandle* h = tool::FindCvarHandle(*handle);
  if (h == nullptr) return MPI_T_ERR_INVALID_HANDLE;
  tool::FreeCvarHandle(h);
  *handle = MPI_T_CVAR_HANDLE_NULL;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_cvar_read(MPI_T_cvar_handle handle, void* buf) {
  ZMPI_T_ENTER();
  tool::CvarHandle* h = tool::FindCvarHandle(handle);
  if (h == nullptr) return MPI_T_ERR_INVALID_HANDLE;
  ZMPI_T_REQUIRE(buf);
  tool::ReadCvar(h->index, buf);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_cvar_write(MPI_T_cvar_handle handle, const void* buf) {
  ZMPI_T_ENTER();
  tool::CvarHandle* h = tool::FindCvarHandle(handle);
  if (h == nullptr) return MPI_T_ERR_INVALID_HANDLE;
  ZMPI_T_REQUIRE(buf);
  return ToolCode(tool::WriteCvar(h->index, buf));
}

// ---- enumerations ----

ZMPI_API int PMPI_T_enum_get_info(MPI_T_enum enumtype, int* num, char* name, int* name_len) {
  ZMPI_T_ENTER();
  const tool::Enum* e = tool::FindEnum(enumtype);
  if (e == nullptr) return MPI_T_ERR_INVALID_HANDLE;
  Put(num, e->count);
  tool::PutString(e->name, name, name_len);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_enum_get_item(MPI_T_enum enumtype, int indx, int* value, char* name,
                                  int* name_len) {
  ZMPI_T_ENTER();
  const tool::Enum* e = tool::FindEnum(enumtype);
  if (e == nullptr) return MPI_T_ERR_INVALID_HANDLE;
  if (indx < 0 || indx >= e->count) return MPI_T_ERR_INVALID_INDEX;
  Put(value, e->items[indx].value);
  tool::PutString(e->items[indx].name, name, name_len);
  return MPI_SUCCESS;
}

// ---- categories ----

ZMPI_API int PMPI_T_category_get_num(int* num_cat) {
  ZMPI_T_ENTER();
  ZMPI_T_REQUIRE(num_cat);
  *num_cat = tool::CategoryCount();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_category_get_info(int cat_index, char* name, int* name_len, char* desc,
                                      int* desc_len, int* num_cvars, int* num_pvars,
                                      int* num_categories) {
  ZMPI_T_ENTER();
  if (!ValidCategory(cat_index)) return MPI_T_ERR_INVALID_INDEX;
  const tool::CategoryInfo& c = tool::Category(cat_index);
  tool::PutString(c.name, name, name_len);
  tool::PutString(c.desc, desc, desc_len);
  Put(num_cvars, static_cast<int>(c.cvars.size()));
  Put(num_pvars, static_cast<int>(c.pvars.size()));
  Put(num_categories, static_cast<int>(c.categories.size()));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_category_get_index(const char* name, int* cat_index) {
  ZMPI_T_ENTER();
  ZMPI_T_REQUIRE(name);
  ZMPI_T_REQUIRE(cat_index);
  int i = tool::FindCategory(name);
  if (i < 0) return MPI_T_ERR_INVALID_NAME;
  *cat_index = i;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_category_get_cvars(int cat_index, int len, int indices[]) {
  ZMPI_T_ENTER();
  if (!ValidCategory(cat_index)) return MPI_T_ERR_INVALID_INDEX;
  return PutIndices(tool::Category(cat_index).cvars, len, indices);
}

ZMPI_API int PMPI_T_category_get_pvars(int cat_index, int len, int indices[]) {
  ZMPI_T_ENTER();
  if (!ValidCategory(cat_index)) return MPI_T_ERR_INVALID_INDEX;
  return PutIndices(tool::Category(cat_index).pvars, len, indices);
}

ZMPI_API int PMPI_T_category_get_categories(int cat_index, int len, int indices[]) {
  ZMPI_T_ENTER();
  if (!ValidCategory(cat_index)) return MPI_T_ERR_INVALID_INDEX;
  return PutIndices(tool::Category(cat_index).categories, len, indices);
}

// No category holds events (the library offers none: tool_events.cc).
ZMPI_API int PMPI_T_category_get_num_events(int cat_index, int* num_events) {
  ZMPI_T_ENTER();
  if (!ValidCategory(cat_index)) return MPI_T_ERR_INVALID_INDEX;
  ZMPI_T_REQUIRE(num_events);
  *num_events = 0;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_category_get_events(int cat_index, int len, int indices[]) {
  ZMPI_T_ENTER();
  if (!ValidCategory(cat_index)) return MPI_T_ERR_INVALID_INDEX;
  return PutIndices({}, len, indices);
}

// The categories and variables are fixed for the life of the process (categories.h).
ZMPI_API int PMPI_T_category_changed(int* update_number) {
  ZMPI_T_ENTER();
  ZMPI_T_REQUIRE(update_number);
  *update_number = 0;
  return MPI_SUCCESS;
}

#include "mpi/abi/tool_aliases.inc"
