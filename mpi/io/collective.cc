#include "mpi/io/collective.h"

#include <utility>

#include "mpi/core/p2p.h"
#include "mpi/core/runtime.h"
#include "mpi/io/file.h"

namespace zmpi::io {
namespace {

// The range [first byte, last byte) the pieces cover: what atomic mode locks.
std::pair<int64_t, int64_t> Span(const std::vector<Piece>& pieces) {
  if (pieces.empty()) return {0, 0};
  return {pieces.front().offset, pieces.back().offset + pieces.back().len - pieces.front().offset};
}

// The simple body: the access happens at start through this rank's own store.
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
  return std::make_unique<LocalAccess>(file, std::move(pieces), false);
}

std::unique_ptr<CollectiveAccess> StartReadAll(File& file, std::vector<Piece> pieces) {
  return std::make_unique<LocalAccess>(file, std::move(pieces), true);
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
