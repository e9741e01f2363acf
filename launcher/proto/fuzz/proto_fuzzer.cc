// libFuzzer target: arbitrary bytes through the frame reader, every payload decoder and the
// agent side of the handshake. Build with -DZMPI_FUZZ=ON and clang; run
//   build/bin/proto_fuzzer -max_total_time=60
#include <cstddef>
#include <cstdint>

#include "launcher/proto/decode_any.h"
#include "launcher/proto/frame_reader.h"
#include "launcher/proto/handshake.h"

using namespace zmpi::launcher::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const uint8_t kKey[kKeySize] = {1, 2, 3};
  static std::unique_ptr<KeyFile> key = KeyFile::FromBytes(kKey);
  FrameReader reader;
  reader.Append(data, size);
  Handshake agent(Handshake::Role::kAgent, *key, "fuzz");
  uint8_t other[kKeySize] = {4};
  Session session(other, kKey, other, kKey);
  for (int i = 0; i < 64; ++i) {
    Frame frame;
    zmpi::StatusOr<bool> got = reader.Next(&frame);
    if (!got.ok() || !*got) break;
    DecodeAnyPayload(frame).IgnoreError();
    agent.OnFrame(frame).status().IgnoreError();
    session.Open(&frame).IgnoreError();
  }
  return 0;
}
