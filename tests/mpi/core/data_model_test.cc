#include "mpi/core/data_model.h"

#include <gtest/gtest.h>

namespace zmpi::core {
namespace {

TEST(DataModelTest, DescribesThisBuild) {
  const std::string m = LocalDataModel();
#if defined(__x86_64__)
  EXPECT_EQ(m, "x86_64 le long8 ptr8 ld16/64");
#elif defined(__aarch64__)
  EXPECT_EQ(m, "aarch64 le long8 ptr8 ld16/113");
#endif
  EXPECT_TRUE(CompatibleDataModels(1, m, 0, m).ok());
}

TEST(DataModelTest, LittleEndianLp64MixIsServedOthersRefused) {
  const std::string x86 = "x86_64 le long8 ptr8 ld16/64";
  const std::string arm = "aarch64 le long8 ptr8 ld16/113";
  // Both little-endian LP64: served (only long double differs, which the log mentions).
  EXPECT_TRUE(CompatibleDataModels(1, arm, 0, x86).ok());
  Status be = CompatibleDataModels(3, "ppc64 be long8 ptr8 ld16/106", 0, x86);
  ASSERT_EQ(be.code(), Code::kOther);
  EXPECT_EQ(be.message(),
            "rank 3 (ppc64 be long8 ptr8 ld16/106) and rank 0 (x86_64 le long8 ptr8 ld16/64) "
            "cannot exchange data: zmpi does not convert between byte orders or type sizes; "
            "run them in separate jobs");
  EXPECT_FALSE(CompatibleDataModels(2, "arm le long4 ptr4 ld8/53", 0, x86).ok());
  EXPECT_FALSE(CompatibleDataModels(2, "garbage", 0, x86).ok());
}

}  // namespace
}  // namespace zmpi::core
