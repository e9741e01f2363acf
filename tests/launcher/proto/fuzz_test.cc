// Random mutations of valid frames (fixed seed, bounded count) through every decoder and
// the agent side of the handshake: nothing may crash, hang or read out of bounds (run
// under ASan/UBSan in CI for the latter), and no mutated frame may pass a session.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "launcher/proto/decode_any.h"
#include "launcher/proto/frame_reader.h"
#include "launcher/proto/handshake.h"

namespace zmpi::launcher::proto {
namespace {

constexpr int kIterations = 60000;

std::vector<std::string> Corpus(Session* session) {
  Launch launch;
  launch.job_id = 1;
  launch.world_size = 8;
  launch.ranks = {0, 1, 2};
  launch.argv = {"./a", "b"};
  launch.env = {"A=1"};
  launch.executable = "/bin/a";
  launch.cwd = "/";
  Launch chosen = launch;  // protocol 3's tail: arch, wireup, net
  chosen.wireup = "pmi";
  chosen.net = "tcp";
  Hello hello;
  hello.client_name = "c";
  hello.cluster_id = "ab";
  std::vector<std::string> out = {
      EncodeFrame(MessageType::kHello, *hello.Encode(), 0, nullptr),
      EncodeFrame(MessageType::kChallenge, *Challenge().Encode(), 0, nullptr),
      EncodeFrame(MessageType::kAuth, *Auth().Encode(), 0, nullptr),
      *session->SealMessage(launch),
      *session->SealMessage(chosen),
      *session->SealMessage(AuthOk{JobOffer{{"pmix", "pmi"}, {"ofi", "tcp"}}}),
      *session->SealMessage(LaunchReply{1, true, {}}),
      *session->SealMessage(ExeChunk{1, 0, "abc"}),
      *session->SealMessage(RankOutput{1, 2, OutputStream::kStdout, "out"}),
      *session->SealMessage(RankExit{1, 2, ExitHow::kExited, 3}),
      *session->SealMessage(FenceContribution{1, 1, "blob"}),
      *session->SealMessage(FenceRelease{1, 1, "blobs"}),
      *session->SealMessage(JobEnd{1, EndReason::kAborted, 1}),
      *session->SealMessage(Ping{9}),
      *session->SealMessage(ErrorMessage{12, "why"}),
  };
  return out;
}

std::string Mutate(std::string s, std::mt19937_64* rng) {
  std::uniform_int_distribution<int> op(0, 5), byte(0, 255);
  int n = 1 + static_cast<int>((*rng)() % 4);
  for (int i = 0; i < n && !s.empty(); ++i) {
    size_t pos = (*rng)() % s.size();
    switch (op(*rng)) {
      case 0: s[pos] = static_cast<char>(s[pos] ^ (1 << ((*rng)() % 8))); break;
      case 1: s[pos] = static_cast<char>(byte(*rng)); break;
      case 2: s.resize(pos); break;
      case 3: s.insert(pos, 1, static_cast<char>(byte(*rng))); break;
      case 4: s.erase(pos, 1 + (*rng)() % 8); break;
      case 5:  // corrupt a length-looking field: 4 bytes of 0xff
        s.replace(pos, std::min<size_t>(4, s.size() - pos), "\xff\xff\xff\xff", std::min<size_t>(4, s.size() - pos));
        break;
    }
  }
  return s;
}

TEST(FuzzTest, MutatedFramesNeverCrashNorPassASession) {
  uint8_t k[kKeySize] = {7};
  uint8_t other[kKeySize] = {8};
  Session sender(k, other, k, other);
  std::vector<std::string> corpus = Corpus(&sender);
  auto key = KeyFile::FromBytes(k);
  std::mt19937_64 rng(20261122);
  int decoded_frames = 0, rejected = 0;
  for (int i = 0; i < kIterations; ++i) {
    const std::string& original = corpus[rng() % corpus.size()];
    std::string m = Mutate(original, &rng);
    FrameReader reader;
    reader.set_max_frame(kMaxFrame);  // as after a handshake: every corpus frame may pass
    reader.Append(m.data(), m.size());
    Frame f;
    StatusOr<bool> got = reader.Next(&f);
    if (!got.ok() || !*got) {
      ++rejected;
      continue;
    }
    ++decoded_frames;
    Status s = DecodeAnyPayload(f);
    if (!s.ok()) {
      EXPECT_FALSE(s.message().empty());
    }
    // An authenticated frame that changed in any byte must fail its MAC.
    if (f.has_mac && m.substr(0, FrameSize(f.header)) != original) {
      EXPECT_FALSE(VerifyMac(f, k).ok());
    }
    // The agent side of a handshake must fail or answer, never crash.
    Handshake agent(Handshake::Role::kAgent, *key, "h");
    StatusOr<std::string> out = agent.OnFrame(f);
    (void)out;
  }
  EXPECT_GT(decoded_frames, 1000);
  EXPECT_GT(rejected, 1000);
}

TEST(FuzzTest, RandomBytesNeverCrashTheFrameReader) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 128, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    if (s.size() >= 4 && rng() % 2) s.replace(0, 4, "ZMPF");  // get past the magic often
    if (s.size() >= 6 && rng() % 2) { s[4] = 1; s[5] = 0; }
    FrameReader reader;
    reader.Append(s.data(), s.size());
    Frame f;
    StatusOr<bool> got = reader.Next(&f);
    if (got.ok() && *got) DecodeAnyPayload(f).IgnoreError();
  }
}

}  // namespace
}  // namespace zmpi::launcher::proto
