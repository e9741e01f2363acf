#include "mpi/coll/vside.h"

#include "mpi/coll/typed.h"
#include "mpi/core/derived_op.h"

namespace zmpi::coll {

void VSide::Init(void* buf, CountsView counts, CountsView displs, const core::Datatype& type, int n,
                 bool load) {
  buf_ = buf;
  Resize(n);
  for (int i = 0; i < n; ++i) {
    types_[i] = &type;
    counts_[i] = counts[i];
    user_offsets_[i] = static_cast<ptrdiff_t>(displs[i]) * static_cast<ptrdiff_t>(type.extent);
  }
  Finish(load);
}

void VSide::InitW(void* buf, CountsView counts, CountsView displs, const MPI_Datatype* types, int n,
                  bool load) {
  buf_ = buf;
  Resize(n);
  for (int i = 0; i < n; ++i) {
    types_[i] = core::FindDatatype(types[i]);
    counts_[i] = counts[i];
    user_offsets_[i] = static_cast<ptrdiff_t>(displs[i]);
  }
  Finish(load);
}

void VSide::Resize(int n) {
  types_.Resize(n);
  counts_.Resize(n);
  user_offsets_.Resize(n);
  bytes_.Resize(n);
  offsets_.Resize(n);
}

void VSide::Finish(bool load) {
  const int n = static_cast<int>(types_.size());
  bool plain = true;
  size_t total = 0;
  for (int i = 0; i < n; ++i) {
    bytes_[i] = static_cast<size_t>(counts_[i]) * types_[i]->size;
    total += bytes_[i];
    if (counts_[i] > 0 && !PlainType(types_[i])) plain = false;
  }
  if (plain) {
    base_ = static_cast<char*>(buf_);
    for (int i = 0; i < n; ++i) offsets_[i] = user_offsets_[i];
    return;
  }
  staging_.reset(new char[total > 0 ? total : 1]);
  base_ = staging_.get();
  size_t at = 0;
  for (int i = 0; i < n; ++i) {
    offsets_[i] = static_cast<ptrdiff_t>(at);
    if (load && counts_[i] > 0) {
      core::PackTyped(static_cast<char*>(buf_) + user_offsets_[i], counts_[i], *types_[i],
                      base_ + at);
    }
    at += bytes_[i];
  }
}

void VSide::Store() {
  if (staging_ == nullptr) return;
  for (size_t i = 0; i < types_.size(); ++i) {
    if (counts_[i] == 0) continue;
    core::UnpackTyped(base_ + offsets_[i], static_cast<int64_t>(bytes_[i]),
                      static_cast<char*>(buf_) + user_offsets_[i], counts_[i], *types_[i]);
  }
}

}  // namespace zmpi::coll
