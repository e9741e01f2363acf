// PmiServer as a rank's library sees it: PMI-1 lines over the PMI_FD it hands out, the events
// its owner gets, and a fence whose data go out and come back (pmi_blob.h).
#include "launcher/agent/pmi_server.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cstdlib>

#include "launcher/agent/pmi_blob.h"

namespace zmpi::launcher::agent {
namespace {

// The value of NAME in a NAME=VALUE list.
std::string Var(const std::vector<std::string>& env, const std::string& name) {
  for (const std::string& kv : env) {
    if (kv.compare(0, name.size() + 1, name + "=") == 0) return kv.substr(name.size() + 1);
  }
  return "";
}

// One rank's end: writes a request, reads one reply line (5 s at most).
class Rank {
 public:
  explicit Rank(int fd) : fd_(fd) {}
  std::string Ask(const std::string& line) {
    std::string text = line + "\n";
    EXPECT_EQ(write(fd_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    return Reply();
  }
  void Tell(const std::string& line) {
    std::string text = line + "\n";
    EXPECT_EQ(write(fd_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  std::string Reply() {
    std::string out;
    char c;
    pollfd p{fd_, POLLIN, 0};
    while (poll(&p, 1, 5000) == 1 && read(fd_, &c, 1) == 1 && c != '\n') out += c;
    return out;
  }

 private:
  int fd_;
};

// Events until `n` came or `ms` passed.
std::vector<WireupEvent> WaitEvents(PmiServer& server, size_t n, int ms = 5000) {
  std::vector<WireupEvent> all;
  for (int i = 0; i < ms / 50 && all.size() < n; ++i) {
    pollfd p{server.event_fd(), POLLIN, 0};
    poll(&p, 1, 50);
    for (WireupEvent& e : server.TakeEvents()) all.push_back(std::move(e));
  }
  return all;
}

TEST(PmiServer, ServesTwoRanksThroughInitFenceAndFinalize) {
  PmiServer server;
  ASSERT_TRUE(server.Init("", nullptr).ok());
  auto plan = JobPlan::Make(3, {{"h0", 2}, {"h1", 1}}, BindPolicy::kNone);
  ASSERT_TRUE(plan.ok());
  ASSERT_TRUE(server.RegisterJob(JobInfo{"job7", 0, ""}, plan.value()).ok());
  std::vector<Rank> ranks;
  for (int r = 0; r < 2; ++r) {
    auto env = server.ForkEnvironment("job7", r);
    ASSERT_TRUE(env.ok());
    EXPECT_EQ(Var(env.value(), "PMI_RANK"), std::to_string(r));
    EXPECT_EQ(Var(env.value(), "PMI_SIZE"), "3");
    int fd = atoi(Var(env.value(), "PMI_FD").c_str());
    EXPECT_EQ(server.RankDescriptor("job7", r), fd);
    ranks.emplace_back(dup(fd));  // the rank's own copy, as a forked child would have
  }
  EXPECT_EQ(ranks[0].Ask("cmd=init pmi_version=1 pmi_subversion=1"),
            "cmd=response_to_init pmi_version=1 pmi_subversion=1 rc=0");
  EXPECT_EQ(server.RankDescriptor("job7", 0), -1);  // rank 0 spoke: the server let go of it
  EXPECT_EQ(ranks[1].Ask("cmd=init pmi_version=1 pmi_subversion=1").substr(0, 20),
            "cmd=response_to_init");
  std::vector<WireupEvent> events = WaitEvents(server, 2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, WireupEvent::Kind::kConnected);
  EXPECT_EQ(events[0].nspace, "job7");
  EXPECT_EQ(ranks[0].Ask("cmd=get_my_kvsname"), "cmd=my_kvsname kvsname=job7 rc=0");
  EXPECT_EQ(ranks[0].Ask("cmd=get kvsname=job7 key=PMI_process_mapping"),
            "cmd=get_result rc=0 value=(vector,(0,1,2),(1,1,1))");
  EXPECT_EQ(ranks[0].Ask("cmd=put kvsname=job7 key=a value=1"), "cmd=put_result rc=0");
  EXPECT_EQ(ranks[1].Ask("cmd=put kvsname=job7 key=b value=2"), "cmd=put_result rc=0");
  EXPECT_EQ(ranks[0].Ask("cmd=get kvsname=job7 key=a").substr(0, 21), "cmd=get_result rc=-1 ");
  // The fence leaves this host only once both local ranks are in it.
  ranks[0].Tell("cmd=barrier_in");
  EXPECT_TRUE(WaitEvents(server, 1, 300).empty());
  ranks[1].Tell("cmd=barrier_in");
  events = WaitEvents(server, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, WireupEvent::Kind::kFence);
  std::map<std::string, std::string> puts;
  ASSERT_TRUE(DecodePmiBlob(events[0].data, &puts).ok());
  EXPECT_EQ(puts, (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}}));
  // What the other host put comes back with ours.
  server.CompleteFence(events[0], events[0].data + EncodePmiBlob({{"c", "3"}}));
  EXPECT_EQ(ranks[0].Reply(), "cmd=barrier_out rc=0");
  EXPECT_EQ(ranks[1].Reply(), "cmd=barrier_out rc=0");
  EXPECT_EQ(ranks[1].Ask("cmd=get kvsname=job7 key=c"), "cmd=get_result rc=0 value=3");
  EXPECT_EQ(ranks[1].Ask("cmd=get kvsname=job7 key=a"), "cmd=get_result rc=0 value=1");
  EXPECT_EQ(ranks[0].Ask("cmd=finalize"), "cmd=finalize_ack rc=0");
  // The reason, encoded as one word (mpi/bootstrap/pmi1.cc); a bad escape stays as it is.
  ranks[1].Tell("cmd=abort exitcode=9 message=MPI_Init%3A%20no%20room%2");
  events = WaitEvents(server, 2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, WireupEvent::Kind::kFinalized);
  EXPECT_EQ(events[0].rank, 0);
  EXPECT_EQ(events[1].kind, WireupEvent::Kind::kAbort);
  EXPECT_EQ(events[1].rank, 1);
  EXPECT_EQ(events[1].status, 9);
  EXPECT_EQ(events[1].message, "MPI_Init: no room%2");
  server.DeregisterJob("job7");
}

TEST(PmiServer, RefusesUnknownJobsAndRanks) {
  PmiServer server;
  ASSERT_TRUE(server.Init("", nullptr).ok());
  EXPECT_FALSE(server.ForkEnvironment("nope", 0).ok());
  auto plan = JobPlan::Make(1, {{"h0", 1}}, BindPolicy::kNone);
  ASSERT_TRUE(server.RegisterJob(JobInfo{"j", 0, ""}, plan.value()).ok());
  EXPECT_FALSE(server.RegisterJob(JobInfo{"j", 0, ""}, plan.value()).ok());
  EXPECT_FALSE(server.ForkEnvironment("j", 1).ok());
  EXPECT_TRUE(server.ForkEnvironment("j", 0).ok());
  EXPECT_FALSE(server.ForkEnvironment("j", 0).ok());  // started once already
}

TEST(PmiBlob, RoundTripsAndConcatenates) {
  std::string a = EncodePmiBlob({{"k1", "v 1"}, {"", ""}});
  std::string b = EncodePmiBlob({{"k1", "later"}, {"k:2", std::string(3, '\0')}});
  std::map<std::string, std::string> kvs;
  ASSERT_TRUE(DecodePmiBlob(a + b, &kvs).ok());
  EXPECT_EQ(kvs.size(), 3u);
  EXPECT_EQ(kvs["k1"], "later");
  EXPECT_EQ(kvs["k:2"], std::string(3, '\0'));
  for (const char* bad : {"3:ab", "x:1", "2:ab", "99999999999:a"}) {
    std::map<std::string, std::string> none;
    EXPECT_FALSE(DecodePmiBlob(bad, &none).ok()) << bad;
    EXPECT_TRUE(none.empty());
  }
}

}  // namespace
}  // namespace zmpi::launcher::agent
