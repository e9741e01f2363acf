#include "launcher/zrun/job_choice.h"

#include <gtest/gtest.h>

namespace zmpi::launcher::zrun {
namespace {

const proto::JobOffer kNormal{{"pmix", "pmi"}, {"ofi", "tcp"}};
const proto::JobOffer kPortable{{"pmi"}, {"tcp"}};

TEST(JobChoiceTest, NormalHostsGetPmixAndOfi) {
  StatusOr<JobChoice> c = ChooseForJob({{"h1", kNormal}, {"h2", kNormal}}, "", "");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->wireup, "pmix");
  EXPECT_EQ(c->net, "ofi");
}

TEST(JobChoiceTest, APortableHostMakesItPmiAndTcp) {
  StatusOr<JobChoice> c = ChooseForJob({{"h1", kNormal}, {"h2", kPortable}}, "auto", "auto");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->wireup, "pmi");
  EXPECT_EQ(c->net, "tcp");
}

TEST(JobChoiceTest, TheUsersSettingIsTakenWhenEveryHostHasIt) {
  StatusOr<JobChoice> c = ChooseForJob({{"h1", kNormal}, {"h2", kNormal}}, "pmi", "tcp");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->wireup, "pmi");
  EXPECT_EQ(c->net, "tcp");
}

TEST(JobChoiceTest, NoCommonNetworkIsOneLineNamingEachHost) {
  StatusOr<JobChoice> c = ChooseForJob({{"h1", kNormal}, {"h2", kPortable}}, "", "ofi");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kArg);
  const std::string& m = c.status().message();
  EXPECT_NE(m.find("no network transport in common (ZMPI_NET=ofi asked; hosts offer: h1 "
                   "ofi/tcp, h2 tcp)"),
            std::string::npos)
      << m;
  EXPECT_EQ(m.find('\n'), std::string::npos);
}

TEST(JobChoiceTest, NoCommonWireupNamesIt) {
  // An agent forced to PMIx (its ZMPI_WIREUP=pmix) and a portable one.
  StatusOr<JobChoice> c =
      ChooseForJob({{"h1", proto::JobOffer{{"pmix"}, {"ofi", "tcp"}}}, {"h2", kPortable}}, "", "");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("no wire-up in common (hosts offer: h1 pmix, h2 pmi)"),
            std::string::npos)
      << c.status().message();
}

TEST(JobChoiceTest, UnknownNamesAndEmptyOffersNeverMatch) {
  EXPECT_FALSE(ChooseForJob({{"h1", kNormal}, {"h2", proto::JobOffer{}}}, "", "").ok());
  StatusOr<JobChoice> c =
      ChooseForJob({{"h1", proto::JobOffer{{"carrier-pigeon", "pmi"}, {"ucx", "tcp"}}}}, "", "");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->wireup, "pmi");
  EXPECT_EQ(c->net, "tcp");
}

TEST(JobChoiceTest, EnvValueTakesTheLast) {
  EXPECT_EQ(EnvValue({"ZMPI_NET=ofi", "ZMPI_NETX=1", "ZMPI_NET=tcp"}, "ZMPI_NET"), "tcp");
  EXPECT_EQ(EnvValue({"ZMPI_NETX=1"}, "ZMPI_NET"), "");
}

}  // namespace
}  // namespace zmpi::launcher::zrun
