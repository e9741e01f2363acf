#include "mpi/io/collective.h"

#include <cstdlib>
#include <string>
#include <utility>

#include "mpi/core/p2p.h"
#include "mpi/core/runtime.h"
#include "mpi/io/agg/core_link.h"
#include "mpi/io/agg/two_phase.h"
#include "mpi/io/file.h"
#include "mpi/io/remote/placed_store.h"

namespace zmpi::io {
namespace {

// The range [first byte, last byte) the pieces cover: what atomic mode locks.
std::pair<int64_t, int64_t> Span(const std::vector<Piece>& pieces) {
  if (pieces.empty()) return {0, 0};
  return {pieces.front().offset, pieces.back().offset + pieces.back().len - pieces.front().offset};
}

// A file whose store placement.cc did not make (none today): each rank accesses its own
// pieces through its own store at start.
class LocalAccess final : public CollectiveAccess {
 public:
  LocalAccess(File& file, std::vector<Piece> pieces, bool read) {
    if (read) {
      StatusOr<int64_t> n = ReadPieces(file, pieces);
      if (n.ok()) bytes_ = *n;
      error_ = n.status();
    } else {
      error_ = WritePieces(file, pieces);
      if (error_.ok()) {
        for (const Piece& p : pieces) bytes_ += p.len;
      }
    }
  }
  bool Advance(Status* error) override {
    *error = std::move(error_);
    return true;
  }
  int64_t bytes() const override { return bytes_; }

 private:
  Status error_;
  int64_t bytes_ = 0;
};

// Two-phase aggregation (mpi/io/agg/two_phase.h) among the file's ranks, on the file's
// private communicator; aggregators are ranks that see the file (one per host by default).
class TwoPhaseAccess final : public CollectiveAccess {
 public:
  TwoPhaseAccess(File& file, remote::PlacedStore& store, std::vector<Piece> pieces, bool read)
      : file_(file), link_(store.comm()) {
    const remote::Placement& placement = store.placement();
    agg::TwoPhase::Setup setup;
    setup.link = &link_;
    setup.store = &store.inner();
    setup.dir = read ? agg::TwoPhase::Dir::kRead : agg::TwoPhase::Dir::kWrite;
    for (const auto& [key, value] : file.hints().entries()) {
      agg::ApplyHint(key, value, &setup.hints);
    }
    setup.aggregators =
        agg::ChooseAggregators(placement.host, placement.sees, setup.hints.cb_nodes);
    setup.tag = store.NextCallTag();
    for (bool sees : placement.sees) setup.always_aggregate = setup.always_aggregate || !sees;
    setup.atomic = file.atomic();
    std::vector<agg::Piece> mine;
    mine.reserve(pieces.size());
    for (const Piece& p : pieces) mine.push_back(agg::Piece{p.offset, p.len, p.mem});
    op_ = std::make_unique<agg::TwoPhase>(std::move(setup), std::move(mine));
  }
  bool Advance(Status* error) override {
    if (!op_->Advance(error)) return false;
    const agg::Counters& c = op_->counters();
    core::Info& info = file_.hints();
    Add(info, "zmpi_collective_calls", 1);
    Add(info, "zmpi_aggregated_calls", c.aggregated);
    Add(info, "zmpi_write_at_calls", c.write_ats);
    Add(info, "zmpi_read_at_calls", c.read_ats);
    Add(info, "zmpi_sieved_windows", c.sieved);
    return true;
  }
  int64_t bytes() const override { return op_->bytes(); }
  void FailDeadPeers() override { op_->FailDeadPeers(); }

 private:
  // The statistics this rank's collective calls add to the file's info (docs/io.md).
  static void Add(core::Info& info, const char* key, int64_t n) {
    const std::string* old = info.Get(key);
    int64_t sum = (old != nullptr ? strtoll(old->c_str(), nullptr, 10) : 0) + n;
    info.Set(key, std::to_string(sum));
  }

  File& file_;
  agg::CoreLink link_;
  std::unique_ptr<agg::TwoPhase> op_;
};

std::unique_ptr<CollectiveAccess> Start(File& file, std::vector<Piece> pieces, bool read) {
  if (auto* placed = dynamic_cast<remote::PlacedStore*>(&file.store())) {
    return std::make_unique<TwoPhaseAccess>(file, *placed, std::move(pieces), read);
  }
  return std::make_unique<LocalAccess>(file, std::move(pieces), read);
}

// Progresses until `access` is done (the blocking forms).
Status Drive(CollectiveAccess& access) {
  Status error;
  core::ProgressLoop loop;
  while (!access.Advance(&error)) {
    loop.Turn();
    if (loop.Every(1.0)) access.FailDeadPeers();
  }
  return error;
}

}  // namespace

std::unique_ptr<CollectiveAccess> StartWriteAll(File& file, std::vector<Piece> pieces) {
  return Start(file, std::move(pieces), false);
}

std::unique_ptr<CollectiveAccess> StartReadAll(File& file, std::vector<Piece> pieces) {
  return Start(file, std::move(pieces), true);
}

Status WriteAll(File& file, std::vector<Piece> pieces) {
  std::unique_ptr<CollectiveAccess> access = StartWriteAll(file, std::move(pieces));
  return Drive(*access);
}

StatusOr<int64_t> ReadAll(File& file, std::vector<Piece> pieces) {
  std::unique_ptr<CollectiveAccess> access = StartReadAll(file, std::move(pieces));
  ZMPI_RETURN_IF_ERROR(Drive(*access));
  return access->bytes();
}

Status WritePieces(File& file, const std::vector<Piece>& pieces) {
  if (pieces.empty()) return OkStatus();
  Store& store = file.store();
  auto [start, len] = Span(pieces);
  if (file.atomic()) ZMPI_RETURN_IF_ERROR(store.Lock(start, len));
  Status s;
  for (const Piece& p : pieces) {
    s = store.WriteAt(p.offset, p.mem, static_cast<size_t>(p.len));
    if (!s.ok()) break;
  }
  if (file.atomic()) store.Unlock(start, len).IgnoreError();
  return s;
}

StatusOr<int64_t> ReadPieces(File& file, const std::vector<Piece>& pieces) {
  if (pieces.empty()) return int64_t{0};
  Store& store = file.store();
  auto [start, len] = Span(pieces);
  if (file.atomic()) ZMPI_RETURN_IF_ERROR(store.Lock(start, len));
  int64_t done = 0;
  Status s;
  for (const Piece& p : pieces) {
    StatusOr<size_t> n = store.ReadAt(p.offset, p.mem, static_cast<size_t>(p.len));
    if (!n.ok()) {
      s = n.status();
      break;
    }
    done += static_cast<int64_t>(*n);
    if (static_cast<int64_t>(*n) < p.len) break;  // end of file
  }
  if (file.atomic()) store.Unlock(start, len).IgnoreError();
  if (!s.ok()) return s;
  return done;
}

}  // namespace zmpi::io
