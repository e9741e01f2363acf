#include <gtest/gtest.h>

#include <string>

#include "launcher/discovery/agent_info.h"
#include "launcher/discovery/txt_format.h"

namespace zmpi::launcher::discovery {
namespace {

AgentInfo Sample() {
  AgentInfo info;
  info.protocol_version = 1;
  info.cluster_id = "0123456789abcdef";
  info.arch = "x86_64";
  info.os = "linux";
  info.cores_offered = 8;
  info.cores_used = 3;
  info.name = "node-7";
  info.port = 41000;
  return info;
}

StatusOr<AgentInfo> Decode(const std::string& s) {
  return DecodeTxt(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string Entry(const std::string& kv) { return std::string(1, static_cast<char>(kv.size())) + kv; }

TEST(TxtTest, RoundTrip) {
  StatusOr<std::string> txt = EncodeTxt(Sample());
  ASSERT_TRUE(txt.ok()) << txt.status().ToString();
  StatusOr<AgentInfo> back = Decode(*txt);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == Sample());
}

TEST(TxtTest, LayoutIsLengthPrefixedKeyValues) {
  std::string txt = *EncodeTxt(Sample());
  EXPECT_EQ(txt.substr(0, 10), Entry("txtvers=1"));
  EXPECT_NE(txt.find(Entry("cid=0123456789abcdef")), std::string::npos);
  EXPECT_NE(txt.find(Entry("cores=8")), std::string::npos);
  EXPECT_NE(txt.find(Entry("used=3")), std::string::npos);
  EXPECT_NE(txt.find(Entry("port=41000")), std::string::npos);
  EXPECT_LE(txt.size(), kMaxTxtTotal);
}

TEST(TxtTest, EncodeRejectsInvalidFields) {
  AgentInfo bad = Sample();
  bad.cluster_id = "NOT-HEX";
  EXPECT_FALSE(EncodeTxt(bad).ok());
  bad = Sample();
  bad.name = "has.dot";
  EXPECT_FALSE(EncodeTxt(bad).ok());
  bad = Sample();
  bad.name = std::string(kMaxName + 1, 'a');
  EXPECT_FALSE(EncodeTxt(bad).ok());
  bad = Sample();
  bad.port = 0;
  EXPECT_FALSE(EncodeTxt(bad).ok());
  bad = Sample();
  bad.cluster_id = "";
  EXPECT_FALSE(EncodeTxt(bad).ok());
}

TEST(TxtTest, DecodeRejectsTruncation) {
  std::string txt = *EncodeTxt(Sample());
  for (size_t cut = 1; cut < txt.size(); ++cut) {
    StatusOr<AgentInfo> r = Decode(txt.substr(0, cut));
    EXPECT_FALSE(r.ok()) << "cut at " << cut;
  }
  EXPECT_FALSE(Decode("").ok());
}

TEST(TxtTest, DecodeRejectsMissingKeyWithReason) {
  std::string txt = *EncodeTxt(Sample());
  std::string port = Entry("port=41000");
  txt.erase(txt.find(port), port.size());
  StatusOr<AgentInfo> r = Decode(txt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("port"), std::string::npos);
}

TEST(TxtTest, DecodeRejectsBadNumbers) {
  for (const char* bad : {"cores=-1", "cores=1x", "cores=01", "cores=99999999999", "cores=",
                          "cores=2000000"}) {
    std::string txt = *EncodeTxt(Sample());
    std::string good = Entry("cores=8");
    txt.replace(txt.find(good), good.size(), Entry(bad));
    EXPECT_FALSE(Decode(txt).ok()) << bad;
  }
  std::string txt = *EncodeTxt(Sample());
  std::string good = Entry("port=41000");
  txt.replace(txt.find(good), good.size(), Entry("port=65536"));
  EXPECT_FALSE(Decode(txt).ok());
}

TEST(TxtTest, DecodeRejectsOtherTxtVersion) {
  std::string txt = *EncodeTxt(Sample());
  txt.replace(0, 10, Entry("txtvers=2"));
  StatusOr<AgentInfo> r = Decode(txt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("version"), std::string::npos);
}

TEST(TxtTest, DecodeRejectsOversized) {
  std::string txt = *EncodeTxt(Sample());
  while (txt.size() <= kMaxTxtTotal) txt += Entry("pad=" + std::string(200, 'x'));
  EXPECT_FALSE(Decode(txt).ok());
  std::string many = *EncodeTxt(Sample());
  for (size_t i = 0; i < kMaxTxtEntries; ++i) many += Entry("k" + std::to_string(i) + "=v");
  EXPECT_FALSE(Decode(many).ok());
}

TEST(TxtTest, UnknownKeysIgnoredFirstDuplicateWins) {
  std::string txt = *EncodeTxt(Sample()) + Entry("future=1") + Entry("cores=99") + Entry("flag");
  StatusOr<AgentInfo> r = Decode(txt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->cores_offered, 8u);
}

TEST(TxtTest, DecodeSurvivesEveryByteValueAtEveryPosition) {
  const std::string txt = *EncodeTxt(Sample());
  for (size_t pos = 0; pos < txt.size(); ++pos) {
    for (int v = 0; v < 256; v += 7) {
      std::string m = txt;
      m[pos] = static_cast<char>(v);
      StatusOr<AgentInfo> r = Decode(m);
      if (r.ok()) {
        EXPECT_TRUE(ValidateAgentInfo(*r).ok());
      }
    }
  }
}

TEST(TxtTest, SanitizeName) {
  EXPECT_EQ(SanitizeName("host.example.org"), "host");
  EXPECT_EQ(SanitizeName("my box"), "my-box");
  EXPECT_EQ(SanitizeName(""), "zmpi");
  EXPECT_EQ(SanitizeName(std::string(100, 'a')).size(), kMaxName);
}

}  // namespace
}  // namespace zmpi::launcher::discovery
