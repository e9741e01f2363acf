// Schedules and their builders (mpi/coll/sched) over an in-memory backend: every rank's
// schedule is advanced in turn on one thread, messages are copied at send (eager) and matched
// in order per (source, destination, tag), and a receive whose size differs from the send is
// an error. Reductions run with a commutative and a non-commutative operation.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "mpi/coll/reducer.h"
#include "mpi/coll/sched/builders.h"
#include "mpi/coll/sched/schedule.h"

namespace zmpi::coll::sched {
namespace {

struct Net {
  // (source, destination, tag) -> messages in order.
  std::map<std::tuple<int, int, int>, std::deque<std::vector<char>>> queues;
  int posted = 0;
};

class FakeBackend final : public Backend {
 public:
  // `remote_base`: peers are ranks of a remote group starting at that global rank
  // (intercommunicator schedules); 0 for an intracommunicator.
  FakeBackend(Net& net, int rank, int remote_base = 0)
      : net_(net), rank_(rank), base_(remote_base) {}
  struct Op {
    bool send;
    int peer, tag;
    void* buf;
    size_t bytes;
    bool done = false;
    Status error;
  };
  Status Post(const Step& step, int tag, void** handle) override {
    auto op = std::make_unique<Op>();
    op->send = step.kind == StepKind::kSend;
    op->peer = base_ + step.peer;
    op->tag = tag;
    op->buf = step.data.mut();
    op->bytes = step.data.bytes();
    if (op->send) {
      const char* p = static_cast<const char*>(step.data.buf);
      net_.queues[{rank_, op->peer, tag}].emplace_back(p, p + op->bytes);
      op->done = true;
    }
    ++net_.posted;
    *handle = op.get();
    ops_.push_back(std::move(op));
    return OkStatus();
  }
  bool Done(void* handle) override {
    Op* op = static_cast<Op*>(handle);
    if (op->done) return true;
    auto& q = net_.queues[{op->peer, rank_, op->tag}];
    if (q.empty()) return false;
    if (q.front().size() != op->bytes) {
      op->error = Error(Code::kTruncate, "size mismatch");
    } else if (op->bytes > 0) {
      std::memcpy(op->buf, q.front().data(), op->bytes);
    }
    q.pop_front();
    op->done = true;
    return true;
  }
  Status Finish(void* handle) override { return static_cast<Op*>(handle)->error; }
  void Copy(const Step&) override { ADD_FAILURE() << "typed copy in a bytes-only test"; }
  void FailDead(void* const*, size_t) override {}

 private:
  Net& net_;
  int rank_;
  int base_;
  std::vector<std::unique_ptr<Op>> ops_;
};

// Builds one schedule per rank with `build`, runs them all to the end (twice, with Reset in
// between, when `twice`), checks every message was received.
void RunAll(int n, const std::function<void(Schedule&, int)>& build, bool twice = false,
            const std::function<void()>& between = nullptr,
            const std::function<int(int)>& remote_base = nullptr) {
  Net net;
  std::vector<std::unique_ptr<Schedule>> scheds;
  std::vector<std::unique_ptr<FakeBackend>> backends;
  for (int r = 0; r < n; ++r) {
    scheds.push_back(std::make_unique<Schedule>(42));
    build(*scheds.back(), r);
    backends.push_back(std::make_unique<FakeBackend>(net, r, remote_base ? remote_base(r) : 0));
  }
  for (int round = 0; round < (twice ? 2 : 1); ++round) {
    if (round == 1) {
      if (between) between();
      for (auto& s : scheds) s->Reset();
    }
    std::vector<bool> done(n, false);
    int finished = 0;
    for (int turn = 0; finished < n; ++turn) {
      ASSERT_LT(turn, 100000) << "schedules do not finish (deadlock?)";
      for (int r = 0; r < n; ++r) {
        if (done[r]) continue;
        Status error;
        if (scheds[r]->Advance(*backends[r], &error)) {
          ASSERT_TRUE(error.ok()) << "rank " << r << ": " << error.ToString();
          done[r] = true;
          ++finished;
        }
      }
    }
    for (auto& [key, q] : net.queues) {
      EXPECT_TRUE(q.empty()) << "undelivered message " << std::get<0>(key) << "->"
                             << std::get<1>(key);
    }
  }
}

class SumReducer final : public Reducer {
 public:
  size_t elem_size() const override { return sizeof(int64_t); }
  bool commutative() const override { return true; }
  void Apply(const void* in, void* inout, size_t count) const override {
    const int64_t* a = static_cast<const int64_t*>(in);
    int64_t* b = static_cast<int64_t*>(inout);
    for (size_t i = 0; i < count; ++i) b[i] += a[i];
  }
};

// Affine maps x -> a*x + b under composition (apply the left one first): associative, not
// commutative, so any change of operand order shows.
struct Affine {
  uint64_t a, b;
};
Affine Compose(Affine l, Affine r) { return {l.a * r.a, l.b * r.a + r.b}; }
class AffineReducer final : public Reducer {
 public:
  size_t elem_size() const override { return sizeof(Affine); }
  bool commutative() const override { return false; }
  void Apply(const void* in, void* inout, size_t count) const override {
    const Affine* l = static_cast<const Affine*>(in);
    Affine* r = static_cast<Affine*>(inout);
    for (size_t i = 0; i < count; ++i) r[i] = Compose(l[i], r[i]);
  }
};
Affine AffineOf(int rank, int i) {
  return {static_cast<uint64_t>(2 * rank + 3 + i), static_cast<uint64_t>(rank * 7 + i + 1)};
}
bool Same(Affine x, Affine y) { return x.a == y.a && x.b == y.b; }

constexpr int kMaxRanks = 9;

TEST(Schedule, BarrierFinishesOnEverySize) {
  for (int n = 1; n <= kMaxRanks; ++n) {
    RunAll(n, [&](Schedule& s, int r) { BuildBarrier(s, r, n); });
  }
}

TEST(Schedule, BcastEveryRoot) {
  for (int n = 1; n <= kMaxRanks; ++n) {
    for (int root = 0; root < n; ++root) {
      std::vector<std::vector<char>> bufs(n, std::vector<char>(33, 0));
      for (int i = 0; i < 33; ++i) bufs[root][i] = static_cast<char>(i + root);
      RunAll(n, [&](Schedule& s, int r) { BuildBcast(s, r, n, Span{bufs[r].data(), 33}, root); });
      for (int r = 0; r < n; ++r) EXPECT_EQ(bufs[r], bufs[root]) << n << " " << root << " " << r;
    }
  }
}

TEST(Schedule, AllreduceSumAndOrder) {
  const size_t count = 5;
  for (int n = 1; n <= kMaxRanks; ++n) {
    SumReducer sum;
    AffineReducer affine;
    std::vector<std::vector<int64_t>> s(n, std::vector<int64_t>(count));
    std::vector<std::vector<Affine>> a(n, std::vector<Affine>(count));
    auto fill = [&] {
      for (int r = 0; r < n; ++r) {
        for (size_t i = 0; i < count; ++i) {
          s[r][i] = r * 10 + static_cast<int64_t>(i);
          a[r][i] = AffineOf(r, static_cast<int>(i));
        }
      }
    };
    fill();
    RunAll(
        n,
        [&](Schedule& sch, int r) {
          BuildAllreduce(sch, r, n, sum, s[r].data(), count);
          BuildAllreduce(sch, r, n, affine, a[r].data(), count);
        },
        /*twice=*/true, fill);
    for (size_t i = 0; i < count; ++i) {
      int64_t want = 0;
      Affine wa = AffineOf(0, static_cast<int>(i));
      for (int r = 0; r < n; ++r) want += r * 10 + static_cast<int64_t>(i);
      for (int r = 1; r < n; ++r) wa = Compose(wa, AffineOf(r, static_cast<int>(i)));
      for (int r = 0; r < n; ++r) {
        EXPECT_EQ(s[r][i], want) << "n=" << n << " rank " << r;
        EXPECT_TRUE(Same(a[r][i], wa)) << "n=" << n << " rank " << r;
      }
    }
  }
}

TEST(Schedule, LargeAllreduceAndBcastTakeTheRing) {
  const size_t count = kRingAllreduceMin / sizeof(int64_t) + 17;
  const size_t bytes = kScatterBcastMin + 13;
  for (int n = 1; n <= kMaxRanks; ++n) {
    SumReducer sum;
    std::vector<std::vector<int64_t>> s(n, std::vector<int64_t>(count));
    for (int r = 0; r < n; ++r)
      for (size_t i = 0; i < count; ++i) s[r][i] = r * 3 + static_cast<int64_t>(i % 1000);
    RunAll(n, [&](Schedule& sch, int r) { BuildAllreduce(sch, r, n, sum, s[r].data(), count); });
    for (int r = 0; r < n; ++r) {
      for (size_t i = 0; i < count; i += 97) {
        ASSERT_EQ(s[r][i], 3 * n * (n - 1) / 2 + n * static_cast<int64_t>(i % 1000))
            << "n=" << n << " rank " << r << " i " << i;
      }
    }
    const int root = n / 2;
    std::vector<std::vector<char>> b(n, std::vector<char>(bytes, 0));
    for (size_t i = 0; i < bytes; ++i) b[root][i] = static_cast<char>(i * 7 + 1);
    RunAll(n, [&](Schedule& sch, int r) {
      BuildBcast(sch, r, n, Span{b[r].data(), static_cast<int64_t>(bytes)}, root);
    });
    for (int r = 0; r < n; ++r) EXPECT_EQ(b[r], b[root]) << "n=" << n << " rank " << r;
  }
}

TEST(Schedule, ReduceEveryRootKeepsOrder) {
  const size_t count = 3;
  for (int n = 1; n <= kMaxRanks; ++n) {
    for (int root = 0; root < n; ++root) {
      AffineReducer affine;
      SumReducer sum;
      std::vector<std::vector<Affine>> a(n, std::vector<Affine>(count));
      std::vector<std::vector<int64_t>> s(n, std::vector<int64_t>(count));
      for (int r = 0; r < n; ++r) {
        for (size_t i = 0; i < count; ++i) {
          a[r][i] = AffineOf(r, static_cast<int>(i));
          s[r][i] = r + 1;
        }
      }
      RunAll(n, [&](Schedule& sch, int r) {
        BuildReduce(sch, r, n, affine, a[r].data(), count, root);
        BuildReduce(sch, r, n, sum, s[r].data(), count, root);
      });
      for (size_t i = 0; i < count; ++i) {
        Affine wa = AffineOf(0, static_cast<int>(i));
        for (int r = 1; r < n; ++r) wa = Compose(wa, AffineOf(r, static_cast<int>(i)));
        EXPECT_TRUE(Same(a[root][i], wa)) << "n=" << n << " root " << root;
        EXPECT_EQ(s[root][i], n * (n + 1) / 2);
      }
    }
  }
}

TEST(Schedule, ScanAndExscanKeepOrder) {
  for (int n = 1; n <= kMaxRanks; ++n) {
    for (bool exclusive : {false, true}) {
      AffineReducer affine;
      std::vector<Affine> a(n);
      for (int r = 0; r < n; ++r) a[r] = AffineOf(r, 0);
      RunAll(n, [&](Schedule& sch, int r) { BuildScan(sch, r, n, affine, &a[r], 1, exclusive); });
      for (int r = exclusive ? 1 : 0; r < n; ++r) {
        Affine w = AffineOf(0, 0);
        for (int q = 1; q < (exclusive ? r : r + 1); ++q) w = Compose(w, AffineOf(q, 0));
        EXPECT_TRUE(Same(a[r], w)) << "n=" << n << " rank " << r << " exclusive " << exclusive;
      }
      if (exclusive) {
        EXPECT_TRUE(Same(a[0], AffineOf(0, 0)));  // rank 0 untouched
      }
    }
  }
}

TEST(Schedule, GatherScatterAllgatherAlltoallBytes) {
  for (int n = 1; n <= kMaxRanks; ++n) {
    // Rank i contributes i+1 bytes of value 10*i+k (a v-form: every size differs).
    auto block = [](int i) { return static_cast<size_t>(i + 1); };
    std::vector<size_t> displ(n + 1, 0);
    for (int i = 0; i < n; ++i) displ[i + 1] = displ[i] + block(i);
    std::vector<char> all(displ[n]);
    for (int i = 0; i < n; ++i)
      for (size_t k = 0; k < block(i); ++k) all[displ[i] + k] = static_cast<char>(10 * i + k);
    for (int root = 0; root < n; ++root) {
      std::vector<std::vector<char>> own(n), root_buf(n, std::vector<char>(displ[n], 0));
      for (int r = 0; r < n; ++r) own[r].assign(all.begin() + displ[r], all.begin() + displ[r + 1]);
      RunAll(n, [&](Schedule& s, int r) {
        std::vector<Span> blocks;
        for (int i = 0; i < n; ++i)
          blocks.push_back(Span{root_buf[r].data() + displ[i], static_cast<int64_t>(block(i))});
        BuildGatherv(s, r, n, Span{own[r].data(), static_cast<int64_t>(block(r))}, blocks.data(),
                     root, false);
      });
      EXPECT_EQ(root_buf[root], all);
      std::vector<std::vector<char>> got(n);
      for (int r = 0; r < n; ++r) got[r].assign(block(r), 0);
      RunAll(n, [&](Schedule& s, int r) {
        std::vector<Span> blocks;
        for (int i = 0; i < n; ++i)
          blocks.push_back(Span{all.data() + displ[i], static_cast<int64_t>(block(i))});
        BuildScatterv(s, r, n, blocks.data(), Span{got[r].data(), static_cast<int64_t>(block(r))},
                      root, false);
      });
      for (int r = 0; r < n; ++r) EXPECT_EQ(got[r], own[r]);
    }
    std::vector<std::vector<char>> ag(n, std::vector<char>(displ[n], 0));
    RunAll(n, [&](Schedule& s, int r) {
      std::vector<Span> blocks;
      for (int i = 0; i < n; ++i)
        blocks.push_back(Span{ag[r].data() + displ[i], static_cast<int64_t>(block(i))});
      BuildAllgatherv(s, r, n, Span{all.data() + displ[r], static_cast<int64_t>(block(r))},
                      blocks.data(), false);
    });
    for (int r = 0; r < n; ++r) EXPECT_EQ(ag[r], all);
    // Alltoall: rank r sends byte (r, i) to rank i.
    std::vector<std::vector<char>> snd(n, std::vector<char>(n)), rcv(n, std::vector<char>(n, 0));
    for (int r = 0; r < n; ++r)
      for (int i = 0; i < n; ++i) snd[r][i] = static_cast<char>(r * 16 + i);
    RunAll(n, [&](Schedule& s, int r) {
      std::vector<Span> sends, recvs;
      for (int i = 0; i < n; ++i) {
        sends.push_back(Span{&snd[r][i], 1});
        recvs.push_back(Span{&rcv[r][i], 1});
      }
      BuildAlltoallw(s, r, n, sends.data(), recvs.data());
    });
    for (int r = 0; r < n; ++r)
      for (int i = 0; i < n; ++i) EXPECT_EQ(rcv[r][i], static_cast<char>(i * 16 + r));
  }
}

// Two groups of an intercommunicator: global ranks [0, a) and [a, a+b).
TEST(Schedule, IntercommReduceAndAllreduceKeepRankOrder) {
  for (int a = 1; a <= 4; ++a) {
    for (int b = 1; b <= 4; ++b) {
      const int n = a + b;
      auto group = [&](int g) { return g < a ? 0 : 1; };
      auto local = [&](int g) { return g < a ? g : g - a; };
      auto remote_base = [&](int g) { return g < a ? a : 0; };
      auto remote_size = [&](int g) { return g < a ? b : a; };
      AffineReducer affine;
      std::vector<Affine> own(n), out(n, Affine{0, 0});
      for (int g = 0; g < n; ++g) own[g] = AffineOf(g, 1);
      RunAll(
          n,
          [&](Schedule& s, int g) {
            BuildInterAllreduce(s, remote_size(g), affine, &own[g], &out[g], 1);
          },
          false, nullptr, remote_base);
      for (int g = 0; g < n; ++g) {
        const int first = remote_base(g), count = remote_size(g);
        Affine w = AffineOf(first, 1);
        for (int q = 1; q < count; ++q) w = Compose(w, AffineOf(first + q, 1));
        EXPECT_TRUE(Same(out[g], w)) << "a=" << a << " b=" << b << " rank " << g;
      }
      // Reduce to local rank 1 of group 0 when it exists, else 0.
      const int root = a > 1 ? 1 : 0;
      std::vector<Affine> data(own);
      RunAll(
          n,
          [&](Schedule& s, int g) {
            InterRole role = group(g) == 1      ? InterRole::kRemote
                             : local(g) == root ? InterRole::kRoot
                                                : InterRole::kIdle;
            BuildInterReduce(s, remote_size(g), affine, &data[g], 1, role, root);
          },
          false, nullptr, remote_base);
      Affine w = AffineOf(a, 1);
      for (int q = a + 1; q < n; ++q) w = Compose(w, AffineOf(q, 1));
      EXPECT_TRUE(Same(data[root], w)) << "a=" << a << " b=" << b;
    }
  }
}

TEST(Schedule, LocalStepsRunInOrderAndRoundsSeparate) {
  std::vector<int> trace;
  Schedule s(1);
  s.Call([&] { trace.push_back(1); });
  s.Wait();
  s.Call([&] { trace.push_back(2); });
  s.Wait();
  s.Wait();  // empty rounds collapse
  Net net;
  FakeBackend b(net, 0);
  Status error;
  EXPECT_TRUE(s.Advance(b, &error));
  EXPECT_EQ(trace, (std::vector<int>{1, 2}));
  s.Reset();
  EXPECT_TRUE(s.Advance(b, &error));
  EXPECT_EQ(trace, (std::vector<int>{1, 2, 1, 2}));
}

TEST(Schedule, ReceiveWaitsForItsRound) {
  // A receive with no sender: the schedule stays unfinished and the step after it never runs.
  bool ran = false;
  Schedule s(1);
  char c;
  s.Recv(1, &c, 1);
  s.Wait();
  s.Call([&] { ran = true; });
  Net net;
  FakeBackend b(net, 0);
  Status error;
  EXPECT_FALSE(s.Advance(b, &error));
  EXPECT_FALSE(s.Advance(b, &error));
  EXPECT_FALSE(ran);
  net.queues[{1, 0, 1}].push_back({'x'});
  EXPECT_TRUE(s.Advance(b, &error));
  EXPECT_TRUE(ran);
  EXPECT_EQ(c, 'x');
}

TEST(Schedule, ErrorStopsPostingAndIsReported) {
  Schedule s(1);
  char c[2];
  s.Recv(1, c, 2);  // the sender sends 1 byte: a size mismatch
  s.Wait();
  bool ran = false;
  s.Call([&] { ran = true; });
  Net net;
  FakeBackend b(net, 0);
  net.queues[{1, 0, 1}].push_back({'x'});
  Status error;
  EXPECT_TRUE(s.Advance(b, &error));
  EXPECT_EQ(error.code(), Code::kTruncate);
  EXPECT_FALSE(ran);
}

TEST(Schedule, ScratchBlocksAreAlignedAndApartInsideAndOnTheHeap) {
  Schedule s(1);
  const size_t sizes[] = {0, 1, 7, 100, 300, 5, 1000, 64, 200, 3};
  std::vector<std::pair<char*, size_t>> blocks;
  for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); ++i) {
    char* b = s.Scratch(sizes[i]);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % alignof(std::max_align_t), 0u) << i;
    std::memset(b, static_cast<int>(i + 1), sizes[i]);
    blocks.emplace_back(b, sizes[i]);
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    for (size_t k = 0; k < blocks[i].second; ++k) {
      ASSERT_EQ(blocks[i].first[k], static_cast<char>(i + 1)) << "block " << i << " byte " << k;
    }
  }
}

TEST(Schedule, RoundWiderThanTheInlineHandlesRestarts) {
  // 24 operations in one round (more than the schedule keeps inside itself), run twice.
  constexpr int kMessages = 12;
  Schedule s(1);
  char out[kMessages], in[kMessages];
  for (int i = 0; i < kMessages; ++i) {
    out[i] = static_cast<char>('a' + i);
    s.Send(0, &out[i], 1);
    s.Recv(0, &in[i], 1);
  }
  s.Wait();
  Net net;
  FakeBackend b(net, 0);
  for (int run = 0; run < 2; ++run) {
    std::memset(in, 0, sizeof(in));
    Status error;
    EXPECT_TRUE(s.Advance(b, &error));
    EXPECT_TRUE(error.ok());
    EXPECT_EQ(std::string(in, kMessages), std::string(out, kMessages)) << "run " << run;
    s.Reset();
  }
}

}  // namespace
}  // namespace zmpi::coll::sched
