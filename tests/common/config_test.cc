#include "common/config.h"

#include <gtest/gtest.h>

namespace zmpi {
namespace {

TEST(ConfigTest, DefaultsComeFromTheTable) {
  Config c = Config::FromList({});
  EXPECT_EQ(c.transport, TransportChoice::kAuto);
  EXPECT_EQ(c.eager_limit, 64u * 1024);
  EXPECT_EQ(c.ofi_provider, "net,tcp,tcp;ofi_rxm");
  EXPECT_EQ(c.ofi_bulk_chunk, 128u * 1024);
  EXPECT_TRUE(c.warnings.empty());
}

TEST(ConfigTest, ParsesValuesAndSizes) {
  Config c = Config::FromList({"ZMPI_TRANSPORT=ofi", "ZMPI_EAGER_LIMIT=4k",
                               "ZMPI_LOG_LEVEL=debug", "ZMPI_SINGLE_COPY=0",
                               "ZMPI_OFI_BULK_CHUNK=0"});
  EXPECT_EQ(c.transport, TransportChoice::kOfi);
  EXPECT_EQ(c.eager_limit, 4096u);
  EXPECT_EQ(c.log_level, LogLevel::kDebug);
  EXPECT_FALSE(c.single_copy);
  EXPECT_EQ(c.ofi_bulk_chunk, 0u);
}

TEST(ConfigTest, UnknownNameGetsASuggestion) {
  Config c = Config::FromList({"ZMPI_TRANSPRT=shm"});
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("did you mean ZMPI_TRANSPORT"), std::string::npos);
}

TEST(ConfigTest, BadValueKeepsDefaultWithWarning) {
  Config c = Config::FromList({"ZMPI_EAGER_LIMIT=lots", "ZMPI_SHM_RING_SLOTS=3"});
  EXPECT_EQ(c.eager_limit, 64u * 1024);
  EXPECT_EQ(c.shm_ring_slots, 64u);
  EXPECT_EQ(c.warnings.size(), 2u);
}

TEST(ConfigTest, SizeSuffixes) {
  size_t v = 0;
  EXPECT_TRUE(ParseSize("2M", &v));
  EXPECT_EQ(v, 2u << 20);
  EXPECT_FALSE(ParseSize("2X", &v));
  EXPECT_FALSE(ParseSize("", &v));
}

}  // namespace
}  // namespace zmpi
