#include "mpi/coll/barrier.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/mpi/coll/coll_test_util.h"

namespace zmpi::coll::testing {
namespace {

using BarrierFn = Status (*)(Links&, int);

struct Algo {
  const char* name;
  BarrierFn fn;
};
const Algo kAlgos[] = {{"dissemination", DisseminationBarrier}, {"central", CentralBarrier}};

// No rank may leave barrier k before every rank has entered it.
TEST(BarrierTest, NoRankLeavesEarly) {
  constexpr int kRounds = 4;
  for (const Algo& algo : kAlgos) {
    for (int p : kSizes) {
      for (Delivery d : kDeliveries) {
        SCOPED_TRACE(std::string(algo.name) + " " + std::to_string(p) + " ranks, " +
                     DeliveryName(d));
        std::atomic<int> entered[kRounds] = {};
        std::atomic<int> early{0};
        RunAll(p, d, [&](Links& links) -> Status {
          for (int k = 0; k < kRounds; ++k) {
            // Late arrivals differ per round so every rank is the last one some time.
            if ((links.rank() + k) % p == 0) {
              std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
            entered[k]++;
            ZMPI_RETURN_IF_ERROR(algo.fn(links, 100 + k));
            if (entered[k].load() != p) early++;
          }
          return OkStatus();
        });
        EXPECT_EQ(early.load(), 0);
      }
    }
  }
}

// Back-to-back barriers on one tag sequence, as production issues them.
TEST(BarrierTest, ManyInARow) {
  for (const Algo& algo : kAlgos) {
    for (int p : {3, 8, 9}) {
      SCOPED_TRACE(std::string(algo.name) + " " + std::to_string(p) + " ranks");
      RunAll(p, Delivery::kRendezvous, [&](Links& links) -> Status {
        for (int k = 0; k < 50; ++k) ZMPI_RETURN_IF_ERROR(algo.fn(links, k));
        return OkStatus();
      });
    }
  }
}

}  // namespace
}  // namespace zmpi::coll::testing
