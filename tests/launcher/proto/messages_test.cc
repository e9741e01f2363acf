#include <gtest/gtest.h>

#include <string>

#include "launcher/proto/frame.h"
#include "launcher/proto/frame_reader.h"
#include "launcher/proto/messages.h"

namespace zmpi::launcher::proto {
namespace {

Launch SampleLaunch() {
  Launch m;
  m.job_id = 0x1122334455667788ull;
  m.world_size = 12;
  m.ranks = {4, 5, 6, 7};
  m.argv = {"./model", "--steps", "10", std::string("a\0b", 3)};
  m.env = {"ZMPI_LOG_LEVEL=debug", "EMPTY="};
  m.executable = "/home/u/model";
  for (size_t i = 0; i < m.exe_hash.size(); ++i) m.exe_hash[i] = static_cast<uint8_t>(i * 7);
  m.exe_size = 123456789;
  m.cwd = "/home/u";
  StagedFile f;
  f.name = "run/namelist.input";
  f.size = 4096;
  f.hash.fill(5);
  f.mode = 0640;
  m.stage = {f};
  m.collect = {"rsl.*", "out/*.nc"};
  m.job_dir = true;
  m.stdin_rank = 5;
  return m;
}

template <typename M>
void ExpectRoundTrip(const M& m) {
  StatusOr<std::string> payload = m.Encode();
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  StatusOr<M> back = M::Decode(*payload);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == m);
  // Through a whole frame, too.
  std::string frame = EncodeFrame(M::kType, *payload, 0, nullptr);
  StatusOr<Frame> f = DecodeFrame(reinterpret_cast<const uint8_t*>(frame.data()), frame.size());
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->type(), M::kType);
  EXPECT_EQ(f->payload, *payload);
}

TEST(MessagesTest, RoundTripEveryType) {
  Hello h;
  h.client_name = "zrun@h1";
  h.cluster_id = "00ff";
  h.client_nonce.fill(9);
  ExpectRoundTrip(h);
  Challenge c;
  c.agent_name = "h2";
  c.agent_nonce.fill(1);
  c.agent_proof.fill(2);
  ExpectRoundTrip(c);
  Auth a;
  a.client_proof.fill(3);
  ExpectRoundTrip(a);
  ExpectRoundTrip(AuthOk());
  ExpectRoundTrip(AuthOk{JobOffer{{"pmix", "pmi"}, {"ofi", "tcp"}}});
  ExpectRoundTrip(SampleLaunch());
  Launch with_arch = SampleLaunch();
  with_arch.arch = "aarch64";
  ExpectRoundTrip(with_arch);
  ExpectRoundTrip(LaunchReply{7, true, {}});
  ExpectRoundTrip(LaunchReply{7, false, {0, 3}});
  ExpectRoundTrip(FileChunk{7, "rsl.out.0001", 5000, 0644, 1000, 0, std::string(4000, 'r')});
  ExpectRoundTrip(FileChunk{7, "big.nc", 5ull << 30 >> 1, 0600, 0, FileChunk::kSkipped, ""});
  ExpectRoundTrip(ExeChunk{7, 1 << 20, std::string(1000, 'x')});
  ExpectRoundTrip(RankOutput{7, 3, OutputStream::kStderr, "hello\n"});
  ExpectRoundTrip(StdinData{7, 0, 1 << 20, false, "namelist\n"});
  ExpectRoundTrip(StdinData{7, 0, 12, true, ""});
  ExpectRoundTrip(RankExit{7, 3, ExitHow::kSignaled, 9});
  ExpectRoundTrip(FenceContribution{7, 2, std::string(5000, '\x01')});
  ExpectRoundTrip(FenceRelease{7, 2, std::string(15000, '\x02')});
  ExpectRoundTrip(JobEnd{7, EndReason::kRankFailed, -1});
  ExpectRoundTrip(Ping{42});
  ExpectRoundTrip(ErrorMessage{12, "no such job"});
}

// Launch.arch is optional and last: a Launch without it (an older zrun's) decodes with "",
// and one with it is the same bytes plus the string.
TEST(MessagesTest, LaunchArchIsAnOptionalTail) {
  Launch m = SampleLaunch();
  StatusOr<std::string> old = m.Encode();
  ASSERT_TRUE(old.ok());
  m.arch = "aarch64";
  StatusOr<std::string> now = m.Encode();
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->compare(0, old->size(), *old), 0);
  EXPECT_EQ(Launch::Decode(*old)->arch, "");
  EXPECT_EQ(Launch::Decode(*now)->arch, "aarch64");
  m.arch = std::string(kMaxArchName + 1, 'a');
  EXPECT_FALSE(m.Encode().ok());
}

// Protocol 3: Launch.wireup/net follow arch (then always encoded, "" if none); a Launch
// without them decodes with "" (the agent's own default).
TEST(MessagesTest, LaunchChoiceIsAnOptionalTailAfterArch) {
  Launch m = SampleLaunch();
  StatusOr<std::string> old = m.Encode();
  m.net = "tcp";
  m.wireup = "pmi";
  StatusOr<std::string> now = m.Encode();
  ASSERT_TRUE(old.ok() && now.ok());
  EXPECT_EQ(now->compare(0, old->size(), *old), 0);
  StatusOr<Launch> back = Launch::Decode(*now);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->arch, "");
  EXPECT_EQ(back->wireup, "pmi");
  EXPECT_EQ(back->net, "tcp");
  EXPECT_EQ(Launch::Decode(*old)->wireup, "");
  // A wire-up without its net is a truncated tail.
  std::string cut = now->substr(0, now->size() - 4 - 3);
  EXPECT_FALSE(Launch::Decode(cut).ok());
  m.net = std::string(kMaxChoiceName + 1, 'n');
  EXPECT_FALSE(m.Encode().ok());
}

// AuthOk is empty under protocol 2 (and an empty one still decodes: an offer of nothing); an
// offer is bounded like any list.
TEST(MessagesTest, AuthOkOfferIsBounded) {
  StatusOr<std::string> empty = AuthOk().Encode();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  EXPECT_TRUE(AuthOk::Decode("")->offer == JobOffer{});
  AuthOk big;
  big.offer.nets.assign(kMaxChoices + 1, "tcp");
  EXPECT_FALSE(big.Encode().ok());
  big.offer.nets = {std::string(kMaxChoiceName + 1, 't')};
  EXPECT_FALSE(big.Encode().ok());
}

TEST(MessagesTest, EncodeRefusesOverLimits) {
  Launch m = SampleLaunch();
  m.ranks.push_back(12);  // == world_size
  EXPECT_FALSE(m.Encode().ok());
  m = SampleLaunch();
  m.argv.assign(kMaxArgs + 1, "x");
  EXPECT_FALSE(m.Encode().ok());
  m = SampleLaunch();
  m.argv.assign(40, std::string(kMaxArg, 'a'));  // each fine, total over kMaxLaunchPayload
  EXPECT_FALSE(m.Encode().ok());
  EXPECT_FALSE((RankOutput{1, 0, OutputStream::kStdout, std::string(kMaxOutputData + 1, 'x')}).Encode().ok());
  EXPECT_FALSE((ExeChunk{1, kMaxExeSize, "x"}).Encode().ok());
  EXPECT_FALSE((FileChunk{1, "f", 3, 0644, 2, 0, "xy"}).Encode().ok());  // past its size
  EXPECT_FALSE((FileChunk{1, "f", kMaxStageBytes + 1, 0644, 0, 0, ""}).Encode().ok());
  m = SampleLaunch();
  m.stage.assign(2, m.stage[0]);
  m.stage[0].size = m.stage[1].size = kMaxStageBytes / 2 + 1;  // each fine, the sum is not
  EXPECT_FALSE(m.Encode().ok());
  m = SampleLaunch();
  m.collect.assign(kMaxCollect + 1, "*");
  EXPECT_FALSE(m.Encode().ok());
  Hello h;
  h.client_name = std::string(kMaxName + 1, 'n');
  EXPECT_FALSE(h.Encode().ok());
}

TEST(MessagesTest, DecodeRejectsEveryTruncationWithReason) {
  std::string payload = *SampleLaunch().Encode();
  for (size_t cut = 0; cut < payload.size(); ++cut) {
    StatusOr<Launch> r = Launch::Decode(payload.substr(0, cut));
    ASSERT_FALSE(r.ok()) << cut;
    EXPECT_NE(r.status().message().find("Launch"), std::string::npos);
  }
}

TEST(MessagesTest, DecodeRejectsTrailingBytes) {
  std::string payload = *Ping{1}.Encode() + "x";
  StatusOr<Ping> r = Ping::Decode(payload);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("trailing"), std::string::npos);
}

TEST(MessagesTest, DecodeRejectsLyingLengthsWithoutAllocating) {
  // Launch with ranks count 0xffffffff and nothing behind it.
  std::string p(8 + 4, '\0');
  p[8] = 12;
  p += std::string("\xff\xff\xff\xff", 4);
  StatusOr<Launch> r = Launch::Decode(p);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("ranks"), std::string::npos);
  // A string claiming 2^32-1 bytes.
  std::string e = std::string(4, '\0') + std::string("\xff\xff\xff\xff", 4);
  StatusOr<ErrorMessage> er = ErrorMessage::Decode(e);
  ASSERT_FALSE(er.ok());
  EXPECT_NE(er.status().message().find("limit"), std::string::npos);
}

TEST(MessagesTest, DecodeRejectsBadEnumsAndRanks) {
  std::string p = *RankOutput{1, 0, OutputStream::kStdout, "x"}.Encode();
  p[12] = 3;  // stream
  EXPECT_FALSE(RankOutput::Decode(p).ok());
  p = *RankExit{1, 0, ExitHow::kExited, 0}.Encode();
  p[12] = 0;
  EXPECT_FALSE(RankExit::Decode(p).ok());
  p = *SampleLaunch().Encode();
  p[16] = 12;  // first rank := world_size
  StatusOr<Launch> r = Launch::Decode(p);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("world size"), std::string::npos);
}

TEST(FrameTest, HeaderChecksWithReasons) {
  std::string good = EncodeFrame(MessageType::kPing, *Ping{1}.Encode(), 0, nullptr);
  auto decode = [](const std::string& s) {
    return DecodeFrame(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  ASSERT_TRUE(decode(good).ok());
  auto expect = [&](std::string s, const char* reason) {
    StatusOr<Frame> f = decode(s);
    ASSERT_FALSE(f.ok()) << reason;
    EXPECT_NE(f.status().message().find(reason), std::string::npos) << f.status().ToString();
  };
  std::string s = good;
  s[0] = 'X';
  expect(s, "magic");
  s = good;
  s[4] = 9;
  expect(s, "version");
  s = good;
  s[6] = 99;
  expect(s, "unknown message type");
  s = good;
  s[8] = 0;
  s[9] = 0x10;
  s[10] = 1;  // 0x011000 bytes: over the 4096 of a Ping
  expect(s, "exceeds limit");
  s = good;
  s[13] = 1;
  expect(s, "unknown flags");
  expect(good.substr(0, 10), "header needs");
  expect(good.substr(0, good.size() - 1), "of");
  expect(good + "z", "trailing");
}

TEST(FrameTest, ReaderSplitsAStreamAndRefusesHugeLengthEarly) {
  std::string stream;
  for (uint64_t i = 0; i < 50; ++i) stream += EncodeFrame(MessageType::kPing, *Ping{i}.Encode(), 0, nullptr);
  FrameReader reader;
  uint64_t seen = 0;
  for (size_t pos = 0; pos < stream.size(); pos += 7) {  // odd-sized reads
    reader.Append(stream.data() + pos, std::min<size_t>(7, stream.size() - pos));
    Frame f;
    for (;;) {
      StatusOr<bool> got = reader.Next(&f);
      ASSERT_TRUE(got.ok());
      if (!*got) break;
      EXPECT_EQ(Ping::Decode(f.payload)->token, seen++);
    }
  }
  EXPECT_EQ(seen, 50u);
  EXPECT_EQ(reader.buffered(), 0u);

  // A header announcing a Launch payload over the limit is refused with only 24 bytes seen.
  std::string bad = EncodeFrame(MessageType::kLaunch, "", 0, nullptr);
  bad[8] = 0;
  bad[9] = 0;
  bad[10] = 0x11;  // 0x110000 > kMaxLaunchPayload
  FrameReader r2;
  r2.Append(bad.data(), kHeaderSize);
  Frame f;
  StatusOr<bool> got = r2.Next(&f);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("exceeds limit"), std::string::npos);
  EXPECT_FALSE(r2.Next(&f).ok());  // stays failed
}

}  // namespace
}  // namespace zmpi::launcher::proto
