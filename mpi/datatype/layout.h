// The committed flat form of a datatype: where the bytes of one element lie, as a short list
// of runs in type-map order. A run is `len` contiguous bytes repeated over up to two loops
// (count0 copies `stride0` apart, the whole repeated count1 times `stride1` apart), so a vector
// of doubles is one run and a 3-d subarray a run per plane at worst. Adjacent runs merge as they
// are appended (touching runs join, equal runs at equal distances become a loop).
//
// Positions are offsets into the packed stream (0 .. count * size): a walk can stop after any
// byte and resume from the same position later without state or allocation, which is what
// pipelined protocols need (pack/unpack piecewise, iovec lists per chunk).
#ifndef ZMPI_MPI_DATATYPE_LAYOUT_H_
#define ZMPI_MPI_DATATYPE_LAYOUT_H_

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace zmpi::datatype {

struct Run {
  int64_t offset = 0;  // from the element's origin (buf + i * extent)
  int64_t len = 0;     // contiguous bytes
  int64_t count0 = 1;
  int64_t stride0 = 0;
  int64_t count1 = 1;
  int64_t stride1 = 0;

  int64_t bytes() const { return len * count0 * count1; }
  bool single() const { return count0 == 1 && count1 == 1; }
  bool operator==(const Run& o) const {
    return offset == o.offset && len == o.len && count0 == o.count0 && stride0 == o.stride0 &&
           count1 == o.count1 && stride1 == o.stride1;
  }
};

class Layout {
 public:
  // Appends one run after the others (in type-map order), merging it into the last run when
  // the pair is one run or one loop.
  void Append(Run run);
  // Appends `n` copies of `child`'s runs, copy i shifted by shift + i * stride; a single-run
  // child becomes one loop rather than n runs whenever the strides allow.
  void AppendRepeated(const Layout& child, int64_t n, int64_t stride, int64_t shift);
  // Computes the per-run packed offsets; call once after the last Append.
  void Finish();
  // A finished layout from runs already in canonical form (another rank's, off the wire).
  static Layout FromRuns(std::vector<Run> runs, int64_t reps, int64_t rep_stride);

  const std::vector<Run>& runs() const { return runs_; }
  // The runs are repeated reps() times, rep_stride() bytes apart, within one element.
  int64_t reps() const { return reps_; }
  int64_t rep_stride() const { return rep_stride_; }
  int64_t size() const { return size_; }  // packed bytes of one element
  // Contiguous pieces in one element (after Finish): size() / pieces() is the mean piece.
  int64_t pieces() const { return pieces_; }
  // One run of `size` bytes with no loop: an element is contiguous (at runs()[0].offset).
  bool contiguous() const { return runs_.size() == 1 && runs_[0].single() && reps_ == 1; }

  // Calls fn(offset, len) for each contiguous piece of the packed range [pos, pos + max) of a
  // message of `count` elements `extent` apart; offsets are from the message's buffer. When fn
  // returns false it refuses that piece and the walk stops before it. Returns the bytes taken.
  template <typename Fn>
  int64_t Walk(int64_t extent, int64_t count, int64_t pos, int64_t max, Fn&& fn) const;

 private:
  // Copies the repeated group out into plain runs (before anything is appended after it).
  void Flatten();

  std::vector<Run> runs_;
  std::vector<int64_t> starts_;  // packed offset of each run within one repetition
  int64_t reps_ = 1;
  int64_t rep_stride_ = 0;
  int64_t size_ = 0;
  int64_t pieces_ = 0;
};

// Copies the packed range [pos, pos + n) of (buf, count, layout) to/from `packed`. The
// caller keeps pos + n <= count * size.
void Pack(const Layout& layout, int64_t extent, const void* buf, int64_t count, int64_t pos,
          int64_t n, void* packed);
void Unpack(const Layout& layout, int64_t extent, void* buf, int64_t count, int64_t pos, int64_t n,
            const void* packed);
// Fills up to max_iov segments of the packed range from *pos (at most max_bytes), advances
// *pos past them and returns how many were filled. Resumable: call again from *pos.
size_t Segments(const Layout& layout, int64_t extent, const void* buf, int64_t count, int64_t* pos,
                int64_t max_bytes, iovec* iov, size_t max_iov);

template <typename Fn>
int64_t Layout::Walk(int64_t extent, int64_t count, int64_t pos, int64_t max, Fn&& fn) const {
  if (size_ == 0 || max <= 0) return 0;
  int64_t end = pos + max;
  if (end > count * size_) end = count * size_;
  if (pos >= end) return 0;
  const int64_t unit = size_ / reps_;  // one repetition of the runs
  int64_t elem = pos / unit;           // counts repetitions: element elem / reps_
  int64_t rem = pos % unit;
  size_t run = 0;
  {
    size_t lo = 0, hi = runs_.size();  // the last run whose start <= rem
    while (hi - lo > 1) {
      size_t mid = (lo + hi) / 2;
      if (starts_[mid] <= rem)
        lo = mid;
      else
        hi = mid;
    }
    run = lo;
  }
  int64_t q = rem - starts_[run];
  const Run* r0 = &runs_[run];
  int64_t k = q / r0->len;
  int64_t within = q % r0->len;
  int64_t i0 = k % r0->count0;
  int64_t i1 = k / r0->count0;
  int64_t done = pos;
  for (; elem < count * reps_; ++elem) {
    int64_t base = (elem / reps_) * extent + (elem % reps_) * rep_stride_;
    for (; run < runs_.size(); ++run) {
      const Run& r = runs_[run];
      for (; i1 < r.count1; ++i1) {
        for (; i0 < r.count0; ++i0) {
          int64_t take = r.len - within;
          if (take > end - done) take = end - done;
          if (!fn(base + r.offset + i1 * r.stride1 + i0 * r.stride0 + within, take)) {
            return done - pos;
          }
          done += take;
          within = 0;
          if (done >= end) return done - pos;
        }
        i0 = 0;
      }
      i1 = 0;
    }
    run = 0;
  }
  return done - pos;
}

}  // namespace zmpi::datatype

#endif  // ZMPI_MPI_DATATYPE_LAYOUT_H_
