// Predefined reduction operations: one row of kernels per predefined datatype, found by the
// datatype handle through a dense slot index. A missing kernel means the standard does not
// define the op on that type. Kernels are plain loops over restrict pointers so the
// compiler vectorizes them.
#include "mpi/core/op.h"

#include <complex>
#include <cstring>
#include <type_traits>
#include <vector>

#include "common/check.h"
#include "mpi/core/predefined_slot.h"

namespace zmpi::core {
namespace {

using Kernel = void (*)(const void* in, void* inout, size_t n);
constexpr int kNumOps = 14;  // MPI_MAX (0x58000001) ... MPI_NO_OP (0x5800000e)

constexpr const char* kOpNames[kNumOps] = {
    "MPI_MAX", "MPI_MIN",  "MPI_SUM",  "MPI_PROD",   "MPI_LAND",   "MPI_BAND",    "MPI_LOR",
    "MPI_BOR", "MPI_LXOR", "MPI_BXOR", "MPI_MINLOC", "MPI_MAXLOC", "MPI_REPLACE", "MPI_NO_OP"};

int OpIndex(MPI_Op op) {
  unsigned i = static_cast<unsigned>(op) - static_cast<unsigned>(MPI_MAX);
  return i < kNumOps ? static_cast<int>(i) : -1;
}

// Integer arithmetic wraps (as it does in every MPI); computing in an unsigned type at least
// as wide as `unsigned` keeps it defined behaviour.
template <typename T>
using Wide = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;

struct Max {
  template <typename T>
  static T Apply(T a, T b) {
    return a > b ? a : b;
  }
};
struct Min {
  template <typename T>
  static T Apply(T a, T b) {
    return a < b ? a : b;
  }
};
struct Sum {
  template <typename T>
  static T Apply(T a, T b) {
    if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(static_cast<Wide<T>>(a) + static_cast<Wide<T>>(b));
    } else {
      return a + b;
    }
  }
};
struct Prod {
  template <typename T>
  static T Apply(T a, T b) {
    if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(static_cast<Wide<T>>(a) * static_cast<Wide<T>>(b));
    } else {
      return a * b;
    }
  }
};
struct Land {
  template <typename T>
  static T Apply(T a, T b) {
    return static_cast<T>((a != T(0)) & (b != T(0)));
  }
};
struct Lor {
  template <typename T>
  static T Apply(T a, T b) {
    return static_cast<T>((a != T(0)) | (b != T(0)));
  }
};
struct Lxor {
  template <typename T>
  static T Apply(T a, T b) {
    return static_cast<T>((a != T(0)) ^ (b != T(0)));
  }
};
struct Band {
  template <typename T>
  static T Apply(T a, T b) {
    return static_cast<T>(a & b);
  }
};
struct Bor {
  template <typename T>
  static T Apply(T a, T b) {
    return static_cast<T>(a | b);
  }
};
struct Bxor {
  template <typename T>
  static T Apply(T a, T b) {
    return static_cast<T>(a ^ b);
  }
};

// Value-index pairs; on equal values the smaller index wins (MPI's rule).
template <typename V, typename I>
struct Pair {
  V v;
  I i;
};
struct MinLoc {
  template <typename P>
  static P Apply(P a, P b) {
    if (a.v < b.v) return a;
    if (b.v < a.v) return b;
    return a.i < b.i ? a : b;
  }
};
struct MaxLoc {
  template <typename P>
  static P Apply(P a, P b) {
    if (a.v > b.v) return a;
    if (b.v > a.v) return b;
    return a.i < b.i ? a : b;
  }
};

// On x86-64 with glibc every element loop is also built for AVX2, and the loader picks the
// build the CPU runs (an ifunc): the base x86-64 build vectorizes with 16-byte SSE2 only (8192
// floats summed in cache: 1.19 us, AVX2 0.61; a 2-rank MPI_Scan of 32 KiB folds once per
// call). The same loops, so the same results: no op is reassociated across elements. Not
// under ThreadSanitizer: the loader runs an ifunc's resolver while it relocates libmpi, before
// the TSan runtime is set up, and the instrumented resolver crashes there (every rank, SIGSEGV
// in _dl_relocate_object).
#if defined(__x86_64__) && defined(__GLIBC__) && defined(__GNUC__) && \
    !defined(__SANITIZE_THREAD__)  // ifuncs: glibc
#define ZMPI_OP_KERNEL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define ZMPI_OP_KERNEL_CLONES
#endif

template <typename T, typename F>
ZMPI_OP_KERNEL_CLONES void Loop(const void* in, void* inout, size_t n) {
  const T* __restrict a = static_cast<const T*>(in);
  T* __restrict b = static_cast<T*>(inout);
  for (size_t i = 0; i < n; ++i) b[i] = F::template Apply<T>(a[i], b[i]);
}

template <size_t kSize>
void Replace(const void* in, void* inout, size_t n) {
  if (n > 0 && in != inout) std::memmove(inout, in, n * kSize);
}

void NoOp(const void*, void*, size_t) {}

struct Row {
  MPI_Datatype handle;
  Kernel kernels[kNumOps];  // by OpIndex; nullptr = not defined on this type
};

// Rows by type family, after the groups of the MPI standard (section "Predefined Reduction
// Operations"). Logical ops on Fortran integers and every op on MPI_CHAR are extensions
// MPICH also accepts.
template <typename T>
constexpr Row IntegerRow(MPI_Datatype h) {
  return {h,
          {Loop<T, Max>, Loop<T, Min>, Loop<T, Sum>, Loop<T, Prod>, Loop<T, Land>, Loop<T, Band>,
           Loop<T, Lor>, Loop<T, Bor>, Loop<T, Lxor>, Loop<T, Bxor>, nullptr, nullptr,
           Replace<sizeof(T)>, NoOp}};
}
template <typename T>
constexpr Row FloatRow(MPI_Datatype h) {
  return {h,
          {Loop<T, Max>, Loop<T, Min>, Loop<T, Sum>, Loop<T, Prod>, nullptr, nullptr, nullptr,
           nullptr, nullptr, nullptr, nullptr, nullptr, Replace<sizeof(T)>, NoOp}};
}
template <typename T>
constexpr Row ComplexRow(MPI_Datatype h) {
  return {h,
          {nullptr, nullptr, Loop<T, Sum>, Loop<T, Prod>, nullptr, nullptr, nullptr, nullptr,
           nullptr, nullptr, nullptr, nullptr, Replace<sizeof(T)>, NoOp}};
}
template <typename T>
constexpr Row LogicalRow(MPI_Datatype h) {
  return {h,
          {nullptr, nullptr, nullptr, nullptr, Loop<T, Land>, nullptr, Loop<T, Lor>, nullptr,
           Loop<T, Lxor>, nullptr, nullptr, nullptr, Replace<sizeof(T)>, NoOp}};
}
constexpr Row ByteRow(MPI_Datatype h) {
  using T = unsigned char;
  return {h,
          {nullptr, nullptr, nullptr, nullptr, nullptr, Loop<T, Band>, nullptr, Loop<T, Bor>,
           nullptr, Loop<T, Bxor>, nullptr, nullptr, Replace<1>, NoOp}};
}
template <typename V, typename I>
constexpr Row PairRow(MPI_Datatype h) {
  using P = Pair<V, I>;
  return {h,
          {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
           Loop<P, MinLoc>, Loop<P, MaxLoc>, Replace<sizeof(P)>, NoOp}};
}
template <size_t kSize>
constexpr Row OpaqueRow(MPI_Datatype h) {
  return {h,
          {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
           nullptr, nullptr, Replace<kSize>, NoOp}};
}

using cfloat = std::complex<float>;
using cdouble = std::complex<double>;
using cldouble = std::complex<long double>;

constexpr Row kRows[] = {
    IntegerRow<char>(MPI_CHAR),
    IntegerRow<signed char>(MPI_SIGNED_CHAR),
    IntegerRow<unsigned char>(MPI_UNSIGNED_CHAR),
    IntegerRow<short>(MPI_SHORT),
    IntegerRow<unsigned short>(MPI_UNSIGNED_SHORT),
    IntegerRow<int>(MPI_INT),
    IntegerRow<unsigned>(MPI_UNSIGNED),
    IntegerRow<long>(MPI_LONG),
    IntegerRow<unsigned long>(MPI_UNSIGNED_LONG),
    IntegerRow<long long>(MPI_LONG_LONG_INT),
    IntegerRow<unsigned long long>(MPI_UNSIGNED_LONG_LONG),
    IntegerRow<int8_t>(MPI_INT8_T),
    IntegerRow<int16_t>(MPI_INT16_T),
    IntegerRow<int32_t>(MPI_INT32_T),
    IntegerRow<int64_t>(MPI_INT64_T),
    IntegerRow<uint8_t>(MPI_UINT8_T),
    IntegerRow<uint16_t>(MPI_UINT16_T),
    IntegerRow<uint32_t>(MPI_UINT32_T),
    IntegerRow<uint64_t>(MPI_UINT64_T),
    IntegerRow<MPI_Aint>(MPI_AINT),
    IntegerRow<MPI_Offset>(MPI_OFFSET),
    IntegerRow<MPI_Count>(MPI_COUNT),
    IntegerRow<int>(MPI_INTEGER),
    IntegerRow<int8_t>(MPI_INTEGER1),
    IntegerRow<int16_t>(MPI_INTEGER2),
    IntegerRow<int32_t>(MPI_INTEGER4),
    IntegerRow<int64_t>(MPI_INTEGER8),
    FloatRow<float>(MPI_FLOAT),
    FloatRow<double>(MPI_DOUBLE),
    FloatRow<long double>(MPI_LONG_DOUBLE),
    FloatRow<float>(MPI_REAL),
    FloatRow<double>(MPI_DOUBLE_PRECISION),
    FloatRow<float>(MPI_REAL4),
    FloatRow<double>(MPI_REAL8),
    FloatRow<long double>(MPI_REAL16),
    ComplexRow<cfloat>(MPI_C_FLOAT_COMPLEX),
    ComplexRow<cdouble>(MPI_C_DOUBLE_COMPLEX),
    ComplexRow<cldouble>(MPI_C_LONG_DOUBLE_COMPLEX),
    ComplexRow<cfloat>(MPI_CXX_FLOAT_COMPLEX),
    ComplexRow<cdouble>(MPI_CXX_DOUBLE_COMPLEX),
    ComplexRow<cldouble>(MPI_CXX_LONG_DOUBLE_COMPLEX),
    ComplexRow<cfloat>(MPI_COMPLEX),
    ComplexRow<cdouble>(MPI_DOUBLE_COMPLEX),
    ComplexRow<cfloat>(MPI_COMPLEX8),
    ComplexRow<cdouble>(MPI_COMPLEX16),
    ComplexRow<cldouble>(MPI_COMPLEX32),
    LogicalRow<bool>(MPI_C_BOOL),
    LogicalRow<bool>(MPI_CXX_BOOL),
    LogicalRow<int>(MPI_LOGICAL),
    ByteRow(MPI_BYTE),
    PairRow<float, int>(MPI_FLOAT_INT),
    PairRow<double, int>(MPI_DOUBLE_INT),
    PairRow<long, int>(MPI_LONG_INT),
    PairRow<short, int>(MPI_SHORT_INT),
    PairRow<int, int>(MPI_2INT),
    PairRow<long double, int>(MPI_LONG_DOUBLE_INT),
    PairRow<int, int>(MPI_2INTEGER),
    PairRow<float, float>(MPI_2REAL),
    PairRow<double, double>(MPI_2DOUBLE_PRECISION),
    OpaqueRow<1>(MPI_PACKED),
    OpaqueRow<sizeof(wchar_t)>(MPI_WCHAR),
    OpaqueRow<1>(MPI_CHARACTER),
};

// Each predefined type's row, found by its handle's slot (predefined_slot.h).
constexpr SlotIndex kRowIndex = MakeSlotIndex(kRows);

const Row* FindRow(MPI_Datatype handle) {
  const int i = kRowIndex.Find(handle);
  return i >= 0 && kRows[i].handle == handle ? &kRows[i] : nullptr;
}

// The kernel for (op, type), or an error naming both.
Status FindKernel(MPI_Op op, const Datatype& type, Kernel* kernel) {
  int i = OpIndex(op);
  if (i < 0) return Error(Code::kOp, "invalid reduction operation 0x%x", op);
  const Row* row = FindRow(type.handle);
  *kernel = row != nullptr ? row->kernels[i] : nullptr;
  if (*kernel == nullptr) {
    return Error(Code::kOp, "%s is not defined on datatype %s", kOpNames[i],
                 type.name != nullptr ? type.name : "(unnamed)");
  }
  return OkStatus();
}

// Padded pairs (MPI_DOUBLE_INT...) are not contiguous, so reductions see them packed: value
// then index, `size` bytes each. The kernels work on the C struct (`extent` bytes, the index at
// true_extent - sizeof(int)): each element is spread into one, reduced, and packed back.
void ApplyPackedPairs(Kernel kernel, const Datatype& type, const void* in, void* inout,
                      size_t count) {
  const size_t size = type.size, extent = type.extent;
  const size_t value = size - sizeof(int), index = type.true_extent - sizeof(int);
  std::vector<char> a(count * extent), b(count * extent);
  const char* src = static_cast<const char*>(in);
  char* dst = static_cast<char*>(inout);
  for (size_t i = 0; i < count; ++i) {
    memcpy(&a[i * extent], src + i * size, value);
    memcpy(&a[i * extent + index], src + i * size + value, sizeof(int));
    memcpy(&b[i * extent], dst + i * size, value);
    memcpy(&b[i * extent + index], dst + i * size + value, sizeof(int));
  }
  kernel(a.data(), b.data(), count);
  for (size_t i = 0; i < count; ++i) {
    memcpy(dst + i * size, &b[i * extent], value);
    memcpy(dst + i * size + value, &b[i * extent + index], sizeof(int));
  }
}

}  // namespace

bool IsPredefinedOp(MPI_Op op) { return OpIndex(op) >= 0; }

Status CheckOpType(MPI_Op op, const Datatype& type) {
  Kernel kernel;
  return FindKernel(op, type, &kernel);
}

ReduceFn FindReduceFn(MPI_Op op, const Datatype& type) {
  const int i = OpIndex(op);
  if (i < 0 || !type.contiguous) return nullptr;
  const Row* row = FindRow(type.handle);
  return row != nullptr ? row->kernels[i] : nullptr;
}

Status ApplyOp(MPI_Op op, const Datatype& type, const void* in, void* inout, size_t count) {
  Kernel kernel;
  ZMPI_RETURN_IF_ERROR(FindKernel(op, type, &kernel));
  if (!type.contiguous) [[unlikely]] {
    ApplyPackedPairs(kernel, type, in, inout, count);
    return OkStatus();
  }
  kernel(in, inout, count);
  return OkStatus();
}

}  // namespace zmpi::core
