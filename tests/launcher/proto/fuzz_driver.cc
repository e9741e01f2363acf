// Runs the libFuzzer target launcher/proto/fuzz/proto_fuzzer.cc without libFuzzer, on a fixed
// number of inputs from a fixed seed, so that CI runs it on every build (any compiler; under
// the sanitizer preset with ASan+UBSan):
//   proto_fuzz_driver [INPUTS]       default 30000
// Inputs: real frames (a client's Hello, Challenge-shaped and sealed frames of every kind)
// mutated by flips, truncation, insertion and lying lengths, several frames glued together,
// and plain random buffers. Prints "proto_fuzz_driver: N inputs" and exits 0 unless the
// target crashed (which ends the process).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "launcher/proto/handshake.h"
#include "launcher/proto/session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace zmpi::launcher::proto {
namespace {

std::vector<std::string> Corpus() {
  static const uint8_t kKey[kKeySize] = {1, 2, 3};  // the target's key
  std::unique_ptr<KeyFile> key = KeyFile::FromBytes(kKey);
  std::vector<std::string> out;
  Handshake client(Handshake::Role::kClient, *key, "fuzz-client");
  out.push_back(*client.Start());
  uint8_t other[kKeySize] = {4};
  Session session(kKey, other, kKey, other);  // what the target's session would open
  Launch launch;
  launch.job_id = 1;
  launch.world_size = 4;
  launch.ranks = {0, 1};
  launch.argv = {"./a", "b"};
  launch.env = {"A=1"};
  launch.executable = "./a";
  out.push_back(*session.SealMessage(launch));
  out.push_back(*session.SealMessage(RankOutput{1, 0, OutputStream::kStdout, "x\n"}));
  out.push_back(*session.SealMessage(FenceRelease{1, 1, std::string(300, 'f')}));
  out.push_back(*session.SealMessage(JobEnd{1, EndReason::kCompleted, 0}));
  out.push_back(*session.SealMessage(Ping{9}));
  out.push_back(RefusalFrame(Error(Code::kOther, "no")));
  return out;
}

std::string Mutate(std::string s, std::mt19937_64* rng) {
  int edits = 1 + static_cast<int>((*rng)() % 4);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    size_t pos = (*rng)() % s.size();
    switch ((*rng)() % 5) {
      case 0:
        s[pos] = static_cast<char>(s[pos] ^ (1 << ((*rng)() % 8)));
        break;
      case 1:
        s.resize(pos);
        break;
      case 2:
        s.insert(pos, 1, static_cast<char>((*rng)() & 0xff));
        break;
      case 3:
        s.erase(pos, 1 + (*rng)() % 8);
        break;
      case 4:
        s.replace(pos, std::min<size_t>(4, s.size() - pos), "\xff\xff\xff\x7f");
        break;
    }
  }
  return s;
}

}  // namespace
}  // namespace zmpi::launcher::proto

int main(int argc, char** argv) {
  using namespace zmpi::launcher::proto;
  long inputs = argc > 1 ? atol(argv[1]) : 30000;
  std::vector<std::string> corpus = Corpus();
  std::mt19937_64 rng(20261207);
  for (const std::string& c : corpus)
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(c.data()), c.size());
  for (long i = 0; i < inputs; ++i) {
    std::string input;
    switch (i % 4) {
      case 0:
      case 1:
        input = Mutate(corpus[rng() % corpus.size()], &rng);
        break;
      case 2:  // several frames in one stream, one of them damaged
        input = corpus[rng() % corpus.size()] + Mutate(corpus[rng() % corpus.size()], &rng) +
                corpus[rng() % corpus.size()];
        break;
      default:
        input.resize(rng() % 600);
        for (char& ch : input) ch = static_cast<char>(rng() & 0xff);
    }
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  }
  printf("proto_fuzz_driver: %ld inputs\n", inputs + static_cast<long>(corpus.size()));
  return 0;
}
