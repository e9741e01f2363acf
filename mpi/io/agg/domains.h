// mpi/io/agg: two-phase collective access. This header is its pure geometry: how the file
// range of one collective call is split into file domains (one per aggregator), how a domain
// is walked in windows of cb_buffer_size bytes (one window per round), which aggregators are
// chosen, and what the hints say. Nothing here communicates or touches a file, so unit tests
// check it exactly (tests/mpi/io/domains_test.cc).
#ifndef ZMPI_MPI_IO_AGG_DOMAINS_H_
#define ZMPI_MPI_IO_AGG_DOMAINS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace zmpi::io::agg {

// A half-open byte range [lo, hi) of the file; empty when lo >= hi.
struct Extent {
  int64_t lo = 0;
  int64_t hi = 0;
  bool empty() const { return lo >= hi; }
  int64_t len() const { return empty() ? 0 : hi - lo; }
};

// The file domains of one collective call: [lo, hi) cut into `count` consecutive domains,
// boundaries rounded up to multiples of `align` (file offsets; 0 or 1 = no alignment), each
// domain walked in windows of at most `window` bytes. Some domains may be empty.
class Domains {
 public:
  Domains() = default;
  Domains(int64_t lo, int64_t hi, int count, int64_t window, int64_t align);

  int count() const { return static_cast<int>(bounds_.size()) - 1; }
  Extent Domain(int k) const { return Extent{bounds_[k], bounds_[k + 1]}; }
  // The domain that holds byte `offset` (lo <= offset < hi), or -1.
  int DomainOf(int64_t offset) const;
  // Rounds every aggregator goes through: the largest domain's number of windows.
  int rounds() const { return rounds_; }
  // Window r of domain k (empty once the domain is exhausted).
  Extent Window(int k, int r) const;
  // The round of an offset inside domain k.
  int RoundOf(int k, int64_t offset) const {
    return static_cast<int>((offset - bounds_[k]) / window_);
  }
  int64_t window() const { return window_; }

 private:
  std::vector<int64_t> bounds_{0, 0};  // count + 1 boundaries
  int64_t window_ = 1;
  int rounds_ = 0;
};

// The intersection of two extents (empty if they do not meet).
inline Extent Intersect(Extent a, Extent b) {
  Extent r{a.lo > b.lo ? a.lo : b.lo, a.hi < b.hi ? a.hi : b.hi};
  return r.empty() ? Extent{r.lo, r.lo} : r;
}

// The union of `extents` as sorted, disjoint, non-adjacent runs (empty extents dropped).
std::vector<Extent> Runs(std::vector<Extent> extents);

// The aggregators of a file: ranks whose store is local (`local[i]`), `cb_nodes` of them
// (<= 0: one per host), taken round-robin across hosts (`host[i]`: any id equal for ranks of
// one host) in rank order, so the first aggregators sit on different hosts. Sorted by rank.
std::vector<int> ChooseAggregators(const std::vector<int>& host, const std::vector<bool>& local,
                                   int cb_nodes);

enum class CbMode { kEnable, kDisable, kAutomatic };

// The hints this layer reads (MPI-4.1 §14.2.8 reserved keys and ROMIO's names, which
// applications use). Unknown or malformed values keep the default.
struct Hints {
  int cb_nodes = 0;                      // 0: one aggregator per host
  int64_t cb_buffer_size = 16 << 20;     // bytes an aggregator moves per round
  CbMode cb_write = CbMode::kAutomatic;  // romio_cb_write
  CbMode cb_read = CbMode::kAutomatic;   // romio_cb_read
  CbMode ds_write = CbMode::kAutomatic;  // romio_ds_write: read-modify-write of holes
  int64_t striping_unit = 0;             // domain boundaries align to it when > 0
};

// Applies one (key, value) pair to `hints`; false if this layer does not use the key.
bool ApplyHint(const std::string& key, const std::string& value, Hints* hints);

// What each rank announces to all others at the start of a collective call.
struct Announce {
  int64_t lo = 0;  // extent of its pieces (lo >= hi: none)
  int64_t hi = 0;
  int64_t pieces = 0;  // number of pieces
  int64_t runs = 0;    // number of disjoint runs the pieces form
};
static_assert(sizeof(Announce) == 32, "Announce travels as raw bytes");

// Whether a call with these announcements aggregates (`mode` automatic: when some rank's
// access has holes, or two ranks' extents overlap, i.e. the accesses interleave).
bool ShouldAggregate(CbMode mode, const std::vector<Announce>& all);

// Whether a window whose data form `runs` (sorted, disjoint) is written by reading, merging
// and writing back its whole extent (one write) instead of one write per run.
bool ReadModifyWrite(CbMode ds_write, const std::vector<Extent>& runs);

}  // namespace zmpi::io::agg

#endif  // ZMPI_MPI_IO_AGG_DOMAINS_H_
