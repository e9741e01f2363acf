#include "tests/transport/shm/single_copy_check.h"

#include <errno.h>
#include <gtest/gtest.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/platform/process_memory.h"
#include "transport/shm/peer_process.h"

namespace zmpi::transport::shm {

bool SingleCopyAvailable() {
  static const bool available = [] {
    volatile uint64_t word = 0x5a5a5a5a5a5a5a5aULL;
    uint64_t copy = 0;
    iovec local = {&copy, sizeof(copy)};
    iovec remote = {const_cast<uint64_t*>(&word), sizeof(word)};
    // Through the platform layer: the portable build has no single copy even on Linux.
    const ssize_t n = platform::ReadProcessMemory(getpid(), &local, 1, &remote, 1);
    if (n == static_cast<ssize_t>(sizeof(copy)) && copy == word) return true;
    fprintf(stderr,
            "note: process_vm_readv does not work here (%s): the single-copy tests check the "
            "fallback instead\n",
            n < 0 ? strerror(errno) : "short read");
    return false;
  }();
  return available;
}

bool SingleCopyOrCheckFallback() {
  if (SingleCopyAvailable()) return true;
  PeerProcess self(getpid());
  uint64_t word = 42, copy = 0;
  Status s = self.Read(reinterpret_cast<uint64_t>(&word), &copy, sizeof(copy));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("process_vm_readv"), std::string::npos) << s.ToString();
  EXPECT_TRUE(self.Alive());  // a failed read does not mark the process dead
  EXPECT_FALSE(self.Probe(reinterpret_cast<uint64_t>(&word), word));
  return false;
}

}  // namespace zmpi::transport::shm
