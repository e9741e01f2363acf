#include "mpi/datatype/layout.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "common/copy.h"
#include "mpi/datatype/copy_kernels.h"

namespace zmpi::datatype {
namespace {

// Puts a run in canonical form: unused loops are count 1 / stride 0, a loop whose stride
// equals its length is one longer run, and a loop nest that is one regular loop is one level.
void Normalize(Run& r) {
  for (;;) {
    if (r.count0 == 1 && r.count1 > 1) {
      r.count0 = r.count1;
      r.stride0 = r.stride1;
      r.count1 = 1;
    }
    if (r.count1 == 1) r.stride1 = 0;
    if (r.count0 == 1) r.stride0 = 0;
    if (r.count0 > 1 && r.stride0 == r.len) {
      r.len *= r.count0;
      r.count0 = r.count1;
      r.stride0 = r.stride1;
      r.count1 = 1;
      r.stride1 = 0;
      continue;
    }
    if (r.count0 > 1 && r.count1 > 1 && r.stride1 == r.count0 * r.stride0) {
      r.count0 *= r.count1;
      r.count1 = 1;
      r.stride1 = 0;
      continue;
    }
    return;
  }
}

// Merges `r` into `last` when the two are one run or one loop; false if they are not.
bool Merge(Run& last, const Run& r) {
  if (last.single() && r.single()) {
    if (last.offset + last.len == r.offset) {
      last.len += r.len;
      return true;
    }
    if (last.len == r.len) {
      last.count0 = 2;
      last.stride0 = r.offset - last.offset;
      return true;
    }
    return false;
  }
  if (last.count1 == 1 && last.count0 > 1 && r.single() && r.len == last.len &&
      r.offset == last.offset + last.count0 * last.stride0) {
    ++last.count0;
    return true;
  }
  if (r.count1 != 1 || r.len != last.len || r.count0 != last.count0 || r.stride0 != last.stride0 ||
      r.count0 == 1) {
    return false;
  }
  if (last.count1 == 1) {
    last.count1 = 2;
    last.stride1 = r.offset - last.offset;
    return true;
  }
  if (r.offset == last.offset + last.count1 * last.stride1) {
    ++last.count1;
    return true;
  }
  return false;
}

}  // namespace

void Layout::Flatten() {
  if (reps_ == 1) return;
  std::vector<Run> group = std::move(runs_);
  const int64_t reps = reps_, stride = rep_stride_;
  runs_.clear();
  reps_ = 1;
  rep_stride_ = 0;
  size_ = 0;
  for (int64_t i = 0; i < reps; ++i) {
    for (Run r : group) {
      r.offset += i * stride;
      Append(r);
    }
  }
}

void Layout::Append(Run run) {
  if (run.bytes() == 0) return;
  Flatten();
  Normalize(run);
  size_ += run.bytes();
  if (!runs_.empty() && Merge(runs_.back(), run)) {
    Normalize(runs_.back());
    return;
  }
  runs_.push_back(run);
}

void Layout::AppendRepeated(const Layout& child, int64_t n, int64_t stride, int64_t shift) {
  if (n <= 0) return;
  if (child.runs_.size() == 1) {
    Run r = child.runs_[0];
    r.offset += shift;
    if (n == 1) {
      Append(r);
      return;
    }
    if (r.single()) {
      r.count0 = n;
      r.stride0 = stride;
      Append(r);
      return;
    }
    if (r.count1 == 1) {
      if (r.count0 * r.stride0 == stride) {
        r.count0 *= n;
      } else {
        r.count1 = n;
        r.stride1 = stride;
      }
      Append(r);
      return;
    }
    if (r.count1 * r.stride1 == stride) {
      r.count1 *= n;
      Append(r);
      return;
    }
  }
  // A group of runs repeated into an empty layout: keep the group once.
  if (runs_.empty() && child.runs_.size() > 1 &&
      (child.reps_ == 1 || child.reps_ * child.rep_stride_ == stride)) {
    runs_ = child.runs_;
    for (Run& r : runs_) r.offset += shift;
    rep_stride_ = child.reps_ == 1 ? stride : child.rep_stride_;
    reps_ = child.reps_ * n;
    size_ = child.size_ * n;
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = 0; k < child.reps_; ++k) {
      for (Run r : child.runs_) {
        r.offset += shift + i * stride + k * child.rep_stride_;
        Append(r);
      }
    }
  }
}

Layout Layout::FromRuns(std::vector<Run> runs, int64_t reps, int64_t rep_stride) {
  Layout l;
  l.runs_ = std::move(runs);
  l.reps_ = reps > 0 ? reps : 1;
  l.rep_stride_ = rep_stride;
  l.Finish();
  return l;
}

void Layout::Finish() {
  starts_.resize(runs_.size());
  int64_t at = 0, pieces = 0;
  for (size_t i = 0; i < runs_.size(); ++i) {
    starts_[i] = at;
    at += runs_[i].bytes();
    pieces += runs_[i].count0 * runs_[i].count1;
  }
  size_ = at * reps_;
  pieces_ = pieces * reps_;
}

namespace {

using kernels::Kernel;
using kernels::MoveAny;
using kernels::PickKernel;

// One loop of a nest: `count` copies `stride` bytes apart.
struct Level {
  int64_t count;
  int64_t stride;
};

// The loops of a one-run layout over a whole message, innermost first: the run's own two, the
// repetitions, the elements. Loops of one copy drop out; a loop that continues the one inside
// it (stride = inner count * inner stride) merges into it, and an innermost loop of touching
// pieces into the piece. So a vector is one loop, a subarray face of single doubles two, and
// `count` single doubles resized to 64 bytes one loop, not `count` runs of one piece.
int Nest(const Layout& l, int64_t extent, int64_t count, int64_t* len, Level* out) {
  const Run& r = l.runs()[0];
  const Level all[4] = {
      {r.count0, r.stride0}, {r.count1, r.stride1}, {l.reps(), l.rep_stride()}, {count, extent}};
  int n = 0;
  *len = r.len;
  for (const Level& v : all) {
    if (v.count == 1) continue;
    if (n > 0 && v.stride == out[n - 1].count * out[n - 1].stride) {
      out[n - 1].count *= v.count;
      continue;
    }
    if (n == 0 && v.stride == *len) {
      *len *= v.count;
      continue;
    }
    out[n++] = v;
  }
  if (n == 0) out[n++] = {1, 0};
  return n;
}

// Copies the packed range [pos, end) of a one-run layout: at most two partial pieces (where
// the range cuts one) one by one, the whole pieces in between by the kernel for the piece
// size, whole rows of the two innermost loops in one call.
template <bool kPack>
void CopyNest(const Layout& l, int64_t extent, char* mem, int64_t count, int64_t pos, int64_t end,
              char* packed) {
  Level lv[4];
  int64_t len = 0;
  const int n = Nest(l, extent, count, &len, lv);
  int64_t idx[4] = {0, 0, 0, 0};
  char* p = mem + l.runs()[0].offset;
  int64_t k = pos / len;
  const int64_t within = pos % len;
  for (int j = 0; j < n; ++j) {
    idx[j] = j + 1 < n ? k % lv[j].count : k;
    k /= lv[j].count;
    p += idx[j] * lv[j].stride;
  }
  // Moves the position m pieces on at level j (m <= count - idx), carrying outwards; past the
  // last piece p points nowhere, but nothing is copied from there.
  auto step = [&](int j, int64_t m) {
    idx[j] += m;
    p += m * lv[j].stride;
    while (idx[j] == lv[j].count && j + 1 < n) {
      p -= lv[j].count * lv[j].stride;
      idx[j] = 0;
      ++j;
      ++idx[j];
      p += lv[j].stride;
    }
  };
  int64_t left = end - pos;
  if (within > 0) {  // the rest of a piece cut at the start
    const int64_t take = std::min(len - within, left);
    MoveAny<kPack>(p + within, packed, static_cast<size_t>(take));
    packed += take;
    left -= take;
    if (left == 0) return;
    step(0, 1);
  }
  const Kernel kernel = PickKernel<kPack>(len);
  int64_t whole = left / len;
  while (whole > 0) {
    if (idx[0] == 0 && n > 1 && whole >= lv[0].count) {
      const int64_t rows = std::min(lv[1].count - idx[1], whole / lv[0].count);
      packed = kernel(p, len, lv[0].count, lv[0].stride, rows, lv[1].stride, packed);
      whole -= rows * lv[0].count;
      step(1, rows);
    } else {
      const int64_t m = std::min(lv[0].count - idx[0], whole);
      packed = kernel(p, len, m, lv[0].stride, 1, 0, packed);
      whole -= m;
      step(0, m);
    }
  }
  const int64_t tail = left % len;  // a piece cut at the end
  if (tail > 0) MoveAny<kPack>(p, packed, static_cast<size_t>(tail));
}

// One run's pieces between memory (`base`: the origin of one repetition) and the packed
// stream; a single piece inline, loops through the kernel for the piece size.
template <bool kPack>
inline void CopyRun(const Run& r, char* base, char*& packed) {
  if (r.single()) {
    kernels::MovePiece<kPack>(base + r.offset, packed, r.len);
    packed += r.len;
    return;
  }
  packed = PickKernel<kPack>(r.len)(base + r.offset, r.len, r.count0, r.stride0, r.count1,
                                    r.stride1, packed);
}

// Copies the packed range [pos, end) of a layout of several runs, which may start and end
// anywhere within one repetition (a chunk of a pipelined transfer): Walk's positioning, then
// whole pieces of a run's inner loop through the kernels and only the pieces cut at either
// end one by one.
template <bool kPack>
void CopyRange(const Layout& l, int64_t extent, char* mem, int64_t count, int64_t pos, int64_t end,
               char*& packed) {
  const std::vector<Run>& runs = l.runs();
  const int64_t unit = l.size() / l.reps();
  int64_t elem = pos / unit;  // counts repetitions
  const int64_t rem = pos % unit;
  size_t run = 0;
  int64_t start = 0;  // packed offset of runs[run] in its repetition (a scan: layouts are short)
  while (run + 1 < runs.size() && start + runs[run].bytes() <= rem) start += runs[run++].bytes();
  const int64_t q = rem - start;
  const int64_t k = q / runs[run].len;
  int64_t within = q % runs[run].len;
  int64_t i0 = k % runs[run].count0;
  int64_t i1 = k / runs[run].count0;
  int64_t done = pos;
  auto piece = [&](char* at, int64_t len) {
    MoveAny<kPack>(at, packed, static_cast<size_t>(len));
    packed += len;
    done += len;
  };
  for (; elem < count * l.reps(); ++elem) {
    char* base = mem + (elem / l.reps()) * extent + (elem % l.reps()) * l.rep_stride();
    for (; run < runs.size(); ++run) {
      const Run& r = runs[run];
      for (; i1 < r.count1; ++i1) {
        char* p = base + r.offset + i1 * r.stride1 + i0 * r.stride0;
        if (within > 0) {  // the rest of a piece cut at the start
          piece(p + within, std::min(r.len - within, end - done));
          within = 0;
          if (done >= end) return;
          p += r.stride0;
          ++i0;
        }
        const int64_t whole = std::min(r.count0 - i0, (end - done) / r.len);
        if (whole > 0) {
          packed = PickKernel<kPack>(r.len)(p, r.len, whole, r.stride0, 1, 0, packed);
          done += whole * r.len;
        }
        if (done >= end) return;
        i0 += whole;
        if (i0 < r.count0) {  // a piece cut at the end
          piece(p + whole * r.stride0, end - done);
          return;
        }
        i0 = 0;
      }
      i1 = 0;
    }
    run = 0;
  }
}

// Copies whole repetitions [first, last) of a layout of several runs, run by run. Locals
// only: the stores through `to` may alias anything a member or reference holds.
template <bool kPack, bool kSingles>
char* CopyReps(const Layout& l, int64_t extent, char* mem, int64_t first, int64_t last, char* to) {
  const int64_t reps = l.reps(), rep_stride = l.rep_stride();
  const Run* const rb = l.runs().data();
  const Run* const re = rb + l.runs().size();
  int64_t e = first / reps, k = first % reps;
  for (int64_t u = first; u < last; ++u) {
    char* base = mem + e * extent + k * rep_stride;
    for (const Run* r = rb; r != re; ++r) {
      if (kSingles) {
        kernels::MovePiece<kPack>(base + r->offset, to, r->len);
        to += r->len;
      } else {
        CopyRun<kPack>(*r, base, to);
      }
    }
    if (++k == reps) {
      k = 0;
      ++e;
    }
  }
  return to;
}

// Copies the packed range [pos, pos + n). One run: one loop nest (CopyNest). Several: partial
// repetitions at either end through CopyRange, whole repetitions in between run by run.
template <bool kPack>
void Copy(const Layout& l, int64_t extent, char* mem, int64_t count, int64_t pos, int64_t n,
          char* packed) {
  if (l.size() == 0 || n <= 0 || pos < 0) return;
  if (pos + n > count * l.size()) n = count * l.size() - pos;
  if (n <= 0) return;
  const int64_t end = pos + n;
  if (l.runs().size() == 1) {
    CopyNest<kPack>(l, extent, mem, count, pos, end, packed);
    return;
  }
  const int64_t unit = l.size() / l.reps();
  auto walk = [&](int64_t from, int64_t len) {
    CopyRange<kPack>(l, extent, mem, count, from, from + len, packed);
  };
  const int64_t first = (pos + unit - 1) / unit;  // first whole repetition
  const int64_t last = end / unit;                // one past the last whole repetition
  if (first >= last) {
    walk(pos, n);
    return;
  }
  if (pos < first * unit) walk(pos, first * unit - pos);
  // Every run one piece (structs of basic types): a loop that calls no kernel, so it keeps
  // its pointers in registers.
  if (l.pieces() == l.reps() * static_cast<int64_t>(l.runs().size())) {
    packed = CopyReps<kPack, true>(l, extent, mem, first, last, packed);
  } else {
    packed = CopyReps<kPack, false>(l, extent, mem, first, last, packed);
  }
  if (end > last * unit) walk(last * unit, end - last * unit);
}

}  // namespace

void Pack(const Layout& layout, int64_t extent, const void* buf, int64_t count, int64_t pos,
          int64_t n, void* packed) {
  Copy<true>(layout, extent, const_cast<char*>(static_cast<const char*>(buf)), count, pos, n,
             static_cast<char*>(packed));
}

void Unpack(const Layout& layout, int64_t extent, void* buf, int64_t count, int64_t pos, int64_t n,
            const void* packed) {
  Copy<false>(layout, extent, static_cast<char*>(buf), count, pos, n,
              const_cast<char*>(static_cast<const char*>(packed)));
}

size_t Segments(const Layout& layout, int64_t extent, const void* buf, int64_t count, int64_t* pos,
                int64_t max_bytes, iovec* iov, size_t max_iov) {
  size_t filled = 0;
  const char* base = static_cast<const char*>(buf);
  int64_t taken = layout.Walk(extent, count, *pos, max_bytes, [&](int64_t off, int64_t len) {
    char* at = const_cast<char*>(base + off);
    if (filled > 0 &&
        static_cast<char*>(iov[filled - 1].iov_base) + iov[filled - 1].iov_len == at) {
      iov[filled - 1].iov_len += static_cast<size_t>(len);
      return true;
    }
    if (filled == max_iov) return false;
    iov[filled].iov_base = at;
    iov[filled].iov_len = static_cast<size_t>(len);
    ++filled;
    return true;
  });
  *pos += taken;
  return filled;
}

}  // namespace zmpi::datatype
