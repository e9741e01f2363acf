// The two-phase engine over an in-memory network and an in-memory file: N simulated ranks
// advance in turn until all are done; the file and the counters show what happened.
#include "mpi/io/agg/two_phase.h"

#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace zmpi::io::agg {
namespace {

// Messages match per (source, destination, tag) in posting order; a send completes when its
// receive matched (as a rendezvous would), so the engine cannot count on buffering.
class Net {
 public:
  struct Op {
    bool send;
    int src, dst, tag;
    const void* sbuf;
    void* rbuf;
    size_t len;  // send: length; receive: capacity
    bool done = false;
    bool matched = false;
    size_t got = 0;
    Status error;
  };
  Op* Post(Op op) {
    ops_.push_back(std::make_unique<Op>(op));
    Op* o = ops_.back().get();
    auto key = std::make_tuple(o->src, o->dst, o->tag);
    (o->send ? sends_ : recvs_)[key].push_back(o);
    Match(key);
    return o;
  }
  void Match(const std::tuple<int, int, int>& key) {
    auto& s = sends_[key];
    auto& r = recvs_[key];
    while (!s.empty() && !r.empty()) {
      Op* snd = s.front();
      Op* rcv = r.front();
      s.pop_front();
      r.pop_front();
      if (snd->len > rcv->len) {
        rcv->error = Error(Code::kTruncate, "%zu > %zu", snd->len, rcv->len);
      } else if (snd->len > 0) {
        memcpy(rcv->rbuf, snd->sbuf, snd->len);
      }
      rcv->got = snd->len;
      snd->done = rcv->done = true;
    }
  }
  size_t messages = 0;

 private:
  std::vector<std::unique_ptr<Op>> ops_;
  std::map<std::tuple<int, int, int>, std::deque<Op*>> sends_, recvs_;
};

class FakeLink final : public Link {
 public:
  FakeLink(Net& net, int rank, int size) : net_(net), rank_(rank), size_(size) {}
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  Status Send(int peer, int tag, const void* buf, size_t len, void** handle) override {
    EXPECT_TRUE(peer >= 0 && peer < size_);
    ++net_.messages;
    *handle =
        net_.Post(Net::Op{true, rank_, peer, tag, buf, nullptr, len, false, false, 0, Status()});
    return OkStatus();
  }
  Status Recv(int peer, int tag, void* buf, size_t cap, void** handle) override {
    *handle =
        net_.Post(Net::Op{false, peer, rank_, tag, nullptr, buf, cap, false, false, 0, Status()});
    return OkStatus();
  }
  bool Done(void* handle) override { return static_cast<Net::Op*>(handle)->done; }
  Status Finish(void* handle, size_t* bytes) override {
    auto* op = static_cast<Net::Op*>(handle);
    *bytes = op->got;
    return op->error;
  }
  void FailDead(void* const*, size_t) override {}

 private:
  Net& net_;
  int rank_, size_;
};

// One file seen by every simulated rank; counts the calls of each rank's store.
struct File {
  std::string bytes;
  bool write_only = false;
  bool fail_writes = false;
  int locked = 0;
};

class FakeStore final : public Store {
 public:
  explicit FakeStore(File& f) : f_(f) {}
  StatusOr<size_t> ReadAt(int64_t offset, void* buf, size_t len) override {
    ++reads;
    if (f_.write_only) return Error(Code::kAccess, "write-only");
    if (offset >= static_cast<int64_t>(f_.bytes.size())) return size_t{0};
    size_t n = std::min(len, f_.bytes.size() - static_cast<size_t>(offset));
    memcpy(buf, f_.bytes.data() + offset, n);
    return n;
  }
  Status WriteAt(int64_t offset, const void* buf, size_t len) override {
    ++writes;
    if (f_.fail_writes) return Error(Code::kNoSpace, "disk full on the fake");
    if (f_.bytes.size() < offset + len) f_.bytes.resize(offset + len, '\0');
    memcpy(&f_.bytes[offset], buf, len);
    return OkStatus();
  }
  StatusOr<int64_t> Size() override { return static_cast<int64_t>(f_.bytes.size()); }
  Status Resize(int64_t size) override {
    f_.bytes.resize(size);
    return OkStatus();
  }
  Status Preallocate(int64_t) override { return OkStatus(); }
  Status Sync() override { return OkStatus(); }
  StatusOr<int64_t> FetchAddShared(int64_t) override { return int64_t{0}; }
  Status SetShared(int64_t) override { return OkStatus(); }
  Status Lock(int64_t, int64_t) override {
    EXPECT_EQ(f_.locked, 0);
    ++f_.locked;
    ++locks;
    return OkStatus();
  }
  Status Unlock(int64_t, int64_t) override {
    --f_.locked;
    return OkStatus();
  }
  Status Close() override { return OkStatus(); }
  bool local() const override { return true; }
  int reads = 0, writes = 0, locks = 0;

 private:
  File& f_;
};

struct Result {
  std::vector<Status> errors;
  std::vector<int64_t> bytes;
  std::vector<int> writes, reads, locks;
  size_t messages = 0;
};

// Runs one collective call on `n` ranks; pieces[i] are rank i's.
Result RunCall(File& file, TwoPhase::Dir dir, const Hints& hints, std::vector<int> aggs,
               std::vector<std::vector<Piece>> pieces) {
  const int n = static_cast<int>(pieces.size());
  Net net;
  std::vector<std::unique_ptr<FakeLink>> links;
  std::vector<std::unique_ptr<FakeStore>> stores;
  std::vector<std::unique_ptr<TwoPhase>> ops;
  for (int i = 0; i < n; ++i) {
    links.push_back(std::make_unique<FakeLink>(net, i, n));
    stores.push_back(std::make_unique<FakeStore>(file));
    TwoPhase::Setup s;
    s.link = links[i].get();
    s.store = stores[i].get();
    s.dir = dir;
    s.hints = hints;
    s.aggregators = aggs;
    s.tag = 40;
    ops.push_back(std::make_unique<TwoPhase>(s, pieces[i]));
  }
  Result r;
  r.errors.resize(n);
  std::vector<bool> done(n, false);
  for (int turn = 0; turn < 100000; ++turn) {
    bool all = true;
    for (int i = 0; i < n; ++i) {
      if (!done[i]) done[i] = ops[i]->Advance(&r.errors[i]);
      all = all && done[i];
    }
    if (all) break;
  }
  for (int i = 0; i < n; ++i) {
    EXPECT_TRUE(done[i]) << "rank " << i << " never finished";
    r.bytes.push_back(ops[i]->bytes());
    r.writes.push_back(stores[i]->writes);
    r.reads.push_back(stores[i]->reads);
    r.locks.push_back(stores[i]->locks);
  }
  r.messages = net.messages;
  return r;
}

// Rank i of n owns elements i, i+n, i+2n, ... of `elems` elements of `esize` bytes: the
// classic interleaved decomposition. Fills `mem` with the rank's data (byte = f(offset)).
std::vector<std::vector<Piece>> Interleaved(int n, int elems, int esize,
                                            std::vector<std::string>* mem, int64_t base = 0) {
  std::vector<std::vector<Piece>> pieces(n);
  mem->assign(n, std::string());
  for (int i = 0; i < n; ++i) {
    int mine = 0;
    for (int e = i; e < elems; e += n) ++mine;
    (*mem)[i].resize(static_cast<size_t>(mine) * esize);
  }
  std::vector<int> at(n, 0);
  for (int e = 0; e < elems; ++e) {
    int i = e % n;
    char* m = &(*mem)[i][static_cast<size_t>(at[i]) * esize];
    int64_t off = base + static_cast<int64_t>(e) * esize;
    for (int b = 0; b < esize; ++b) m[b] = static_cast<char>('A' + (off + b) % 23);
    pieces[i].push_back(Piece{off, esize, m});
    ++at[i];
  }
  return pieces;
}

Hints Small(int64_t window) {
  Hints h;
  h.cb_buffer_size = window;
  return h;
}

TEST(TwoPhase, InterleavedWriteGoesThroughOneAggregatorInLargeWrites) {
  for (int n : {1, 2, 3, 4}) {
    File file;
    std::vector<std::string> mem;
    auto pieces = Interleaved(n, 1000, 4, &mem);
    Result r = RunCall(file, TwoPhase::Dir::kWrite, Small(1024), {0}, pieces);
    ASSERT_EQ(file.bytes.size(), 4000u);
    for (int64_t off = 0; off < 4000; ++off) {
      ASSERT_EQ(file.bytes[off], static_cast<char>('A' + off % 23)) << n << " @" << off;
    }
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE(r.errors[i].ok()) << r.errors[i].ToString();
      EXPECT_EQ(r.bytes[i], static_cast<int64_t>(mem[i].size()));
      if (i > 0) {
        EXPECT_EQ(r.writes[i], 0) << "rank " << i << " is no aggregator";
      }
    }
    // 4000 bytes in windows of 1024: 4 writes, not 1000 (n == 1: the pieces are adjacent in
    // file and memory: one write without aggregation).
    EXPECT_EQ(r.writes[0], n == 1 ? 1 : 4) << n;
  }
}

TEST(TwoPhase, DomainsSplitAmongAggregators) {
  File file;
  std::vector<std::string> mem;
  auto pieces = Interleaved(4, 999, 3, &mem, 17);
  Result r = RunCall(file, TwoPhase::Dir::kWrite, Small(1 << 20), {1, 3}, pieces);
  for (int64_t off = 17; off < 17 + 2997; ++off) {
    ASSERT_EQ(file.bytes[off], static_cast<char>('A' + off % 23)) << off;
  }
  for (int64_t off = 0; off < 17; ++off) ASSERT_EQ(file.bytes[off], '\0');
  EXPECT_EQ(r.writes[0], 0);
  EXPECT_EQ(r.writes[1], 1);
  EXPECT_EQ(r.writes[2], 0);
  EXPECT_EQ(r.writes[3], 1);
}

TEST(TwoPhase, ReadBackInterleavedAndEndOfFile) {
  for (int n : {1, 2, 3, 4}) {
    File file;
    for (int64_t off = 0; off < 2500; ++off) file.bytes += static_cast<char>('A' + off % 23);
    std::vector<std::string> expect;
    auto pieces = Interleaved(n, 700, 4, &expect);  // 2800 bytes asked, 2500 exist
    std::vector<std::string> mem(n);
    for (int i = 0; i < n; ++i) {
      mem[i].assign(expect[i].size(), '?');
      for (size_t p = 0; p < pieces[i].size(); ++p) {
        pieces[i][p].mem = &mem[i][p * 4];
      }
    }
    Result r = RunCall(file, TwoPhase::Dir::kRead, Small(512), {0}, pieces);
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE(r.errors[i].ok());
      // Elements wholly before 2500 bytes arrive; the rest of the buffer is untouched.
      int64_t want = 0;
      for (size_t p = 0; p < pieces[i].size(); ++p) {
        int64_t off = pieces[i][p].offset;
        int64_t have = std::clamp<int64_t>(2500 - off, 0, 4);
        want += have;
        for (int b = 0; b < 4; ++b) {
          char c = mem[i][p * 4 + b];
          if (b < have) {
            ASSERT_EQ(c, expect[i][p * 4 + b]) << n << " " << i << " " << p;
          } else {
            ASSERT_EQ(c, '?');
          }
        }
      }
      EXPECT_EQ(r.bytes[i], want) << n << " " << i;
    }
    EXPECT_EQ(r.writes[0], 0);
  }
}

TEST(TwoPhase, HolesAreReadModifyWrittenUnderTheLock) {
  File file;
  file.bytes.assign(300, 'x');
  // Two ranks, 2-byte pieces every 5 bytes: 3-byte holes keep the file's 'x'.
  std::vector<std::vector<Piece>> pieces(2);
  std::string m0(200, 'a'), m1(200, 'b');
  for (int e = 0; e < 60; ++e) {
    int i = e % 2;
    char* mem = (i == 0 ? m0.data() : m1.data()) + (e / 2) * 2;
    pieces[i].push_back(Piece{e * 5, 2, mem});
  }
  Hints h = Small(100);
  h.ds_write = CbMode::kEnable;
  Result r = RunCall(file, TwoPhase::Dir::kWrite, h, {0}, pieces);
  for (int64_t off = 0; off < 300; ++off) {
    char want = off % 5 >= 2 ? 'x' : ((off / 5) % 2 == 0 ? 'a' : 'b');
    ASSERT_EQ(file.bytes[off], want) << off;
  }
  EXPECT_EQ(r.locks[0], 3);  // one per window of 100 bytes
  EXPECT_EQ(r.writes[0], 3);
  EXPECT_EQ(r.reads[0], 3);
  EXPECT_EQ(file.locked, 0);
  // Automatic: these holes are larger than the data: one write per run, no lock.
  r = RunCall(file, TwoPhase::Dir::kWrite, Small(100), {0}, pieces);
  EXPECT_EQ(r.locks[0], 0);
  EXPECT_EQ(r.writes[0], 60);
  // Small holes (4 bytes of data every 5): read-modify-write.
  for (auto& rank : pieces) {
    for (Piece& p : rank) p.len = 4;
  }
  std::string m(240, 'm');
  for (int e = 0; e < 60; ++e) pieces[e % 2][e / 2].mem = &m[e * 4];
  r = RunCall(file, TwoPhase::Dir::kWrite, Small(100), {0}, pieces);
  EXPECT_EQ(r.locks[0], 3);
  EXPECT_EQ(r.writes[0], 3);
  for (int64_t off = 0; off < 300; ++off) ASSERT_EQ(file.bytes[off], off % 5 == 4 ? 'x' : 'm');
}

TEST(TwoPhase, HolesOfAWriteOnlyFileAreWrittenRunByRun) {
  File file;
  file.bytes.assign(100, 'x');
  file.write_only = true;
  std::string m(20, 'w');
  std::vector<std::vector<Piece>> pieces(1);
  for (int e = 0; e < 10; ++e) pieces[0].push_back(Piece{e * 10, 2, &m[e * 2]});
  Result r = RunCall(file, TwoPhase::Dir::kWrite, Small(1000), {0}, pieces);
  EXPECT_TRUE(r.errors[0].ok()) << r.errors[0].ToString();
  for (int64_t off = 0; off < 100; ++off) ASSERT_EQ(file.bytes[off], off % 10 < 2 ? 'w' : 'x');
  EXPECT_EQ(r.writes[0], 10);
  EXPECT_EQ(file.locked, 0);
}

TEST(TwoPhase, ContiguousDisjointAccessStaysIndependentWhenAutomatic) {
  File file;
  std::string m0(64, '0'), m1(64, '1'), m2(64, '2');
  std::vector<std::vector<Piece>> pieces{
      {{0, 64, m0.data()}}, {{64, 64, m1.data()}}, {{128, 64, m2.data()}}};
  Result r = RunCall(file, TwoPhase::Dir::kWrite, Hints{}, {0}, pieces);
  EXPECT_EQ(file.bytes, m0 + m1 + m2);
  EXPECT_EQ(r.writes, (std::vector<int>{1, 1, 1}));
  Hints enable;
  enable.cb_write = CbMode::kEnable;
  File file2;
  r = RunCall(file2, TwoPhase::Dir::kWrite, enable, {0}, pieces);
  EXPECT_EQ(file2.bytes, m0 + m1 + m2);
  EXPECT_EQ(r.writes, (std::vector<int>{1, 0, 0}));
}

TEST(TwoPhase, DisableWritesEachPieceFromItsRank) {
  File file;
  std::vector<std::string> mem;
  auto pieces = Interleaved(3, 30, 2, &mem);
  Hints h;
  h.cb_write = CbMode::kDisable;
  Result r = RunCall(file, TwoPhase::Dir::kWrite, h, {0}, pieces);
  EXPECT_EQ(r.writes, (std::vector<int>{10, 10, 10}));
  EXPECT_EQ(r.messages, 6u);  // the announcements only
  for (int64_t off = 0; off < 60; ++off) ASSERT_EQ(file.bytes[off], 'A' + off % 23);
}

TEST(TwoPhase, ZeroCountsAndRanksWithoutData) {
  File file;
  std::string m(10, 'z');
  std::vector<std::vector<Piece>> pieces{{}, {{5, 10, m.data()}, {15, 0, nullptr}}, {}};
  Hints h;
  h.cb_write = CbMode::kEnable;
  Result r = RunCall(file, TwoPhase::Dir::kWrite, h, {0, 2}, pieces);
  EXPECT_EQ(file.bytes, std::string(5, '\0') + m);
  EXPECT_EQ(r.bytes, (std::vector<int64_t>{0, 10, 0}));
  File empty;
  r = RunCall(empty, TwoPhase::Dir::kWrite, h, {0}, {{}, {}, {}});
  EXPECT_EQ(empty.bytes.size(), 0u);
  for (const Status& s : r.errors) EXPECT_TRUE(s.ok());
}

TEST(TwoPhase, AnAggregatorsErrorFailsEveryRank) {
  File file;
  file.fail_writes = true;
  std::vector<std::string> mem;
  auto pieces = Interleaved(3, 30, 2, &mem);
  Result r = RunCall(file, TwoPhase::Dir::kWrite, Small(16), {1}, pieces);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(r.errors[i].code(), Code::kNoSpace) << i;
    EXPECT_NE(r.errors[i].message().find("disk full"), std::string::npos);
  }
  EXPECT_EQ(r.writes[1], 1);  // stops writing after the first failure, stays in step
}

TEST(TwoPhase, OverlappingReadPiecesEachGetTheirBytes) {
  File file;
  for (int i = 0; i < 64; ++i) file.bytes += static_cast<char>('a' + i % 26);
  std::string a(40, '?'), b(10, '?');
  std::vector<std::vector<Piece>> pieces{{{0, 40, a.data()}, {5, 10, b.data()}}};
  Hints h;
  h.cb_read = CbMode::kEnable;
  Result r = RunCall(file, TwoPhase::Dir::kRead, Small(8), {0}, pieces);
  EXPECT_EQ(a, file.bytes.substr(0, 40));
  EXPECT_EQ(b, file.bytes.substr(5, 10));
  EXPECT_EQ(r.bytes[0], 50);
}

}  // namespace
}  // namespace zmpi::io::agg
