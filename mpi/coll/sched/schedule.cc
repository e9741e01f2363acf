#include "mpi/coll/sched/schedule.h"

#include <cstring>
#include <utility>

namespace zmpi::coll::sched {

char* Schedule::Scratch(size_t bytes) {
  // Blocks are rounded up to max_align_t, so each starts aligned for any element type.
  constexpr size_t kAlign = alignof(std::max_align_t);
  const size_t rounded = (bytes + kAlign - 1) / kAlign * kAlign;
  if (rounded <= kInlineScratch - inline_used_) {
    char* block = inline_scratch_ + inline_used_;
    inline_used_ += rounded > 0 ? rounded : kAlign;
    return block;
  }
  // new char[] is aligned for any fundamental type (max_align_t).
  scratch_.push_back(std::unique_ptr<char[]>(new char[bytes > 0 ? bytes : 1]));
  return scratch_.back().get();
}

const Reducer* Schedule::Own(std::unique_ptr<Reducer> reducer) {
  reducers_.push_back(std::move(reducer));
  return reducers_.back().get();
}

void Schedule::Add(const Step& step) {
  steps_.push_back(step);
  if (step.kind == StepKind::kSend || step.kind == StepKind::kRecv) {
    ++round_ops_;
    if (round_ops_ > widest_round_) widest_round_ = round_ops_;
  }
}

void Schedule::Send(int peer, Span data) {
  Step s;
  s.kind = StepKind::kSend;
  s.peer = peer;
  s.data = data;
  Add(s);
}

void Schedule::Recv(int peer, Span data) {
  Step s;
  s.kind = StepKind::kRecv;
  s.peer = peer;
  s.data = data;
  Add(s);
}

void Schedule::Copy(Span from, Span to) {
  if (from.bytes() == 0) return;
  if (from.buf == to.buf && (from.type == to.type || (from.plain() && to.plain()))) return;
  Step s;
  s.kind = StepKind::kCopy;
  s.data = from;
  s.to = to;
  if (!from.plain() && !to.plain()) s.staging = Scratch(from.bytes());
  Add(s);
}

void Schedule::Reduce(const Reducer& reducer, const void* in, void* inout, size_t count) {
  if (count == 0) return;
  Step s;
  s.kind = StepKind::kReduce;
  s.reducer = &reducer;
  s.in = in;
  s.inout = inout;
  s.count = count;
  Add(s);
}

void Schedule::Call(std::function<void()> fn) {
  Step s;
  s.kind = StepKind::kCall;
  s.call = calls_.size();
  calls_.push_back(std::move(fn));
  Add(s);
}

void Schedule::Wait() {
  if (steps_.empty() || steps_.back().kind == StepKind::kWait) return;
  Step s;
  s.kind = StepKind::kWait;
  steps_.push_back(s);
  round_ops_ = 0;
}

void Schedule::Reset() {
  pos_ = 0;
  posted_ = 0;
  done_ = 0;
  error_ = Status();
}

bool Schedule::Advance(Backend& backend, Status* error) {
  // Sized before the first post (nothing is pending then), for every round of the schedule.
  if (pending_.size() < widest_round_) pending_.Resize(widest_round_);
  for (;;) {
    // The current round: everything posted must be complete before anything else runs.
    for (; done_ < posted_; ++done_) {
      if (!backend.Done(pending_[done_])) return false;
    }
    for (size_t i = 0; i < posted_; ++i) {
      Status s = backend.Finish(pending_[i]);
      if (!s.ok() && error_.ok()) error_ = std::move(s);
    }
    posted_ = 0;
    done_ = 0;
    if (!error_.ok()) pos_ = steps_.size();  // post nothing more
    if (pos_ == steps_.size()) {
      *error = error_;
      return true;
    }
    // The next round: local steps run in order, sends and receives are posted, up to a Wait.
    for (; pos_ < steps_.size(); ++pos_) {
      const Step& s = steps_[pos_];
      if (s.kind == StepKind::kWait) {
        ++pos_;
        break;
      }
      switch (s.kind) {
        case StepKind::kSend:
        case StepKind::kRecv: {
          void* handle = nullptr;
          Status posted = backend.Post(s, tag_, &handle);
          if (!posted.ok()) {
            error_ = std::move(posted);
            pos_ = steps_.size() - 1;  // ends the loop; the round's posts still complete
            continue;
          }
          pending_[posted_++] = handle;
          break;
        }
        case StepKind::kCopy:
          if (s.data.plain() && s.to.plain()) {
            std::memmove(s.to.mut(), s.data.buf, s.data.bytes());
          } else {
            backend.Copy(s);
          }
          break;
        case StepKind::kReduce:
          s.reducer->Apply(s.in, s.inout, s.count);
          break;
        case StepKind::kCall:
          calls_[s.call]();
          break;
        case StepKind::kWait:
          break;
      }
    }
  }
}

}  // namespace zmpi::coll::sched
