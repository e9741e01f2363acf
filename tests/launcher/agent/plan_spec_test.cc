#include "launcher/agent/plan_spec.h"

#include <gtest/gtest.h>

namespace zmpi::launcher::agent {
namespace {

PlanSpec Sample() {
  PlanSpec spec;
  spec.hosts = {{"h1", 2}, {"h2.local", 4}, {"node_3", 1}};
  spec.host = 1;
  spec.bind = BindPolicy::kNone;
  spec.nspace = "zrun.00ff00ff00ff00ff";
  return spec;
}

TEST(PlanSpec, RoundTrip) {
  StatusOr<std::string> text = EncodePlanSpec(Sample());
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_EQ(*text, "1;1;n;zrun.00ff00ff00ff00ff;h1:2,h2.local:4,node_3:1");
  StatusOr<PlanSpec> back = DecodePlanSpec(*text);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->host, 1);
  EXPECT_EQ(back->bind, BindPolicy::kNone);
  EXPECT_EQ(back->nspace, "zrun.00ff00ff00ff00ff");
  ASSERT_EQ(back->hosts.size(), 3u);
  EXPECT_EQ(back->hosts[1].name, "h2.local");
  EXPECT_EQ(back->hosts[1].cores, 4);
}

TEST(PlanSpec, SamePlanOnEveryAgent) {
  // Every agent rebuilds the job's rank map from the spec; it must equal zrun's.
  PlanSpec spec = Sample();
  StatusOr<JobPlan> zrun_plan = JobPlan::Make(9, spec.hosts, spec.bind);
  ASSERT_TRUE(zrun_plan.ok());
  StatusOr<PlanSpec> agent_spec = DecodePlanSpec(*EncodePlanSpec(spec));
  StatusOr<JobPlan> agent_plan = JobPlan::Make(9, agent_spec->hosts, agent_spec->bind);
  ASSERT_TRUE(agent_plan.ok());
  for (int r = 0; r < 9; ++r) {
    EXPECT_EQ(zrun_plan->rank(r).host, agent_plan->rank(r).host) << r;
    EXPECT_EQ(zrun_plan->rank(r).local_rank, agent_plan->rank(r).local_rank) << r;
  }
}

TEST(PlanSpec, MapByNodeTravels) {
  PlanSpec spec = Sample();
  spec.map = MapBy::kNode;
  StatusOr<std::string> text = EncodePlanSpec(spec);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->substr(text->size() - 5), ";node");
  StatusOr<PlanSpec> back = DecodePlanSpec(*text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->map, MapBy::kNode);
  EXPECT_EQ(DecodePlanSpec(*EncodePlanSpec(Sample()))->map, MapBy::kCore);
  EXPECT_FALSE(DecodePlanSpec("1;0;c;ns;h1:1;nodes").ok());
}

TEST(PlanSpec, EncodeRefusesBadNames) {
  PlanSpec spec = Sample();
  spec.hosts[0].name = "h1;rm";
  EXPECT_FALSE(EncodePlanSpec(spec).ok());
  spec = Sample();
  spec.nspace = "";
  EXPECT_FALSE(EncodePlanSpec(spec).ok());
  spec = Sample();
  spec.host = 3;
  EXPECT_FALSE(EncodePlanSpec(spec).ok());
  spec = Sample();
  spec.hosts[2].cores = 0;
  EXPECT_FALSE(EncodePlanSpec(spec).ok());
}

TEST(PlanSpec, DecodeRefusesMalformedText) {
  for (const char* bad : {"", "2;0;c;ns;h1:1", "1;0;c;ns", "1;1;c;ns;h1:1", "1;0;x;ns;h1:1",
                          "1;0;c;n s;h1:1", "1;0;c;ns;h1", "1;0;c;ns;h1:0", "1;0;c;ns;h1:-1",
                          "1;0;c;ns;h1:99999999999", "1;0;c;ns;:1", "1;0;c;ns;h1:1,",
                          "1;-1;c;ns;h1:1", "1;0;c;ns;h1:1;extra", "1;0;c;ns;h1:1;node;x"}) {
    EXPECT_FALSE(DecodePlanSpec(bad).ok()) << bad;
  }
  std::string many = "1;0;c;ns;";
  for (int i = 0; i < 5000; ++i) many += (i ? ",h" : "h") + std::to_string(i) + ":1";
  EXPECT_FALSE(DecodePlanSpec(many).ok());
}

}  // namespace
}  // namespace zmpi::launcher::agent
