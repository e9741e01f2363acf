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

// An agent of protocol 3 on, which announces its job offer.
AgentInfo WithOffer() {
  AgentInfo info = Sample();
  info.offer_known = true;
  info.wireups = {"pmix", "pmi"};
  info.nets = {"ofi", "tcp"};
  return info;
}

StatusOr<AgentInfo> Decode(const std::string& s) {
  return DecodeTxt(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string Entry(const std::string& kv) {
  return std::string(1, static_cast<char>(kv.size())) + kv;
}

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
  for (const char* bad :
       {"cores=-1", "cores=1x", "cores=01", "cores=99999999999", "cores=", "cores=2000000"}) {
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

TEST(TxtTest, OfferRoundTripsInTwoShortKeys) {
  std::string txt = *EncodeTxt(WithOffer());
  EXPECT_NE(txt.find(Entry("wu=pmix,pmi")), std::string::npos);
  EXPECT_NE(txt.find(Entry("net=ofi,tcp")), std::string::npos);
  EXPECT_EQ(txt.size(), EncodeTxt(Sample())->size() + 12 + 12);
  StatusOr<AgentInfo> back = Decode(txt);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->offer_known);
  EXPECT_EQ(back->wireups, (std::vector<std::string>{"pmix", "pmi"}));
  EXPECT_EQ(back->nets, (std::vector<std::string>{"ofi", "tcp"}));
  EXPECT_TRUE(*back == WithOffer());
}

TEST(TxtTest, AgentWithoutOfferStillDecodes) {
  std::string txt = *EncodeTxt(Sample());  // an agent older than protocol 3
  EXPECT_EQ(txt.find("wu="), std::string::npos);
  EXPECT_EQ(txt.find("net="), std::string::npos);
  StatusOr<AgentInfo> r = Decode(txt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->offer_known);
  EXPECT_TRUE(r->wireups.empty() && r->nets.empty());
}

TEST(TxtTest, UnreadableOfferLeavesTheAgentWithoutOne) {
  const std::string base = *EncodeTxt(Sample());
  for (const std::string& extra :
       {Entry("wu=pmi"),                               // net missing
        Entry("wu=pmi") + Entry("net="),               // empty list
        Entry("wu=pmi") + Entry("net=tcp,,ofi"),       // empty name
        Entry("wu=PMI") + Entry("net=tcp"),            // not lowercase
        Entry("wu=pmi") + Entry("net=a,b,c,d,e,f,g"),  // over kMaxOfferNames
        Entry("wu=pmi") + Entry("net=" + std::string(kMaxOfferName + 1, 'x'))}) {
    StatusOr<AgentInfo> r = Decode(base + extra);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_FALSE(r->offer_known) << extra;
    EXPECT_TRUE(r->wireups.empty() && r->nets.empty()) << extra;
  }
  // A newer agent's unknown names are kept: zrun compares names, it does not reject them.
  StatusOr<AgentInfo> r = Decode(base + Entry("wu=pmi,pmi2") + Entry("net=ucx,tcp"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->offer_known);
  EXPECT_EQ(r->nets, (std::vector<std::string>{"ucx", "tcp"}));
}

TEST(TxtTest, EncodeRejectsBadOffer) {
  AgentInfo bad = WithOffer();
  bad.nets.clear();
  EXPECT_FALSE(EncodeTxt(bad).ok());
  bad = WithOffer();
  bad.wireups = {"PMIx"};
  EXPECT_FALSE(EncodeTxt(bad).ok());
  bad = WithOffer();
  bad.wireups = {"pmi,x"};  // would read back as two names
  EXPECT_FALSE(EncodeTxt(bad).ok());
  bad = WithOffer();
  bad.offer_known = false;  // the lists are not announced at all
  StatusOr<std::string> txt = EncodeTxt(bad);
  ASSERT_TRUE(txt.ok());
  EXPECT_EQ(txt->find("wu="), std::string::npos);
}

TEST(TxtTest, MaximalRecordWithOfferFits) {
  AgentInfo big = WithOffer();
  big.protocol_version = UINT32_MAX;
  big.cluster_id = std::string(kMaxClusterId, 'f');
  big.arch = std::string(kMaxShortValue, 'a');
  big.os = std::string(kMaxShortValue, 'o');
  big.name = std::string(kMaxName, 'n');
  big.cores_offered = big.cores_used = kMaxCores;
  big.port = 65535;
  // Six names of 7 characters and five commas: 47 <= kMaxOfferValue.
  big.wireups = big.nets = std::vector<std::string>(kMaxOfferNames, "abcdefg");
  StatusOr<std::string> txt = EncodeTxt(big);
  ASSERT_TRUE(txt.ok()) << txt.status().ToString();
  EXPECT_LE(txt->size(), kMaxTxtTotal);
  StatusOr<AgentInfo> back = Decode(*txt);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == big);
}

TEST(TxtTest, DecodeWithOfferSurvivesEveryByteValue) {
  const std::string txt = *EncodeTxt(WithOffer());
  for (size_t pos = 0; pos < txt.size(); ++pos) {
    for (int v = 0; v < 256; v += 5) {
      std::string m = txt;
      m[pos] = static_cast<char>(v);
      StatusOr<AgentInfo> r = Decode(m);
      if (r.ok()) {
        EXPECT_TRUE(ValidateAgentInfo(*r).ok());
        EXPECT_EQ(r->offer_known, !r->wireups.empty());
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
