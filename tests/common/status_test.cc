#include "common/status.h"

#include <gtest/gtest.h>

namespace zmpi {
namespace {

TEST(StatusTest, OkIsCheapAndPrintsSuccess) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), Code::kOk);
  EXPECT_EQ(s.ToString(), "MPI_SUCCESS");
}

TEST(StatusTest, ErrorCarriesClassAndMessage) {
  Status s = Error(Code::kTruncate, "message of %d bytes", 100);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(static_cast<int>(s.code()), 14);
  EXPECT_EQ(s.ToString(), "MPI_ERR_TRUNCATE: message of 100 bytes");
  Status copy = s;
  EXPECT_EQ(copy.message(), "message of 100 bytes");
}

Status Fails() { return Error(Code::kRank, "bad"); }
Status Propagates() {
  ZMPI_RETURN_IF_ERROR(Fails());
  return OkStatus();
}
StatusOr<int> Value(bool good) {
  if (good) return 7;
  return Error(Code::kArg, "no");
}
Status UsesValue(bool good, int* out) {
  ZMPI_ASSIGN_OR_RETURN(*out, Value(good));
  return OkStatus();
}

TEST(StatusTest, MacrosPropagate) {
  EXPECT_EQ(Propagates().code(), Code::kRank);
  int v = 0;
  EXPECT_TRUE(UsesValue(true, &v).ok());
  EXPECT_EQ(v, 7);
  EXPECT_EQ(UsesValue(false, &v).code(), Code::kArg);
}

}  // namespace
}  // namespace zmpi
