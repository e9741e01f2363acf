#include "mpi/core/p2p.h"

#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include "common/check.h"
#include "mpi/core/coll_request.h"
#include "mpi/core/derived_op.h"
#include "mpi/core/request.h"
#include "mpi/core/request_ext.h"
#include "mpi/core/runtime.h"
#include "mpi/core/threads.h"

namespace zmpi::core {
namespace {

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// How long a waiting rank keeps yielding before it naps between polls.
constexpr double kYieldSeconds = 0.02;

// With ZMPI_OVERSUB_WAIT=sleep (Runtime::wait_sleeps), ranks that outnumber the host's CPUs
// yield for up to kYieldBeforeSleep, then sleep (Engine::Sleep: a futex that their shm
// peers wake). A peer on the other core usually answers within the yields (a wake costs tens
// of us on a VM); a peer that needs our core gets it by our yield where we share its session
// (zrun's ranks when they outnumber the cores of an idle machine, zrund's, mpirun's), and by
// our sleep where we do not: under Linux's autogroup sched_yield only picks among the caller's
// own session. Sleeping also stops a wait from spending its session's CPU share on yields
// while other sessions keep the machine busy (5 ranks on 2 cores at load 20: 1000 rounds of
// oversub_test 19-75 s yielding, 1.8-4.5 s sleeping; docs/benchmarks.md, "Oversubscribed
// hosts"). A sleep lasts kSleepSeconds at most, so liveness checks still come and an event
// nobody wakes us for (none known) is late, not lost.
bool g_may_sleep = false;  // set with g_spin
constexpr double kYieldBeforeSleep = 20e-6;
constexpr double kSleepSeconds = 0.001;

// Ranks whose peers are all reached through a network endpoint that can block (ofi with net:
// Runtime::net_block_after) poll for g_block_after seconds of an idle stretch, then block in
// Engine::Sleep until a completion arrives, kBlockSeconds at most. Between namespace hosts on
// one machine a rank that only polls and yields was never placed anew: when the scheduler had
// put both ranks on one CPU they stayed there for the whole job, each wait lasting until the
// other's time slice ended (docs/benchmarks.md, "Between namespace hosts"). A blocked rank
// gives the CPU up and is placed again when it wakes. g_spin is 1 for them: every idle turn
// reads the clock (~25 ns beside the provider poll's system call).
double g_block_after = -1;  // set with g_spin
constexpr double kBlockSeconds = 0.001;

// Idle turns before a wait yields. ZMPI_SPIN_COUNT (0 when ranks outnumber CPUs) is right while
// each rank has a core; when two ranks share one (no binding, a launcher's cpuset, the
// scheduler's choice), every turn spun waits for a peer that cannot run until we yield: each
// half round trip costs the whole spin (2000 turns, ~6 us on a quiet host: OSU's 8 KiB latency
// of 5.7-6.4 us, docs/benchmarks.md). Such waits end right after their first yield; after
// kQuickWaits of them in a row the spin halves (down to g_min_spin), and it returns to the
// configured count kRegrowSeconds after its last change. Only the yield path adapts it: a
// wait that ends while spinning reads one variable, as before.
int g_spin = 0;  // read on every idle turn; the cold path sets it up on first use
bool g_spin_known = false;
int g_spin_max = 0;
bool g_first_yield_pending = false;  // the last yielding wait has yielded once (so far)
int g_quick_waits = 0;
double g_spin_changed = 0;
constexpr int kMinSpin = 64;
// The floor for a rank whose idle turn is a network poll (a system call, ~0.3 us, against ~10
// ns for a shm turn): 64 such turns are ~20 us, which two ranks sharing one CPU paid on every
// half round trip (namespace hosts on one machine: 17-28 us at 0 B against 4.7-7.3 for Open
// MPI; docs/benchmarks.md, "Between namespace hosts, late evening").
constexpr int kMinNetSpin = 8;
int g_min_spin = kMinSpin;  // set with g_spin
int g_spin_low = 0;         // the fewest turns g_spin has been (WaitSpinLow)
constexpr int kQuickWaits = 4;
constexpr double kRegrowSeconds = 0.1;
// idle_ jumps here at the first yield of an idle stretch: the second yield is kYielding + 1.
constexpr int kYielding = 1 << 24;

// At the first yield of a wait: judges the last yielding wait, shrinks or restores the spin.
void AdaptSpin(double now) {
  if (g_first_yield_pending) {
    if (++g_quick_waits >= kQuickWaits && g_spin > g_min_spin) {
      g_spin = std::max(g_spin / 2, g_min_spin);
      g_spin_low = std::min(g_spin_low, g_spin);
      g_quick_waits = 0;
      g_spin_changed = now;
    }
  } else {
    g_quick_waits = 0;
  }
  if (g_spin < g_spin_max && now - g_spin_changed > kRegrowSeconds) {
    g_spin = g_spin_max;
    g_quick_waits = 0;
    g_spin_changed = now;
  }
  g_first_yield_pending = true;
}

uint32_t ContextOf(const Comm& comm, Channel channel) {
  return channel == Channel::kUser ? comm.p2p_context() : comm.coll_context();
}


}  // namespace

// The completion test comes straight after the progress pass: when a message completes the
// request, the wait ends on one mispredicted branch, not on two (events > 0, then complete).
// The loop is reset on the way out: it carries on into the next request of a WaitAll, which
// must not inherit this wait's yielding or napping (without it, 64 transfers of 4 MiB across
// hosts ran 20-35% slower: every wait after a long one napped 50 us per poll).
void WaitComplete(Request* r, ProgressLoop& loop) {
  if (r->complete) return;
  Engine& engine = Runtime::Get()->engine();
  for (;;) {
    int events = engine.Progress();
    if (r->complete) {
      loop.Reset();
      return;
    }
    loop.Pace(events, &r->complete);
    if (loop.Every(1.0)) FailDeadPeers(&r, 1);
  }
}

void FailDeadPeers(Request* const* requests, int count) {
  Engine& engine = Runtime::Get()->engine();
  for (int i = 0; i < count; ++i) {
    Request* r = requests[i];
    if (r && !r->complete && r->kind == RequestKind::kCollective) [[unlikely]] {
      static_cast<CollectiveExt&>(*r->ext).FailDeadPeers();
      continue;
    }
    if (r && !r->complete && r->ext != nullptr) [[unlikely]] {
      r->ext->FailDeadPeers();  // compound, partitioned, typed persistent, buffer flush
      if (r->complete) continue;
    }
    if (r && !r->complete && r->peer >= 0 && !engine.PeerAlive(r->peer)) engine.FailPeerDead(r);
  }
}

int WaitSpinLow() {
  return g_spin_known ? g_spin_low : std::min(Runtime::Get()->spin_count(), kYielding / 2);
}

void ProgressLoop::Turn() { Pace(Runtime::Get()->engine().Progress()); }

void ProgressLoop::Pace(int events, const bool* done) {
  if (Threads::enabled()) [[unlikely]] Threads::Yield(done);
  if (events > 0) {
    Reset();
    return;
  }
  ++idle_;
  if (idle_ < g_spin) return;
  if (!g_spin_known) [[unlikely]] {
    g_spin_max = std::min(Runtime::Get()->spin_count(), kYielding / 2);
    g_spin = g_spin_max;
    g_spin_low = g_spin;
    g_may_sleep = Runtime::Get()->wait_sleeps();
    g_block_after = Runtime::Get()->net_block_after();
    if (Runtime::Get()->idle_turn_polls_network()) g_min_spin = kMinNetSpin;
    if (g_block_after >= 0) g_spin = g_spin_max = 1;
    g_spin_known = true;
    if (idle_ < g_spin) return;
  }
  if (g_block_after >= 0) {
    PollThenBlock();
    return;
  }
  if (!sleeping_) {
    // Yield for a while before napping: a peer that shares our core (or was preempted)
    // usually answers within a few time slices, and a napping rank reacts ~50-100 us late.
    if (idle_ < kYielding) {  // the first yield of this idle stretch
      idle_ = kYielding;
      yielding_since_ = Now();
      AdaptSpin(yielding_since_);
    } else if (idle_ == kYielding + 1) {
      g_first_yield_pending = false;  // this wait needed more than one yield
    }
    if (g_may_sleep && !Threads::enabled() && Now() - yielding_since_ >= kYieldBeforeSleep &&
        Runtime::Get()->engine().Sleep(kSleepSeconds)) {
      ++sleeps_;
      return;
    }
    if (Threads::enabled()) [[unlikely]] {
      Threads::YieldCpu(false);
    } else {
      sched_yield();
    }
    if ((idle_ & 255) == 0 && Now() - yielding_since_ > kYieldSeconds) sleeping_ = true;
    return;
  }
  if (Threads::enabled()) [[unlikely]] {
    Threads::YieldCpu(true);
    return;
  }
  timespec pause{0, 50 * 1000};  // 50 us: a long-idle rank costs ~nothing
  nanosleep(&pause, nullptr);
}

void ProgressLoop::PollThenBlock() {
  double now = Now();
  if (idle_ < kYielding) {  // the first idle turn of this stretch
    idle_ = kYielding;
    yielding_since_ = now;
    return;
  }
  if (now - yielding_since_ < g_block_after) return;
  if (!Threads::enabled() && Runtime::Get()->engine().Sleep(kBlockSeconds)) {
    ++sleeps_;
    return;
  }
  sched_yield();
}

bool ProgressLoop::Every(double seconds) {
  // Idle turns are cheap (a poll, a yield): the clock every 1024. A sleep can last
  // kSleepSeconds: the clock every 16.
  if ((idle_ & 1023) != 1023 && (sleeps_ & 15) != 15) return false;
  double now = Now();
  if (last_check_ == 0) {
    // The first idle stretch of a wait checks at once: a peer that died before the wait began
    // is found in milliseconds, not a period later (zrun kills the survivors 2 s after a death).
    last_check_ = now;
    return true;
  }
  if (now - last_check_ < seconds) return false;
  last_check_ = now;
  return true;
}

namespace {

// Isend's body; `derived` (a lazy derived send's state) is attached before the send starts.
[[gnu::always_inline]] inline StatusOr<Request*> StartIsend(const SendArgs& a,
                                                            DerivedOp* derived) {
  Runtime* rt = Runtime::Get();
  Request* r = rt->requests().Allocate(RequestKind::kSend);
  r->comm = a.comm;
  r->context = ContextOf(*a.comm, a.channel);
  r->rank = a.dest;
  r->tag = a.tag;
  r->send_buf = a.buf;
  r->bytes = a.bytes;
  if (derived != nullptr) r->derived = derived;
  if (a.dest == MPI_PROC_NULL) {
    rt->engine().Complete(r);
    return r;
  }
  r->peer = a.comm->WorldRank(a.dest);
  // `derived` is a constant nullptr where Isend inlines this: no test on its path.
  Status s = derived == nullptr ? rt->engine().StartSend(r, a.mode == SendMode::kSync)
                                : rt->engine().StartSendTyped(r, a.mode == SendMode::kSync);
  if (!s.ok()) {
    rt->requests().Release(r);
    return s;
  }
  return r;
}

}  // namespace

StatusOr<Request*> Isend(const SendArgs& a) {
  if (a.type != nullptr) [[unlikely]] return IsendTyped(a.buf, a.count, *a.type, a);
  return StartIsend(a, nullptr);
}

StatusOr<Request*> IsendDerived(const SendArgs& a, DerivedOp* derived) {
  return StartIsend(a, derived);
}

Status Send(const SendArgs& a) {
  if (a.type != nullptr) [[unlikely]] return SendTyped(a.buf, a.count, *a.type, a);
  if (a.mode != SendMode::kSync && a.dest != MPI_PROC_NULL) {
    Comm& comm = *a.comm;
    ZMPI_ASSIGN_OR_RETURN(bool sent, Runtime::Get()->engine().TrySendNow(
                                         comm.WorldRank(a.dest), ContextOf(comm, a.channel),
                                         comm.rank(), a.tag, a.buf, a.bytes));
    if (sent) return OkStatus();
  }
  ZMPI_ASSIGN_OR_RETURN(Request* r, Isend(a));
  return Wait(r, nullptr);
}

namespace {

// Irecv's body; `derived` (the cold path's staging state) is attached before the receive can
// match, so a message already here completes through Engine::Complete like any other.
[[gnu::always_inline]] inline StatusOr<Request*> StartIrecv(const RecvArgs& a,
                                                            DerivedOp* derived) {
  Runtime* rt = Runtime::Get();
  Request* r = rt->requests().Allocate(RequestKind::kRecv);
  r->comm = a.comm;
  r->context = ContextOf(*a.comm, a.channel);
  r->rank = a.source;
  r->tag = a.tag;
  r->recv_buf = a.buf;
  r->bytes = a.bytes;
  r->type_size = a.type_size;
  if (derived != nullptr) r->derived = derived;
  if (a.source == MPI_PROC_NULL) {
    r->status_source = MPI_PROC_NULL;
    r->status_tag = MPI_ANY_TAG;
    rt->engine().Complete(r);
    return r;
  }
  if (a.source >= 0) r->peer = a.comm->WorldRank(a.source);
  Status s = rt->engine().StartRecv(r);
  if (!s.ok()) {
    rt->requests().Release(r);
    return s;
  }
  return r;
}

}  // namespace

StatusOr<Request*> Irecv(const RecvArgs& a) {
  if (a.type != nullptr) [[unlikely]] {
    return IrecvTyped(a.buf, a.count, *a.type, a);
  }
  return StartIrecv(a, nullptr);
}

StatusOr<Request*> IrecvDerived(const RecvArgs& a, DerivedOp* derived) {
  return StartIrecv(a, derived);
}

void FillStatus(const Request* r, MPI_Status* status) {
  if (status == MPI_STATUS_IGNORE || status == nullptr) return;
  // MPI_ERROR stays as the caller left it: only multi-completion calls set it (MPI-4.1 3.2.5).
  if (r->kind == RequestKind::kSend) {
    status->count_lo = 0;
    status->count_hi_and_cancelled = r->cancelled ? 1 : 0;
    return;
  }
  uint64_t count = r->status_bytes;
  status->MPI_SOURCE = r->status_source;
  status->MPI_TAG = r->status_tag;
  status->count_lo = static_cast<int>(count & 0xffffffffu);
  status->count_hi_and_cancelled = static_cast<int>((count >> 32) << 1) | (r->cancelled ? 1 : 0);
}

void EmptyStatus(MPI_Status* status) {
  if (status == MPI_STATUS_IGNORE || status == nullptr) return;
  status->MPI_SOURCE = MPI_ANY_SOURCE;
  status->MPI_TAG = MPI_ANY_TAG;
  status->MPI_ERROR = MPI_SUCCESS;
  status->count_lo = 0;
  status->count_hi_and_cancelled = 0;
}

Status Finish(Request* r, MPI_Status* status) {
  if (r->special) [[unlikely]] return FinishSpecial(r, status);
  FillStatus(r, status);
  Status error = std::move(r->error);
  Runtime::Get()->requests().Release(r);
  return error;
}

Status Wait(Request* r, MPI_Status* status) {
  if (!r->complete) {
    ProgressLoop loop;
    WaitComplete(r, loop);
  }
  return Finish(r, status);
}

Status WaitAll(Request* const* requests, int count, MPI_Status* statuses) {
  ProgressLoop loop;
  Engine& engine = Runtime::Get()->engine();
  for (int i = 0; i < count; ++i) {
    Request* r = requests[i];
    // WaitComplete's loop, except that a liveness check covers every request still waited
    // for: requests to a dead peer all fail at the first check, not one per period.
    while (!r->complete) {
      int events = engine.Progress();
      if (r->complete) {
        loop.Reset();
        break;
      }
      loop.Pace(events, &r->complete);
      if (loop.Every(1.0)) FailDeadPeers(requests + i, count - i);
    }
  }
  Status first;
  for (int i = 0; i < count; ++i) {
    Status s = Finish(requests[i], statuses ? &statuses[i] : nullptr);
    if (!s.ok() && first.ok()) first = std::move(s);
  }
  return first;
}

Status Test(Request* r, bool* done, MPI_Status* status) {
  if (!r->complete) Runtime::Get()->engine().Progress();
  *done = r->complete;
  if (!*done) return OkStatus();
  return Finish(r, status);
}

}  // namespace zmpi::core
