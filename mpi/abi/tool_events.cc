// The tool information interface's events and event sources (MPI-4.1 §15.3.8).
//
// zmpi offers no events (MPI_T_event_get_num answers 0), so no registration and no event
// instance ever exists: every call that takes an index answers MPI_T_ERR_INVALID_INDEX, a name
// MPI_T_ERR_INVALID_NAME, a registration or an instance MPI_T_ERR_INVALID_HANDLE, after the
// checks every MPI_T call makes. It offers one source, the monotonic clock (nanoseconds), that
// events would carry timestamps from and that tools can read.
#include <time.h>

#include <cstdint>

#include "mpi/abi/tool.h"
#include "mpi/tool/strings.h"

namespace tool = zmpi::tool;

namespace {

constexpr int kSourceCount = 1;
constexpr const char* kSourceName = "zmpi_monotonic_clock";
constexpr const char* kSourceDesc =
    "CLOCK_MONOTONIC of this host in nanoseconds (the clock MPI_Wtime reads)";

MPI_Count Nanoseconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<MPI_Count>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

// ---- events: none offered ----

ZMPI_API int PMPI_T_event_get_num(int* num_events) {
  ZMPI_T_ENTER();
  ZMPI_T_REQUIRE(num_events);
  *num_events = 0;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_event_get_info(int event_index, char* name, int* name_len, int* verbosity,
                                   MPI_Datatype array_of_datatypes[],
                                   MPI_Aint array_of_displacements[], int* num_elements,
                                   MPI_T_enum* enumtype, MPI_Info* info, char* desc, int* desc_len,
                                   int* bind) {
  ZMPI_T_ENTER();
  (void)event_index, (void)name, (void)name_len, (void)verbosity, (void)array_of_datatypes;
  (void)array_of_displacements, (void)num_elements, (void)enumtype, (void)info, (void)desc;
  (void)desc_len, (void)bind;
  return MPI_T_ERR_INVALID_INDEX;
}

ZMPI_API int PMPI_T_event_get_index(const char* name, int* event_index) {
  ZMPI_T_ENTER();
  ZMPI_T_REQUIRE(name);
  ZMPI_T_REQUIRE(event_index);
  return MPI_T_ERR_INVALID_NAME;
}

ZMPI_API int PMPI_T_event_handle_alloc(int event_index, void* obj_handle, MPI_Info info,
                                       MPI_T_event_registration* event_registration) {
  ZMPI_T_ENTER();
  (void)event_index, (void)obj_handle, (void)info, (void)event_registration;
  return MPI_T_ERR_INVALID_INDEX;
}

ZMPI_API int PMPI_T_event_handle_set_info(MPI_T_event_registration event_registration,
                                          MPI_Info info) {
  ZMPI_T_ENTER();
  (void)event_registration, (void)info;
  return MPI_T_ERR_INVALID_HANDLE;
}

ZMPI_API int PMPI_T_event_handle_get_info(MPI_T_event_registration event_registration,
                                          MPI_Info* info_used) {
  ZMPI_T_ENTER();
  (void)event_registration, (void)info_used;
  return MPI_T_ERR_INVALID_HANDLE;
}

ZMPI_API int PMPI_T_event_register_callback(MPI_T_event_registration event_registration,
                                            MPI_T_cb_safety cb_safety, MPI_Info info,
                                            void* user_data,
                                            MPI_T_event_cb_function event_cb_function) {
  ZMPI_T_ENTER();
  (void)event_registration, (void)cb_safety, (void)info, (void)user_data;
  (void)event_cb_function;
  return MPI_T_ERR_INVALID_HANDLE;
}

ZMPI_API int PMPI_T_event_callback_set_info(MPI_T_event_registration event_registration,
                                            MPI_T_cb_safety cb_safety, MPI_Info info) {
  ZMPI_T_ENTER();
  (void)event_registration, (void)cb_safety, (void)info;
  return MPI_T_ERR_INVALID_HANDLE;
}

ZMPI_API int PMPI_T_event_callback_get_info(MPI_T_event_registration event_registration,
                                            MPI_T_cb_safety cb_safety, MPI_Info* info_used) {
  ZMPI_T_ENTER();
  (void)event_registration, (void)cb_safety, (void)info_used;
  return MPI_T_ERR_INVALID_HANDLE;
}

ZMPI_API int PMPI_T_event_handle_free(MPI_T_event_registration event_registration, void* user_data,
                                      MPI_T_event_free_cb_function free_cb_function) {
  ZMPI_T_ENTER();
  (void)event_registration, (void)user_data, (void)free_cb_function;
  return MPI_T_ERR_INVALID_HANDLE;
}

ZMPI_API int PMPI_T_event_set_dropped_handler(MPI_T_event_registration event_registration,
                                              MPI_T_event_dropped_cb_function dropped_cb_function) {
  ZMPI_T_ENTER();
  (void)event_registration, (void)dropped_cb_function;
  return MPI_T_ERR_INVALID_HANDLE;
}

// Event instances exist only inside an event callback, and no callback ever runs.
ZMPI_API int PMPI_T_event_read(MPI_T_event_instance event_instance, int element_index,
                               void* buffer) {
  ZMPI_T_ENTER();
  (void)event_instance, (void)element_index, (void)buffer;
  return MPI_T_ERR_INVALID_HANDLE;
}

ZMPI_API int PMPI_T_event_copy(MPI_T_event_instance event_instance, void* buffer) {
  ZMPI_T_ENTER();
  (void)event_instance, (void)buffer;
  return MPI_T_ERR_INVALID_HANDLE;
}

ZMPI_API int PMPI_T_event_get_timestamp(MPI_T_event_instance event_instance,
                                        MPI_Count* event_timestamp) {
  ZMPI_T_ENTER();
  (void)event_instance, (void)event_timestamp;
  return MPI_T_ERR_INVALID_HANDLE;
}

ZMPI_API int PMPI_T_event_get_source(MPI_T_event_instance event_instance, int* source_index) {
  ZMPI_T_ENTER();
  (void)event_instance, (void)source_index;
  return MPI_T_ERR_INVALID_HANDLE;
}

// ---- sources ----

ZMPI_API int PMPI_T_source_get_num(int* num_sources) {
  ZMPI_T_ENTER();
  ZMPI_T_REQUIRE(num_sources);
  *num_sources = kSourceCount;
  return MPI_SUCCESS;
}

// `info` (may be NULL) gets a new, empty info object, which the caller frees.
ZMPI_API int PMPI_T_source_get_info(int source_index, char* name, int* name_len, char* desc,
                                    int* desc_len, MPI_T_source_order* ordering,
                                    MPI_Count* ticks_per_second, MPI_Count* max_ticks,
                                    MPI_Info* info) {
  ZMPI_T_ENTER();
  if (source_index < 0 || source_index >= kSourceCount) return MPI_T_ERR_INVALID_INDEX;
  tool::PutString(kSourceName, name, name_len);
  tool::PutString(kSourceDesc, desc, desc_len);
  if (ordering != nullptr) *ordering = MPI_T_SOURCE_ORDERED;
  if (ticks_per_second != nullptr) *ticks_per_second = 1000000000;
  if (max_ticks != nullptr) *max_ticks = INT64_MAX;
  if (info != nullptr) return PMPI_Info_create(info);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_T_source_get_timestamp(int source_index, MPI_Count* timestamp) {
  ZMPI_T_ENTER();
  if (source_index < 0 || source_index >= kSourceCount) return MPI_T_ERR_INVALID_INDEX;
  ZMPI_T_REQUIRE(timestamp);
  *timestamp = Nanoseconds();
  return MPI_SUCCESS;
}

#include "mpi/abi/tool_events_aliases.inc"
