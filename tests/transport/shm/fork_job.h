// Runs a function in N forked processes that act as the local ranks of one host, with a
// board in anonymous shared memory for address exchange and barriers. Every wait is bounded.
// Used by the multi-process shm tests and the shm_pingpong benchmark.
#ifndef ZMPI_TESTS_TRANSPORT_SHM_FORK_JOB_H_
#define ZMPI_TESTS_TRANSPORT_SHM_FORK_JOB_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "transport/endpoint.h"
#include "transport/shm/endpoint.h"

namespace zmpi::transport::shm::testing {

// In a child body: report the failed condition and make the child exit with 1.
#define CHILD_EXPECT(cond)                                                                   \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      fprintf(stderr, "%s:%d: child %d: check failed: %s\n", __FILE__, __LINE__, getpid(), \
              #cond);                                                                        \
      return 1;                                                                              \
    }                                                                                        \
  } while (0)

#define CHILD_EXPECT_OK(expr)                                                                \
  do {                                                                                       \
    ::zmpi::Status child_status_ = (expr);                                                   \
    if (!child_status_.ok()) {                                                               \
      fprintf(stderr, "%s:%d: child %d: %s: %s\n", __FILE__, __LINE__, getpid(), #expr,     \
              child_status_.ToString().c_str());                                             \
      return 1;                                                                              \
    }                                                                                        \
  } while (0)

class Deadline {
 public:
  explicit Deadline(double seconds)
      : end_(std::chrono::steady_clock::now() +
             std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                 std::chrono::duration<double>(seconds))) {}
  bool Expired() const { return std::chrono::steady_clock::now() >= end_; }

 private:
  std::chrono::steady_clock::time_point end_;
};

class ForkJob {
 public:
  static constexpr int kMaxProcs = 8;

  explicit ForkJob(int nprocs);
  ~ForkJob();

  int nprocs() const { return nprocs_; }
  // Segment name prefix unique to this job ("/zmpi-test-<pid>-<n>-").
  const std::string& prefix() const { return prefix_; }
  // shm options for `rank` of this job with the given geometry.
  Options MakeOptions(int rank, size_t slots = 64, size_t slot_size = 16384) const;

  // Forks nprocs children running body(rank); each exits with body's result (0 = success).
  // Kills children still running after `timeout_s`. Returns "" when every child exited 0,
  // otherwise what went wrong.
  std::string Run(const std::function<int(int rank)>& body, double timeout_s = 30);

  // In a child: creates the endpoint, exchanges addresses with all ranks and connects it to
  // every rank (itself included when `with_self`). Bounded by 10 s.
  StatusOr<std::unique_ptr<Endpoint>> Setup(const Options& options, bool with_self = false);
  // In a child: publishes `address` and returns all ranks' addresses (bounded by 10 s).
  bool Exchange(int rank, const std::string& address, std::vector<PeerAddress>* all);
  // In a child: waits until all ranks reached barrier `id` (each id used once; < 32).
  bool Barrier(int id, double timeout_s = 10);

  // Names in /dev/shm that start with this job's prefix.
  std::vector<std::string> LeftoverSegments() const;

 private:
  struct Board;
  int nprocs_;
  std::string prefix_;
  Board* board_;
};

// A FrameSink over a function; bulk completions are not expected from shm.
class FnSink final : public FrameSink {
 public:
  explicit FnSink(std::function<bool(int, const Frame&)> fn) : fn_(std::move(fn)) {}
  bool OnFrame(int peer, const Frame& frame) override { return fn_(peer, frame); }
  void OnBulkDone(void*, Status) override {}

 private:
  std::function<bool(int, const Frame&)> fn_;
};

}  // namespace zmpi::transport::shm::testing

#endif  // ZMPI_TESTS_TRANSPORT_SHM_FORK_JOB_H_
