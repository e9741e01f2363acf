#include "mpi/io/agg/domains.h"

#include <gtest/gtest.h>

namespace zmpi::io::agg {
namespace {

TEST(Domains, SplitEvenlyAndCoverTheRange) {
  Domains d(100, 1100, 4, 64, 0);
  ASSERT_EQ(d.count(), 4);
  EXPECT_EQ(d.Domain(0).lo, 100);
  EXPECT_EQ(d.Domain(3).hi, 1100);
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(d.Domain(k).len(), 250) << k;
    if (k > 0) {
      EXPECT_EQ(d.Domain(k).lo, d.Domain(k - 1).hi);
    }
  }
  EXPECT_EQ(d.rounds(), 4);  // ceil(250 / 64)
  EXPECT_EQ(d.Window(0, 0).lo, 100);
  EXPECT_EQ(d.Window(0, 0).hi, 164);
  EXPECT_EQ(d.Window(0, 3).lo, 292);
  EXPECT_EQ(d.Window(0, 3).hi, 350);
  EXPECT_TRUE(d.Window(0, 4).empty());
}

TEST(Domains, OddSizesLeaveNoGapAndNoOverlap) {
  for (int64_t len : {1, 2, 3, 7, 13, 1000, 1001}) {
    for (int count : {1, 2, 3, 5, 8}) {
      Domains d(7, 7 + len, count, 3, 0);
      int64_t covered = 0;
      int64_t at = 7;
      for (int k = 0; k < d.count(); ++k) {
        EXPECT_EQ(d.Domain(k).lo, at);
        at = d.Domain(k).hi;
        covered += d.Domain(k).len();
        for (int64_t off = d.Domain(k).lo; off < d.Domain(k).hi; ++off) {
          ASSERT_EQ(d.DomainOf(off), k) << len << " " << count << " " << off;
          int r = d.RoundOf(k, off);
          ASSERT_LE(d.Window(k, r).lo, off);
          ASSERT_GT(d.Window(k, r).hi, off);
          ASSERT_LT(r, d.rounds());
        }
      }
      EXPECT_EQ(covered, len);
      EXPECT_EQ(at, 7 + len);
      EXPECT_EQ(d.DomainOf(6), -1);
      EXPECT_EQ(d.DomainOf(7 + len), -1);
    }
  }
}

TEST(Domains, MoreAggregatorsThanBytes) {
  Domains d(0, 2, 5, 16, 0);
  int nonempty = 0;
  for (int k = 0; k < d.count(); ++k) nonempty += d.Domain(k).empty() ? 0 : 1;
  EXPECT_EQ(nonempty, 2);
  EXPECT_EQ(d.rounds(), 1);
}

TEST(Domains, BoundariesAlignToTheStripingUnit) {
  Domains d(10, 10000, 3, 1 << 20, 1024);
  EXPECT_EQ(d.Domain(0).lo, 10);
  EXPECT_EQ(d.Domain(0).hi % 1024, 0);
  EXPECT_EQ(d.Domain(1).hi % 1024, 0);
  EXPECT_EQ(d.Domain(2).hi, 10000);
  EXPECT_EQ(d.Domain(0).hi, 4096);  // 10 + ceil(9990/3) = 3340, up to 4096
}

TEST(Domains, EmptyRange) {
  Domains d(5, 5, 3, 16, 0);
  EXPECT_EQ(d.rounds(), 0);
  EXPECT_EQ(d.DomainOf(5), -1);
}

TEST(Runs, MergeOverlappingAndAdjacent) {
  std::vector<Extent> r = Runs({{10, 20}, {0, 5}, {5, 8}, {15, 30}, {40, 40}, {31, 32}});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].lo, 0);
  EXPECT_EQ(r[0].hi, 8);
  EXPECT_EQ(r[1].lo, 10);
  EXPECT_EQ(r[1].hi, 30);
  EXPECT_EQ(r[2].lo, 31);
  EXPECT_TRUE(Runs({}).empty());
}

TEST(Aggregators, OnePerHostByDefaultAmongLocalRanks) {
  // Ranks 0-2 on host 10, 3-5 on host 20, 6-7 on host 30 whose store is remote.
  std::vector<int> host{10, 10, 10, 20, 20, 20, 30, 30};
  std::vector<bool> local{true, true, true, true, true, true, false, false};
  EXPECT_EQ(ChooseAggregators(host, local, 0), (std::vector<int>{0, 3}));
  EXPECT_EQ(ChooseAggregators(host, local, 1), (std::vector<int>{0}));
  EXPECT_EQ(ChooseAggregators(host, local, 3), (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(ChooseAggregators(host, local, 4), (std::vector<int>{0, 1, 3, 4}));
  EXPECT_EQ(ChooseAggregators(host, local, 100), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  // Rank 0 not local on its host: the host's first local rank aggregates.
  local[0] = false;
  EXPECT_EQ(ChooseAggregators(host, local, 0), (std::vector<int>{1, 3}));
  EXPECT_TRUE(ChooseAggregators(host, std::vector<bool>(8, false), 0).empty());
}

TEST(Hints, ParsedAndBadValuesIgnored) {
  Hints h;
  EXPECT_TRUE(ApplyHint("cb_nodes", "3", &h));
  EXPECT_TRUE(ApplyHint("cb_buffer_size", "4096", &h));
  EXPECT_TRUE(ApplyHint("romio_cb_write", "disable", &h));
  EXPECT_TRUE(ApplyHint("romio_cb_read", "enable", &h));
  EXPECT_TRUE(ApplyHint("romio_ds_write", "disable", &h));
  EXPECT_EQ(h.cb_nodes, 3);
  EXPECT_EQ(h.cb_buffer_size, 4096);
  EXPECT_EQ(h.cb_write, CbMode::kDisable);
  EXPECT_EQ(h.cb_read, CbMode::kEnable);
  EXPECT_EQ(h.ds_write, CbMode::kDisable);
  EXPECT_TRUE(ApplyHint("cb_buffer_size", "-5", &h));
  EXPECT_TRUE(ApplyHint("cb_buffer_size", "12x", &h));
  EXPECT_TRUE(ApplyHint("cb_nodes", "0", &h));
  EXPECT_TRUE(ApplyHint("romio_cb_write", "sometimes", &h));
  EXPECT_EQ(h.cb_buffer_size, 4096);
  EXPECT_EQ(h.cb_nodes, 3);
  EXPECT_EQ(h.cb_write, CbMode::kDisable);
  EXPECT_FALSE(ApplyHint("access_style", "read_once", &h));
}

TEST(Decision, AutomaticAggregatesInterleavedOrHoledAccess) {
  std::vector<Announce> disjoint{{0, 10, 1, 1}, {10, 20, 2, 1}, {0, 0, 0, 0}};
  EXPECT_FALSE(ShouldAggregate(CbMode::kAutomatic, disjoint));
  EXPECT_TRUE(ShouldAggregate(CbMode::kEnable, disjoint));
  std::vector<Announce> interleaved{{0, 16, 2, 2}, {4, 20, 2, 2}};
  EXPECT_TRUE(ShouldAggregate(CbMode::kAutomatic, interleaved));
  EXPECT_FALSE(ShouldAggregate(CbMode::kDisable, interleaved));
  std::vector<Announce> overlap{{0, 10, 1, 1}, {5, 20, 1, 1}};
  EXPECT_TRUE(ShouldAggregate(CbMode::kAutomatic, overlap));
  std::vector<Announce> holes{{0, 100, 3, 3}};
  EXPECT_TRUE(ShouldAggregate(CbMode::kAutomatic, holes));
}

TEST(Decision, ReadModifyWriteForManySmallHoles) {
  std::vector<Extent> one{{0, 10}};
  EXPECT_FALSE(ReadModifyWrite(CbMode::kEnable, one));
  std::vector<Extent> few{{0, 10}, {20, 30}};
  EXPECT_TRUE(ReadModifyWrite(CbMode::kEnable, few));
  EXPECT_FALSE(ReadModifyWrite(CbMode::kAutomatic, few));
  std::vector<Extent> many;
  for (int i = 0; i < 10; ++i) many.push_back(Extent{i * 10, i * 10 + 8});
  EXPECT_TRUE(ReadModifyWrite(CbMode::kAutomatic, many));
  EXPECT_FALSE(ReadModifyWrite(CbMode::kDisable, many));
  std::vector<Extent> sparse;
  for (int i = 0; i < 10; ++i) sparse.push_back(Extent{i * 100, i * 100 + 8});
  EXPECT_FALSE(ReadModifyWrite(CbMode::kAutomatic, sparse));
}

}  // namespace
}  // namespace zmpi::io::agg
