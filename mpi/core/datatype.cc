#include "mpi/core/datatype.h"

#include <complex>
#include <cstddef>

#include "mpi/core/handles.h"
#include "mpi/core/predefined_slot.h"
#include "mpi/core/runtime.h"
#include "mpi/datatype/type.h"

namespace zmpi::core {
namespace {

struct FloatInt { float v; int i; };
struct DoubleInt { double v; int i; };
struct LongInt { long v; int i; };
struct ShortInt { short v; int i; };
struct LongDoubleInt { long double v; int i; };

#define ROW(h, t, k) {h, #h, sizeof(t), sizeof(t), BaseKind::k, 0, 0, sizeof(t), true, true, h, nullptr}
// A value-index pair with padding (MPI_DOUBLE_INT...): MPI's size is the value's and the index's
// bytes, the extent is the C struct's; not contiguous, so communication and reductions take
// the derived-type paths (with PairDatatype's engine type).
#define PAIR(h, s)                                                                      \
  {h,    #h,   sizeof(s::v) + sizeof(int), sizeof(s), BaseKind::kPair, 0, 0, offsetof(s, i) + sizeof(int), \
   false, true, h, nullptr}

// MPI-1's bound markers MPI_LB and MPI_UB: no data (size and extent 0); the engine gives them
// marker leaves (datatype::Type::Marker).
#define MARKER(h) {h, #h, 0, 0, BaseKind::kOther, 0, 0, 0, true, true, h, nullptr}

constexpr Datatype kPredefined[] = {
    ROW(MPI_CHAR, char, kSignedInt),
    ROW(MPI_SIGNED_CHAR, signed char, kSignedInt),
    ROW(MPI_UNSIGNED_CHAR, unsigned char, kUnsignedInt),
    ROW(MPI_BYTE, unsigned char, kUnsignedInt),
    ROW(MPI_WCHAR, wchar_t, kOther),
    ROW(MPI_SHORT, short, kSignedInt),
    ROW(MPI_UNSIGNED_SHORT, unsigned short, kUnsignedInt),
    ROW(MPI_INT, int, kSignedInt),
    ROW(MPI_UNSIGNED, unsigned, kUnsignedInt),
    ROW(MPI_LONG, long, kSignedInt),
    ROW(MPI_UNSIGNED_LONG, unsigned long, kUnsignedInt),
    ROW(MPI_FLOAT, float, kFloat),
    ROW(MPI_DOUBLE, double, kFloat),
    ROW(MPI_LONG_DOUBLE, long double, kFloat),
    ROW(MPI_LONG_LONG_INT, long long, kSignedInt),
    ROW(MPI_UNSIGNED_LONG_LONG, unsigned long long, kUnsignedInt),
    ROW(MPI_PACKED, unsigned char, kUnsignedInt),
    ROW(MPI_FLOAT_INT, FloatInt, kPair),
    PAIR(MPI_DOUBLE_INT, DoubleInt),
    PAIR(MPI_LONG_INT, LongInt),
    PAIR(MPI_SHORT_INT, ShortInt),
    ROW(MPI_2INT, int[2], kPair),
    PAIR(MPI_LONG_DOUBLE_INT, LongDoubleInt),
    ROW(MPI_COMPLEX, std::complex<float>, kComplex),
    ROW(MPI_DOUBLE_COMPLEX, std::complex<double>, kComplex),
    ROW(MPI_LOGICAL, int, kBool),
    ROW(MPI_REAL, float, kFloat),
    ROW(MPI_DOUBLE_PRECISION, double, kFloat),
    ROW(MPI_INTEGER, int, kSignedInt),
    ROW(MPI_2INTEGER, int[2], kPair),
    ROW(MPI_2REAL, float[2], kPair),
    ROW(MPI_2DOUBLE_PRECISION, double[2], kPair),
    ROW(MPI_CHARACTER, char, kOther),
    ROW(MPI_REAL4, float, kFloat),
    ROW(MPI_REAL8, double, kFloat),
    ROW(MPI_REAL16, long double, kFloat),
    ROW(MPI_COMPLEX8, std::complex<float>, kComplex),
    ROW(MPI_COMPLEX16, std::complex<double>, kComplex),
    ROW(MPI_COMPLEX32, std::complex<long double>, kComplex),
    ROW(MPI_INTEGER1, int8_t, kSignedInt),
    ROW(MPI_INTEGER2, int16_t, kSignedInt),
    ROW(MPI_INTEGER4, int32_t, kSignedInt),
    ROW(MPI_INTEGER8, int64_t, kSignedInt),
    ROW(MPI_INT8_T, int8_t, kSignedInt),
    ROW(MPI_INT16_T, int16_t, kSignedInt),
    ROW(MPI_INT32_T, int32_t, kSignedInt),
    ROW(MPI_INT64_T, int64_t, kSignedInt),
    ROW(MPI_UINT8_T, uint8_t, kUnsignedInt),
    ROW(MPI_UINT16_T, uint16_t, kUnsignedInt),
    ROW(MPI_UINT32_T, uint32_t, kUnsignedInt),
    ROW(MPI_UINT64_T, uint64_t, kUnsignedInt),
    ROW(MPI_C_BOOL, bool, kBool),
    // MPI_C_FLOAT_COMPLEX is MPI_C_COMPLEX's synonym (one handle); the name is MPI_C_COMPLEX's,
    // as with MPICH.
    ROW(MPI_C_COMPLEX, std::complex<float>, kComplex),
    ROW(MPI_C_DOUBLE_COMPLEX, std::complex<double>, kComplex),
    ROW(MPI_C_LONG_DOUBLE_COMPLEX, std::complex<long double>, kComplex),
    ROW(MPI_AINT, MPI_Aint, kSignedInt),
    ROW(MPI_OFFSET, MPI_Offset, kSignedInt),
    ROW(MPI_COUNT, MPI_Count, kSignedInt),
    ROW(MPI_CXX_BOOL, bool, kBool),
    ROW(MPI_CXX_FLOAT_COMPLEX, std::complex<float>, kComplex),
    ROW(MPI_CXX_DOUBLE_COMPLEX, std::complex<double>, kComplex),
    ROW(MPI_CXX_LONG_DOUBLE_COMPLEX, std::complex<long double>, kComplex),
    MARKER(MPI_LB),
    MARKER(MPI_UB),
};

#undef ROW
#undef PAIR
#undef MARKER
static_assert(kPredefined[0].handle == MPI_CHAR && kPredefined[3].handle == MPI_BYTE &&
                  kPredefined[7].handle == MPI_INT && kPredefined[12].handle == MPI_DOUBLE,
              "fast-path indexes in FindDatatype");

// The padded pairs' descriptors with their engine types (for packing), built once the runtime
// exists; the engine types are held here, so they outlive any runtime. Before that (or
// without one) the table's row. Called under the library lock.
[[gnu::cold]] const Datatype* PairDatatype(const Datatype& row) {
  static Datatype pairs[4];
  static datatype::TypeRef keep[4];
  static const MPI_Datatype kHandles[4] = {MPI_DOUBLE_INT, MPI_LONG_INT, MPI_SHORT_INT,
                                           MPI_LONG_DOUBLE_INT};
  int i = 0;
  while (i < 4 && kHandles[i] != row.handle) ++i;
  if (i == 4) return &row;
  if (keep[i]) return &pairs[i];
  Runtime* rt = Runtime::Get();
  if (rt == nullptr) return &row;
  keep[i] = rt->datatypes().TypeOf(row.handle);
  pairs[i] = row;
  pairs[i].type = keep[i].get();
  return &pairs[i];
}

}  // namespace

// Derived handles are indirect (0xcc000000 | slot): a cold lookup in the runtime's table.
[[gnu::noinline, gnu::cold]] const Datatype* FindDerived(MPI_Datatype handle, bool plain_only) {
  if (KindOfHandle(static_cast<uint32_t>(handle)) != HandleKind::kDatatype) return nullptr;
  Runtime* rt = Runtime::Get();
  if (rt == nullptr) return nullptr;
  const Datatype* t = rt->datatypes().Find(handle);
  if (plain_only && t != nullptr && !(t->committed && t->contiguous && t->true_lb == 0)) {
    return nullptr;
  }
  return t;
}

namespace {
constexpr SlotIndex kSlotIndex = MakeSlotIndex(kPredefined);
}  // namespace

const Datatype* FindPredefinedDatatype(MPI_Datatype handle) {
  const int i = kSlotIndex.Find(handle);
  return i >= 0 && kPredefined[i].handle == handle ? &kPredefined[i] : nullptr;
}

const Datatype* FindDatatype(MPI_Datatype handle) {
  // Fast path for the types every code uses.
  switch (handle) {
    case MPI_DOUBLE: return &kPredefined[12];
    case MPI_INT: return &kPredefined[7];
    case MPI_BYTE: return &kPredefined[3];
    case MPI_CHAR: return &kPredefined[0];
    default: break;
  }
  if ((static_cast<uint32_t>(handle) & kHandleIndirect) == kHandleIndirect) [[unlikely]] {
    return FindDerived(handle, false);
  }
  const Datatype* t = FindPredefinedDatatype(handle);
  if (t != nullptr && !t->contiguous) [[unlikely]] return PairDatatype(*t);
  return t;
}

const Datatype* FindPlainDatatype(MPI_Datatype handle) {
  switch (handle) {
    case MPI_DOUBLE: return &kPredefined[12];
    case MPI_INT: return &kPredefined[7];
    case MPI_BYTE: return &kPredefined[3];
    case MPI_CHAR: return &kPredefined[0];
    default: break;
  }
  if ((static_cast<uint32_t>(handle) & kHandleIndirect) == kHandleIndirect) [[unlikely]] {
    return FindDerived(handle, true);
  }
  const Datatype* t = FindPredefinedDatatype(handle);
  return t != nullptr && t->contiguous ? t : nullptr;  // padded pairs are not plain
}

}  // namespace zmpi::core
