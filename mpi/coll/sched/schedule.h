// Schedules: the non-blocking and persistent collectives (and the neighborhood ones built on
// them) as recorded sequences of point-to-point and local steps, run by a non-blocking runner.
//
// Building. An algorithm builder (builders.h) records every step up front, because its
// control flow depends only on sizes and ranks: Send/Recv(peer, data), Copy (also the pack
// and unpack of derived datatypes: either side may be a typed Span or plain bytes), Reduce
// (through a coll::Reducer), Call (any local callback) and Wait. A Wait closes a round: every
// send and receive posted since the previous Wait completes before any step after it runs.
// Local steps run when the runner reaches them, so a step may use what an earlier round
// received, and a send after a local step in the same round sends what that step wrote.
// Builders never let a send and a later local step of one round touch the same bytes.
// The schedule owns its scratch memory (Scratch(): blocks allocated while building, never
// during a run) and any Reducer handed to Own(). It keeps one tag, taken by the caller from
// Comm::NextCollTag() when the collective is called (or initialized, for persistent ones),
// so every rank agrees on it; messages of one schedule between two ranks match in the order
// both sides recorded them (non-overtaking), also across restarts of a persistent one.
//
// Running. Advance(backend) posts the current round's sends and receives through a Backend,
// tests them without blocking, finishes them, runs local steps and moves on; it returns true
// once every step ran (or after an error, once what was posted has completed). Reset()
// rewinds a finished schedule for the next MPI_Start. Not thread-safe; one run at a time.
//
// Backends: core point-to-point on a communicator's collective context (core_backend.h);
// tests use an in-memory one (tests/mpi/coll/sched_test.cc).
#ifndef ZMPI_MPI_COLL_SCHED_SCHEDULE_H_
#define ZMPI_MPI_COLL_SCHED_SCHEDULE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "common/status.h"
#include "mpi/coll/inline_array.h"
#include "mpi/coll/reducer.h"
#include "mpi/core/datatype.h"

namespace zmpi::coll::sched {

// `count` elements of `type` at buf, or (type == nullptr) `count` plain bytes.
struct Span {
  const void* buf = nullptr;
  int64_t count = 0;
  const core::Datatype* type = nullptr;

  // Packed size.
  size_t bytes() const {
    return static_cast<size_t>(count) * (type != nullptr ? type->size : size_t{1});
  }
  // The data are bytes() contiguous bytes at buf (no pack or unpack needed).
  bool plain() const {
    return type == nullptr || type->type == nullptr || (type->contiguous && type->true_lb == 0);
  }
  // `count` elements starting `elements` elements (extents; bytes when untyped) further on.
  Span At(int64_t elements, int64_t n) const {
    const int64_t stride = type != nullptr ? static_cast<int64_t>(type->extent) : 1;
    return Span{static_cast<const char*>(buf) + elements * stride, n, type};
  }
  void* mut() const { return const_cast<void*>(buf); }
};

enum class StepKind : uint8_t { kSend, kRecv, kCopy, kReduce, kCall, kWait };

struct Step {
  StepKind kind = StepKind::kWait;
  int peer = -1;
  Span data;                         // send: what leaves; receive: where it lands; copy: the source
  Span to;                           // copy: the destination
  void* staging = nullptr;           // copy between two laid-out (non-plain) spans: bytes() of room
  const Reducer* reducer = nullptr;  // reduce: inout[i] = in[i] op inout[i]
  const void* in = nullptr;
  void* inout = nullptr;
  size_t count = 0;  // reduce: elements
  size_t call = 0;   // call: index of the callback
};

// How a schedule reaches the network and moves typed data. Post starts a send or receive and
// names it with *handle until Finish; Done tests it without driving progress; Finish ends a
// done one and returns its error. Copy performs a kCopy step.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual Status Post(const Step& step, int tag, void** handle) = 0;
  virtual bool Done(void* handle) = 0;
  virtual Status Finish(void* handle) = 0;
  virtual void Copy(const Step& step) = 0;
  // Fails those of the posted operations whose peer died (they then complete with an error).
  virtual void FailDead(void* const* handles, size_t count) = 0;
};

class Schedule {
 public:
  // Room for the steps of a typical small schedule, so recording rarely reallocates.
  explicit Schedule(int tag) : tag_(tag) { steps_.reserve(kReservedSteps); }
  Schedule(const Schedule&) = delete;
  Schedule& operator=(const Schedule&) = delete;

  int tag() const { return tag_; }

  // ---- building ----
  // Uninitialized room owned by the schedule, aligned for any element type (never null).
  // Small blocks come from room inside the schedule (no allocation), larger ones from the heap.
  char* Scratch(size_t bytes);
  // Keeps `reducer` as long as the schedule; returns it.
  const Reducer* Own(std::unique_ptr<Reducer> reducer);
  void Send(int peer, Span data);
  void Recv(int peer, Span data);
  void Send(int peer, const void* buf, size_t bytes) {
    Send(peer, Span{buf, static_cast<int64_t>(bytes), nullptr});
  }
  void Recv(int peer, void* buf, size_t bytes) {
    Recv(peer, Span{buf, static_cast<int64_t>(bytes), nullptr});
  }
  // Copies `from` to `to` (same packed size): pack, unpack or plain copy as the spans say.
  void Copy(Span from, Span to);
  void Copy(const void* from, void* to, size_t bytes) {
    Copy(Span{from, static_cast<int64_t>(bytes), nullptr},
         Span{to, static_cast<int64_t>(bytes), nullptr});
  }
  // inout[i] = in[i] (op) inout[i], `count` elements of reducer.elem_size() bytes.
  void Reduce(const Reducer& reducer, const void* in, void* inout, size_t count);
  void Call(std::function<void()> fn);
  // Ends the current round (no-op when the round posted nothing and ran nothing).
  void Wait();

  size_t steps() const { return steps_.size(); }
  const std::vector<Step>& step_list() const { return steps_; }

  // ---- running ----
  // See the header comment. *error gets the first failure once it returns true.
  bool Advance(Backend& backend, Status* error);
  // Back to the first step (a finished schedule only).
  void Reset();
  // The sends and receives of the current round not known complete.
  void FailDead(Backend& backend) { backend.FailDead(pending_.data() + done_, posted_ - done_); }

 private:
  // Starting and completing an I-collective is part of what OSU's overlap figure charges to
  // communication, so a small schedule costs no allocation beyond its step list: scratch and
  // the round's handles live inside the object up to these sizes.
  static constexpr size_t kReservedSteps = 16;
  static constexpr size_t kInlineScratch = 512;
  static constexpr size_t kInlinePending = 8;

  void Add(const Step& step);

  const int tag_;
  std::vector<Step> steps_;
  std::vector<std::function<void()>> calls_;
  std::vector<std::unique_ptr<char[]>> scratch_;
  alignas(std::max_align_t) char inline_scratch_[kInlineScratch];
  size_t inline_used_ = 0;
  std::vector<std::unique_ptr<Reducer>> reducers_;
  size_t widest_round_ = 0;  // most sends and receives in one round
  size_t round_ops_ = 0;     // while building: in the open round

  // Run state.
  size_t pos_ = 0;                              // next step to run
  InlineArray<void*, kInlinePending> pending_;  // room for the widest round
  size_t posted_ = 0;                           // pending_[0, posted_): posted in the current round
  size_t done_ = 0;                             // pending_[0, done_) are known complete
  Status error_;
};

}  // namespace zmpi::coll::sched

#endif  // ZMPI_MPI_COLL_SCHED_SCHEDULE_H_
