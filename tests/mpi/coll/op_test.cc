#include "mpi/core/op.h"

#include <gtest/gtest.h>

#include <chrono>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace zmpi::core {
namespace {

using BK = BaseKind;

// Families of the MPI standard's op/type table.
enum class Family {
  kCInt,
  kFortranInt,
  kMultiLang,
  kFloat,
  kComplex,
  kLogical,
  kByte,
  kPair,
  kOpaque
};

struct TypeCase {
  Datatype type;
  Family family;
};

#define T(h, ctype, kind, fam) \
  { {h, #h, sizeof(ctype), sizeof(ctype), BK::kind}, Family::fam }

struct FloatInt {
  float v;
  int i;
};
struct DoubleInt {
  double v;
  int i;
};
struct LongInt {
  long v;
  int i;
};
struct ShortInt {
  short v;
  int i;
};
struct LongDoubleInt {
  long double v;
  int i;
};

const TypeCase kTypes[] = {
    T(MPI_CHAR, char, kSignedInt, kCInt),
    T(MPI_SIGNED_CHAR, signed char, kSignedInt, kCInt),
    T(MPI_UNSIGNED_CHAR, unsigned char, kUnsignedInt, kCInt),
    T(MPI_SHORT, short, kSignedInt, kCInt),
    T(MPI_UNSIGNED_SHORT, unsigned short, kUnsignedInt, kCInt),
    T(MPI_INT, int, kSignedInt, kCInt),
    T(MPI_UNSIGNED, unsigned, kUnsignedInt, kCInt),
    T(MPI_LONG, long, kSignedInt, kCInt),
    T(MPI_UNSIGNED_LONG, unsigned long, kUnsignedInt, kCInt),
    T(MPI_LONG_LONG_INT, long long, kSignedInt, kCInt),
    T(MPI_UNSIGNED_LONG_LONG, unsigned long long, kUnsignedInt, kCInt),
    T(MPI_INT8_T, int8_t, kSignedInt, kCInt),
    T(MPI_INT16_T, int16_t, kSignedInt, kCInt),
    T(MPI_INT32_T, int32_t, kSignedInt, kCInt),
    T(MPI_INT64_T, int64_t, kSignedInt, kCInt),
    T(MPI_UINT8_T, uint8_t, kUnsignedInt, kCInt),
    T(MPI_UINT16_T, uint16_t, kUnsignedInt, kCInt),
    T(MPI_UINT32_T, uint32_t, kUnsignedInt, kCInt),
    T(MPI_UINT64_T, uint64_t, kUnsignedInt, kCInt),
    T(MPI_AINT, MPI_Aint, kSignedInt, kMultiLang),
    T(MPI_OFFSET, MPI_Offset, kSignedInt, kMultiLang),
    T(MPI_COUNT, MPI_Count, kSignedInt, kMultiLang),
    T(MPI_INTEGER, int, kSignedInt, kFortranInt),
    T(MPI_INTEGER1, int8_t, kSignedInt, kFortranInt),
    T(MPI_INTEGER2, int16_t, kSignedInt, kFortranInt),
    T(MPI_INTEGER4, int32_t, kSignedInt, kFortranInt),
    T(MPI_INTEGER8, int64_t, kSignedInt, kFortranInt),
    T(MPI_FLOAT, float, kFloat, kFloat),
    T(MPI_DOUBLE, double, kFloat, kFloat),
    T(MPI_LONG_DOUBLE, long double, kFloat, kFloat),
    T(MPI_REAL, float, kFloat, kFloat),
    T(MPI_DOUBLE_PRECISION, double, kFloat, kFloat),
    T(MPI_REAL4, float, kFloat, kFloat),
    T(MPI_REAL8, double, kFloat, kFloat),
    T(MPI_REAL16, long double, kFloat, kFloat),
    T(MPI_C_FLOAT_COMPLEX, std::complex<float>, kComplex, kComplex),
    T(MPI_C_DOUBLE_COMPLEX, std::complex<double>, kComplex, kComplex),
    T(MPI_C_LONG_DOUBLE_COMPLEX, std::complex<long double>, kComplex, kComplex),
    T(MPI_CXX_FLOAT_COMPLEX, std::complex<float>, kComplex, kComplex),
    T(MPI_CXX_DOUBLE_COMPLEX, std::complex<double>, kComplex, kComplex),
    T(MPI_CXX_LONG_DOUBLE_COMPLEX, std::complex<long double>, kComplex, kComplex),
    T(MPI_COMPLEX, std::complex<float>, kComplex, kComplex),
    T(MPI_DOUBLE_COMPLEX, std::complex<double>, kComplex, kComplex),
    T(MPI_COMPLEX8, std::complex<float>, kComplex, kComplex),
    T(MPI_COMPLEX16, std::complex<double>, kComplex, kComplex),
    T(MPI_COMPLEX32, std::complex<long double>, kComplex, kComplex),
    T(MPI_C_BOOL, bool, kBool, kLogical),
    T(MPI_CXX_BOOL, bool, kBool, kLogical),
    T(MPI_LOGICAL, int, kBool, kLogical),
    T(MPI_BYTE, unsigned char, kUnsignedInt, kByte),
    T(MPI_FLOAT_INT, FloatInt, kPair, kPair),
    T(MPI_DOUBLE_INT, DoubleInt, kPair, kPair),
    T(MPI_LONG_INT, LongInt, kPair, kPair),
    T(MPI_SHORT_INT, ShortInt, kPair, kPair),
    T(MPI_2INT, int[2], kPair, kPair),
    T(MPI_LONG_DOUBLE_INT, LongDoubleInt, kPair, kPair),
    T(MPI_2INTEGER, int[2], kPair, kPair),
    T(MPI_2REAL, float[2], kPair, kPair),
    T(MPI_2DOUBLE_PRECISION, double[2], kPair, kPair),
    T(MPI_PACKED, unsigned char, kUnsignedInt, kOpaque),
    T(MPI_WCHAR, wchar_t, kOther, kOpaque),
    T(MPI_CHARACTER, char, kOther, kOpaque),
};
#undef T

const MPI_Op kOps[] = {MPI_MAX, MPI_MIN,  MPI_SUM,  MPI_PROD,   MPI_LAND,   MPI_BAND,    MPI_LOR,
                       MPI_BOR, MPI_LXOR, MPI_BXOR, MPI_MINLOC, MPI_MAXLOC, MPI_REPLACE, MPI_NO_OP};
const char* const kOpNames[] = {"MPI_MAX",    "MPI_MIN",    "MPI_SUM",     "MPI_PROD", "MPI_LAND",
                                "MPI_BAND",   "MPI_LOR",    "MPI_BOR",     "MPI_LXOR", "MPI_BXOR",
                                "MPI_MINLOC", "MPI_MAXLOC", "MPI_REPLACE", "MPI_NO_OP"};

// The standard's table (MPI 4.1, 6.9.2), plus logical ops on Fortran integers.
bool Allowed(MPI_Op op, Family f) {
  if (op == MPI_REPLACE || op == MPI_NO_OP) return true;
  bool integer = f == Family::kCInt || f == Family::kFortranInt || f == Family::kMultiLang;
  switch (op) {
    case MPI_MAX:
    case MPI_MIN:
      return integer || f == Family::kFloat;
    case MPI_SUM:
    case MPI_PROD:
      return integer || f == Family::kFloat || f == Family::kComplex;
    case MPI_LAND:
    case MPI_LOR:
    case MPI_LXOR:
      return integer || f == Family::kLogical;
    case MPI_BAND:
    case MPI_BOR:
    case MPI_BXOR:
      return integer || f == Family::kByte;
    case MPI_MINLOC:
    case MPI_MAXLOC:
      return f == Family::kPair;
    default:
      return false;
  }
}

TEST(OpTest, PredefinedOps) {
  for (MPI_Op op : kOps) EXPECT_TRUE(IsPredefinedOp(op));
  EXPECT_FALSE(IsPredefinedOp(MPI_OP_NULL));
  EXPECT_FALSE(IsPredefinedOp(0x5800000f));
  EXPECT_FALSE(IsPredefinedOp(0x58000000));
}

TEST(OpTest, CheckOpTypeFollowsTheStandardTable) {
  for (const TypeCase& t : kTypes) {
    for (size_t o = 0; o < std::size(kOps); ++o) {
      Status s = CheckOpType(kOps[o], t.type);
      if (Allowed(kOps[o], t.family)) {
        EXPECT_TRUE(s.ok()) << kOpNames[o] << " on " << t.type.name << ": " << s.ToString();
      } else {
        EXPECT_EQ(s.code(), Code::kOp) << kOpNames[o] << " on " << t.type.name;
        EXPECT_NE(s.message().find(kOpNames[o]), std::string::npos) << s.message();
        EXPECT_NE(s.message().find(t.type.name), std::string::npos) << s.message();
      }
    }
  }
}

TEST(OpTest, ErrorsNameOpAndType) {
  Datatype dbl{MPI_DOUBLE, "MPI_DOUBLE", 8, 8, BK::kFloat};
  Status s = CheckOpType(MPI_BAND, dbl);
  EXPECT_EQ(s.code(), Code::kOp);
  EXPECT_EQ(s.message(), "MPI_BAND is not defined on datatype MPI_DOUBLE");
  double a = 1, b = 2;
  EXPECT_EQ(ApplyOp(MPI_BAND, dbl, &a, &b, 1).code(), Code::kOp);
  EXPECT_EQ(b, 2);  // nothing touched
  EXPECT_EQ(CheckOpType(MPI_OP_NULL, dbl).code(), Code::kOp);
  EXPECT_EQ(CheckOpType(0x12345, dbl).code(), Code::kOp);
  Datatype unknown{MPI_DATATYPE_NULL, "MPI_DATATYPE_NULL", 0, 0, BK::kOther};
  EXPECT_EQ(CheckOpType(MPI_SUM, unknown).code(), Code::kOp);
  Datatype derived{static_cast<MPI_Datatype>(0x8c000010), "derived", 4, 4, BK::kOther};
  EXPECT_EQ(CheckOpType(MPI_SUM, derived).code(), Code::kOp);
}

const TypeCase& Find(MPI_Datatype h) {
  for (const TypeCase& t : kTypes) {
    if (t.type.handle == h) return t;
  }
  ADD_FAILURE() << "no type " << h;
  return kTypes[0];
}

// Reference results computed in a wide type and narrowed the way the kernel must wrap.
template <typename T>
void CheckInteger(MPI_Datatype h) {
  const Datatype& type = Find(h).type;
  SCOPED_TRACE(type.name);
  ASSERT_EQ(type.size, sizeof(T));
  std::vector<T> a, b;
  const long long samples[] = {0,      1,     -1,      2,          3,          7,
                               100,    -100,  127,     -128,       255,        30000,
                               -30000, 65535, 1 << 20, -(1 << 20), 0x7fffffff, 0x12345678};
  for (long long x : samples) {
    for (long long y : samples) {
      a.push_back(static_cast<T>(x));
      b.push_back(static_cast<T>(y * 3 + 1));
    }
  }
  auto run = [&](MPI_Op op, auto ref) {
    std::vector<T> out = b;
    ASSERT_TRUE(ApplyOp(op, type, a.data(), out.data(), a.size()).ok());
    for (size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(out[i], static_cast<T>(ref(a[i], b[i])))
          << "op " << op << " on " << +a[i] << ", " << +b[i];
    }
  };
  using U = unsigned long long;
  run(MPI_MAX, [](T x, T y) { return x > y ? x : y; });
  run(MPI_MIN, [](T x, T y) { return x < y ? x : y; });
  run(MPI_SUM, [](T x, T y) { return static_cast<U>(x) + static_cast<U>(y); });
  run(MPI_PROD, [](T x, T y) { return static_cast<U>(x) * static_cast<U>(y); });
  run(MPI_LAND, [](T x, T y) { return x != 0 && y != 0; });
  run(MPI_LOR, [](T x, T y) { return x != 0 || y != 0; });
  run(MPI_LXOR, [](T x, T y) { return (x != 0) != (y != 0); });
  run(MPI_BAND, [](T x, T y) { return static_cast<U>(x) & static_cast<U>(y); });
  run(MPI_BOR, [](T x, T y) { return static_cast<U>(x) | static_cast<U>(y); });
  run(MPI_BXOR, [](T x, T y) { return static_cast<U>(x) ^ static_cast<U>(y); });
  run(MPI_REPLACE, [](T x, T) { return x; });
  run(MPI_NO_OP, [](T, T y) { return y; });
}

TEST(OpTest, IntegerKernels) {
  CheckInteger<char>(MPI_CHAR);
  CheckInteger<signed char>(MPI_SIGNED_CHAR);
  CheckInteger<unsigned char>(MPI_UNSIGNED_CHAR);
  CheckInteger<short>(MPI_SHORT);
  CheckInteger<unsigned short>(MPI_UNSIGNED_SHORT);
  CheckInteger<int>(MPI_INT);
  CheckInteger<unsigned>(MPI_UNSIGNED);
  CheckInteger<long>(MPI_LONG);
  CheckInteger<unsigned long>(MPI_UNSIGNED_LONG);
  CheckInteger<long long>(MPI_LONG_LONG_INT);
  CheckInteger<unsigned long long>(MPI_UNSIGNED_LONG_LONG);
  CheckInteger<int8_t>(MPI_INT8_T);
  CheckInteger<int16_t>(MPI_INT16_T);
  CheckInteger<int32_t>(MPI_INT32_T);
  CheckInteger<int64_t>(MPI_INT64_T);
  CheckInteger<uint8_t>(MPI_UINT8_T);
  CheckInteger<uint16_t>(MPI_UINT16_T);
  CheckInteger<uint32_t>(MPI_UINT32_T);
  CheckInteger<uint64_t>(MPI_UINT64_T);
  CheckInteger<MPI_Aint>(MPI_AINT);
  CheckInteger<MPI_Offset>(MPI_OFFSET);
  CheckInteger<MPI_Count>(MPI_COUNT);
  CheckInteger<int>(MPI_INTEGER);
  CheckInteger<int8_t>(MPI_INTEGER1);
  CheckInteger<int16_t>(MPI_INTEGER2);
  CheckInteger<int32_t>(MPI_INTEGER4);
  CheckInteger<int64_t>(MPI_INTEGER8);
}

TEST(OpTest, SignedSumWraps) {
  const Datatype& type = Find(MPI_INT).type;
  int a = std::numeric_limits<int>::max();
  int b = 1;
  ASSERT_TRUE(ApplyOp(MPI_SUM, type, &a, &b, 1).ok());
  EXPECT_EQ(b, std::numeric_limits<int>::min());
}

template <typename T>
void CheckFloat(MPI_Datatype h) {
  const Datatype& type = Find(h).type;
  SCOPED_TRACE(type.name);
  std::vector<T> a = {0, 1.5, -2.25, 1e10, -0.0, 3, 7.75};
  std::vector<T> b = {1, -1.5, -2.5, 1e-10, 0.0, 3, 0.125};
  auto run = [&](MPI_Op op, auto ref) {
    std::vector<T> out = b;
    ASSERT_TRUE(ApplyOp(op, type, a.data(), out.data(), a.size()).ok());
    for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(out[i], ref(a[i], b[i])) << "op " << op;
  };
  run(MPI_MAX, [](T x, T y) { return x > y ? x : y; });
  run(MPI_MIN, [](T x, T y) { return x < y ? x : y; });
  run(MPI_SUM, [](T x, T y) { return x + y; });
  run(MPI_PROD, [](T x, T y) { return x * y; });
  run(MPI_REPLACE, [](T x, T) { return x; });
}

// Long vectors (the vector body of every build of the loops, AVX2 where the CPU has it, and
// odd tails) with NaNs, infinities and signed zeros in every lane: the same bits as the
// scalar expression of each op.
template <typename T>
void CheckFloatLanes(MPI_Datatype h) {
  const Datatype& type = Find(h).type;
  SCOPED_TRACE(type.name);
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const T inf = std::numeric_limits<T>::infinity();
  const T values[] = {nan, -inf, -2.5, -0.0, 0.0, 1.0, 3.75, inf, 1e30, -1e-30, nan};
  const size_t kinds = sizeof(values) / sizeof(values[0]);
  for (size_t n : {size_t{37}, size_t{121}, size_t{1000}}) {
    std::vector<T> a(n), b(n);
    for (size_t i = 0; i < n; ++i) {
      a[i] = values[i % kinds];
      b[i] = values[(i / kinds + 3 * i) % kinds];
    }
    auto run = [&](MPI_Op op, auto ref) {
      std::vector<T> out = b;
      ASSERT_TRUE(ApplyOp(op, type, a.data(), out.data(), n).ok());
      for (size_t i = 0; i < n; ++i) {
        T want = ref(a[i], b[i]);
        ASSERT_EQ(std::memcmp(&out[i], &want, sizeof(T)), 0)
            << "op " << op << " at " << i << " of " << n << ": " << a[i] << ", " << b[i]
            << " gave " << out[i] << ", want " << want;
      }
    };
    run(MPI_MAX, [](T x, T y) { return x > y ? x : y; });
    run(MPI_MIN, [](T x, T y) { return x < y ? x : y; });
    run(MPI_SUM, [](T x, T y) { return x + y; });
    run(MPI_PROD, [](T x, T y) { return x * y; });
  }
}

TEST(OpTest, FloatKernelsKeepScalarResultsInEveryLane) {
  CheckFloatLanes<float>(MPI_FLOAT);
  CheckFloatLanes<double>(MPI_DOUBLE);
}

TEST(OpTest, FloatKernels) {
  CheckFloat<float>(MPI_FLOAT);
  CheckFloat<double>(MPI_DOUBLE);
  CheckFloat<long double>(MPI_LONG_DOUBLE);
  CheckFloat<float>(MPI_REAL);
  CheckFloat<double>(MPI_DOUBLE_PRECISION);
  CheckFloat<float>(MPI_REAL4);
  CheckFloat<double>(MPI_REAL8);
  CheckFloat<long double>(MPI_REAL16);
}

template <typename C>
void CheckComplex(MPI_Datatype h) {
  const Datatype& type = Find(h).type;
  SCOPED_TRACE(type.name);
  std::vector<C> a = {{1, 2}, {-3, 0.5}, {0, 0}};
  std::vector<C> b = {{4, -1}, {2, 2}, {1, 1}};
  std::vector<C> sum = b, prod = b;
  ASSERT_TRUE(ApplyOp(MPI_SUM, type, a.data(), sum.data(), a.size()).ok());
  ASSERT_TRUE(ApplyOp(MPI_PROD, type, a.data(), prod.data(), a.size()).ok());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(sum[i], a[i] + b[i]);
    EXPECT_EQ(prod[i], a[i] * b[i]);
  }
}

TEST(OpTest, ComplexKernels) {
  CheckComplex<std::complex<float>>(MPI_C_FLOAT_COMPLEX);
  CheckComplex<std::complex<double>>(MPI_C_DOUBLE_COMPLEX);
  CheckComplex<std::complex<long double>>(MPI_C_LONG_DOUBLE_COMPLEX);
  CheckComplex<std::complex<float>>(MPI_CXX_FLOAT_COMPLEX);
  CheckComplex<std::complex<double>>(MPI_CXX_DOUBLE_COMPLEX);
  CheckComplex<std::complex<long double>>(MPI_CXX_LONG_DOUBLE_COMPLEX);
  CheckComplex<std::complex<float>>(MPI_COMPLEX);
  CheckComplex<std::complex<double>>(MPI_DOUBLE_COMPLEX);
  CheckComplex<std::complex<float>>(MPI_COMPLEX8);
  CheckComplex<std::complex<double>>(MPI_COMPLEX16);
  CheckComplex<std::complex<long double>>(MPI_COMPLEX32);
}

TEST(OpTest, LogicalKernels) {
  const bool a[4] = {false, false, true, true};
  const bool b[4] = {false, true, false, true};
  for (MPI_Datatype h : {MPI_C_BOOL, MPI_CXX_BOOL}) {
    const Datatype& type = Find(h).type;
    bool land[4], lor[4], lxor[4];
    std::memcpy(land, b, 4);
    std::memcpy(lor, b, 4);
    std::memcpy(lxor, b, 4);
    ASSERT_TRUE(ApplyOp(MPI_LAND, type, a, land, 4).ok());
    ASSERT_TRUE(ApplyOp(MPI_LOR, type, a, lor, 4).ok());
    ASSERT_TRUE(ApplyOp(MPI_LXOR, type, a, lxor, 4).ok());
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(land[i], a[i] && b[i]);
      EXPECT_EQ(lor[i], a[i] || b[i]);
      EXPECT_EQ(lxor[i], a[i] != b[i]);
    }
  }
  // Fortran LOGICAL: any non-zero is true; results are 0 or 1.
  const Datatype& logical = Find(MPI_LOGICAL).type;
  int fa[4] = {0, 0, 5, -1};
  int fb[4] = {0, 7, 0, 1};
  ASSERT_TRUE(ApplyOp(MPI_LAND, logical, fa, fb, 4).ok());
  EXPECT_EQ(std::vector<int>(fb, fb + 4), (std::vector<int>{0, 0, 0, 1}));
}

TEST(OpTest, ByteKernels) {
  const Datatype& type = Find(MPI_BYTE).type;
  unsigned char a[3] = {0xf0, 0x0f, 0xaa};
  unsigned char band[3] = {0xff, 0xff, 0x55};
  unsigned char bor[3] = {0x01, 0x00, 0x55};
  unsigned char bxor[3] = {0xff, 0x0f, 0xff};
  ASSERT_TRUE(ApplyOp(MPI_BAND, type, a, band, 3).ok());
  ASSERT_TRUE(ApplyOp(MPI_BOR, type, a, bor, 3).ok());
  ASSERT_TRUE(ApplyOp(MPI_BXOR, type, a, bxor, 3).ok());
  EXPECT_EQ(band[0], 0xf0);
  EXPECT_EQ(band[1], 0x0f);
  EXPECT_EQ(band[2], 0x00);
  EXPECT_EQ(bor[0], 0xf1);
  EXPECT_EQ(bor[1], 0x0f);
  EXPECT_EQ(bor[2], 0xff);
  EXPECT_EQ(bxor[0], 0x0f);
  EXPECT_EQ(bxor[1], 0x00);
  EXPECT_EQ(bxor[2], 0x55);
}

// MINLOC/MAXLOC: the better value wins; on a tie the smaller index, in either operand order.
template <typename P, typename V, typename I>
void CheckPair(MPI_Datatype h) {
  const Datatype& type = Find(h).type;
  SCOPED_TRACE(type.name);
  ASSERT_EQ(type.size, sizeof(P));
  auto make = [](V v, I i) {
    P p{};
    p.v = v;
    p.i = i;
    return p;
  };
  std::vector<P> a = {make(1, 5), make(4, 2), make(3, 9), make(3, 1), make(-2, 0)};
  std::vector<P> b = {make(2, 1), make(4, 7), make(3, 4), make(3, 6), make(-2, 0)};
  std::vector<P> mx = b, mn = b;
  ASSERT_TRUE(ApplyOp(MPI_MAXLOC, type, a.data(), mx.data(), a.size()).ok());
  ASSERT_TRUE(ApplyOp(MPI_MINLOC, type, a.data(), mn.data(), a.size()).ok());
  const V max_v[] = {2, 4, 3, 3, -2};
  const I max_i[] = {1, 2, 4, 1, 0};
  const V min_v[] = {1, 4, 3, 3, -2};
  const I min_i[] = {5, 2, 4, 1, 0};
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(mx[k].v, max_v[k]) << k;
    EXPECT_EQ(mx[k].i, max_i[k]) << k;
    EXPECT_EQ(mn[k].v, min_v[k]) << k;
    EXPECT_EQ(mn[k].i, min_i[k]) << k;
  }
}

template <typename V, typename I>
struct P {
  V v;
  I i;
};

TEST(OpTest, PairKernels) {
  CheckPair<P<float, int>, float, int>(MPI_FLOAT_INT);
  CheckPair<P<double, int>, double, int>(MPI_DOUBLE_INT);
  CheckPair<P<long, int>, long, int>(MPI_LONG_INT);
  CheckPair<P<short, int>, short, int>(MPI_SHORT_INT);
  CheckPair<P<int, int>, int, int>(MPI_2INT);
  CheckPair<P<long double, int>, long double, int>(MPI_LONG_DOUBLE_INT);
  CheckPair<P<int, int>, int, int>(MPI_2INTEGER);
  CheckPair<P<float, float>, float, float>(MPI_2REAL);
  CheckPair<P<double, double>, double, double>(MPI_2DOUBLE_PRECISION);
}

TEST(OpTest, ReplaceAndNoOpOnAnyType) {
  for (const TypeCase& t : kTypes) {
    std::vector<char> in(3 * t.type.size, 'a');
    std::vector<char> out(3 * t.type.size, 'b');
    ASSERT_TRUE(ApplyOp(MPI_NO_OP, t.type, in.data(), out.data(), 3).ok());
    EXPECT_EQ(out, std::vector<char>(3 * t.type.size, 'b')) << t.type.name;
    ASSERT_TRUE(ApplyOp(MPI_REPLACE, t.type, in.data(), out.data(), 3).ok());
    EXPECT_EQ(out, in) << t.type.name;
  }
}

TEST(OpTest, ZeroCountTouchesNothing) {
  const Datatype& type = Find(MPI_DOUBLE).type;
  EXPECT_TRUE(ApplyOp(MPI_SUM, type, nullptr, nullptr, 0).ok());
}

// Not a timing threshold: prints the throughput of the hot kernels for the record.
TEST(OpTest, KernelThroughput) {
  const Datatype& dbl = Find(MPI_DOUBLE).type;
  const Datatype& in = Find(MPI_INT).type;
  for (size_t n : {size_t{1} << 13, size_t{1} << 20}) {
    std::vector<double> a(n, 1.0), b(n, 2.0);
    std::vector<int> ia(n, 3), ib(n, 4);
    const int reps = n < 100000 ? 2000 : 20;
    auto time = [&](auto fn) {
      auto t0 = std::chrono::steady_clock::now();
      for (int k = 0; k < reps; ++k) fn();
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps;
    };
    double t_sum = time([&] { ASSERT_TRUE(ApplyOp(MPI_SUM, dbl, a.data(), b.data(), n).ok()); });
    double t_max = time([&] { ASSERT_TRUE(ApplyOp(MPI_MAX, dbl, a.data(), b.data(), n).ok()); });
    double t_isum = time([&] { ASSERT_TRUE(ApplyOp(MPI_SUM, in, ia.data(), ib.data(), n).ok()); });
    EXPECT_EQ(b[0], 2.0 + reps);  // sums of 1, then max with 1
    EXPECT_EQ(ib[n - 1], 4 + 3 * reps);
    printf(
        "%zu elements: MPI_SUM double %.2f GB/s, MPI_MAX double %.2f GB/s, MPI_SUM int "
        "%.2f GB/s (bytes of inout per second)\n",
        n, n * 8 / t_sum / 1e9, n * 8 / t_max / 1e9, n * 4 / t_isum / 1e9);
  }
}

}  // namespace
}  // namespace zmpi::core
