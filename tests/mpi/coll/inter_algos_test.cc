// The intercommunicator algorithms over the in-memory fake: a network of a + b ranks split
// into group A (ranks 0..a-1) and group B (a..a+b-1); each rank gets a local view of its
// group and a remote view of the other one, as an intercommunicator gives it.
#include "mpi/coll/inter/inter_algos.h"

#include <cstring>

#include "tests/mpi/coll/coll_test_util.h"

namespace zmpi::coll::testing {
namespace {

// Links over a part of the network: rank() is `rank`, size() is `size`, and rank i is network
// rank offset + i. Nonblocking operations go to the whole network's Links, so a WaitAll
// completes those of both views (the algorithms never mix them).
class SubLinks final : public Links {
 public:
  SubLinks(Links& all, int rank, int size, int offset)
      : all_(all), rank_(rank), size_(size), offset_(offset) {}
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  Status Send(int dest, int tag, const void* buf, size_t bytes) override {
    return all_.Send(offset_ + dest, tag, buf, bytes);
  }
  Status Recv(int source, int tag, void* buf, size_t bytes) override {
    return all_.Recv(offset_ + source, tag, buf, bytes);
  }
  Status SendRecv(int dest, const void* sendbuf, size_t sendbytes, int source, void* recvbuf,
                  size_t recvbytes, int tag) override {
    return all_.SendRecv(offset_ + dest, sendbuf, sendbytes, offset_ + source, recvbuf, recvbytes,
                         tag);
  }
  Status SendSmall(int dest, int tag, const void* buf, size_t bytes) override {
    return all_.SendSmall(offset_ + dest, tag, buf, bytes);
  }
  Status Isend(int dest, int tag, const void* buf, size_t bytes) override {
    return all_.Isend(offset_ + dest, tag, buf, bytes);
  }
  Status Irecv(int source, int tag, void* buf, size_t bytes) override {
    return all_.Irecv(offset_ + source, tag, buf, bytes);
  }
  Status WaitAll() override { return all_.WaitAll(); }

 private:
  Links& all_;
  int rank_, size_, offset_;
};

struct Side {
  int group;  // 0: A, 1: B
  int rank;   // in its group
  int local_size, remote_size;
};

const std::pair<int, int> kGroups[] = {{1, 1}, {1, 3}, {2, 3}, {3, 2}, {4, 4}, {5, 2}};

// Runs body(local, remote, side) on every rank of an (a, b) network.
template <typename Body>
void RunInter(int a, int b, Delivery d, const Body& body) {
  RunAll(a + b, d, [&](Links& all) {
    const int g = all.rank() < a ? 0 : 1;
    Side s{g, g == 0 ? all.rank() : all.rank() - a, g == 0 ? a : b, g == 0 ? b : a};
    SubLinks local(all, s.rank, s.local_size, g == 0 ? 0 : a);
    SubLinks remote(all, s.rank, s.remote_size, g == 0 ? a : 0);
    return body(local, remote, s);
  });
}

std::string Trace(int a, int b, Delivery d) {
  return std::to_string(a) + "+" + std::to_string(b) + " ranks, " + DeliveryName(d);
}

// The root argument of group `rg`'s rank `root`, as seen by `s`.
int RootArg(const Side& s, int rg, int root) {
  if (s.group != rg) return root;
  return s.rank == root ? MPI_ROOT : MPI_PROC_NULL;
}

TEST(InterTest, BarrierAndBcast) {
  for (Delivery d : kDeliveries) {
    for (auto [a, b] : kGroups) {
      SCOPED_TRACE(Trace(a, b, d));
      RunInter(a, b, d, [](Links& local, Links& remote, const Side&) {
        return inter::Barrier(local, remote, 1, 2);
      });
      for (int rg = 0; rg < 2; ++rg) {
        for (int root = 0; root < (rg == 0 ? a : b); ++root) {
          const size_t bytes = 37;
          std::vector<std::vector<char>> buf(a + b, std::vector<char>(bytes, '\xee'));
          RunInter(a, b, d, [&](Links& local, Links& remote, const Side& s) {
            int arg = RootArg(s, rg, root);
            std::vector<char>& mine = buf[s.group * a + s.rank];
            if (arg == MPI_ROOT) mine = PatternBuffer(root, bytes);
            return inter::Bcast(local, remote, mine.data(), bytes, arg, 3, 4);
          });
          for (int r = 0; r < (rg == 0 ? b : a); ++r) {
            EXPECT_TRUE(buf[(1 - rg) * a + r] == PatternBuffer(root, bytes)) << "rank " << r;
          }
        }
      }
    }
  }
}

TEST(InterTest, GathervScatterv) {
  for (Delivery d : kDeliveries) {
    for (auto [a, b] : kGroups) {
      SCOPED_TRACE(Trace(a, b, d));
      // Root 0 of group A gathers from B (block of B rank i: (i % 3) * 5 bytes) and scatters
      // the same layout back.
      std::vector<size_t> bytes(b);
      std::vector<ptrdiff_t> offsets(b);
      size_t span = 0;
      for (int i = b - 1; i >= 0; --i) {
        bytes[i] = (i % 3) * 5;
        offsets[i] = static_cast<ptrdiff_t>(span);
        span += bytes[i] + 1;
      }
      std::vector<char> gathered(span, '\xee');
      std::vector<std::vector<char>> scattered(b);
      RunInter(a, b, d, [&](Links& local, Links& remote, const Side& s) {
        (void)local;
        int arg = RootArg(s, 0, 0);
        if (s.group == 0) {
          VBlocks blocks{gathered.data(), bytes.data(), offsets.data()};
          ZMPI_RETURN_IF_ERROR(
              inter::Gatherv(remote, nullptr, 0, arg == MPI_ROOT ? blocks : VBlocks{}, arg, 5));
          return inter::Scatterv(remote, arg == MPI_ROOT ? blocks : VBlocks{}, nullptr, 0, arg, 6);
        }
        std::vector<char> mine = PatternBuffer(s.rank, bytes[s.rank]);
        ZMPI_RETURN_IF_ERROR(inter::Gatherv(remote, mine.data(), mine.size(), VBlocks{}, 0, 5));
        scattered[s.rank].assign(bytes[s.rank], '\0');
        return inter::Scatterv(remote, VBlocks{}, scattered[s.rank].data(), bytes[s.rank], 0, 6);
      });
      for (int i = 0; i < b; ++i) {
        EXPECT_TRUE(SameBytes(gathered.data() + offsets[i], PatternBuffer(i, bytes[i]).data(),
                              bytes[i]));
        EXPECT_TRUE(scattered[i] == PatternBuffer(i, bytes[i]));
      }
    }
  }
}

TEST(InterTest, Alltoallv) {
  for (Delivery d : kDeliveries) {
    for (auto [a, b] : kGroups) {
      SCOPED_TRACE(Trace(a, b, d));
      // Block (group g rank i -> rank j of the other group) has (i + 2 j + g) % 4 * 3 bytes.
      auto size_of = [](int g, int i, int j) {
        return static_cast<size_t>((i + 2 * j + g) % 4) * 3;
      };
      std::vector<std::vector<char>> out(a + b);
      RunInter(a, b, d, [&](Links&, Links& remote, const Side& s) {
        const int n = s.remote_size;
        std::vector<size_t> sb(n), rb(n);
        std::vector<ptrdiff_t> so(n), ro(n);
        size_t sspan = 0, rspan = 0;
        for (int j = 0; j < n; ++j) {
          sb[j] = size_of(s.group, s.rank, j);
          so[j] = static_cast<ptrdiff_t>(sspan);
          sspan += sb[j];
          rb[j] = size_of(1 - s.group, j, s.rank);
          ro[j] = static_cast<ptrdiff_t>(rspan);
          rspan += rb[j];
        }
        std::vector<char> send(sspan);
        for (int j = 0; j < n; ++j) {
          std::vector<char> p = PatternBuffer(s.group * 100 + s.rank, sb[j], j);
          std::copy(p.begin(), p.end(), send.begin() + so[j]);
        }
        std::vector<char>& recv = out[s.group * a + s.rank];
        recv.assign(rspan, '\xee');
        ZMPI_RETURN_IF_ERROR(inter::Alltoallv(remote, s.local_size,
                                              VBlocks{send.data(), sb.data(), so.data()},
                                              VBlocks{recv.data(), rb.data(), ro.data()}, 7));
        for (int i = 0; i < n; ++i) {
          std::vector<char> want = PatternBuffer((1 - s.group) * 100 + i, rb[i], s.rank);
          if (!SameBytes(recv.data() + ro[i], want.data(), rb[i])) {
            return Error(Code::kIntern, "block from remote %d differs", i);
          }
        }
        return OkStatus();
      });
    }
  }
}

TEST(InterTest, ReductionsKeepRemoteRankOrder) {
  AffineReducer reducer;
  const size_t count = 5;
  for (Delivery d : kDeliveries) {
    for (auto [a, b] : kGroups) {
      SCOPED_TRACE(Trace(a, b, d));
      // Group g's rank r contributes AffineInput(g * 50 + r); the expected reduction of group
      // g is their composition in rank order.
      auto expected = [&](int g, size_t i) {
        Affine v = AffineOf(g * 50, i);
        for (int r = 1; r < (g == 0 ? a : b); ++r) v = Compose(v, AffineOf(g * 50 + r, i));
        return v;
      };
      for (int root = 0; root < a; ++root) {
        std::vector<Affine> result(count, Affine{0, 0});
        RunInter(a, b, d, [&](Links& local, Links& remote, const Side& s) {
          int arg = RootArg(s, 0, root);
          std::vector<Affine> mine = AffineInput(s.group * 50 + s.rank, count);
          return inter::Reduce(local, remote, mine.data(), result.data(), count, reducer, arg, 8,
                               9);
        });
        for (size_t i = 0; i < count; ++i) EXPECT_TRUE(result[i] == expected(1, i));
      }
      std::vector<std::vector<Affine>> all(a + b);
      RunInter(a, b, d, [&](Links& local, Links& remote, const Side& s) {
        std::vector<Affine> mine = AffineInput(s.group * 50 + s.rank, count);
        std::vector<Affine>& out = all[s.group * a + s.rank];
        out.assign(count, Affine{0, 0});
        return inter::Allreduce(local, remote, mine.data(), out.data(), count, reducer, 10, 11);
      });
      for (int g = 0; g < 2; ++g) {
        for (int r = 0; r < (g == 0 ? a : b); ++r) {
          for (size_t i = 0; i < count; ++i) {
            EXPECT_TRUE(all[g * a + r][i] == expected(1 - g, i)) << "group " << g << " rank " << r;
          }
        }
      }
      // Reduce-scatter: both vectors have 7 elements; group g's rank r gets counts_g[r].
      const size_t total = 7;
      std::vector<std::vector<Affine>> block(a + b);
      RunInter(a, b, d, [&](Links& local, Links& remote, const Side& s) {
        std::vector<size_t> counts(s.local_size, 0);
        for (size_t k = 0; k < total; ++k) counts[(k + s.group) % s.local_size]++;
        std::vector<Affine> mine = AffineInput(s.group * 50 + s.rank, total);
        std::vector<Affine>& out = block[s.group * a + s.rank];
        out.assign(counts[s.rank], Affine{0, 0});
        return inter::ReduceScatter(local, remote, mine.data(), out.data(), counts.data(), reducer,
                                    12, 13);
      });
      for (int g = 0; g < 2; ++g) {
        const int n = g == 0 ? a : b;
        size_t start = 0;
        for (int r = 0; r < n; ++r) {
          size_t mine = 0;
          for (size_t k = 0; k < total; ++k) mine += (k + g) % n == static_cast<size_t>(r);
          ASSERT_EQ(block[g * a + r].size(), mine);
          for (size_t k = 0; k < mine; ++k) {
            EXPECT_TRUE(block[g * a + r][k] == expected(1 - g, start + k)) << g << "/" << r;
          }
          start += mine;
        }
      }
    }
  }
}

}  // namespace
}  // namespace zmpi::coll::testing
