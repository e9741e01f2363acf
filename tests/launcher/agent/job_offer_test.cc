#include "launcher/agent/job_offer.h"

#include <gtest/gtest.h>

#include "launcher/agent/wireup_server.h"

namespace zmpi::launcher::agent {
namespace {

TEST(JobOfferTest, WhatThisBuildHas) {
  proto::JobOffer o = LocalJobOffer(nullptr, nullptr);
  if (HavePmixServer()) {
    EXPECT_EQ(o.wireups, (std::vector<std::string>{"pmix", "pmi"}));
  } else {
    EXPECT_EQ(o.wireups, (std::vector<std::string>{"pmi"}));
  }
  if (HaveOfiNetwork()) {
    EXPECT_EQ(o.nets, (std::vector<std::string>{"ofi", "tcp"}));
  } else {
    EXPECT_EQ(o.nets, (std::vector<std::string>{"tcp"}));
  }
  EXPECT_TRUE(LocalJobOffer("auto", "auto") == o);
  EXPECT_TRUE(LocalJobOffer("bogus", "bogus") == o);
}

TEST(JobOfferTest, TheAgentsOwnSettingsLimitIt) {
  proto::JobOffer o = LocalJobOffer("pmi", "tcp");
  EXPECT_EQ(o.wireups, (std::vector<std::string>{"pmi"}));
  EXPECT_EQ(o.nets, (std::vector<std::string>{"tcp"}));
}

TEST(JobOfferTest, AChoiceOutsideTheOfferIsRefusedNamingTheHost) {
  proto::JobOffer o{{"pmi"}, {"tcp"}};
  EXPECT_TRUE(CheckJobChoice(o, "", "", "h2").ok());
  EXPECT_TRUE(CheckJobChoice(o, "pmi", "tcp", "h2").ok());
  Status s = CheckJobChoice(o, "pmix", "tcp", "h2");
  EXPECT_EQ(s.message(), "zrun chose the wire-up pmix, but h2 offers pmi");
  s = CheckJobChoice(o, "pmi", "ofi", "h2");
  EXPECT_EQ(s.message(), "zrun chose the network ofi, but h2 offers tcp");
}

}  // namespace
}  // namespace zmpi::launcher::agent
