// One collective read or write of a file by all its ranks, with two-phase aggregation.
//
// Every rank brings its pieces (file offset, length, contiguous memory in file representation).
//  1. Announce: each rank tells every other the extent of its pieces, how many there are and
//     how many disjoint runs they form. All ranks then decide the same: aggregate (hint
//     romio_cb_write / romio_cb_read; automatic = when accesses have holes or interleave), or
//     let each rank access its own pieces through its own store (no further messages).
//  2. Lists: the global extent is cut into file domains, one per aggregator (ranks whose
//     store is local(), chosen by the caller); each rank sends each aggregator the (offset,
//     length) list of its pieces clipped to that domain.
//  3. Rounds: domains are walked in windows of cb_buffer_size bytes, all aggregators at the same
//     round. Writes: ranks send the data of their pieces in the window, packed in file order;
//     the aggregator merges them into one buffer and writes it with one WriteAt when the data
//     leave no hole, else either reads, merges and writes back the window's extent under
//     Store::Lock (data sieving; hint romio_ds_write) or writes run by run. Reads: the
//     aggregator reads the window's extent (or its runs) and sends each rank its bytes; at
//     end of file a rank receives only the prefix that exists.
//  4. Status: every aggregator sends every rank its outcome, so an I/O error on an aggregator
//     fails the call on every rank.
// Memory per aggregator: one window plus the data of one round. Messages of one call use the
// tags tag..tag+3 of the link; callers give concurrent calls different tags, and every rank
// must start the calls of one file in the same order (MPI requires it of collectives).
//
// Advance never blocks on other ranks: it posts, tests and moves on, so the same object is the
// blocking form (advance until done) and the non-blocking one (a pending operation advanced by
// every progress pass). Store calls on an aggregator are synchronous local I/O.
#ifndef ZMPI_MPI_IO_AGG_TWO_PHASE_H_
#define ZMPI_MPI_IO_AGG_TWO_PHASE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.h"
#include "mpi/io/agg/domains.h"
#include "mpi/io/agg/link.h"
#include "mpi/io/store.h"

namespace zmpi::io::agg {

// `len` bytes at file `offset`, in memory at `mem` (written from or read into).
struct Piece {
  int64_t offset = 0;
  int64_t len = 0;
  void* mem = nullptr;
};

// What one call did on this rank (MPI_File_get_info shows their sums, docs/io.md, so tests
// can see that aggregation happened).
struct Counters {
  int64_t aggregated = 0;  // 1 if the call aggregated
  int64_t write_ats = 0;   // Store::WriteAt calls this rank issued
  int64_t read_ats = 0;    // Store::ReadAt calls this rank issued
  int64_t sieved = 0;      // windows written by read-modify-write
};

class TwoPhase {
 public:
  enum class Dir { kWrite, kRead };
  struct Setup {
    Link* link = nullptr;
    Store* store = nullptr;  // this rank's store (local on aggregators)
    Dir dir = Dir::kWrite;
    Hints hints;
    std::vector<int> aggregators;  // ranks of the link, sorted; each has a local store
    int tag = 0;                   // tags tag..tag+3
    // Aggregate whatever the hints say: some rank reaches the file only through a delegate
    // (its store must not be called from inside progress), or atomic mode.
    bool always_aggregate = false;
    // Atomic mode: each window's file access holds Store::Lock over its extent. Overlaps of
    // ranks resolve in rank order in every window, so the result is that of the ranks'
    // accesses one after another in rank order.
    bool atomic = false;
  };
  TwoPhase(Setup setup, std::vector<Piece> pieces);
  TwoPhase(const TwoPhase&) = delete;
  TwoPhase& operator=(const TwoPhase&) = delete;

  // Runs as far as it goes without waiting for other ranks; true once done, with *error the
  // outcome (the first error of this rank or of an aggregator it used).
  bool Advance(Status* error);
  // Bytes this rank wrote or read (a read stops at end of file).
  int64_t bytes() const { return bytes_; }
  const Counters& counters() const { return counters_; }
  void FailDeadPeers() { link_.FailDead(handles_.data(), handles_.size()); }

 private:
  enum class Phase { kAnnounce, kLists, kRound, kStatus, kDone };
  // A clipped piece: `len` bytes at `offset`; `mem` is null on the aggregator's side.
  struct Sub {
    int64_t offset;
    int64_t len;
    char* mem;
  };
  struct Cursor {
    size_t next = 0;
  };
  struct Outcome {
    int32_t code;
    char text[252];
  };

  void Start();
  void AfterAnnounce();
  void Independent();
  void AfterLists();
  void StartRound();
  void FinishRound();
  void StartStatus();
  void AfterStatus();
  void WriteWindow(Extent window);
  void ReadWindow(Extent window);
  // The subs of `subs` inside `window`, clipped, in order (cursor: where the scan starts).
  static void Take(const std::vector<Sub>& subs, Cursor* cursor, Extent window,
                   std::vector<Sub>* out);
  void PostSend(int peer, int tag, const void* buf, size_t len);
  void PostRecv(int peer, int tag, void* buf, size_t cap, size_t* got);
  void Fail(Status s);

  Link& link_;
  Store* store_;
  Dir dir_;
  Hints hints_;
  bool always_aggregate_;
  bool atomic_;
  std::vector<int> aggs_;
  int tag_;
  std::vector<Piece> pieces_;  // sorted by offset
  int n_;
  int me_;
  int my_agg_ = -1;  // index in aggs_, or -1
  Phase phase_ = Phase::kAnnounce;
  bool started_ = false;
  bool broken_ = false;  // a message failed: the ranks are out of step
  Status error_;         // this rank's first error
  int64_t bytes_ = 0;
  Counters counters_;

  std::vector<void*> handles_;  // posted, not finished
  std::vector<size_t*> got_;    // receives: where their byte count goes (or nullptr)

  Announce mine_;
  std::vector<Announce> all_;
  Domains domains_;
  // Sender side: my subs per aggregator, their (offset, length) lists, round cursors.
  std::vector<std::vector<Sub>> out_;
  std::vector<std::vector<int64_t>> out_lists_;
  std::vector<Cursor> out_cursor_;
  // Aggregator side: every rank's subs in my domain, their byte counts, round cursors.
  std::vector<std::vector<int64_t>> in_lists_;
  std::vector<size_t> in_list_bytes_;
  std::vector<std::vector<Sub>> in_;
  std::vector<Cursor> in_cursor_;
  // The current round: per aggregator my subs (and staging), per rank theirs (and staging).
  int round_ = 0;
  std::vector<std::vector<Sub>> round_out_;
  std::vector<std::vector<char>> out_stage_;
  std::vector<size_t> out_got_;
  std::vector<std::vector<Sub>> round_in_;
  std::vector<std::vector<char>> in_stage_;
  std::vector<size_t> in_got_;
  std::vector<char> window_;
  // Status phase.
  Outcome my_outcome_{};
  std::vector<Outcome> outcomes_;
};

}  // namespace zmpi::io::agg

#endif  // ZMPI_MPI_IO_AGG_TWO_PHASE_H_
