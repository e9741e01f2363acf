// Shared pieces of the algorithm tests: the sizes and deliveries every test sweeps, byte
// patterns, and reducers (one commutative over real ops, one deliberately non-commutative).
#ifndef ZMPI_TESTS_MPI_COLL_COLL_TEST_UTIL_H_
#define ZMPI_TESTS_MPI_COLL_COLL_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "mpi/coll/reducer.h"
#include "tests/mpi/coll/fake_links.h"

namespace zmpi::coll::testing {

inline const std::vector<int> kSizes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 16};
inline const std::vector<Delivery> kDeliveries = {Delivery::kEager, Delivery::kRendezvous};

inline const char* DeliveryName(Delivery d) {
  return d == Delivery::kEager ? "eager" : "rendezvous";
}

// The byte rank `rank` contributes at offset i (of its block `block`).
inline char Pattern(int rank, size_t i, int salt = 0) {
  return static_cast<char>((rank * 131 + i * 7 + salt * 29 + 3) & 0xff);
}

inline std::vector<char> PatternBuffer(int rank, size_t bytes, int salt = 0) {
  std::vector<char> v(bytes);
  for (size_t i = 0; i < bytes; ++i) v[i] = Pattern(rank, i, salt);
  return v;
}

// memcmp that accepts empty ranges (a zero-byte block's data() may be null, which memcmp may
// not be given).
inline bool SameBytes(const char* a, const char* b, size_t n) {
  return n == 0 || std::memcmp(a, b, n) == 0;
}

// Runs body on every rank of a fresh network; expects every rank OK and nothing left over.
template <typename Body>
void RunAll(int size, Delivery delivery, const Body& body) {
  FakeNetwork net(size, delivery);
  std::vector<Status> results = net.Run(body);
  for (int r = 0; r < size; ++r) {
    EXPECT_TRUE(results[r].ok()) << "rank " << r << ": " << results[r].ToString();
  }
  EXPECT_EQ(net.Undelivered(), 0u);
}

// x -> a*x + b over uint32: composition is associative but not commutative, so any change
// of operand order shows up in the result.
struct Affine {
  uint32_t a;
  uint32_t b;
  bool operator==(const Affine& o) const { return a == o.a && b == o.b; }
};

// (f op g) = first f, then g.
inline Affine Compose(Affine f, Affine g) { return {g.a * f.a, g.a * f.b + g.b}; }

inline Affine AffineOf(int rank, size_t i) {
  return {static_cast<uint32_t>(2 * ((rank * 31 + i * 17) % 1000) + 1),
          static_cast<uint32_t>(rank * 7 + i)};
}

class AffineReducer final : public Reducer {
 public:
  size_t elem_size() const override { return sizeof(Affine); }
  bool commutative() const override { return false; }
  void Apply(const void* in, void* inout, size_t count) const override {
    const Affine* a = static_cast<const Affine*>(in);
    Affine* b = static_cast<Affine*>(inout);
    for (size_t i = 0; i < count; ++i) b[i] = Compose(a[i], b[i]);
  }
};

inline std::vector<Affine> AffineInput(int rank, size_t count) {
  std::vector<Affine> v(count);
  for (size_t i = 0; i < count; ++i) v[i] = AffineOf(rank, i);
  return v;
}

// rank 0 op rank 1 op ... op rank size-1.
inline std::vector<Affine> AffineExpected(int size, size_t count) {
  std::vector<Affine> v = AffineInput(0, count);
  for (int r = 1; r < size; ++r) {
    for (size_t i = 0; i < count; ++i) v[i] = Compose(v[i], AffineOf(r, i));
  }
  return v;
}

}  // namespace zmpi::coll::testing

#endif  // ZMPI_TESTS_MPI_COLL_COLL_TEST_UTIL_H_
