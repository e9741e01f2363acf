#include "mpi/coll/bcast.h"

#include <algorithm>

namespace zmpi::coll {
namespace {

// Chunks [lo, hi) of a buffer cut into pieces of `chunk` bytes (the last ones may be short
// or empty), as a byte offset and length.
struct Span {
  size_t offset;
  size_t length;
};

Span ChunkSpan(size_t bytes, size_t chunk, int lo, int hi) {
  size_t begin = std::min(bytes, chunk * static_cast<size_t>(lo));
  size_t end = std::min(bytes, chunk * static_cast<size_t>(hi));
  return {begin, end - begin};
}

}  // namespace

Status BinomialBcast(Links& links, void* buf, size_t bytes, int root, int tag) {
  const int p = links.size();
  const int r = links.rank();
  const int vr = (r - root + p) % p;  // rank relative to the root
  int mask = 1;
  while (mask < p) {
    if (vr & mask) {
      ZMPI_RETURN_IF_ERROR(links.Recv((r - mask + p) % p, tag, buf, bytes));
      break;
    }
    mask <<= 1;
  }
  // Children are vr + mask for every mask below the bit we received on.
  for (mask >>= 1; mask > 0; mask >>= 1) {
    if (vr + mask < p) ZMPI_RETURN_IF_ERROR(links.Isend((r + mask) % p, tag, buf, bytes));
  }
  return links.WaitAll();
}

Status LinearBcast(Links& links, void* buf, size_t bytes, int root, int tag) {
  const int p = links.size();
  const int r = links.rank();
  if (r != root) return links.Recv(root, tag, buf, bytes);
  if (bytes <= Links::kSmallBytes) {  // eager frames, out at once: no requests to wait for
    for (int i = 1; i < p; ++i) ZMPI_RETURN_IF_ERROR(links.SendSmall((r + i) % p, tag, buf, bytes));
    return OkStatus();
  }
  for (int i = 1; i < p; ++i) ZMPI_RETURN_IF_ERROR(links.Isend((r + i) % p, tag, buf, bytes));
  return links.WaitAll();
}

Status ChunkedLinearBcast(Links& links, void* buf, size_t bytes, int root, size_t chunk,
                          int tag) {
  const int p = links.size();
  const int r = links.rank();
  char* data = static_cast<char*>(buf);
  for (size_t offset = 0; offset < bytes; offset += chunk) {
    const size_t n = std::min(chunk, bytes - offset);
    if (r != root) {
      ZMPI_RETURN_IF_ERROR(links.Irecv(root, tag, data + offset, n));
      continue;
    }
    for (int i = 1; i < p; ++i) {
      ZMPI_RETURN_IF_ERROR(links.Isend((r + i) % p, tag, data + offset, n));
    }
  }
  return links.WaitAll();
}

Status ScatterAllgatherBcast(Links& links, void* buf, size_t bytes, int root, int tag) {
  const int p = links.size();
  const int r = links.rank();
  const int vr = (r - root + p) % p;
  char* data = static_cast<char*>(buf);
  const size_t chunk = (bytes + p - 1) / p;  // relative rank i owns chunk i

  // Binomial scatter: a subtree rooted at relative rank v with lowest set bit m covers
  // chunks [v, v + m).
  int mask = 1;
  while (mask < p) {
    if (vr & mask) {
      Span s = ChunkSpan(bytes, chunk, vr, std::min(vr + mask, p));
      ZMPI_RETURN_IF_ERROR(links.Recv((r - mask + p) % p, tag, data + s.offset, s.length));
      break;
    }
    mask <<= 1;
  }
  for (mask >>= 1; mask > 0; mask >>= 1) {
    if (vr + mask >= p) continue;
    Span s = ChunkSpan(bytes, chunk, vr + mask, std::min(vr + 2 * mask, p));
    ZMPI_RETURN_IF_ERROR(links.Isend((r + mask) % p, tag, data + s.offset, s.length));
  }
  ZMPI_RETURN_IF_ERROR(links.WaitAll());

  // Ring allgather: in step i pass chunk vr-i to the right, take chunk vr-i-1 from the left.
  const int right = (r + 1) % p;
  const int left = (r - 1 + p) % p;
  for (int i = 0; i < p - 1; ++i) {
    int out = (vr - i + p) % p;
    int in = (vr - i - 1 + p) % p;
    Span so = ChunkSpan(bytes, chunk, out, out + 1);
    Span si = ChunkSpan(bytes, chunk, in, in + 1);
    ZMPI_RETURN_IF_ERROR(
        links.SendRecv(right, data + so.offset, so.length, left, data + si.offset, si.length, tag));
  }
  return OkStatus();
}

}  // namespace zmpi::coll
