#include "mpi/bootstrap/pmi_wire.h"

#include <gtest/gtest.h>

namespace zmpi::bootstrap {
namespace {

TEST(PmiWireTest, Pmi1LineParses) {
  auto f = ParsePmi1Line("cmd=maxes rc=0 kvsname_max=256  keylen_max=64 vallen_max=1024");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)["cmd"], "maxes");
  EXPECT_EQ((*f)["vallen_max"], "1024");
  EXPECT_EQ((*f)["keylen_max"], "64");
  auto empty_value = ParsePmi1Line("cmd=get_result rc=0 value=");
  ASSERT_TRUE(empty_value.ok());
  EXPECT_EQ((*empty_value)["value"], "");
}

TEST(PmiWireTest, Pmi1LineRejectsGarbage) {
  EXPECT_FALSE(ParsePmi1Line("rc=0 value=x").ok());         // no cmd
  EXPECT_FALSE(ParsePmi1Line("cmd=get_result junk").ok());  // token without '='
  EXPECT_FALSE(ParsePmi1Line("").ok());
}

TEST(PmiWireTest, Pmi2CommandRoundTripsWithSemicolons) {
  std::string wire = FormatPmi2Command({{"cmd", "kvs-put"}, {"key", "k-0"}, {"value", "a;b;;c"}});
  ASSERT_GE(wire.size(), 6u);
  std::string body = wire.substr(6);
  EXPECT_EQ(std::stoul(wire.substr(0, 6)), body.size());
  EXPECT_EQ(wire[0], ' ');  // blank-padded on the left
  EXPECT_EQ(body, "cmd=kvs-put;key=k-0;value=a;;b;;;;c;");
  auto f = ParsePmi2Command(body);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)["value"], "a;b;;c");
  EXPECT_EQ((*f)["key"], "k-0");
}

TEST(PmiWireTest, Pmi2CommandRejectsGarbage) {
  EXPECT_FALSE(ParsePmi2Command("cmd=kvs-get-response;value=x").ok());  // unterminated
  EXPECT_FALSE(ParsePmi2Command("key=x;").ok());                        // no cmd
  EXPECT_FALSE(ParsePmi2Command("cmd=x;=y;").ok());                     // empty key
  auto ok = ParsePmi2Command("cmd=kvs-get-response;rc=0;found=TRUE;value=a=b;");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["value"], "a=b");
}

TEST(PmiWireTest, ValuesEscapeEverythingUnsafe) {
  std::string raw = "tcp;ofi_rxm/0a1B /zmpi-1;4242;7ff%\n\x01=";
  raw.push_back('\0');
  std::string encoded = EncodeValue(raw);
  for (char c : encoded) {
    EXPECT_TRUE(c > 32 && c < 127 && c != ';' && c != '=' && c != ' ') << int(c);
  }
  auto decoded = DecodeValue(encoded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, raw);
  EXPECT_EQ(EncodeValue("lo/0A:1,2.x-y_z+"), "lo/0A:1,2.x-y_z+");
  EXPECT_EQ(EncodeValue(""), "");
  EXPECT_FALSE(DecodeValue("abc%4").ok());
  EXPECT_FALSE(DecodeValue("abc%zz").ok());
}

TEST(PmiWireTest, KeysCarryTheRankAndOnlySafeBytes) {
  EXPECT_EQ(KvsKey("zmpi.shm.addr", 12), "zmpi-shm-addr-12");
  EXPECT_EQ(KvsKey("a_b-c", 0), "a_b-c-0");
}

TEST(PmiWireTest, ProcessMappingBlockAndCyclic) {
  auto block = ParseProcessMapping("(vector,(0,2,2))", 4);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  EXPECT_EQ(*block, (std::vector<int>{0, 0, 1, 1}));
  auto cyclic = ParseProcessMapping("(vector,(0,2,1),(0,2,1))", 4);
  ASSERT_TRUE(cyclic.ok());
  EXPECT_EQ(*cyclic, (std::vector<int>{0, 1, 0, 1}));
  auto mixed = ParseProcessMapping("(vector,(0,1,3),(1,2,1))", 5);
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(*mixed, (std::vector<int>{0, 0, 0, 1, 2}));
  auto one = ParseProcessMapping("(vector,(0,1,1))", 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, std::vector<int>{0});
}

TEST(PmiWireTest, ProcessMappingRejectsWrongSizesAndGarbage) {
  EXPECT_FALSE(ParseProcessMapping("", 2).ok());
  EXPECT_FALSE(ParseProcessMapping("(vector,(0,1,4))", 3).ok());  // more ranks than the job
  EXPECT_FALSE(ParseProcessMapping("(vector,(0,1,2))", 3).ok());  // fewer
  EXPECT_FALSE(ParseProcessMapping("(vector,(0,1,2)", 2).ok());
  EXPECT_FALSE(ParseProcessMapping("(vector,(0,1))", 1).ok());
  EXPECT_FALSE(ParseProcessMapping("(vector,(0,1,2)) ", 2).ok());
  EXPECT_FALSE(ParseProcessMapping("vector,(0,1,2)", 2).ok());
}

TEST(PmiWireTest, TrueValues) {
  EXPECT_TRUE(PmiTrue("TRUE"));
  EXPECT_TRUE(PmiTrue("true"));
  EXPECT_TRUE(PmiTrue("1"));
  EXPECT_FALSE(PmiTrue("FALSE"));
  EXPECT_FALSE(PmiTrue(""));
}

}  // namespace
}  // namespace zmpi::bootstrap
