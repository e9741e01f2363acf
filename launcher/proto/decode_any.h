// Decodes a frame's payload as the message its type names, discarding the result. For
// fuzzing, tests and diagnostics ("is this frame well-formed?").
#ifndef ZMPI_LAUNCHER_PROTO_DECODE_ANY_H_
#define ZMPI_LAUNCHER_PROTO_DECODE_ANY_H_

#include "common/status.h"
#include "launcher/proto/frame.h"

namespace zmpi::launcher::proto {

Status DecodeAnyPayload(const Frame& frame);

}  // namespace zmpi::launcher::proto

#endif  // ZMPI_LAUNCHER_PROTO_DECODE_ANY_H_
