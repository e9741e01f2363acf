// The ofi tag layout: kinds never mix, frame tags keep the sender, bulk tags keep keys apart.
#include "transport/ofi/tag_format.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace zmpi::transport::ofi {
namespace {

TEST(OfiTagFormat, FrameTagCarriesSender) {
  for (uint32_t rank : {0u, 1u, 255u, 65536u, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
    uint64_t tag = FrameTag(rank);
    EXPECT_EQ(KindOf(tag), TagKind::kFrame);
    EXPECT_EQ(SenderOf(tag), rank);
    // A wildcard frame receive (FrameTag(0), ignore kBodyMask) matches it...
    EXPECT_EQ(tag & ~kBodyMask, FrameTag(0) & ~kBodyMask);
  }
}

TEST(OfiTagFormat, BulkTagsNeverMatchFrameReceives) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 100000; ++i) {
    uint64_t tag = BulkTag(rng());
    EXPECT_EQ(KindOf(tag), TagKind::kBulk);
    EXPECT_NE(tag & ~kBodyMask, FrameTag(0) & ~kBodyMask);
  }
}

TEST(OfiTagFormat, KeysWithDistinctLowWordsNeverCollide) {
  // The core's keys are (generation << 32 | slot); live requests have distinct slots.
  std::mt19937_64 rng(9);
  std::set<uint64_t> tags;
  for (uint32_t slot = 0; slot < 50000; ++slot) {
    uint64_t key = (rng() << 32) | slot;
    EXPECT_TRUE(tags.insert(BulkTag(key)).second) << key;
  }
  // Same slot, different generations: still different while the generation differs in any bit.
  EXPECT_NE(BulkTag(uint64_t{1} << 32 | 7), BulkTag(uint64_t{2} << 32 | 7));
  EXPECT_NE(BulkTag(uint64_t{1} << 63 | 7), BulkTag(7));
}

}  // namespace
}  // namespace zmpi::transport::ofi
