#include "mpi/datatype/external32.h"

#include <cfloat>
#include <cstring>

#include "mpi/include/mpi.h"

namespace zmpi::datatype {
namespace {

enum class Kind { kSigned, kUnsigned, kFloat, kLongDouble };

struct Field {
  int native_off;
  int native_len;
  int ext_len;
  Kind kind;
};

// The fields of one element of a predefined type; returns how many (0: no external32 form).
int Fields(int handle, Field* f) {
  auto one = [&](int n, int e, Kind k) {
    f[0] = {0, n, e, k};
    return 1;
  };
  auto two = [&](int off2, int n1, int n2, Kind k1, Kind k2) {
    f[0] = {0, n1, n1 == 16 && k1 == Kind::kLongDouble ? 16 : n1, k1};
    f[1] = {off2, n2, n2, k2};
    return 2;
  };
  switch (handle) {
    case MPI_CHAR:
    case MPI_SIGNED_CHAR:
    case MPI_INT8_T:
    case MPI_INTEGER1:
      return one(1, 1, Kind::kSigned);
    case MPI_UNSIGNED_CHAR:
    case MPI_BYTE:
    case MPI_PACKED:
    case MPI_UINT8_T:
    case MPI_C_BOOL:
    case MPI_CXX_BOOL:
    case MPI_CHARACTER:
      return one(1, 1, Kind::kUnsigned);
    case MPI_WCHAR:
      return one(static_cast<int>(sizeof(wchar_t)), 2, Kind::kUnsigned);
    case MPI_SHORT:
    case MPI_INT16_T:
    case MPI_INTEGER2:
      return one(2, 2, Kind::kSigned);
    case MPI_UNSIGNED_SHORT:
    case MPI_UINT16_T:
      return one(2, 2, Kind::kUnsigned);
    case MPI_INT:
    case MPI_INT32_T:
    case MPI_INTEGER:
    case MPI_INTEGER4:
    case MPI_LOGICAL:
      return one(4, 4, Kind::kSigned);
    case MPI_UNSIGNED:
    case MPI_UINT32_T:
      return one(4, 4, Kind::kUnsigned);
    case MPI_LONG:
      return one(static_cast<int>(sizeof(long)), 4, Kind::kSigned);
    case MPI_UNSIGNED_LONG:
      return one(static_cast<int>(sizeof(long)), 4, Kind::kUnsigned);
    case MPI_LONG_LONG_INT:
    case MPI_INT64_T:
    case MPI_INTEGER8:
    case MPI_AINT:
    case MPI_OFFSET:
    case MPI_COUNT:
      return one(8, 8, Kind::kSigned);
    case MPI_UNSIGNED_LONG_LONG:
    case MPI_UINT64_T:
      return one(8, 8, Kind::kUnsigned);
    case MPI_FLOAT:
    case MPI_REAL:
    case MPI_REAL4:
      return one(4, 4, Kind::kFloat);
    case MPI_DOUBLE:
    case MPI_DOUBLE_PRECISION:
    case MPI_REAL8:
      return one(8, 8, Kind::kFloat);
    case MPI_LONG_DOUBLE:
    case MPI_REAL16:
      return one(static_cast<int>(sizeof(long double)), 16, Kind::kLongDouble);
    case MPI_COMPLEX:
    case MPI_C_FLOAT_COMPLEX:
    case MPI_CXX_FLOAT_COMPLEX:
    case MPI_COMPLEX8:
    case MPI_2REAL:
      return two(4, 4, 4, Kind::kFloat, Kind::kFloat);
    case MPI_DOUBLE_COMPLEX:
    case MPI_C_DOUBLE_COMPLEX:
    case MPI_CXX_DOUBLE_COMPLEX:
    case MPI_COMPLEX16:
    case MPI_2DOUBLE_PRECISION:
      return two(8, 8, 8, Kind::kFloat, Kind::kFloat);
    case MPI_C_LONG_DOUBLE_COMPLEX:
    case MPI_CXX_LONG_DOUBLE_COMPLEX:
    case MPI_COMPLEX32:
      return two(static_cast<int>(sizeof(long double)), static_cast<int>(sizeof(long double)),
                 static_cast<int>(sizeof(long double)), Kind::kLongDouble, Kind::kLongDouble);
    case MPI_2INT:
    case MPI_2INTEGER:
      return two(4, 4, 4, Kind::kSigned, Kind::kSigned);
    case MPI_FLOAT_INT:
      return two(4, 4, 4, Kind::kFloat, Kind::kSigned);
    case MPI_DOUBLE_INT:
      return two(8, 8, 4, Kind::kFloat, Kind::kSigned);
    case MPI_LONG_INT:
      f[0] = {0, static_cast<int>(sizeof(long)), 4, Kind::kSigned};
      f[1] = {static_cast<int>(sizeof(long)), 4, 4, Kind::kSigned};
      return 2;
    case MPI_SHORT_INT:  // native offsets are in the packed element (no padding)
      f[0] = {0, 2, 2, Kind::kSigned};
      f[1] = {2, 4, 4, Kind::kSigned};
      return 2;
    case MPI_LONG_DOUBLE_INT:
      f[0] = {0, static_cast<int>(sizeof(long double)), 16, Kind::kLongDouble};
      f[1] = {static_cast<int>(sizeof(long double)), 4, 4, Kind::kSigned};
      return 2;
    default:
      return 0;
  }
}

// Big-endian integer of `ext` bytes from a native (little-endian) one of `n` bytes, and back
// (sign- or zero-extending when widening).
void IntOut(const unsigned char* in, int n, unsigned char* out, int ext, bool is_signed) {
  uint64_t v = 0;
  memcpy(&v, in, static_cast<size_t>(n));
  if (is_signed && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t{0} << (8 * n);
  for (int i = 0; i < ext; ++i) out[ext - 1 - i] = static_cast<unsigned char>(v >> (8 * i));
}
void IntIn(const unsigned char* in, int ext, unsigned char* out, int n, bool is_signed) {
  uint64_t v = 0;
  for (int i = 0; i < ext; ++i) v |= static_cast<uint64_t>(in[ext - 1 - i]) << (8 * i);
  if (is_signed && ext < 8 && (v >> (8 * ext - 1)) & 1) v |= ~uint64_t{0} << (8 * ext);
  memcpy(out, &v, static_cast<size_t>(n));
}

// long double <-> IEEE binary128, big-endian. Where long double is binary128 already
// (aarch64 and riscv64 Linux: LDBL_MANT_DIG 113) only the byte order changes; otherwise it is
// x87 80-bit extended in 16 bytes (x86-64).
#if LDBL_MANT_DIG == 113
void LongDoubleOut(const unsigned char* in, unsigned char* out) {
  for (int i = 0; i < 16; ++i) out[i] = in[15 - i];
}
void LongDoubleIn(const unsigned char* in, unsigned char* out) {
  for (int i = 0; i < 16; ++i) out[i] = in[15 - i];
}
#else
void LongDoubleOut(const unsigned char* in, unsigned char* out) {
  uint64_t mant;
  uint16_t se;
  memcpy(&mant, in, 8);
  memcpy(&se, in + 8, 2);
  // binary128: sign+15-bit exponent (same bias), 112-bit fraction; x87's explicit integer bit
  // is dropped and its 63 fraction bits become the fraction's top bits.
  uint64_t frac = mant & 0x7fffffffffffffffull;
  uint64_t hi = (static_cast<uint64_t>(se) << 48) | (frac >> 15);
  uint64_t lo = frac << 49;
  for (int i = 0; i < 8; ++i) {
    out[7 - i] = static_cast<unsigned char>(hi >> (8 * i));
    out[15 - i] = static_cast<unsigned char>(lo >> (8 * i));
  }
}
void LongDoubleIn(const unsigned char* in, unsigned char* out) {
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) {
    hi |= static_cast<uint64_t>(in[7 - i]) << (8 * i);
    lo |= static_cast<uint64_t>(in[15 - i]) << (8 * i);
  }
  uint16_t se = static_cast<uint16_t>(hi >> 48);
  uint64_t frac = ((hi & 0xffffffffffffull) << 15) | (lo >> 49);
  uint64_t mant = frac | ((se & 0x7fff) != 0 ? 0x8000000000000000ull : 0);
  memset(out, 0, sizeof(long double));
  memcpy(out, &mant, 8);
  memcpy(out + 8, &se, 2);
}
#endif

void FieldOut(const Field& f, const unsigned char* in, unsigned char* out) {
  switch (f.kind) {
    case Kind::kSigned:
      IntOut(in, f.native_len, out, f.ext_len, true);
      break;
    case Kind::kUnsigned:
      IntOut(in, f.native_len, out, f.ext_len, false);
      break;
    case Kind::kFloat:
      for (int i = 0; i < f.ext_len; ++i) out[i] = in[f.native_len - 1 - i];
      break;
    case Kind::kLongDouble:
      LongDoubleOut(in, out);
      break;
  }
}
void FieldIn(const Field& f, const unsigned char* in, unsigned char* out) {
  switch (f.kind) {
    case Kind::kSigned:
      IntIn(in, f.ext_len, out, f.native_len, true);
      break;
    case Kind::kUnsigned:
      IntIn(in, f.ext_len, out, f.native_len, false);
      break;
    case Kind::kFloat:
      for (int i = 0; i < f.ext_len; ++i) out[f.native_len - 1 - i] = in[i];
      break;
    case Kind::kLongDouble:
      LongDoubleIn(in, out);
      break;
  }
}

template <bool kOut>
bool Convert(const Type& type, int64_t count, const unsigned char* src, unsigned char* dst) {
  bool ok = true;
  type.ForEachLeaf(count, [&](const Type& leaf, int64_t n) {
    Field f[2];
    int nf = Fields(leaf.leaf(), f);
    if (nf == 0) {
      ok = false;
      return;
    }
    int ext = 0;
    for (int i = 0; i < nf; ++i) ext += f[i].ext_len;
    const int64_t native = leaf.size();
    for (int64_t k = 0; k < n; ++k) {
      int at = 0;
      for (int i = 0; i < nf; ++i) {
        if (kOut) {
          FieldOut(f[i], src + f[i].native_off, dst + at);
        } else {
          FieldIn(f[i], src + at, dst + f[i].native_off);
        }
        at += f[i].ext_len;
      }
      src += kOut ? native : ext;
      dst += kOut ? ext : native;
    }
  });
  return ok;
}

}  // namespace

int64_t External32Size(int handle) {
  Field f[2];
  int nf = Fields(handle, f);
  int64_t n = 0;
  for (int i = 0; i < nf; ++i) n += f[i].ext_len;
  return n;
}

bool ToExternal32(const Type& type, int64_t count, const void* native, void* external) {
  return Convert<true>(type, count, static_cast<const unsigned char*>(native),
                       static_cast<unsigned char*>(external));
}

bool FromExternal32(const Type& type, int64_t count, const void* external, void* native) {
  return Convert<false>(type, count, static_cast<const unsigned char*>(external),
                        static_cast<unsigned char*>(native));
}

}  // namespace zmpi::datatype
