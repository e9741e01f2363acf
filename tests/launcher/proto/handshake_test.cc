#include <gtest/gtest.h>

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "common/check.h"
#include "launcher/proto/frame_reader.h"
#include "launcher/proto/handshake.h"
#include "launcher/proto/key_file.h"

namespace zmpi::launcher::proto {
namespace {

std::unique_ptr<KeyFile> Key(uint8_t fill) {
  uint8_t bytes[kKeySize];
  for (size_t i = 0; i < kKeySize; ++i) bytes[i] = static_cast<uint8_t>(fill + i);
  return KeyFile::FromBytes(bytes);
}

Frame Parse(const std::string& bytes) {
  StatusOr<Frame> f = DecodeFrame(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  ZMPI_CHECK(f.ok());
  return std::move(f.value());
}

// Runs a complete handshake between `client_key` and `agent_key` in memory.
struct Pair {
  std::unique_ptr<Handshake> client, agent;
  std::string hello, challenge, auth, auth_ok;
};

Status RunHandshake(const KeyFile& client_key, const KeyFile& agent_key, Pair* p) {
  p->client = std::make_unique<Handshake>(Handshake::Role::kClient, client_key, "zrun");
  p->agent = std::make_unique<Handshake>(Handshake::Role::kAgent, agent_key, "h2");
  ZMPI_ASSIGN_OR_RETURN(p->hello, p->client->Start());
  ZMPI_ASSIGN_OR_RETURN(p->challenge, p->agent->OnFrame(Parse(p->hello)));
  ZMPI_ASSIGN_OR_RETURN(p->auth, p->client->OnFrame(Parse(p->challenge)));
  ZMPI_ASSIGN_OR_RETURN(p->auth_ok, p->agent->OnFrame(Parse(p->auth)));
  ZMPI_ASSIGN_OR_RETURN(std::string none, p->client->OnFrame(Parse(p->auth_ok)));
  EXPECT_TRUE(none.empty());
  return OkStatus();
}

TEST(HandshakeTest, SameKeyAuthenticatesBothWays) {
  auto key = Key(1);
  Pair p;
  Status s = RunHandshake(*key, *key, &p);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(p.client->done() && p.agent->done());
  EXPECT_EQ(p.client->peer_name(), "h2");
  EXPECT_EQ(p.agent->peer_name(), "zrun");
  auto cs = p.client->TakeSession();
  auto as = p.agent->TakeSession();
  // Messages flow both ways; numbering continues after AuthOk.
  Launch launch;
  launch.job_id = 5;
  launch.world_size = 2;
  launch.ranks = {1};
  launch.argv = {"./a"};
  StatusOr<Launch> got = as->OpenMessage<Launch>(Parse(*cs->SealMessage(launch)));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == launch);
  StatusOr<RankExit> exit = cs->OpenMessage<RankExit>(Parse(*as->SealMessage(RankExit{5, 1, ExitHow::kExited, 0})));
  ASSERT_TRUE(exit.ok()) << exit.status().ToString();
}

// Protocol 3: the agent's offer reaches the client, sealed in AuthOk.
TEST(HandshakeTest, TheAgentsOfferReachesTheClient) {
  auto key = Key(1);
  Pair p;
  p.client = std::make_unique<Handshake>(Handshake::Role::kClient, *key, "zrun");
  p.agent = std::make_unique<Handshake>(Handshake::Role::kAgent, *key, "h2");
  const JobOffer offer{{"pmi"}, {"tcp"}};
  p.agent->set_offer(offer);
  std::string challenge = *p.agent->OnFrame(Parse(*p.client->Start()));
  std::string auth = *p.client->OnFrame(Parse(challenge));
  std::string auth_ok = *p.agent->OnFrame(Parse(auth));
  ASSERT_TRUE(p.client->OnFrame(Parse(auth_ok)).ok());
  EXPECT_EQ(p.client->version(), kProtocolVersion);
  EXPECT_EQ(p.agent->version(), kProtocolVersion);
  EXPECT_TRUE(p.client->peer_offer() == offer);
}

// A client of protocol 2 (Hello max_version 2) gets version 2 and an empty AuthOk, which is
// all a protocol-2 decoder accepts; every frame's header says 2, the only frame version a
// protocol-2 peer accepts.
TEST(HandshakeTest, AProtocol2ClientGetsAnEmptyAuthOk) {
  auto key = Key(1);
  Handshake agent(Handshake::Role::kAgent, *key, "h2");
  agent.set_offer(JobOffer{{"pmix", "pmi"}, {"ofi", "tcp"}});
  Handshake client(Handshake::Role::kClient, *key, "zrun");
  client.set_max_version(2);
  std::string hello = *client.Start();
  std::string challenge = *agent.OnFrame(Parse(hello));
  std::string auth = *client.OnFrame(Parse(challenge));
  std::string auth_ok = *agent.OnFrame(Parse(auth));
  ASSERT_TRUE(client.OnFrame(Parse(auth_ok)).ok());
  for (const std::string* f : {&hello, &challenge, &auth, &auth_ok}) {
    EXPECT_EQ(Parse(*f).header.version, 2);
  }
  EXPECT_EQ(agent.version(), 2);
  EXPECT_EQ(client.version(), 2);
  // Sealed: the ciphertext of an empty payload is empty too.
  EXPECT_EQ(Parse(auth_ok).payload.size(), 0u);
  EXPECT_TRUE(client.peer_offer() == JobOffer{});
}

TEST(HandshakeTest, WrongKeyFailsOnBothSides) {
  auto a = Key(1), b = Key(2);
  // Same cluster id claimed is impossible with another key: the agent refuses at Hello.
  Pair p;
  Status s = RunHandshake(*a, *b, &p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cluster"), std::string::npos) << s.ToString();
  // The refusal frame carries the reason to the client.
  Frame refusal = Parse(RefusalFrame(s));
  StatusOr<std::string> c = p.client->OnFrame(refusal);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("peer refused"), std::string::npos);
}

TEST(HandshakeTest, ForgedClusterIdStillNeedsTheKey) {
  auto real = Key(1), wrong = Key(2);
  // An attacker copies the public cluster id into its Hello but has another key.
  Handshake agent(Handshake::Role::kAgent, *real, "h2");
  Hello h;
  h.client_name = "mallory";
  h.cluster_id = real->ClusterId();
  randombytes_buf(h.client_nonce.data(), kNonceSize);
  std::string hello = EncodeFrame(MessageType::kHello, *h.Encode(), 0, nullptr);
  StatusOr<std::string> challenge = agent.OnFrame(Parse(hello));
  ASSERT_TRUE(challenge.ok());
  // Mallory cannot verify the agent, and any proof she makes is wrong.
  Auth auth;
  crypto_auth(auth.client_proof.data(), reinterpret_cast<const uint8_t*>("guess"), 5, wrong->key());
  StatusOr<std::string> r = agent.OnFrame(Parse(EncodeFrame(MessageType::kAuth, *auth.Encode(), 0, nullptr)));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("failed to prove"), std::string::npos);
  EXPECT_FALSE(agent.done());
}

TEST(HandshakeTest, WrongAgentProofIsRefusedByClient) {
  auto key = Key(1);
  Handshake client(Handshake::Role::kClient, *key, "zrun");
  Handshake agent(Handshake::Role::kAgent, *key, "h2");
  std::string challenge = *agent.OnFrame(Parse(*client.Start()));
  challenge[challenge.size() - 4 - 2 - 1] ^= 1;  // a byte of agent_proof (before the name)
  StatusOr<std::string> r = client.OnFrame(Parse(challenge));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("failed to prove"), std::string::npos);
}

TEST(HandshakeTest, ReplayedAuthFailsOnANewConnection) {
  auto key = Key(1);
  Pair first;
  ASSERT_TRUE(RunHandshake(*key, *key, &first).ok());
  // Replay the recorded Hello and Auth against a fresh agent: its nonce differs.
  Handshake agent(Handshake::Role::kAgent, *key, "h2");
  ASSERT_TRUE(agent.OnFrame(Parse(first.hello)).ok());
  StatusOr<std::string> r = agent.OnFrame(Parse(first.auth));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("failed to prove"), std::string::npos);
}

TEST(HandshakeTest, ReflectedChallengeFails) {
  auto key = Key(1);
  // Mallory (no key) gets the client's Hello, opens her own connection to a real agent
  // with it, and tries to hand the agent's proof back as the client proof.
  Handshake client(Handshake::Role::kClient, *key, "zrun");
  std::string hello = *client.Start();
  Handshake agent(Handshake::Role::kAgent, *key, "h2");
  Challenge c = *Challenge::Decode(Parse(*agent.OnFrame(Parse(hello))).payload);
  Auth reflected;
  reflected.client_proof = c.agent_proof;
  StatusOr<std::string> r = agent.OnFrame(Parse(EncodeFrame(MessageType::kAuth, *reflected.Encode(), 0, nullptr)));
  ASSERT_FALSE(r.ok());
  // And an agent-labelled frame sent back to the client as if from the agent: the client
  // gets its own Hello, which is not a Challenge.
  Handshake client2(Handshake::Role::kClient, *key, "zrun");
  std::string hello2 = *client2.Start();
  EXPECT_FALSE(client2.OnFrame(Parse(hello2)).ok());
}

TEST(HandshakeTest, SessionRejectsWrongMacReplayReorderAndReflection) {
  auto key = Key(1);
  Pair p;
  ASSERT_TRUE(RunHandshake(*key, *key, &p).ok());
  auto cs = p.client->TakeSession();
  auto as = p.agent->TakeSession();
  std::string m1 = *cs->SealMessage(Ping{1});
  std::string m2 = *cs->SealMessage(Ping{2});
  std::string bad = m1;
  bad[kHeaderSize] ^= 1;  // payload bit
  StatusOr<Ping> r = as->OpenMessage<Ping>(Parse(bad));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("wrong MAC"), std::string::npos);
  EXPECT_FALSE(as->OpenMessage<Ping>(Parse(m2)).ok());  // reordered: 2 before 1
  ASSERT_TRUE(as->OpenMessage<Ping>(Parse(m1)).ok());
  EXPECT_FALSE(as->OpenMessage<Ping>(Parse(m1)).ok());  // replayed
  ASSERT_TRUE(as->OpenMessage<Ping>(Parse(m2)).ok());
  // The agent's own frame reflected back to it: other direction key.
  std::string own = *as->SealMessage(Ping{3});
  EXPECT_FALSE(as->OpenMessage<Ping>(Parse(own)).ok());
  // A plain (MAC-less) frame after the handshake.
  std::string plain = EncodeFrame(MessageType::kPing, *Ping{4}.Encode(), 3, nullptr);
  StatusOr<Ping> pr = as->OpenMessage<Ping>(Parse(plain));
  ASSERT_FALSE(pr.ok());
  EXPECT_NE(pr.status().message().find("without MAC"), std::string::npos);
}

TEST(HandshakeTest, OutOfOrderHandshakeFramesFail) {
  auto key = Key(1);
  Handshake agent(Handshake::Role::kAgent, *key, "h2");
  Auth auth;
  EXPECT_FALSE(agent.OnFrame(Parse(EncodeFrame(MessageType::kAuth, *auth.Encode(), 0, nullptr))).ok());
  // Once failed, it stays failed.
  Handshake client(Handshake::Role::kClient, *key, "zrun");
  EXPECT_FALSE(agent.OnFrame(Parse(*client.Start())).ok());
}

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/zmpi-keytest.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { ASSERT_EQ(std::system(("rm -rf " + dir_).c_str()), 0); }
  std::string dir_;
};

TEST_F(KeyFileTest, CreateLoadAndClusterId) {
  std::string path = dir_ + "/sub/dir/cluster.key";
  Status s = KeyFile::Create(path);
  ASSERT_TRUE(s.ok()) << s.ToString();
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  ASSERT_EQ(stat((dir_ + "/sub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  StatusOr<std::unique_ptr<KeyFile>> k1 = KeyFile::Load(path);
  StatusOr<std::unique_ptr<KeyFile>> k2 = KeyFile::Load(path);
  ASSERT_TRUE(k1.ok()) << k1.status().ToString();
  std::string id = (*k1)->ClusterId();
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id, (*k2)->ClusterId());
  // The id is not the key, nor derived without it.
  char hex[65];
  sodium_bin2hex(hex, sizeof(hex), (*k1)->key(), kKeySize);
  EXPECT_EQ(std::string(hex).find(id), std::string::npos);
  EXPECT_FALSE(KeyFile::Create(path).ok());  // never overwrites
  // Two new keys differ.
  ASSERT_TRUE(KeyFile::Create(dir_ + "/other.key").ok());
  EXPECT_NE((*KeyFile::Load(dir_ + "/other.key"))->ClusterId(), id);
}

TEST_F(KeyFileTest, LoadRefusesUnsafeFiles) {
  std::string path = dir_ + "/k";
  ASSERT_TRUE(KeyFile::Create(path).ok());
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  StatusOr<std::unique_ptr<KeyFile>> r = KeyFile::Load(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("chmod 600"), std::string::npos);
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  ASSERT_EQ(truncate(path.c_str(), 31), 0);
  r = KeyFile::Load(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("31 bytes"), std::string::npos);
  ASSERT_EQ(symlink(path.c_str(), (dir_ + "/link").c_str()), 0);
  EXPECT_FALSE(KeyFile::Load(dir_ + "/link").ok());
  EXPECT_FALSE(KeyFile::Load(dir_).ok());  // a directory
  EXPECT_FALSE(KeyFile::Load(dir_ + "/missing").ok());
}

}  // namespace
}  // namespace zmpi::launcher::proto

namespace zmpi::launcher::proto {
namespace {

// A recorded connection: every byte both sides sent, in order.
std::string Record(const Pair& p, const std::vector<std::string>& more) {
  std::string all = p.hello + p.challenge + p.auth + p.auth_ok;
  for (const std::string& m : more) all += m;
  return all;
}

TEST(EncryptionTest, ARecordedSessionShowsNoPlaintext) {
  auto key = Key(3);
  Pair p;
  ASSERT_TRUE(RunHandshake(*key, *key, &p).ok());
  auto cs = p.client->TakeSession();
  auto as = p.agent->TakeSession();
  Launch launch;
  launch.job_id = 77;
  launch.world_size = 1;
  launch.ranks = {0};
  launch.argv = {"/opt/secret-model", "--password=correct-horse-battery"};
  launch.env = {"API_TOKEN=hunter2-hunter2"};
  launch.executable = "/opt/secret-model";
  launch.cwd = "/home/alice/private-project";
  std::string sealed = *cs->SealMessage(launch);
  RankOutput out{77, 0, OutputStream::kStdout, "the result is 0xC0FFEE1234\n"};
  std::string output = *as->SealMessage(out);
  FenceContribution fence{77, 1, std::string("pmix-blob:address=198.51.100.7:4711")};
  std::string blob = *as->SealMessage(fence);
  const std::string recorded = Record(p, {sealed, output, blob});
  for (const char* secret : {"secret-model", "correct-horse", "hunter2", "alice", "private-project",
                             "0xC0FFEE", "pmix-blob", "198.51.100.7"}) {
    EXPECT_EQ(recorded.find(secret), std::string::npos) << secret << " crossed the wire in clear";
  }
  // The receivers read them back.
  StatusOr<Launch> got = as->OpenMessage<Launch>(Parse(sealed));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == launch);
  StatusOr<RankOutput> got_out = cs->OpenMessage<RankOutput>(Parse(output));
  ASSERT_TRUE(got_out.ok());
  EXPECT_EQ(got_out->data, out.data);
  StatusOr<FenceContribution> got_blob = cs->OpenMessage<FenceContribution>(Parse(blob));
  ASSERT_TRUE(got_blob.ok());
  EXPECT_EQ(got_blob->blob, fence.blob);
}

TEST(EncryptionTest, EachConnectionHasItsOwnKeys) {
  // Same cluster key, same message: the ciphertexts of two connections differ (fresh
  // ephemeral keys and nonces), and one connection's frame does not open in the other.
  auto key = Key(4);
  Pair p1, p2;
  ASSERT_TRUE(RunHandshake(*key, *key, &p1).ok());
  ASSERT_TRUE(RunHandshake(*key, *key, &p2).ok());
  EXPECT_NE(p1.hello.substr(kHeaderSize), p2.hello.substr(kHeaderSize));
  auto c1 = p1.client->TakeSession();
  auto c2 = p2.client->TakeSession();
  auto a2 = p2.agent->TakeSession();
  std::string m1 = *c1->SealMessage(Ping{12345});
  std::string m2 = *c2->SealMessage(Ping{12345});
  EXPECT_NE(m1.substr(kHeaderSize), m2.substr(kHeaderSize));
  EXPECT_FALSE(a2->OpenMessage<Ping>(Parse(m1)).ok());
  EXPECT_TRUE(a2->OpenMessage<Ping>(Parse(m2)).ok());
}

TEST(EncryptionTest, AnEphemeralKeySwappedInTransitFailsTheProofs) {
  // A man in the middle without the cluster key replaces the agent's ephemeral key with his
  // own: the agent's proof covers it, so the client refuses.
  auto key = Key(5);
  Handshake client(Handshake::Role::kClient, *key, "zrun");
  Handshake agent(Handshake::Role::kAgent, *key, "h2");
  std::string hello = *client.Start();
  std::string challenge = *agent.OnFrame(Parse(hello));
  Frame f = Parse(challenge);
  StatusOr<Challenge> c = Challenge::Decode(f.payload);
  ASSERT_TRUE(c.ok());
  c->agent_ephemeral.fill(0x42);
  std::string forged = EncodeFrame(MessageType::kChallenge, *c->Encode(), 0, nullptr);
  StatusOr<std::string> answer = client.OnFrame(Parse(forged));
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.status().message().find("failed to prove the cluster key"), std::string::npos);
  // And a forged client key in the Hello makes the client's proof fail at the agent.
  Handshake client2(Handshake::Role::kClient, *key, "zrun");
  Handshake agent2(Handshake::Role::kAgent, *key, "h2");
  Frame h = Parse(*client2.Start());
  StatusOr<Hello> hello2 = Hello::Decode(h.payload);
  ASSERT_TRUE(hello2.ok());
  hello2->client_ephemeral.fill(0x24);
  std::string challenge2 = *agent2.OnFrame(Parse(EncodeFrame(MessageType::kHello, *hello2->Encode(), 0, nullptr)));
  StatusOr<std::string> auth2 = client2.OnFrame(Parse(challenge2));
  EXPECT_FALSE(auth2.ok());  // the agent's proof covers the Hello it saw, not the one sent
}

}  // namespace
}  // namespace zmpi::launcher::proto
