#include "launcher/proto/decode_any.h"

#include "launcher/proto/messages.h"

namespace zmpi::launcher::proto {
namespace {

template <typename M>
Status Try(const Frame& frame) {
  StatusOr<M> m = M::Decode(frame.payload);
  return m.ok() ? OkStatus() : m.status();
}

}  // namespace

Status DecodeAnyPayload(const Frame& frame) {
  switch (frame.type()) {
    case MessageType::kHello: return Try<Hello>(frame);
    case MessageType::kChallenge: return Try<Challenge>(frame);
    case MessageType::kAuth: return Try<Auth>(frame);
    case MessageType::kAuthOk: return Try<AuthOk>(frame);
    case MessageType::kLaunch: return Try<Launch>(frame);
    case MessageType::kLaunchReply: return Try<LaunchReply>(frame);
    case MessageType::kExeChunk: return Try<ExeChunk>(frame);
    case MessageType::kRankOutput: return Try<RankOutput>(frame);
    case MessageType::kRankExit: return Try<RankExit>(frame);
    case MessageType::kFenceContribution: return Try<FenceContribution>(frame);
    case MessageType::kFenceRelease: return Try<FenceRelease>(frame);
    case MessageType::kJobEnd: return Try<JobEnd>(frame);
    case MessageType::kPing: return Try<Ping>(frame);
    case MessageType::kFileChunk: return Try<FileChunk>(frame);
    case MessageType::kStdinData: return Try<StdinData>(frame);
    case MessageType::kError: return Try<ErrorMessage>(frame);
  }
  return Error(Code::kArg, "frame: unknown message type %u", frame.header.type);
}

}  // namespace zmpi::launcher::proto
