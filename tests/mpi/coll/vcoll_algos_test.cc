// The v-collective, scan and reduce-scatter algorithms over the in-memory fake: blocks of
// different sizes (some empty) in scrambled order, every root, in place, both deliveries.
#include <cstring>

#include "mpi/coll/allgatherv.h"
#include "mpi/coll/alltoallv.h"
#include "mpi/coll/gatherv.h"
#include "mpi/coll/reduce_scatter.h"
#include "mpi/coll/scan.h"
#include "tests/mpi/coll/coll_test_util.h"

namespace zmpi::coll::testing {
namespace {

// Bytes of rank i's block (some zero), and a layout with the blocks in reverse rank order and
// a gap after each.
size_t BlockBytes(int i, int salt) { return static_cast<size_t>((i * 5 + salt) % 7) * 3; }

struct Layout {
  std::vector<size_t> bytes;
  std::vector<ptrdiff_t> offsets;
  size_t span = 0;
};

Layout MakeLayout(int p, int salt) {
  Layout l;
  l.bytes.resize(p);
  l.offsets.resize(p);
  for (int i = p - 1; i >= 0; --i) {
    l.bytes[i] = BlockBytes(i, salt);
    l.offsets[i] = static_cast<ptrdiff_t>(l.span);
    l.span += l.bytes[i] + 2;
  }
  return l;
}

VBlocks BlocksOf(std::vector<char>& buf, const Layout& l) {
  return {buf.data(), l.bytes.data(), l.offsets.data()};
}

TEST(GathervTest, EveryRootAndSize) {
  for (Delivery d : kDeliveries) {
    for (int p : kSizes) {
      for (int root = 0; root < p; ++root) {
        for (bool in_place : {false, true}) {
          SCOPED_TRACE(std::to_string(p) + " ranks root " + std::to_string(root) +
                       (in_place ? " in place " : " ") + DeliveryName(d));
          Layout l = MakeLayout(p, root);
          std::vector<char> out(l.span, '\xee');
          std::vector<char> expected(l.span, '\xee');
          for (int i = 0; i < p; ++i) {
            std::vector<char> b = PatternBuffer(i, l.bytes[i]);
            std::copy(b.begin(), b.end(), expected.begin() + l.offsets[i]);
          }
          if (in_place) {
            std::copy(expected.begin() + l.offsets[root],
                      expected.begin() + l.offsets[root] + l.bytes[root],
                      out.begin() + l.offsets[root]);
          }
          RunAll(p, d, [&](Links& links) {
            int r = links.rank();
            std::vector<char> mine = PatternBuffer(r, l.bytes[r]);
            const void* send = in_place && r == root ? MPI_IN_PLACE : mine.data();
            return LinearGatherv(links, send, l.bytes[r], r == root ? BlocksOf(out, l) : VBlocks{},
                                 root, 3);
          });
          EXPECT_TRUE(out == expected);
        }
      }
    }
  }
}

TEST(ScattervTest, EveryRootAndSize) {
  for (Delivery d : kDeliveries) {
    for (int p : kSizes) {
      for (int root = 0; root < p; ++root) {
        SCOPED_TRACE(std::to_string(p) + " ranks root " + std::to_string(root) + " " +
                     DeliveryName(d));
        Layout l = MakeLayout(p, root + 1);
        std::vector<char> in(l.span, '\x11');
        for (int i = 0; i < p; ++i) {
          std::vector<char> b = PatternBuffer(i, l.bytes[i], 4);
          std::copy(b.begin(), b.end(), in.begin() + l.offsets[i]);
        }
        std::vector<std::vector<char>> out(p);
        for (int i = 0; i < p; ++i) out[i].assign(l.bytes[i], '\xee');
        RunAll(p, d, [&](Links& links) {
          int r = links.rank();
          return LinearScatterv(links, r == root ? BlocksOf(in, l) : VBlocks{}, out[r].data(),
                                l.bytes[r], root, 3);
        });
        for (int i = 0; i < p; ++i) {
          EXPECT_TRUE(out[i] == PatternBuffer(i, l.bytes[i], 4)) << "rank " << i;
        }
      }
    }
  }
}

using AllgathervFn = Status (*)(Links&, const void*, const VBlocks&, int);

TEST(AllgathervTest, EveryAlgorithm) {
  const std::pair<const char*, AllgathervFn> algos[] = {
      {"direct", DirectAllgatherv}, {"bruck", BruckAllgatherv}, {"ring", RingAllgatherv}};
  for (const auto& [name, fn] : algos) {
    for (Delivery d : kDeliveries) {
      for (int p : kSizes) {
        for (bool in_place : {false, true}) {
          SCOPED_TRACE(std::string(name) + " " + std::to_string(p) + " ranks" +
                       (in_place ? " in place " : " ") + DeliveryName(d));
          Layout l = MakeLayout(p, p);
          std::vector<char> expected(l.span, '\xee');
          for (int i = 0; i < p; ++i) {
            std::vector<char> b = PatternBuffer(i, l.bytes[i]);
            std::copy(b.begin(), b.end(), expected.begin() + l.offsets[i]);
          }
          std::vector<std::vector<char>> out(p, std::vector<char>(l.span, '\xee'));
          if (in_place) {
            for (int r = 0; r < p; ++r) {
              std::copy(expected.begin() + l.offsets[r],
                        expected.begin() + l.offsets[r] + l.bytes[r],
                        out[r].begin() + l.offsets[r]);
            }
          }
          RunAll(p, d, [&](Links& links) {
            int r = links.rank();
            std::vector<char> mine = PatternBuffer(r, l.bytes[r]);
            return fn(links, in_place ? MPI_IN_PLACE : mine.data(), BlocksOf(out[r], l), 9);
          });
          for (int r = 0; r < p; ++r) EXPECT_TRUE(out[r] == expected) << "rank " << r;
        }
      }
    }
  }
}

TEST(AlltoallvTest, WindowsAndInPlace) {
  for (int window : {1, 3, 32}) {
    for (Delivery d : kDeliveries) {
      for (int p : kSizes) {
        for (bool in_place : {false, true}) {
          SCOPED_TRACE(std::to_string(p) + " ranks window " + std::to_string(window) +
                       (in_place ? " in place " : " ") + DeliveryName(d));
          // Block (i -> j) has BlockBytes(i + j) bytes; rank r's send layout and receive
          // layout differ unless in place (where both are the receive layout).
          std::vector<Layout> send_l(p), recv_l(p);
          for (int r = 0; r < p; ++r) {
            for (auto* l : {&send_l[r], &recv_l[r]}) {
              l->bytes.assign(p, 0);
              l->offsets.assign(p, 0);
            }
            size_t s = 0, q = 0;
            for (int j = p - 1; j >= 0; --j) {
              send_l[r].bytes[j] = BlockBytes(r + j, 1);
              send_l[r].offsets[j] = static_cast<ptrdiff_t>(s);
              s += send_l[r].bytes[j] + 1;
            }
            for (int j = 0; j < p; ++j) {
              recv_l[r].bytes[j] = BlockBytes(j + r, 1);
              recv_l[r].offsets[j] = static_cast<ptrdiff_t>(q);
              q += recv_l[r].bytes[j] + 3;
            }
            send_l[r].span = s;
            recv_l[r].span = q;
          }
          std::vector<std::vector<char>> in(p), out(p);
          for (int r = 0; r < p; ++r) {
            const Layout& sl = in_place ? recv_l[r] : send_l[r];
            in[r].assign(sl.span, '\x11');
            for (int j = 0; j < p; ++j) {
              std::vector<char> b = PatternBuffer(r, sl.bytes[j], j);
              std::copy(b.begin(), b.end(), in[r].begin() + sl.offsets[j]);
            }
            out[r] = in_place ? in[r] : std::vector<char>(recv_l[r].span, '\xee');
          }
          RunAll(p, d, [&](Links& links) {
            int r = links.rank();
            VBlocks send = in_place ? VBlocks{static_cast<char*>(const_cast<void*>(MPI_IN_PLACE))}
                                    : BlocksOf(in[r], send_l[r]);
            return ScatteredAlltoallv(links, send, BlocksOf(out[r], recv_l[r]), window, 4);
          });
          for (int r = 0; r < p; ++r) {
            for (int i = 0; i < p; ++i) {
              const char* got = out[r].data() + recv_l[r].offsets[i];
              std::vector<char> want = PatternBuffer(i, recv_l[r].bytes[i], r);
              EXPECT_TRUE(SameBytes(got, want.data(), want.size())) << r << " from " << i;
            }
          }
        }
      }
    }
  }
}

using ScanFn = Status (*)(Links&, const void*, void*, size_t, const Reducer&, bool, int);

TEST(ScanTest, InclusiveExclusiveNonCommutative) {
  AffineReducer reducer;
  for (ScanFn scan : {RecursiveDoublingScan, ChainScan}) {
    for (bool exclusive : {false, true}) {
      for (Delivery d : kDeliveries) {
        for (int p : kSizes) {
          for (bool in_place : {false, true}) {
            // 300 elements are more than Links::kSmallBytes: the chain's rank 0 starts its
            // send and copies its own vector meanwhile.
            for (size_t count : {size_t{1}, size_t{5}, size_t{300}}) {
              SCOPED_TRACE(std::to_string(p) + " ranks" + (exclusive ? " exscan" : " scan") +
                           (in_place ? " in place " : " ") + DeliveryName(d));
              const Affine untouched{7, 7};
              std::vector<std::vector<Affine>> out(p);
              for (int r = 0; r < p; ++r) {
                out[r] = in_place ? AffineInput(r, count) : std::vector<Affine>(count, untouched);
              }
              RunAll(p, d, [&](Links& links) {
                int r = links.rank();
                std::vector<Affine> mine = AffineInput(r, count);
                return scan(links, in_place ? MPI_IN_PLACE : mine.data(), out[r].data(), count,
                            reducer, exclusive, 6);
              });
              for (int r = exclusive ? 1 : 0; r < p; ++r) {
                EXPECT_TRUE(out[r] == AffineExpected(exclusive ? r : r + 1, count)) << "rank " << r;
              }
              if (exclusive && !in_place) {
                EXPECT_TRUE(out[0][0] == untouched);
              }
            }
          }
        }
      }
    }
  }
}

class SumReducer final : public Reducer {
 public:
  size_t elem_size() const override { return sizeof(uint32_t); }
  bool commutative() const override { return true; }
  void Apply(const void* in, void* inout, size_t count) const override {
    const uint32_t* a = static_cast<const uint32_t*>(in);
    uint32_t* b = static_cast<uint32_t*>(inout);
    for (size_t i = 0; i < count; ++i) b[i] += a[i];
  }
};

// Commutative ops take the chain's shortcuts (the prefix lands in recvbuf, no staging); 1500
// elements are more than Links::kSmallBytes (rank 0 sends while it copies, a middle rank of
// an exscan copies its vector aside while the prefix comes in).
TEST(ScanTest, ChainCommutativeEveryForm) {
  SumReducer reducer;
  for (bool exclusive : {false, true}) {
    for (Delivery d : kDeliveries) {
      for (int p : kSizes) {
        for (bool in_place : {false, true}) {
          for (size_t count : {size_t{3}, size_t{1500}}) {
            SCOPED_TRACE(std::to_string(p) + " ranks" + (exclusive ? " exscan" : " scan") +
                         (in_place ? " in place " : " ") + DeliveryName(d) + " count " +
                         std::to_string(count));
            auto value = [](int r, size_t k) { return static_cast<uint32_t>((r + 1) * 100 + k); };
            std::vector<std::vector<uint32_t>> out(p);
            for (int r = 0; r < p; ++r) {
              out[r].assign(count, 0xdeadu);
              if (in_place) {
                for (size_t k = 0; k < count; ++k) out[r][k] = value(r, k);
              }
            }
            RunAll(p, d, [&](Links& links) {
              int r = links.rank();
              std::vector<uint32_t> mine(count);
              for (size_t k = 0; k < count; ++k) mine[k] = value(r, k);
              return ChainScan(links, in_place ? MPI_IN_PLACE : mine.data(), out[r].data(), count,
                               reducer, exclusive, 6);
            });
            for (int r = exclusive ? 1 : 0; r < p; ++r) {
              for (size_t k = 0; k < count; ++k) {
                uint32_t want = 0;
                for (int q = 0; q < (exclusive ? r : r + 1); ++q) want += value(q, k);
                EXPECT_EQ(out[r][k], want) << "rank " << r << " element " << k;
              }
            }
            if (exclusive && !in_place) {
              EXPECT_EQ(out[0][0], 0xdeadu);
            }
          }
        }
      }
    }
  }
}

TEST(ReduceScatterTest, RingUnevenBlocks) {
  SumReducer reducer;
  for (Delivery d : kDeliveries) {
    for (int p : kSizes) {
      SCOPED_TRACE(std::to_string(p) + " ranks " + DeliveryName(d));
      std::vector<size_t> counts(p);
      size_t total = 0;
      for (int i = 0; i < p; ++i) total += counts[i] = (i * 3 + 2) % 5;
      auto value = [](int r, size_t k) { return static_cast<uint32_t>(r * 1000 + k * 7 + 1); };
      std::vector<std::vector<uint32_t>> out(p);
      for (int r = 0; r < p; ++r) out[r].assign(counts[r] + 1, 0xdeadu);
      RunAll(p, d, [&](Links& links) {
        int r = links.rank();
        std::vector<uint32_t> mine(total);
        for (size_t k = 0; k < total; ++k) mine[k] = value(r, k);
        return RingReduceScatter(links, mine.data(), out[r].data(), counts.data(), reducer, 8);
      });
      size_t start = 0;
      for (int r = 0; r < p; ++r) {
        for (size_t k = 0; k < counts[r]; ++k) {
          uint32_t want = 0;
          for (int q = 0; q < p; ++q) want += value(q, start + k);
          EXPECT_EQ(out[r][k], want) << "rank " << r << " element " << k;
        }
        EXPECT_EQ(out[r][counts[r]], 0xdeadu) << "rank " << r << " wrote past its block";
        start += counts[r];
      }
    }
  }
}

}  // namespace
}  // namespace zmpi::coll::testing
