// Collective data access: the one place every collective read and write of a file goes
// through (MPI_File_read_all/write_all, the _at_all forms, the data part of read_ordered/
// write_ordered, every split collective _begin/_end, and the non-blocking iread_all,
// iwrite_all, iread_at_all, iwrite_at_all). The access layer (mpi/io/access.cc) has already
// applied the view and the data representation when it calls here; what is left is moving
// bytes between memory and the file, which is where two-phase aggregation belongs.
//
// Contract:
//  - Every rank of file.comm() calls the same function (WriteAll / ReadAll, or StartWriteAll /
//    StartReadAll) for one collective access, in the same order as its other collective calls
//    on the file; a rank with nothing to access passes an empty list.
//  - `pieces` are this rank's: `offset` a byte offset in the file, `len` > 0 bytes, `mem` the
//    bytes in memory, already in the file's representation (packed and converted; writes read
//    them, reads fill them). Sorted by offset, non-overlapping, in the order of this rank's
//    data stream (so a short read leaves a prefix of the stream).
//  - Pieces of different ranks may overlap only as MPI allows (then the result is whatever
//    the standard leaves undefined, except in atomic mode: file.atomic() asks that each
//    rank's access be atomic against other ranks' accesses, e.g. Store::Lock around it).
//  - ReadAll's result is the number of stream bytes read before the first byte at or past end
//    of file (the sum of `len` when nothing is short); the bytes past it are unspecified.
//  - The memory of `pieces` stays valid and untouched by the caller until the access ends
//    (Wait for blocking, Advance returning true for the started forms).
//  - A started access (Start*) must not block in Start or Advance: a correct program may
//    start iwrite_all and then send to a rank that has not started it yet. Advance is called
//    during progress (outside transport callbacks) until it returns true, so it may post
//    sends and receives on file.comm() (with tags from file.comm().NextCollTag() taken at
//    start, in the same order on every rank).
//  - Hints are in file.hints() (cb_nodes, cb_buffer_size, romio_cb_read/romio_cb_write ...);
//    file.store().local() tells which ranks can be aggregators.
//
// This version is the simple correct one: each rank accesses its own pieces through its own
// Store, at start, with no communication (MPI requires no synchronisation of a collective
// data access beyond its completion). Two-phase aggregation replaces collective.cc and keeps
// this header.
#ifndef ZMPI_MPI_IO_COLLECTIVE_H_
#define ZMPI_MPI_IO_COLLECTIVE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"

namespace zmpi::io {

class File;

struct Piece {
  int64_t offset = 0;  // byte offset in the file
  int64_t len = 0;     // bytes
  std::byte* mem = nullptr;
};

// A collective access in progress (see the contract above).
class CollectiveAccess {
 public:
  virtual ~CollectiveAccess() = default;
  // Runs the access as far as it goes without blocking; true once it is done, with *error
  // its outcome. Not called again after it returned true.
  virtual bool Advance(Status* error) = 0;
  // Once done: for a read, the stream bytes read (ReadAll's result); for a write, the bytes
  // written (the sum of the lengths on success).
  virtual int64_t bytes() const = 0;
  // Fails what waits on a rank that died, so the access ends instead of hanging (waits call
  // it about once a second).
  virtual void FailDeadPeers() {}
};

std::unique_ptr<CollectiveAccess> StartWriteAll(File& file, std::vector<Piece> pieces);
std::unique_ptr<CollectiveAccess> StartReadAll(File& file, std::vector<Piece> pieces);

// The blocking forms: start, then progress until done.
Status WriteAll(File& file, std::vector<Piece> pieces);
StatusOr<int64_t> ReadAll(File& file, std::vector<Piece> pieces);

// Independent access of one rank's pieces through its own store (what the independent
// forms use, and what the simple collective body does). Locks the covered range in atomic
// mode. ReadPieces returns the stream bytes read as ReadAll does.
Status WritePieces(File& file, const std::vector<Piece>& pieces);
StatusOr<int64_t> ReadPieces(File& file, const std::vector<Piece>& pieces);

}  // namespace zmpi::io

#endif  // ZMPI_MPI_IO_COLLECTIVE_H_
