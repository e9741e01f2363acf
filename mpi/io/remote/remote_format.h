// The wire format between a RemoteStore (a rank on a host that does not see the file) and the
// delegate that serves it (a rank of the same file on a host that does). Messages travel on
// the file's private communicator (point-to-point context), so nothing else matches them:
//   request  client -> delegate, tag kRequestTag: RequestHeader, then for kWrite `len` bytes
//   reply    delegate -> client, tag kReplyTag:   ReplyHeader, then for a successful kRead
//            `value` bytes, or for an error `text_len` bytes of message
// One request is outstanding per client and server; a transfer larger than kMaxChunk is
// split by the client into several requests. The layout is native (both ends run zmpi on
// one architecture); a peer of the other byte order reads kVersion wrongly and is refused.
#ifndef ZMPI_MPI_IO_REMOTE_REMOTE_FORMAT_H_
#define ZMPI_MPI_IO_REMOTE_REMOTE_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace zmpi::io::remote {

inline constexpr uint32_t kVersion = 0x5a494f01;  // "ZIO" 1
// Tags above every tag of two-phase calls (which stay below 1 << 28).
inline constexpr int kRequestTag = (1 << 29) + 1;
inline constexpr int kReplyTag = (1 << 29) + 2;
inline constexpr size_t kMaxChunk = size_t{1} << 20;
inline constexpr size_t kMaxText = 512;

enum class Op : uint32_t {
  kRead = 1,
  kWrite = 2,
  kSize = 3,
  kResize = 4,
  kPreallocate = 5,
  kSync = 6,
  kFetchAddShared = 7,
  kSetShared = 8,
  kLock = 9,
  kUnlock = 10,
  kClose = 11,
};

struct RequestHeader {
  uint32_t version;
  uint32_t op;     // Op
  int64_t offset;  // kRead/kWrite/kLock/kUnlock: file offset; kResize/kPreallocate/kSetShared:
                   // the value; kFetchAddShared: the delta
  int64_t len;     // kRead/kWrite/kLock/kUnlock: bytes
  int64_t reserved;
};
static_assert(sizeof(RequestHeader) == 32, "wire layout");

struct ReplyHeader {
  uint32_t version;
  int32_t code;       // zmpi::Code of the outcome (0: success)
  int64_t value;      // kRead: bytes that follow; kSize / kFetchAddShared: the result
  uint32_t text_len;  // error message bytes that follow (code != 0)
  uint32_t reserved;
  int64_t reserved2;
};
static_assert(sizeof(ReplyHeader) == 32, "wire layout");

}  // namespace zmpi::io::remote

#endif  // ZMPI_MPI_IO_REMOTE_REMOTE_FORMAT_H_
