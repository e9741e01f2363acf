// Whether this kernel (or emulator) does single copy between processes, for tests whose
// subject only exists where it does. qemu-user has no process_vm_readv (ENOSYS); there the
// shm transport's probe fails, CanRead is false and large messages go through the rings, so a
// test of the single-copy path checks that fallback instead of being skipped.
#ifndef ZMPI_TESTS_TRANSPORT_SHM_SINGLE_COPY_CHECK_H_
#define ZMPI_TESTS_TRANSPORT_SHM_SINGLE_COPY_CHECK_H_

namespace zmpi::transport::shm {

// true if process_vm_readv reads a word of this process. Decided once; the first call that
// finds it missing prints one line saying so (and why) on stderr.
bool SingleCopyAvailable();

// For a test of the single-copy path: returns true where single copy works (the test goes
// on); otherwise checks the fallback with gtest assertions (PeerProcess::Read of this process
// fails with a Status naming the syscall, and a probe says "unavailable") and returns false.
bool SingleCopyOrCheckFallback();

}  // namespace zmpi::transport::shm

#endif  // ZMPI_TESTS_TRANSPORT_SHM_SINGLE_COPY_CHECK_H_
