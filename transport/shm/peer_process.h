// Another process on this host, known by pid: whether it is alive, and single-copy reads
// from (and writes to) its address space (process_vm_readv / process_vm_writev).
//
// Liveness uses a pidfd when the kernel has one (readable once the process has exited, even
// before it is reaped, and immune to pid reuse), otherwise kill(pid, 0) with ESRCH = dead.
#ifndef ZMPI_TRANSPORT_SHM_PEER_PROCESS_H_
#define ZMPI_TRANSPORT_SHM_PEER_PROCESS_H_

#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

#include "common/status.h"

namespace zmpi::transport::shm {

class PeerProcess {
 public:
  explicit PeerProcess(pid_t pid);
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  pid_t pid() const { return pid_; }

  // false once the process is known to have exited. One cheap syscall.
  bool Alive();

  // Copies `len` bytes at `remote_addr` in the process into `local`, retrying partial reads
  // and EINTR. kProcAborted if the process is gone; kOther for any other failure.
  Status Read(uint64_t remote_addr, void* local, size_t len);
  // One contiguous remote range into `count` local pieces (one process_vm_readv per call when
  // nothing is cut short; a short read finishes piece by piece).
  Status ReadV(uint64_t remote_addr, const iovec* local, size_t count);
  // Remote pieces into local pieces (equal totals) in one process_vm_readv; false in *whole
  // if it was cut short (the caller redoes the lists piece by piece).
  Status ReadVV(const iovec* local, size_t local_count, const iovec* remote, size_t remote_count,
                bool* whole);

  // Copies `len` bytes from `local` to `remote_addr` in the process (process_vm_writev), with
  // the same retries and errors as Read.
  Status Write(const void* local, uint64_t remote_addr, size_t len);

  // Whether single-copy reads work: reads the 8-byte word at `probe_addr` and compares it
  // with `expected`. Fails under a restrictive ptrace scope, across PID namespaces, etc.
  bool Probe(uint64_t probe_addr, uint64_t expected);

 private:
  Status Transfer(bool write, uint64_t remote_addr, void* local, size_t len);

  pid_t pid_;
  int pidfd_ = -1;
  bool dead_ = false;
};

}  // namespace zmpi::transport::shm

#endif  // ZMPI_TRANSPORT_SHM_PEER_PROCESS_H_
