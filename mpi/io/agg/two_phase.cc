#include "mpi/io/agg/two_phase.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

namespace zmpi::io::agg {

TwoPhase::TwoPhase(Setup setup, std::vector<Piece> pieces)
    : link_(*setup.link),
      store_(setup.store),
      dir_(setup.dir),
      hints_(setup.hints),
      always_aggregate_(setup.always_aggregate),
      atomic_(setup.atomic),
      aggs_(std::move(setup.aggregators)),
      tag_(setup.tag),
      pieces_(std::move(pieces)),
      n_(link_.size()),
      me_(link_.rank()) {
  pieces_.erase(
      std::remove_if(pieces_.begin(), pieces_.end(), [](const Piece& p) { return p.len <= 0; }),
      pieces_.end());
  std::stable_sort(pieces_.begin(), pieces_.end(),
                   [](const Piece& a, const Piece& b) { return a.offset < b.offset; });
  auto it = std::lower_bound(aggs_.begin(), aggs_.end(), me_);
  if (it != aggs_.end() && *it == me_) my_agg_ = static_cast<int>(it - aggs_.begin());
}

void TwoPhase::Fail(Status s) {
  if (error_.ok() && !s.ok()) error_ = std::move(s);
}

void TwoPhase::PostSend(int peer, int tag, const void* buf, size_t len) {
  void* h = nullptr;
  Status s = link_.Send(peer, tag, buf, len, &h);
  if (!s.ok()) {
    Fail(std::move(s));
    broken_ = true;
    return;
  }
  handles_.push_back(h);
  got_.push_back(nullptr);
}

void TwoPhase::PostRecv(int peer, int tag, void* buf, size_t cap, size_t* got) {
  void* h = nullptr;
  Status s = link_.Recv(peer, tag, buf, cap, &h);
  if (!s.ok()) {
    Fail(std::move(s));
    broken_ = true;
    return;
  }
  handles_.push_back(h);
  got_.push_back(got);
}

bool TwoPhase::Advance(Status* error) {
  if (!started_) {
    started_ = true;
    Start();
  }
  for (;;) {
    for (void* h : handles_) {
      if (!link_.Done(h)) return false;
    }
    for (size_t i = 0; i < handles_.size(); ++i) {
      size_t bytes = 0;
      Status s = link_.Finish(handles_[i], &bytes);
      if (!s.ok()) {
        Fail(std::move(s));
        broken_ = true;
      }
      if (got_[i] != nullptr) *got_[i] = bytes;
    }
    handles_.clear();
    got_.clear();
    // A message that failed (a dead peer) leaves the ranks out of step: stop here.
    if (broken_) phase_ = Phase::kDone;
    switch (phase_) {
      case Phase::kAnnounce:
        AfterAnnounce();
        break;
      case Phase::kLists:
        AfterLists();
        break;
      case Phase::kRound:
        FinishRound();
        break;
      case Phase::kStatus:
        AfterStatus();
        break;
      case Phase::kDone:
        *error = error_;
        return true;
    }
  }
}

void TwoPhase::Start() {
  std::vector<Extent> extents;
  mine_ = Announce{};
  if (!pieces_.empty()) {
    mine_.lo = pieces_.front().offset;
    mine_.hi = mine_.lo;
    for (const Piece& p : pieces_) {
      mine_.hi = std::max(mine_.hi, p.offset + p.len);
      extents.push_back(Extent{p.offset, p.offset + p.len});
    }
    mine_.pieces = static_cast<int64_t>(pieces_.size());
    mine_.runs = static_cast<int64_t>(Runs(std::move(extents)).size());
  }
  all_.assign(n_, Announce{});
  all_[me_] = mine_;
  for (int peer = 0; peer < n_; ++peer) {
    if (peer == me_) continue;
    PostRecv(peer, tag_, &all_[peer], sizeof(Announce), nullptr);
    PostSend(peer, tag_, &mine_, sizeof(Announce));
  }
  phase_ = Phase::kAnnounce;
}

void TwoPhase::AfterAnnounce() {
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (const Announce& a : all_) {
    if (a.lo >= a.hi) continue;
    lo = std::min(lo, a.lo);
    hi = std::max(hi, a.hi);
  }
  phase_ = Phase::kDone;
  if (lo >= hi) return;  // nobody accesses anything
  CbMode mode = dir_ == Dir::kWrite ? hints_.cb_write : hints_.cb_read;
  if (aggs_.empty() || (!always_aggregate_ && !atomic_ && !ShouldAggregate(mode, all_))) {
    Independent();
    return;
  }
  ++counters_.aggregated;
  const int count = static_cast<int>(aggs_.size());
  domains_ = Domains(lo, hi, count, hints_.cb_buffer_size, hints_.striping_unit);
  out_.assign(count, {});
  for (const Piece& p : pieces_) {
    const Extent piece{p.offset, p.offset + p.len};
    for (int k = domains_.DomainOf(p.offset); k >= 0 && k < count; ++k) {
      Extent d = domains_.Domain(k);
      if (d.lo >= piece.hi) break;
      Extent e = Intersect(piece, d);
      if (e.empty()) continue;
      out_[k].push_back(Sub{e.lo, e.len(), static_cast<char*>(p.mem) + (e.lo - p.offset)});
    }
  }
  out_lists_.assign(count, {});
  for (int k = 0; k < count; ++k) {
    for (const Sub& s : out_[k]) {
      out_lists_[k].push_back(s.offset);
      out_lists_[k].push_back(s.len);
    }
  }
  if (my_agg_ >= 0) {
    in_lists_.assign(n_, {});
    in_list_bytes_.assign(n_, 0);
    for (int i = 0; i < n_; ++i) {
      // A domain is one interval: each piece of rank i contributes at most one sub to it.
      in_lists_[i].resize(static_cast<size_t>(all_[i].pieces) * 2);
      PostRecv(i, tag_ + 1, in_lists_[i].data(), in_lists_[i].size() * sizeof(int64_t),
               &in_list_bytes_[i]);
    }
  }
  for (int k = 0; k < count; ++k) {
    PostSend(aggs_[k], tag_ + 1, out_lists_[k].data(), out_lists_[k].size() * sizeof(int64_t));
  }
  phase_ = Phase::kLists;
}

void TwoPhase::Independent() {
  for (size_t i = 0; i < pieces_.size();) {
    // Pieces adjacent in the file and in memory go as one call.
    Piece run = pieces_[i];
    for (++i; i < pieces_.size(); ++i) {
      const Piece& p = pieces_[i];
      if (p.offset != run.offset + run.len || p.mem != static_cast<char*>(run.mem) + run.len) {
        break;
      }
      run.len += p.len;
    }
    if (dir_ == Dir::kWrite) {
      ++counters_.write_ats;
      Status s = store_->WriteAt(run.offset, run.mem, static_cast<size_t>(run.len));
      if (!s.ok()) {
        Fail(std::move(s));
        return;
      }
      bytes_ += run.len;
    } else {
      ++counters_.read_ats;
      StatusOr<size_t> n = store_->ReadAt(run.offset, run.mem, static_cast<size_t>(run.len));
      if (!n.ok()) {
        Fail(n.status());
        return;
      }
      bytes_ += static_cast<int64_t>(*n);
      if (static_cast<int64_t>(*n) < run.len) return;  // end of file
    }
  }
}

void TwoPhase::AfterLists() {
  if (my_agg_ >= 0) {
    const Extent domain = domains_.Domain(my_agg_);
    in_.assign(n_, {});
    for (int i = 0; i < n_; ++i) {
      size_t entries = in_list_bytes_[i] / (2 * sizeof(int64_t));
      for (size_t e = 0; e < entries; ++e) {
        int64_t off = in_lists_[i][2 * e], len = in_lists_[i][2 * e + 1];
        if (len <= 0 || off < domain.lo || off + len > domain.hi) {
          Fail(Error(Code::kIntern, "two-phase: rank %d sent a piece outside the domain", i));
          continue;
        }
        in_[i].push_back(Sub{off, len, nullptr});
      }
    }
    in_cursor_.assign(n_, Cursor{});
  }
  out_cursor_.assign(aggs_.size(), Cursor{});
  round_ = 0;
  StartRound();
}

void TwoPhase::Take(const std::vector<Sub>& subs, Cursor* cursor, Extent window,
                    std::vector<Sub>* out) {
  // Later windows of a domain lie further on: subs that end before this one never return.
  size_t i = cursor->next;
  while (i < subs.size() && subs[i].offset + subs[i].len <= window.lo) ++i;
  cursor->next = i;
  for (; i < subs.size() && subs[i].offset < window.hi; ++i) {
    const Sub& s = subs[i];
    Extent e = Intersect(Extent{s.offset, s.offset + s.len}, window);
    if (e.empty()) continue;
    out->push_back(Sub{e.lo, e.len(), s.mem != nullptr ? s.mem + (e.lo - s.offset) : nullptr});
  }
}

namespace {

template <typename S>
size_t Total(const std::vector<S>& subs) {
  size_t n = 0;
  for (const S& s : subs) n += static_cast<size_t>(s.len);
  return n;
}

}  // namespace

void TwoPhase::StartRound() {
  if (round_ >= domains_.rounds()) {
    StartStatus();
    return;
  }
  phase_ = Phase::kRound;
  const int count = static_cast<int>(aggs_.size());
  round_out_.assign(count, {});
  out_stage_.resize(count);
  out_got_.assign(count, 0);
  if (my_agg_ >= 0) {
    round_in_.assign(n_, {});
    in_stage_.resize(n_);
    in_got_.assign(n_, 0);
    Extent w = domains_.Window(my_agg_, round_);
    if (!w.empty()) {
      for (int i = 0; i < n_; ++i) Take(in_[i], &in_cursor_[i], w, &round_in_[i]);
    }
  }
  // Receives first (this rank's reads, the aggregator's incoming writes), then sends.
  for (int k = 0; k < count; ++k) {
    Extent w = domains_.Window(k, round_);
    if (w.empty()) continue;
    Take(out_[k], &out_cursor_[k], w, &round_out_[k]);
    if (round_out_[k].empty() || dir_ != Dir::kRead) continue;
    out_stage_[k].resize(Total(round_out_[k]));
    PostRecv(aggs_[k], tag_ + 2, out_stage_[k].data(), out_stage_[k].size(), &out_got_[k]);
  }
  if (my_agg_ >= 0 && dir_ == Dir::kWrite) {
    for (int i = 0; i < n_; ++i) {
      if (round_in_[i].empty()) continue;
      in_stage_[i].resize(Total(round_in_[i]));
      PostRecv(i, tag_ + 2, in_stage_[i].data(), in_stage_[i].size(), &in_got_[i]);
    }
  }
  if (dir_ == Dir::kWrite) {
    for (int k = 0; k < count; ++k) {
      const std::vector<Sub>& subs = round_out_[k];
      if (subs.empty()) continue;
      if (subs.size() == 1) {
        PostSend(aggs_[k], tag_ + 2, subs[0].mem, static_cast<size_t>(subs[0].len));
        continue;
      }
      std::vector<char>& stage = out_stage_[k];
      stage.resize(Total(subs));
      size_t at = 0;
      for (const Sub& s : subs) {
        memcpy(stage.data() + at, s.mem, static_cast<size_t>(s.len));
        at += static_cast<size_t>(s.len);
      }
      PostSend(aggs_[k], tag_ + 2, stage.data(), stage.size());
    }
  } else if (my_agg_ >= 0) {
    Extent w = domains_.Window(my_agg_, round_);
    if (!w.empty()) ReadWindow(w);
  }
}

void TwoPhase::FinishRound() {
  if (dir_ == Dir::kWrite) {
    if (my_agg_ >= 0) {
      Extent w = domains_.Window(my_agg_, round_);
      if (!w.empty()) WriteWindow(w);
    }
  } else {
    for (size_t k = 0; k < round_out_.size(); ++k) {
      size_t left = out_got_[k];
      const char* from = out_stage_[k].data();
      bytes_ += static_cast<int64_t>(left);
      for (const Sub& s : round_out_[k]) {
        size_t n = std::min(left, static_cast<size_t>(s.len));
        if (n == 0) break;
        memcpy(s.mem, from, n);
        from += n;
        left -= n;
      }
    }
  }
  ++round_;
  StartRound();
}

void TwoPhase::WriteWindow(Extent window) {
  (void)window;
  std::vector<Extent> extents;
  for (int i = 0; i < n_; ++i) {
    if (!round_in_[i].empty() && in_got_[i] != Total(round_in_[i])) {
      Fail(Error(Code::kIntern, "two-phase: rank %d sent %zu bytes, %zu expected", i, in_got_[i],
                 Total(round_in_[i])));
      return;
    }
    for (const Sub& s : round_in_[i]) extents.push_back(Extent{s.offset, s.offset + s.len});
  }
  std::vector<Extent> runs = Runs(extents);
  if (runs.empty() || !error_.ok()) return;  // after an I/O error: keep in step, write nothing
  const int64_t lo = runs.front().lo, span = runs.back().hi - lo;
  window_.resize(static_cast<size_t>(span));
  Counters& c = counters_;
  bool sieve = ReadModifyWrite(hints_.ds_write, runs);
  bool locked = false;
  if (sieve || atomic_) {
    // Holes keep what the file has: read them under the lock that keeps other writers out.
    Status s = store_->Lock(lo, span);
    if (!s.ok()) {
      Fail(std::move(s));
      return;
    }
    locked = true;
  }
  if (sieve) {
    ++c.read_ats;
    StatusOr<size_t> n = store_->ReadAt(lo, window_.data(), static_cast<size_t>(span));
    if (n.ok()) {
      memset(window_.data() + *n, 0, static_cast<size_t>(span) - *n);
    } else {
      sieve = false;  // e.g. a write-only file: write the runs one by one
      if (!atomic_) {
        store_->Unlock(lo, span).IgnoreError();
        locked = false;
      }
    }
  }
  for (int i = 0; i < n_; ++i) {
    const char* from = in_stage_[i].data();
    for (const Sub& s : round_in_[i]) {
      memcpy(window_.data() + (s.offset - lo), from, static_cast<size_t>(s.len));
      from += s.len;
    }
  }
  Status s;
  if (runs.size() == 1 || sieve) {
    ++c.write_ats;
    if (sieve) ++c.sieved;
    s = store_->WriteAt(lo, window_.data(), static_cast<size_t>(span));
  } else {
    for (const Extent& r : runs) {
      ++c.write_ats;
      s = store_->WriteAt(r.lo, window_.data() + (r.lo - lo), static_cast<size_t>(r.len()));
      if (!s.ok()) break;
    }
  }
  if (locked) {
    Status u = store_->Unlock(lo, span);
    if (s.ok()) s = std::move(u);
  }
  Fail(std::move(s));
}

void TwoPhase::ReadWindow(Extent window) {
  (void)window;
  std::vector<Extent> extents;
  for (int i = 0; i < n_; ++i) {
    for (const Sub& s : round_in_[i]) extents.push_back(Extent{s.offset, s.offset + s.len});
  }
  std::vector<Extent> runs = Runs(extents);
  if (runs.empty()) return;
  const int64_t lo = runs.front().lo, span = runs.back().hi - lo;
  window_.resize(static_cast<size_t>(span));
  Counters& c = counters_;
  int64_t valid_end = lo;  // bytes [lo, valid_end) were read (end of file cuts it short)
  if (error_.ok()) {
    int64_t data = 0;
    for (const Extent& r : runs) data += r.len();
    // Data sieving: one read of the extent when the runs are many and the holes small.
    std::vector<Extent> reads = runs;
    if (runs.size() > 4 && span - data <= data) reads.assign(1, Extent{lo, lo + span});
    Status lock = atomic_ ? store_->Lock(lo, span) : OkStatus();
    const bool locked = atomic_ && lock.ok();
    if (!lock.ok()) {
      Fail(std::move(lock));
      reads.clear();
    }
    for (const Extent& r : reads) {
      ++c.read_ats;
      StatusOr<size_t> n =
          store_->ReadAt(r.lo, window_.data() + (r.lo - lo), static_cast<size_t>(r.len()));
      if (!n.ok()) {
        Fail(n.status());
        break;
      }
      valid_end = r.lo + static_cast<int64_t>(*n);
      if (static_cast<int64_t>(*n) < r.len()) break;
    }
    if (locked) store_->Unlock(lo, span).IgnoreError();
  }
  for (int i = 0; i < n_; ++i) {
    if (round_in_[i].empty()) continue;
    std::vector<char>& stage = in_stage_[i];
    stage.resize(Total(round_in_[i]));
    size_t packed = 0;
    for (const Sub& s : round_in_[i]) {
      int64_t avail = std::clamp<int64_t>(valid_end - s.offset, 0, s.len);
      memcpy(stage.data() + packed, window_.data() + (s.offset - lo), static_cast<size_t>(avail));
      packed += static_cast<size_t>(avail);
      if (avail < s.len) break;
    }
    PostSend(i, tag_ + 2, stage.data(), packed);
  }
}

void TwoPhase::StartStatus() {
  phase_ = Phase::kStatus;
  const int count = static_cast<int>(aggs_.size());
  outcomes_.assign(count, Outcome{});
  for (int k = 0; k < count; ++k) {
    PostRecv(aggs_[k], tag_ + 3, &outcomes_[k], sizeof(Outcome), nullptr);
  }
  if (my_agg_ >= 0) {
    my_outcome_ = Outcome{};
    my_outcome_.code = static_cast<int32_t>(error_.code());
    snprintf(my_outcome_.text, sizeof(my_outcome_.text), "%s", error_.message().c_str());
    for (int i = 0; i < n_; ++i) PostSend(i, tag_ + 3, &my_outcome_, sizeof(Outcome));
  }
}

void TwoPhase::AfterStatus() {
  for (const Outcome& o : outcomes_) {
    if (o.code != 0) {
      Outcome copy = o;
      copy.text[sizeof(copy.text) - 1] = '\0';
      Fail(Status(static_cast<Code>(copy.code), copy.text));
    }
  }
  if (dir_ == Dir::kWrite && error_.ok()) {
    for (const Piece& p : pieces_) bytes_ += p.len;
  }
  phase_ = Phase::kDone;
}

}  // namespace zmpi::io::agg
