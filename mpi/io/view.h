// A file view (MPI-4.1 §14.3): the displacement, the etype and the filetype that select which
// bytes of the file a rank's data stream lands on. The stream is the rank's data in the file's
// representation, one byte after another; position p of the stream lies in tile p / size of
// the filetype, the tiles `extent` apart starting at `disp`. Positions and offsets are bytes;
// the access layer converts etype counts. Pure logic over the datatype engine's Layout, so the
// mapping is unit-tested without a runtime.
#ifndef ZMPI_MPI_IO_VIEW_H_
#define ZMPI_MPI_IO_VIEW_H_

#include <cstdint>

#include "mpi/datatype/type.h"

namespace zmpi::io {

class View {
 public:
  View() = default;
  // `etype` and `filetype` committed; filetype's size a positive multiple of etype's (the
  // caller checks, MPI_ERR_TYPE otherwise).
  View(int64_t disp, datatype::TypeRef etype, datatype::TypeRef filetype)
      : disp_(disp), etype_(std::move(etype)), filetype_(std::move(filetype)) {}

  int64_t disp() const { return disp_; }
  const datatype::TypeRef& etype() const { return etype_; }
  const datatype::TypeRef& filetype() const { return filetype_; }
  int64_t etype_size() const { return etype_->size(); }

  // Calls fn(file_offset, len) for the contiguous file runs of stream bytes [pos, pos + n),
  // in stream order; runs that touch are merged.
  template <typename Fn>
  void Map(int64_t pos, int64_t n, Fn&& fn) const;
  // The file offset of stream byte `pos` (MPI_File_get_byte_offset).
  int64_t ByteOffset(int64_t pos) const;
  // Stream bytes that lie before file byte `offset` (where the view's data end when the
  // file is `offset` bytes long: MPI_SEEK_END).
  int64_t StreamBytesBefore(int64_t offset) const;

 private:
  int64_t disp_ = 0;
  datatype::TypeRef etype_;
  datatype::TypeRef filetype_;
};

template <typename Fn>
void View::Map(int64_t pos, int64_t n, Fn&& fn) const {
  const int64_t size = filetype_->size();
  if (n <= 0 || size <= 0) return;
  const int64_t tiles = (pos + n + size - 1) / size;
  int64_t run_off = 0;
  int64_t run_len = 0;
  filetype_->layout().Walk(filetype_->extent(), tiles, pos, n, [&](int64_t off, int64_t len) {
    off += disp_;
    if (run_len > 0 && run_off + run_len == off) {
      run_len += len;
    } else {
      if (run_len > 0) fn(run_off, run_len);
      run_off = off;
      run_len = len;
    }
    return true;
  });
  if (run_len > 0) fn(run_off, run_len);
}

}  // namespace zmpi::io

#endif  // ZMPI_MPI_IO_VIEW_H_
