// Datatype queries and lifetime (MPI-4.1 chapter 5.1): size, extents, names, commit, free,
// envelope and contents, element counts of a status, addresses. Constructors are in
// datatype_create.cc, packing in pack.cc.
#include <algorithm>
#include <climits>
#include <cstring>
#include <string>

#include "mpi/abi/entry.h"
#include "mpi/core/datatype_ctor.h"
#include "mpi/core/datatype_table.h"
#include "mpi/datatype/type.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::core::Datatype;
using zmpi::datatype::TypeRef;

namespace {

long long StatusBytes(const MPI_Status* status) {
  unsigned long long lo = static_cast<unsigned int>(status->count_lo);
  unsigned long long hi = static_cast<unsigned int>(status->count_hi_and_cancelled) >> 1;
  return static_cast<long long>((hi << 32) | lo);
}

void SetStatusBytes(MPI_Status* status, long long bytes) {
  unsigned long long b = static_cast<unsigned long long>(bytes);
  status->count_lo = static_cast<int>(b & 0xffffffffu);
  status->count_hi_and_cancelled =
      static_cast<int>((b >> 32) << 1) | (status->count_hi_and_cancelled & 1);
}

zmpi::core::DatatypeTable& Table() { return zmpi::core::Runtime::Get()->datatypes(); }

// The engine object of a valid handle (predefined or derived).
Status Lookup(MPI_Datatype handle, TypeRef* out) {
  const Datatype* t = nullptr;
  ZMPI_RETURN_IF_ERROR(zmpi::abi::CheckAnyType(handle, &t));
  *out = Table().TypeOf(handle);
  return zmpi::OkStatus();
}

Status NullArg(const char* what) { return zmpi::Error(Code::kArg, "%s is NULL", what); }

int ToInt(int64_t v) { return v > INT_MAX || v < INT_MIN ? MPI_UNDEFINED : static_cast<int>(v); }

#define CHECK(fn, expr) ZMPI_CHECK_ARG(nullptr, fn, expr)

template <typename T>
int Size(const char* fn, MPI_Datatype datatype, T* size, bool narrow) {
  ZMPI_ENTER(fn);
  TypeRef t;
  CHECK(fn, Lookup(datatype, &t));
  if (size == nullptr) CHECK(fn, NullArg("size"));
  *size = narrow ? static_cast<T>(ToInt(t->size())) : static_cast<T>(t->size());
  return MPI_SUCCESS;
}

template <typename T>
int Extent(const char* fn, MPI_Datatype datatype, T* lb, T* extent, bool true_extent) {
  ZMPI_ENTER(fn);
  TypeRef t;
  CHECK(fn, Lookup(datatype, &t));
  if (lb == nullptr || extent == nullptr) CHECK(fn, NullArg("lb or extent"));
  *lb = static_cast<T>(true_extent ? t->true_lb() : t->lb());
  *extent = static_cast<T>(true_extent ? t->true_extent() : t->extent());
  return MPI_SUCCESS;
}

template <typename T>
int Envelope(const char* fn, MPI_Datatype datatype, T* ni, T* na, T* nc, T* nd, int* combiner) {
  ZMPI_ENTER(fn);
  TypeRef t;
  CHECK(fn, Lookup(datatype, &t));
  if (ni == nullptr || na == nullptr || nd == nullptr || combiner == nullptr) {
    CHECK(fn, NullArg("an output argument"));
  }
  const zmpi::datatype::Contents& c = t->contents();
  if (nc == nullptr && !c.counts.empty()) {
    CHECK(fn, zmpi::Error(Code::kType,
                          "datatype was built by a large-count constructor; "
                          "use MPI_Type_get_envelope_c"));
  }
  *combiner = c.combiner;
  *ni = static_cast<T>(c.ints.size());
  *na = static_cast<T>(c.aints.size());
  if (nc) *nc = static_cast<T>(c.counts.size());
  *nd = static_cast<T>(c.types.size());
  return MPI_SUCCESS;
}

int Contents(const char* fn, MPI_Datatype datatype, int64_t max_i, int64_t max_a, int64_t max_c,
             int64_t max_d, int* ints, MPI_Aint* aints, MPI_Count* counts, MPI_Datatype* types,
             bool large) {
  ZMPI_ENTER(fn);
  TypeRef t;
  CHECK(fn, Lookup(datatype, &t));
  const zmpi::datatype::Contents& c = t->contents();
  if (c.combiner == MPI_COMBINER_NAMED) {
    CHECK(fn, zmpi::Error(Code::kType, "a predefined datatype has no contents"));
  }
  if (!large && !c.counts.empty()) {
    CHECK(fn, zmpi::Error(Code::kType,
                          "datatype was built by a large-count constructor; "
                          "use MPI_Type_get_contents_c"));
  }
  if (max_i < static_cast<int64_t>(c.ints.size()) || max_a < static_cast<int64_t>(c.aints.size()) ||
      max_c < static_cast<int64_t>(c.counts.size()) ||
      max_d < static_cast<int64_t>(c.types.size())) {
    CHECK(fn, zmpi::Error(Code::kArg, "the arrays are smaller than MPI_Type_get_envelope says"));
  }
  if ((!c.ints.empty() && ints == nullptr) || (!c.aints.empty() && aints == nullptr) ||
      (!c.counts.empty() && counts == nullptr) || (!c.types.empty() && types == nullptr)) {
    CHECK(fn, NullArg("an output array"));
  }
  for (size_t i = 0; i < c.ints.size(); ++i) ints[i] = static_cast<int>(c.ints[i]);
  for (size_t i = 0; i < c.aints.size(); ++i) aints[i] = static_cast<MPI_Aint>(c.aints[i]);
  for (size_t i = 0; i < c.counts.size(); ++i) counts[i] = static_cast<MPI_Count>(c.counts[i]);
  for (size_t i = 0; i < c.types.size(); ++i) types[i] = Table().HandleFor(c.types[i]);
  return MPI_SUCCESS;
}

// Whole elements of `datatype` in a status (MPI_UNDEFINED when not whole).
template <typename T>
int Count(const char* fn, const MPI_Status* status, MPI_Datatype datatype, T* count, bool narrow) {
  ZMPI_ENTER(fn);
  TypeRef t;
  if (status == nullptr || status == MPI_STATUS_IGNORE) CHECK(fn, NullArg("status"));
  CHECK(fn, Lookup(datatype, &t));
  if (count == nullptr) CHECK(fn, NullArg("count"));
  const long long bytes = StatusBytes(status);
  int64_t n;
  if (t->size() == 0)
    n = 0;
  else if (bytes % t->size() != 0)
    n = MPI_UNDEFINED;
  else
    n = bytes / t->size();
  *count = static_cast<T>(narrow ? ToInt(n) : n);
  return MPI_SUCCESS;
}

// Basic elements in a status, partial elements of `datatype` allowed.
template <typename T>
int Elements(const char* fn, const MPI_Status* status, MPI_Datatype datatype, T* count,
             bool narrow) {
  ZMPI_ENTER(fn);
  TypeRef t;
  if (status == nullptr || status == MPI_STATUS_IGNORE) CHECK(fn, NullArg("status"));
  CHECK(fn, Lookup(datatype, &t));
  if (count == nullptr) CHECK(fn, NullArg("count"));
  int64_t n = t->ElementsIn(StatusBytes(status));
  if (n < 0) n = MPI_UNDEFINED;
  *count = static_cast<T>(narrow ? ToInt(n) : n);
  return MPI_SUCCESS;
}

int SetElements(const char* fn, MPI_Status* status, MPI_Datatype datatype, int64_t count) {
  ZMPI_ENTER(fn);
  TypeRef t;
  if (status == nullptr || status == MPI_STATUS_IGNORE) CHECK(fn, NullArg("status"));
  CHECK(fn, Lookup(datatype, &t));
  if (count < 0) CHECK(fn, zmpi::Error(Code::kCount, "negative count %lld", (long long)count));
  SetStatusBytes(status, t->BytesFor(count));
  return MPI_SUCCESS;
}

}  // namespace

ZMPI_API int PMPI_Type_size(MPI_Datatype datatype, int* size) {
  return Size("MPI_Type_size", datatype, size, true);
}

ZMPI_API int PMPI_Type_size_x(MPI_Datatype datatype, MPI_Count* size) {
  return Size("MPI_Type_size_x", datatype, size, false);
}

ZMPI_API int PMPI_Type_size_c(MPI_Datatype datatype, MPI_Count* size) {
  return Size("MPI_Type_size_c", datatype, size, false);
}

ZMPI_API int PMPI_Type_get_extent(MPI_Datatype datatype, MPI_Aint* lb, MPI_Aint* extent) {
  return Extent("MPI_Type_get_extent", datatype, lb, extent, false);
}

ZMPI_API int PMPI_Type_get_extent_x(MPI_Datatype datatype, MPI_Count* lb, MPI_Count* extent) {
  return Extent("MPI_Type_get_extent_x", datatype, lb, extent, false);
}

ZMPI_API int PMPI_Type_get_extent_c(MPI_Datatype datatype, MPI_Count* lb, MPI_Count* extent) {
  return Extent("MPI_Type_get_extent_c", datatype, lb, extent, false);
}

// The MPI-1 forms removed in MPI-3.0 (MPICH still exports them; programs built against an
// older mpi.h call them): extent, lower and upper bound as MPI_Type_get_extent reports them.
ZMPI_API int PMPI_Type_extent(MPI_Datatype datatype, MPI_Aint* extent) {
  MPI_Aint lb = 0;
  return Extent("MPI_Type_extent", datatype, &lb, extent, false);
}

ZMPI_API int PMPI_Type_lb(MPI_Datatype datatype, MPI_Aint* displacement) {
  MPI_Aint extent = 0;
  return Extent("MPI_Type_lb", datatype, displacement, &extent, false);
}

ZMPI_API int PMPI_Type_ub(MPI_Datatype datatype, MPI_Aint* displacement) {
  MPI_Aint lb = 0, extent = 0;
  int rc = Extent("MPI_Type_ub", datatype, &lb, displacement != nullptr ? &extent : nullptr, false);
  if (rc == MPI_SUCCESS) *displacement = lb + extent;
  return rc;
}

ZMPI_API int PMPI_Type_get_true_extent(MPI_Datatype datatype, MPI_Aint* true_lb,
                                       MPI_Aint* true_extent) {
  return Extent("MPI_Type_get_true_extent", datatype, true_lb, true_extent, true);
}

ZMPI_API int PMPI_Type_get_true_extent_x(MPI_Datatype datatype, MPI_Count* true_lb,
                                         MPI_Count* true_extent) {
  return Extent("MPI_Type_get_true_extent_x", datatype, true_lb, true_extent, true);
}

ZMPI_API int PMPI_Type_get_true_extent_c(MPI_Datatype datatype, MPI_Count* true_lb,
                                         MPI_Count* true_extent) {
  return Extent("MPI_Type_get_true_extent_c", datatype, true_lb, true_extent, true);
}

ZMPI_API int PMPI_Type_get_name(MPI_Datatype datatype, char* type_name, int* resultlen) {
  ZMPI_ENTER("MPI_Type_get_name");
  const Datatype* t = nullptr;
  CHECK("MPI_Type_get_name", zmpi::abi::CheckAnyType(datatype, &t));
  if (type_name == nullptr || resultlen == nullptr) {
    CHECK("MPI_Type_get_name", NullArg("type_name or resultlen"));
  }
  std::string name = Table().NameOf(datatype);
  size_t n = std::min<size_t>(name.size(), MPI_MAX_OBJECT_NAME - 1);
  memcpy(type_name, name.data(), n);
  type_name[n] = '\0';
  *resultlen = static_cast<int>(n);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Type_set_name(MPI_Datatype datatype, const char* type_name) {
  ZMPI_ENTER("MPI_Type_set_name");
  const Datatype* t = nullptr;
  CHECK("MPI_Type_set_name", zmpi::abi::CheckAnyType(datatype, &t));
  if (type_name == nullptr) CHECK("MPI_Type_set_name", NullArg("type_name"));
  std::string name(type_name, strnlen(type_name, MPI_MAX_OBJECT_NAME - 1));
  Table().SetName(datatype, std::move(name));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Type_commit(MPI_Datatype* datatype) {
  ZMPI_ENTER("MPI_Type_commit");
  if (datatype == nullptr) CHECK("MPI_Type_commit", NullArg("datatype"));
  const Datatype* t = nullptr;
  CHECK("MPI_Type_commit", zmpi::abi::CheckAnyType(*datatype, &t));
  return zmpi::abi::Report(nullptr, "MPI_Type_commit", Table().Commit(*datatype));
}

ZMPI_API int PMPI_Type_free(MPI_Datatype* datatype) {
  ZMPI_ENTER("MPI_Type_free");
  if (datatype == nullptr) CHECK("MPI_Type_free", NullArg("datatype"));
  CHECK("MPI_Type_free", zmpi::core::TypeFree(*datatype));
  *datatype = MPI_DATATYPE_NULL;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Type_get_envelope(MPI_Datatype datatype, int* num_integers, int* num_addresses,
                                    int* num_datatypes, int* combiner) {
  return Envelope<int>("MPI_Type_get_envelope", datatype, num_integers, num_addresses, nullptr,
                       num_datatypes, combiner);
}

ZMPI_API int PMPI_Type_get_envelope_c(MPI_Datatype datatype, MPI_Count* num_integers,
                                      MPI_Count* num_addresses, MPI_Count* num_large_counts,
                                      MPI_Count* num_datatypes, int* combiner) {
  if (num_large_counts == nullptr) {
    ZMPI_ENTER("MPI_Type_get_envelope_c");
    CHECK("MPI_Type_get_envelope_c", NullArg("num_large_counts"));
  }
  return Envelope<MPI_Count>("MPI_Type_get_envelope_c", datatype, num_integers, num_addresses,
                             num_large_counts, num_datatypes, combiner);
}

ZMPI_API int PMPI_Type_get_contents(MPI_Datatype datatype, int max_integers, int max_addresses,
                                    int max_datatypes, int array_of_integers[],
                                    MPI_Aint array_of_addresses[],
                                    MPI_Datatype array_of_datatypes[]) {
  return Contents("MPI_Type_get_contents", datatype, max_integers, max_addresses, 0, max_datatypes,
                  array_of_integers, array_of_addresses, nullptr, array_of_datatypes, false);
}

ZMPI_API int PMPI_Type_get_contents_c(MPI_Datatype datatype, MPI_Count max_integers,
                                      MPI_Count max_addresses, MPI_Count max_large_counts,
                                      MPI_Count max_datatypes, int array_of_integers[],
                                      MPI_Aint array_of_addresses[],
                                      MPI_Count array_of_large_counts[],
                                      MPI_Datatype array_of_datatypes[]) {
  return Contents("MPI_Type_get_contents_c", datatype, max_integers, max_addresses,
                  max_large_counts, max_datatypes, array_of_integers, array_of_addresses,
                  array_of_large_counts, array_of_datatypes, true);
}

ZMPI_API int PMPI_Get_count(const MPI_Status* status, MPI_Datatype datatype, int* count) {
  return Count("MPI_Get_count", status, datatype, count, true);
}

ZMPI_API int PMPI_Get_count_c(const MPI_Status* status, MPI_Datatype datatype, MPI_Count* count) {
  return Count("MPI_Get_count_c", status, datatype, count, false);
}

ZMPI_API int PMPI_Get_elements(const MPI_Status* status, MPI_Datatype datatype, int* count) {
  return Elements("MPI_Get_elements", status, datatype, count, true);
}

ZMPI_API int PMPI_Get_elements_x(const MPI_Status* status, MPI_Datatype datatype,
                                 MPI_Count* count) {
  return Elements("MPI_Get_elements_x", status, datatype, count, false);
}

ZMPI_API int PMPI_Get_elements_c(const MPI_Status* status, MPI_Datatype datatype,
                                 MPI_Count* count) {
  return Elements("MPI_Get_elements_c", status, datatype, count, false);
}

ZMPI_API int PMPI_Status_set_elements(MPI_Status* status, MPI_Datatype datatype, int count) {
  return SetElements("MPI_Status_set_elements", status, datatype, count);
}

ZMPI_API int PMPI_Status_set_elements_x(MPI_Status* status, MPI_Datatype datatype,
                                        MPI_Count count) {
  return SetElements("MPI_Status_set_elements_x", status, datatype, count);
}

ZMPI_API int PMPI_Status_set_elements_c(MPI_Status* status, MPI_Datatype datatype,
                                        MPI_Count count) {
  return SetElements("MPI_Status_set_elements_c", status, datatype, count);
}

ZMPI_API int PMPI_Status_set_cancelled(MPI_Status* status, int flag) {
  ZMPI_ENTER("MPI_Status_set_cancelled");
  if (status == nullptr || status == MPI_STATUS_IGNORE) {
    CHECK("MPI_Status_set_cancelled", NullArg("status"));
  }
  status->count_hi_and_cancelled = (status->count_hi_and_cancelled & ~1) | (flag ? 1 : 0);
  return MPI_SUCCESS;
}

// Addresses: valid before MPI_Init (they touch no library state).
ZMPI_API int PMPI_Get_address(const void* location, MPI_Aint* address) {
  if (address == nullptr) CHECK("MPI_Get_address", NullArg("address"));
  *address = reinterpret_cast<MPI_Aint>(location);
  return MPI_SUCCESS;
}

// MPI_Get_address's MPI-1 name (removed in MPI-3.0).
ZMPI_API int PMPI_Address(void* location, MPI_Aint* address) {
  if (address == nullptr) CHECK("MPI_Address", NullArg("address"));
  *address = reinterpret_cast<MPI_Aint>(location);
  return MPI_SUCCESS;
}

ZMPI_API MPI_Aint PMPI_Aint_add(MPI_Aint base, MPI_Aint disp) {
  return static_cast<MPI_Aint>(static_cast<unsigned long>(base) + static_cast<unsigned long>(disp));
}

ZMPI_API MPI_Aint PMPI_Aint_diff(MPI_Aint addr1, MPI_Aint addr2) {
  return static_cast<MPI_Aint>(static_cast<unsigned long>(addr1) -
                               static_cast<unsigned long>(addr2));
}

#include "mpi/abi/datatype_aliases.inc"
