#include "mpi/io/view.h"

#include <algorithm>

namespace zmpi::io {

int64_t View::ByteOffset(int64_t pos) const {
  int64_t result = disp_;
  bool found = false;
  Map(pos, 1, [&](int64_t off, int64_t) {
    if (!found) result = off;
    found = true;
  });
  return result;
}

// Counts the stream bytes of the tiles around the one holding `offset` that lie before it;
// every tile wholly before those contributes its full size.
int64_t View::StreamBytesBefore(int64_t offset) const {
  const int64_t size = filetype_->size();
  const int64_t extent = filetype_->extent();
  if (size <= 0 || offset <= disp_) return 0;
  const int64_t rel = offset - disp_;
  int64_t tile = extent > 0 ? rel / extent : 0;
  // A tile's data may reach past its extent (true bounds wider than the bounds): start the
  // count one tile early and stop at the first run at or past `offset`.
  int64_t first = std::max<int64_t>(tile - 1, 0);
  int64_t before = first * size;
  int64_t total = before;
  bool past = false;
  filetype_->layout().Walk(extent, first + 3, before, 3 * size, [&](int64_t off, int64_t len) {
    if (past) return false;
    if (off >= rel) {
      past = true;
      return false;
    }
    total += std::min(len, rel - off);
    return true;
  });
  return total;
}

}  // namespace zmpi::io
