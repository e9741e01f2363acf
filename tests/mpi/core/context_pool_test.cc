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
  ContextPool::Window offer = a.Offer();
  ContextPool::And(offer.bits, b.Offer().bits);
  EXPECT_EQ(ContextPool::Lowest(offer), 10);
  a.Release(6);
  EXPECT_EQ(ContextPool::Lowest(a.Offer()), 6);
}

TEST(ContextPoolTest, ReservedIdsAreNotOffered) {
  ContextPool pool;
  ContextPool::Window held = pool.Offer();
  pool.Reserve(held);
  ContextPool::Window next = pool.Offer();  // the whole first window is reserved: the next one
  EXPECT_EQ(next.base, static_cast<uint64_t>(ContextPool::kWindowWords));
  EXPECT_EQ(ContextPool::Lowest(next), 2 * 64 * ContextPool::kWindowWords);
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
  const uint32_t last = static_cast<uint32_t>(2 * ContextPool::kMaxIds - 2);
  for (uint32_t id = 6; id <= last; id += 2) pool.Take(id);
  ContextPool::Window w = pool.Offer();
  EXPECT_EQ(w.base, ContextPool::kMaxWords);
  EXPECT_EQ(ContextPool::Lowest(w), -1);
  pool.Release(last);
  EXPECT_EQ(ContextPool::Lowest(pool.Offer()), last);
  pool.Release(4000);
  EXPECT_EQ(ContextPool::Lowest(pool.Offer()), 4000);  // the remembered low word moves back
}

// An offer is a window of 4096 ids starting at the lowest word with a free id at or after the
// hint: 200k live communicators cost no bigger messages, and ids beyond the first window are
// reachable.
TEST(ContextPoolTest, WindowStartsAtTheFirstFreeWordFromTheHint) {
  ContextPool pool;
  for (uint32_t i = 3; i < 200003; ++i) pool.Take(2 * i);
  ContextPool::Window w = pool.Offer();
  EXPECT_EQ(w.bits.size(), static_cast<size_t>(ContextPool::kWindowWords));
  EXPECT_EQ(w.base, 200003u / 64);
  EXPECT_EQ(ContextPool::Lowest(w), 2 * 200003);
  pool.Release(2 * 70000);
  EXPECT_EQ(ContextPool::Lowest(pool.Offer()), 2 * 70000);
  w = pool.Offer(5000);  // a later round looks from its hint on
  EXPECT_EQ(w.base, 5000u);
  EXPECT_EQ(ContextPool::Lowest(w), 2 * 5000 * 64);
  pool.Reserve(w);
  EXPECT_EQ(pool.Offer(5000).base, 5000u + ContextPool::kWindowWords);  // all reserved
  pool.Unreserve(w);
  EXPECT_EQ(pool.Offer(5000).base, 5000u);
}

}  // namespace
}  // namespace zmpi::core
