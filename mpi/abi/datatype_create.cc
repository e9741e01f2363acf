// Datatype constructors (MPI-4.1 chapter 5.1): the C int and large-count (_c) forms, f90
// types, MPI_Type_match_size, MPI_Type_get_value_index. Arguments are checked here in the
// standard's order; the engine node is built by mpi/core/datatype_ctor.
#include <vector>

#include "mpi/abi/entry.h"
#include "mpi/core/datatype_ctor.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::StatusOr;
using zmpi::core::Datatype;
using zmpi::core::Int64s;

namespace {

Status NullArg(const char* what) { return zmpi::Error(Code::kArg, "%s is NULL", what); }

Status CheckCount64(int64_t count) {
  return count >= 0 ? zmpi::OkStatus()
                    : zmpi::Error(Code::kCount, "negative count %lld", (long long)count);
}

Status CheckOld(MPI_Datatype old) {
  const Datatype* t = nullptr;
  return zmpi::abi::CheckAnyType(old, &t);
}

Status CheckArray(const void* a, int64_t count, const char* what) {
  return a != nullptr || count == 0 ? zmpi::OkStatus() : NullArg(what);
}

template <typename T>
Int64s Widen(const T* a, int64_t n) {
  Int64s v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<int64_t>(a[i]);
  return v;
}

Status CheckBlock(int64_t blocklen) {
  return blocklen >= 0
             ? zmpi::OkStatus()
             : zmpi::Error(Code::kCount, "negative blocklength %lld", (long long)blocklen);
}

int Done(const char* fn, StatusOr<MPI_Datatype> r, MPI_Datatype* newtype) {
  if (!r.ok()) return zmpi::abi::Report(nullptr, fn, r.status());
  *newtype = *r;
  return MPI_SUCCESS;
}

#define CHECK(fn, expr) ZMPI_CHECK_ARG(nullptr, fn, expr)

int Contiguous(const char* fn, int64_t count, MPI_Datatype old, MPI_Datatype* nt, bool large) {
  CHECK(fn, CheckCount64(count));
  CHECK(fn, CheckOld(old));
  if (nt == nullptr) CHECK(fn, NullArg("newtype"));
  return Done(fn, zmpi::core::TypeContiguous(count, old, large), nt);
}

int Vector(const char* fn, int64_t count, int64_t bl, int64_t stride, bool bytes, MPI_Datatype old,
           MPI_Datatype* nt, bool large) {
  CHECK(fn, CheckCount64(count));
  CHECK(fn, CheckBlock(bl));
  CHECK(fn, CheckOld(old));
  if (nt == nullptr) CHECK(fn, NullArg("newtype"));
  return Done(fn, zmpi::core::TypeVector(count, bl, stride, bytes, old, large), nt);
}

template <typename B, typename D>
int Indexed(const char* fn, int combiner, int64_t count, const B* bl, const D* disp,
            MPI_Datatype old, MPI_Datatype* nt, bool large) {
  CHECK(fn, CheckCount64(count));
  CHECK(fn, CheckArray(bl, count, "array_of_blocklengths"));
  CHECK(fn, CheckArray(disp, count, "array_of_displacements"));
  CHECK(fn, CheckOld(old));
  if (nt == nullptr) CHECK(fn, NullArg("newtype"));
  Int64s b = Widen(bl, count);
  for (int64_t x : b) CHECK(fn, CheckBlock(x));
  return Done(fn, zmpi::core::TypeIndexed(combiner, b, Widen(disp, count), old, large), nt);
}

template <typename D>
int IndexedBlock(const char* fn, int combiner, int64_t count, int64_t bl, const D* disp,
                 MPI_Datatype old, MPI_Datatype* nt, bool large) {
  CHECK(fn, CheckCount64(count));
  CHECK(fn, CheckBlock(bl));
  CHECK(fn, CheckArray(disp, count, "array_of_displacements"));
  CHECK(fn, CheckOld(old));
  if (nt == nullptr) CHECK(fn, NullArg("newtype"));
  return Done(fn, zmpi::core::TypeIndexed(combiner, Int64s{bl}, Widen(disp, count), old, large),
              nt);
}

template <typename B, typename D>
int Struct(const char* fn, int64_t count, const B* bl, const D* disp, const MPI_Datatype* types,
           MPI_Datatype* nt, bool large) {
  CHECK(fn, CheckCount64(count));
  CHECK(fn, CheckArray(bl, count, "array_of_blocklengths"));
  CHECK(fn, CheckArray(disp, count, "array_of_displacements"));
  CHECK(fn, CheckArray(types, count, "array_of_types"));
  for (int64_t i = 0; i < count; ++i) {
    CHECK(fn, CheckOld(types[i]));
    CHECK(fn, CheckBlock(bl[i]));
  }
  if (nt == nullptr) CHECK(fn, NullArg("newtype"));
  std::vector<MPI_Datatype> olds(types, types + count);
  return Done(fn, zmpi::core::TypeStruct(Widen(bl, count), Widen(disp, count), olds, large), nt);
}

template <typename C>
int Subarray(const char* fn, int ndims, const C* sizes, const C* subsizes, const C* starts,
             int order, MPI_Datatype old, MPI_Datatype* nt, bool large) {
  if (ndims < 0) CHECK(fn, zmpi::Error(Code::kDims, "negative ndims %d", ndims));
  CHECK(fn, CheckArray(sizes, ndims, "array_of_sizes"));
  CHECK(fn, CheckArray(subsizes, ndims, "array_of_subsizes"));
  CHECK(fn, CheckArray(starts, ndims, "array_of_starts"));
  CHECK(fn, CheckOld(old));
  if (nt == nullptr) CHECK(fn, NullArg("newtype"));
  return Done(fn,
              zmpi::core::TypeSubarray(Widen(sizes, ndims), Widen(subsizes, ndims),
                                       Widen(starts, ndims), order, old, large),
              nt);
}

template <typename C>
int Darray(const char* fn, int size, int rank, int ndims, const C* gsizes, const int* distribs,
           const int* dargs, const int* psizes, int order, MPI_Datatype old, MPI_Datatype* nt,
           bool large) {
  if (ndims < 0) CHECK(fn, zmpi::Error(Code::kDims, "negative ndims %d", ndims));
  CHECK(fn, CheckArray(gsizes, ndims, "array_of_gsizes"));
  CHECK(fn, CheckArray(distribs, ndims, "array_of_distribs"));
  CHECK(fn, CheckArray(dargs, ndims, "array_of_dargs"));
  CHECK(fn, CheckArray(psizes, ndims, "array_of_psizes"));
  CHECK(fn, CheckOld(old));
  if (nt == nullptr) CHECK(fn, NullArg("newtype"));
  std::vector<int> d(distribs, distribs + ndims), a(dargs, dargs + ndims),
      p(psizes, psizes + ndims);
  return Done(
      fn, zmpi::core::TypeDarray(size, rank, Widen(gsizes, ndims), d, a, p, order, old, large), nt);
}

int Resized(const char* fn, MPI_Datatype old, int64_t lb, int64_t extent, MPI_Datatype* nt,
            bool large) {
  CHECK(fn, CheckOld(old));
  if (nt == nullptr) CHECK(fn, NullArg("newtype"));
  return Done(fn, zmpi::core::TypeResized(old, lb, extent, large), nt);
}

}  // namespace

ZMPI_API int PMPI_Type_contiguous(int count, MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_contiguous");
  return Contiguous("MPI_Type_contiguous", count, oldtype, newtype, false);
}

ZMPI_API int PMPI_Type_contiguous_c(MPI_Count count, MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_contiguous_c");
  return Contiguous("MPI_Type_contiguous_c", count, oldtype, newtype, true);
}

ZMPI_API int PMPI_Type_vector(int count, int blocklength, int stride, MPI_Datatype oldtype,
                              MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_vector");
  return Vector("MPI_Type_vector", count, blocklength, stride, false, oldtype, newtype, false);
}

ZMPI_API int PMPI_Type_vector_c(MPI_Count count, MPI_Count blocklength, MPI_Count stride,
                                MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_vector_c");
  return Vector("MPI_Type_vector_c", count, blocklength, stride, false, oldtype, newtype, true);
}

ZMPI_API int PMPI_Type_create_hvector(int count, int blocklength, MPI_Aint stride,
                                      MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_hvector");
  return Vector("MPI_Type_create_hvector", count, blocklength, stride, true, oldtype, newtype,
                false);
}

ZMPI_API int PMPI_Type_create_hvector_c(MPI_Count count, MPI_Count blocklength, MPI_Count stride,
                                        MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_hvector_c");
  return Vector("MPI_Type_create_hvector_c", count, blocklength, stride, true, oldtype, newtype,
                true);
}

// MPI_Type_create_hvector's MPI-1 name (removed in MPI-3.0; MPICH still exports it).
ZMPI_API int PMPI_Type_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype,
                               MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_hvector");
  return Vector("MPI_Type_hvector", count, blocklength, stride, true, oldtype, newtype, false);
}

ZMPI_API int PMPI_Type_indexed(int count, const int array_of_blocklengths[],
                               const int array_of_displacements[], MPI_Datatype oldtype,
                               MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_indexed");
  return Indexed("MPI_Type_indexed", MPI_COMBINER_INDEXED, count, array_of_blocklengths,
                 array_of_displacements, oldtype, newtype, false);
}

ZMPI_API int PMPI_Type_indexed_c(MPI_Count count, const MPI_Count array_of_blocklengths[],
                                 const MPI_Count array_of_displacements[], MPI_Datatype oldtype,
                                 MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_indexed_c");
  return Indexed("MPI_Type_indexed_c", MPI_COMBINER_INDEXED, count, array_of_blocklengths,
                 array_of_displacements, oldtype, newtype, true);
}

ZMPI_API int PMPI_Type_create_hindexed(int count, const int array_of_blocklengths[],
                                       const MPI_Aint array_of_displacements[],
                                       MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_hindexed");
  return Indexed("MPI_Type_create_hindexed", MPI_COMBINER_HINDEXED, count, array_of_blocklengths,
                 array_of_displacements, oldtype, newtype, false);
}

// MPI_Type_create_hindexed's MPI-1 name (removed in MPI-3.0).
ZMPI_API int PMPI_Type_hindexed(int count, int array_of_blocklengths[],
                                MPI_Aint array_of_displacements[], MPI_Datatype oldtype,
                                MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_hindexed");
  return Indexed("MPI_Type_hindexed", MPI_COMBINER_HINDEXED, count, array_of_blocklengths,
                 array_of_displacements, oldtype, newtype, false);
}

ZMPI_API int PMPI_Type_create_hindexed_c(MPI_Count count, const MPI_Count array_of_blocklengths[],
                                         const MPI_Count array_of_displacements[],
                                         MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_hindexed_c");
  return Indexed("MPI_Type_create_hindexed_c", MPI_COMBINER_HINDEXED, count, array_of_blocklengths,
                 array_of_displacements, oldtype, newtype, true);
}

ZMPI_API int PMPI_Type_create_indexed_block(int count, int blocklength,
                                            const int array_of_displacements[],
                                            MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_indexed_block");
  return IndexedBlock("MPI_Type_create_indexed_block", MPI_COMBINER_INDEXED_BLOCK, count,
                      blocklength, array_of_displacements, oldtype, newtype, false);
}

ZMPI_API int PMPI_Type_create_indexed_block_c(MPI_Count count, MPI_Count blocklength,
                                              const MPI_Count array_of_displacements[],
                                              MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_indexed_block_c");
  return IndexedBlock("MPI_Type_create_indexed_block_c", MPI_COMBINER_INDEXED_BLOCK, count,
                      blocklength, array_of_displacements, oldtype, newtype, true);
}

ZMPI_API int PMPI_Type_create_hindexed_block(int count, int blocklength,
                                             const MPI_Aint array_of_displacements[],
                                             MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_hindexed_block");
  return IndexedBlock("MPI_Type_create_hindexed_block", MPI_COMBINER_HINDEXED_BLOCK, count,
                      blocklength, array_of_displacements, oldtype, newtype, false);
}

ZMPI_API int PMPI_Type_create_hindexed_block_c(MPI_Count count, MPI_Count blocklength,
                                               const MPI_Count array_of_displacements[],
                                               MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_hindexed_block_c");
  return IndexedBlock("MPI_Type_create_hindexed_block_c", MPI_COMBINER_HINDEXED_BLOCK, count,
                      blocklength, array_of_displacements, oldtype, newtype, true);
}

ZMPI_API int PMPI_Type_create_struct(int count, const int array_of_blocklengths[],
                                     const MPI_Aint array_of_displacements[],
                                     const MPI_Datatype array_of_types[], MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_struct");
  return Struct("MPI_Type_create_struct", count, array_of_blocklengths, array_of_displacements,
                array_of_types, newtype, false);
}

// MPI_Type_create_struct's MPI-1 name (removed in MPI-3.0).
ZMPI_API int PMPI_Type_struct(int count, int array_of_blocklengths[],
                              MPI_Aint array_of_displacements[], MPI_Datatype array_of_types[],
                              MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_struct");
  return Struct("MPI_Type_struct", count, array_of_blocklengths, array_of_displacements,
                array_of_types, newtype, false);
}

ZMPI_API int PMPI_Type_create_struct_c(MPI_Count count, const MPI_Count array_of_blocklengths[],
                                       const MPI_Count array_of_displacements[],
                                       const MPI_Datatype array_of_types[], MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_struct_c");
  return Struct("MPI_Type_create_struct_c", count, array_of_blocklengths, array_of_displacements,
                array_of_types, newtype, true);
}

ZMPI_API int PMPI_Type_create_subarray(int ndims, const int array_of_sizes[],
                                       const int array_of_subsizes[], const int array_of_starts[],
                                       int order, MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_subarray");
  return Subarray("MPI_Type_create_subarray", ndims, array_of_sizes, array_of_subsizes,
                  array_of_starts, order, oldtype, newtype, false);
}

ZMPI_API int PMPI_Type_create_subarray_c(int ndims, const MPI_Count array_of_sizes[],
                                         const MPI_Count array_of_subsizes[],
                                         const MPI_Count array_of_starts[], int order,
                                         MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_subarray_c");
  return Subarray("MPI_Type_create_subarray_c", ndims, array_of_sizes, array_of_subsizes,
                  array_of_starts, order, oldtype, newtype, true);
}

ZMPI_API int PMPI_Type_create_darray(int size, int rank, int ndims, const int array_of_gsizes[],
                                     const int array_of_distribs[], const int array_of_dargs[],
                                     const int array_of_psizes[], int order, MPI_Datatype oldtype,
                                     MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_darray");
  return Darray("MPI_Type_create_darray", size, rank, ndims, array_of_gsizes, array_of_distribs,
                array_of_dargs, array_of_psizes, order, oldtype, newtype, false);
}

ZMPI_API int PMPI_Type_create_darray_c(int size, int rank, int ndims,
                                       const MPI_Count array_of_gsizes[],
                                       const int array_of_distribs[], const int array_of_dargs[],
                                       const int array_of_psizes[], int order, MPI_Datatype oldtype,
                                       MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_darray_c");
  return Darray("MPI_Type_create_darray_c", size, rank, ndims, array_of_gsizes, array_of_distribs,
                array_of_dargs, array_of_psizes, order, oldtype, newtype, true);
}

ZMPI_API int PMPI_Type_create_resized(MPI_Datatype oldtype, MPI_Aint lb, MPI_Aint extent,
                                      MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_resized");
  return Resized("MPI_Type_create_resized", oldtype, lb, extent, newtype, false);
}

ZMPI_API int PMPI_Type_create_resized_c(MPI_Datatype oldtype, MPI_Count lb, MPI_Count extent,
                                        MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_resized_c");
  return Resized("MPI_Type_create_resized_c", oldtype, lb, extent, newtype, true);
}

ZMPI_API int PMPI_Type_dup(MPI_Datatype oldtype, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_dup");
  CHECK("MPI_Type_dup", CheckOld(oldtype));
  if (newtype == nullptr) CHECK("MPI_Type_dup", NullArg("newtype"));
  return Done("MPI_Type_dup", zmpi::core::TypeDup(oldtype), newtype);
}

ZMPI_API int PMPI_Type_create_f90_integer(int r, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_f90_integer");
  if (newtype == nullptr) CHECK("MPI_Type_create_f90_integer", NullArg("newtype"));
  return Done("MPI_Type_create_f90_integer",
              zmpi::core::TypeF90(MPI_COMBINER_F90_INTEGER, MPI_UNDEFINED, r), newtype);
}

ZMPI_API int PMPI_Type_create_f90_real(int p, int r, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_f90_real");
  if (newtype == nullptr) CHECK("MPI_Type_create_f90_real", NullArg("newtype"));
  return Done("MPI_Type_create_f90_real", zmpi::core::TypeF90(MPI_COMBINER_F90_REAL, p, r),
              newtype);
}

ZMPI_API int PMPI_Type_create_f90_complex(int p, int r, MPI_Datatype* newtype) {
  ZMPI_ENTER("MPI_Type_create_f90_complex");
  if (newtype == nullptr) CHECK("MPI_Type_create_f90_complex", NullArg("newtype"));
  return Done("MPI_Type_create_f90_complex", zmpi::core::TypeF90(MPI_COMBINER_F90_COMPLEX, p, r),
              newtype);
}

ZMPI_API int PMPI_Type_match_size(int typeclass, int size, MPI_Datatype* datatype) {
  ZMPI_ENTER("MPI_Type_match_size");
  const char* fn = "MPI_Type_match_size";
  if (datatype == nullptr) CHECK(fn, NullArg("datatype"));
  MPI_Datatype t = MPI_DATATYPE_NULL;
  switch (typeclass) {
    case MPI_TYPECLASS_REAL:
      t = size == 4 ? MPI_REAL4 : size == 8 ? MPI_REAL8 : size == 16 ? MPI_REAL16 : t;
      break;
    case MPI_TYPECLASS_INTEGER:
      t = size == 1   ? MPI_INTEGER1
          : size == 2 ? MPI_INTEGER2
          : size == 4 ? MPI_INTEGER4
          : size == 8 ? MPI_INTEGER8
                      : t;
      break;
    case MPI_TYPECLASS_COMPLEX:
      t = size == 8 ? MPI_COMPLEX8 : size == 16 ? MPI_COMPLEX16 : size == 32 ? MPI_COMPLEX32 : t;
      break;
    default:
      CHECK(fn, zmpi::Error(Code::kArg, "invalid typeclass %d", typeclass));
  }
  if (t == MPI_DATATYPE_NULL) {
    CHECK(fn, zmpi::Error(Code::kArg, "no type of class %d has %d bytes", typeclass, size));
  }
  *datatype = t;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Type_get_value_index(MPI_Datatype value_type, MPI_Datatype index_type,
                                       MPI_Datatype* pair_type) {
  ZMPI_ENTER("MPI_Type_get_value_index");
  const char* fn = "MPI_Type_get_value_index";
  CHECK(fn, CheckOld(value_type));
  CHECK(fn, CheckOld(index_type));
  if (pair_type == nullptr) CHECK(fn, NullArg("pair_type"));
  MPI_Datatype t = MPI_DATATYPE_NULL;
  if (index_type == MPI_INT) {
    switch (value_type) {
      case MPI_FLOAT:
        t = MPI_FLOAT_INT;
        break;
      case MPI_DOUBLE:
        t = MPI_DOUBLE_INT;
        break;
      case MPI_LONG:
        t = MPI_LONG_INT;
        break;
      case MPI_SHORT:
        t = MPI_SHORT_INT;
        break;
      case MPI_INT:
        t = MPI_2INT;
        break;
      case MPI_LONG_DOUBLE:
        t = MPI_LONG_DOUBLE_INT;
        break;
      default:
        break;
    }
  } else if (value_type == index_type) {
    switch (value_type) {
      case MPI_INTEGER:
        t = MPI_2INTEGER;
        break;
      case MPI_REAL:
        t = MPI_2REAL;
        break;
      case MPI_DOUBLE_PRECISION:
        t = MPI_2DOUBLE_PRECISION;
        break;
      default:
        break;
    }
  }
  *pair_type = t;
  return MPI_SUCCESS;
}

#include "mpi/abi/datatype_create_aliases.inc"
