// The access layer: every MPI_File read/write form reduced to one path. An access is (where
// it starts, memory buffer, count, datatype); Prepare applies the data representation (into a
// staging buffer unless memory already is the file's form) and the view (stream bytes onto
// file runs), giving the pieces collective.h and the independent path move. Positioning
// (explicit offset, individual or shared pointer, ordered) picks the stream position.
#ifndef ZMPI_MPI_IO_ACCESS_H_
#define ZMPI_MPI_IO_ACCESS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"
#include "mpi/core/datatype.h"
#include "mpi/core/request.h"
#include "mpi/datatype/type.h"
#include "mpi/io/collective.h"
#include "mpi/io/file.h"

namespace zmpi::io {

enum class Position { kExplicit, kIndividual, kShared, kOrdered };

struct AccessArgs {
  bool read = false;
  bool collective = false;
  Position position = Position::kExplicit;
  int64_t offset = 0;  // kExplicit: in etypes of the view
  void* buf = nullptr;
  int64_t count = 0;
  const core::Datatype* type = nullptr;
};

// One access after the view and the representation are applied.
class Transfer {
 public:
  // Maps `args` starting at stream byte `pos`; for writes the data are encoded now.
  static StatusOr<std::unique_ptr<Transfer>> Prepare(File& file, const AccessArgs& args,
                                                     int64_t pos);
  std::vector<Piece>& pieces() { return pieces_; }
  int64_t stream_bytes() const { return stream_bytes_; }
  // After the bytes moved (`done` stream bytes of a read; ignored for writes): decodes a read
  // into the user's buffer; returns the memory bytes the status reports.
  StatusOr<int64_t> Finish(int64_t done);

 private:
  Transfer() = default;
  File* file_ = nullptr;
  AccessArgs args_;
  datatype::TypeRef type_;  // keeps the memory type alive until Finish
  int64_t stream_bytes_ = 0;
  std::unique_ptr<std::byte[]> staging_;  // the file form, unless memory is it
  std::vector<Piece> pieces_;
};

// A split collective between _begin and _end.
struct SplitCollective {
  std::unique_ptr<Transfer> transfer;
  std::unique_ptr<CollectiveAccess> access;
  const void* buf = nullptr;  // _end must name the same buffer
  bool read = false;
  Position position = Position::kExplicit;
};

// The blocking forms: returns the memory bytes accessed (the status count).
StatusOr<int64_t> Access(File& file, const AccessArgs& args);
// The non-blocking forms: a request (RequestKind::kCollective on the file's communicator)
// whose completion reports the bytes in its status. Errors found at start are returned.
StatusOr<core::Request*> StartAccess(File& file, const AccessArgs& args);
// Split collectives: _begin starts the collective access, _end finishes it.
Status BeginSplit(File& file, const AccessArgs& args);
StatusOr<int64_t> EndSplit(File& file, const void* buf, bool read, Position position);

// Checks an access against the access mode (kAccess reading a write-only file, kReadOnly
// writing a read-only one, kUnsupportedOperation for pointer-less positioning with
// MPI_MODE_SEQUENTIAL) and that the data are whole etypes (kType).
Status CheckAccess(File& file, const AccessArgs& args);

// Seeks (MPI_SEEK_SET/CUR/END, etype units): the new position, kArg if negative.
StatusOr<int64_t> SeekTarget(File& file, int64_t offset, int whence, int64_t current);
// Collective over the file: the view's data size in etypes (MPI_SEEK_END's base).
StatusOr<int64_t> EndInEtypes(File& file);

}  // namespace zmpi::io

#endif  // ZMPI_MPI_IO_ACCESS_H_
