#include "transport/shm/peer_process.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/log.h"
#include "common/platform/platform.h"
#include "common/platform/process_memory.h"

namespace zmpi::transport::shm {

PeerProcess::PeerProcess(pid_t pid) : pid_(pid) {
  int fd = platform::OpenProcessWatch(pid);
  if (fd >= 0) {
    pidfd_ = fd;
  } else {
    ZMPI_LOG_ONCE(kDebug, "shm", "no process descriptor (%s); liveness falls back to kill(pid, 0)",
                  strerror(errno));
  }
}

PeerProcess::~PeerProcess() {
  if (pidfd_ >= 0) close(pidfd_);
}

bool PeerProcess::Alive() {
  if (dead_) return false;
  if (pidfd_ >= 0) {
    struct pollfd p = {pidfd_, POLLIN, 0};
    int n = poll(&p, 1, 0);
    if (n > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) dead_ = true;
  } else if (platform::ProcessGone(pid_)) {
    dead_ = true;
  }
  return !dead_;
}

Status PeerProcess::Read(uint64_t remote_addr, void* local, size_t len) {
  return Transfer(/*write=*/false, remote_addr, local, len);
}

Status PeerProcess::ReadV(uint64_t remote_addr, const iovec* local, size_t count) {
  size_t total = 0;
  for (size_t i = 0; i < count; ++i) total += local[i].iov_len;
  if (total == 0) return OkStatus();
  struct iovec riov = {reinterpret_cast<void*>(remote_addr), total};
  ssize_t n = platform::ReadProcessMemory(pid_, local, count, &riov, 1);
  if (n == static_cast<ssize_t>(total)) return OkStatus();
  // Short or failed: redo the rest piece by piece (Read retries, reports and marks death).
  size_t done = n > 0 ? static_cast<size_t>(n) : 0;
  for (size_t i = 0; i < count; ++i) {
    size_t len = local[i].iov_len;
    if (done >= len) {
      done -= len;
      remote_addr += len;
      continue;
    }
    char* at = static_cast<char*>(local[i].iov_base) + done;
    ZMPI_RETURN_IF_ERROR(Read(remote_addr + done, at, len - done));
    remote_addr += len;
    done = 0;
  }
  return OkStatus();
}

Status PeerProcess::ReadVV(const iovec* local, size_t local_count, const iovec* remote,
                           size_t remote_count, bool* whole) {
  size_t total = 0;
  for (size_t i = 0; i < local_count; ++i) total += local[i].iov_len;
  ssize_t n = platform::ReadProcessMemory(pid_, local, local_count, remote, remote_count);
  *whole = n == static_cast<ssize_t>(total);
  if (n < 0 && errno == ESRCH) {
    dead_ = true;
    return Error(Code::kProcAborted, "shm: process %d is gone", static_cast<int>(pid_));
  }
  return OkStatus();
}

Status PeerProcess::Write(const void* local, uint64_t remote_addr, size_t len) {
  return Transfer(/*write=*/true, remote_addr, const_cast<void*>(local), len);
}

Status PeerProcess::Transfer(bool write, uint64_t remote_addr, void* local, size_t len) {
  char* dst = static_cast<char*>(local);
  size_t done = 0;
  while (done < len) {
    struct iovec liov = {dst + done, len - done};
    struct iovec riov = {reinterpret_cast<void*>(remote_addr + done), len - done};
    ssize_t n = write ? platform::WriteProcessMemory(pid_, &liov, 1, &riov, 1)
                      : platform::ReadProcessMemory(pid_, &liov, 1, &riov, 1);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    int err = n < 0 ? errno : EFAULT;  // 0 bytes: the range ends in unmapped memory
    if (err == ESRCH) {
      dead_ = true;
      return Error(Code::kProcAborted, "shm: process %d is gone", static_cast<int>(pid_));
    }
    return Error(Code::kOther, "shm: process_vm_%s(pid %d, %zu bytes at 0x%llx): %s",
                 write ? "writev" : "readv", static_cast<int>(pid_), len - done,
                 static_cast<unsigned long long>(remote_addr + done), strerror(err));
  }
  return OkStatus();
}

bool PeerProcess::Probe(uint64_t probe_addr, uint64_t expected) {
  uint64_t word = 0;
  Status s = Read(probe_addr, &word, sizeof(word));
  if (!s.ok()) {
    ZMPI_LOG(kInfo, "shm", "single copy from pid %d unavailable: %s", static_cast<int>(pid_),
             s.ToString().c_str());
    return false;
  }
  if (word != expected) {
    ZMPI_LOG(kInfo, "shm", "single copy from pid %d unavailable: probe word mismatch",
             static_cast<int>(pid_));
    return false;
  }
  return true;
}

}  // namespace zmpi::transport::shm
