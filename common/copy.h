// CopyBytes: memcpy for the message hot path, where most copies are a few dozen bytes (a frame
// header, a small payload). Copies of up to 64 bytes are done inline with fixed-size moves
// (overlapping at the end), which saves the call into libc and its size dispatch; longer
// copies go to memcpy.
#ifndef ZMPI_COMMON_COPY_H_
#define ZMPI_COMMON_COPY_H_

#include <cstddef>
#include <cstring>

namespace zmpi {

inline void CopyBytes(void* dst, const void* src, size_t n) {
  char* d = static_cast<char*>(dst);
  const char* s = static_cast<const char*>(src);
  if (n > 64) {
    memcpy(d, s, n);
  } else if (n >= 32) {  // two 32-byte moves, overlapping when n < 64
    memcpy(d, s, 32);
    memcpy(d + n - 32, s + n - 32, 32);
  } else if (n >= 16) {
    memcpy(d, s, 16);
    memcpy(d + n - 16, s + n - 16, 16);
  } else if (n >= 8) {
    memcpy(d, s, 8);
    memcpy(d + n - 8, s + n - 8, 8);
  } else if (n >= 4) {
    memcpy(d, s, 4);
    memcpy(d + n - 4, s + n - 4, 4);
  } else if (n > 0) {
    d[0] = s[0];
    d[n / 2] = s[n / 2];
    d[n - 1] = s[n - 1];
  }
}

}  // namespace zmpi

#endif  // ZMPI_COMMON_COPY_H_
