#include "mpi/core/context_pool.h"

#include <gtest/gtest.h>

namespace zmpi::core {
namespace {

TEST(ContextPoolTest, PredefinedIdsAreTaken) {
  ContextPool pool;
  EXPECT_TRUE(pool.InUse(0));
  EXPECT_TRUE(pool.InUse(2));
  EXPECT_TRUE(pool.InUse(4));
  EXPECT_FALSE(pool.InUse(6));
  EXPECT_EQ(ContextPool::Lowest(pool.Offer()), 6);
  pool.Release(4);  // predefined ids are never released
  EXPECT_TRUE(pool.InUse(4));
}

TEST(ContextPoolTest, AgreementTakesTheLowestCommonId) {
  ContextPool a, b;
  a.Take(6);
  b.Take(8);
  ContextPool::Bits offer = a.Offer();
  ContextPool::And(offer, b.Offer());
  EXPECT_EQ(ContextPool::Lowest(offer), 10);
  a.Release(6);
  EXPECT_EQ(ContextPool::Lowest(a.Offer()), 6);
}

TEST(ContextPoolTest, ReservedIdsAreNotOffered) {
  ContextPool pool;
  ContextPool::Bits held = pool.Offer();
  pool.Reserve(held);
  EXPECT_EQ(ContextPool::Lowest(pool.Offer()), -1);
  pool.Unreserve(held);
  EXPECT_EQ(ContextPool::Lowest(pool.Offer()), 6);
}

TEST(ContextPoolTest, OnlyTheLowestPresentKeyHolds) {
  ContextPool pool;
  pool.AddPresent(20);
  pool.AddPresent(10);
  EXPECT_FALSE(pool.TryHold(20));
  EXPECT_TRUE(pool.TryHold(10));
  EXPECT_FALSE(pool.TryHold(10));  // held already
  pool.EndHold();
  pool.RemovePresent(10);
  EXPECT_TRUE(pool.TryHold(20));
}

// A blocking agreement may reserve before its party is known to be present only while it is
// the one agreement of the process: a second one (an MPI_Comm_idup started earlier, whose
// other members may be stuck in this very agreement) forbids it.
TEST(ContextPoolTest, HoldingAloneNeedsNoOtherAgreement) {
  ContextPool pool;
  pool.Join();
  EXPECT_TRUE(pool.TryHoldAlone());
  EXPECT_FALSE(pool.TryHoldAlone());  // held already
  pool.EndHold();
  pool.Join();
  EXPECT_FALSE(pool.TryHoldAlone());
  pool.Leave();
  EXPECT_TRUE(pool.TryHoldAlone());
  pool.EndHold();
  pool.Leave();
}

TEST(ContextPoolTest, ExhaustedPoolOffersNothing) {
  ContextPool pool;
  for (uint32_t id = 6; id < 2 * ContextPool::kBits; id += 2) pool.Take(id);
  EXPECT_EQ(ContextPool::Lowest(pool.Offer()), -1);
  pool.Release(2 * ContextPool::kBits - 2);
  EXPECT_EQ(ContextPool::Lowest(pool.Offer()), 2 * ContextPool::kBits - 2);
}

}  // namespace
}  // namespace zmpi::core
