#include "mpi/coll/power_of_two_fold.h"

namespace zmpi::coll {

PowerOfTwoFold::PowerOfTwoFold(int size, int rank) : rank_(rank) {
  pof2_ = 1;
  while (pof2_ * 2 <= size) pof2_ *= 2;
  rem_ = size - pof2_;
  if (rank < 2 * rem_) {
    new_rank_ = (rank % 2 == 0) ? -1 : rank / 2;
  } else {
    new_rank_ = rank - rem_;
  }
}

Status PowerOfTwoFold::In(Links& links, char* acc, char* tmp, size_t count, const Reducer& reducer,
                          int tag) const {
  if (rank_ >= 2 * rem_) return OkStatus();
  size_t bytes = count * reducer.elem_size();
  if (new_rank_ < 0) return links.Send(rank_ + 1, tag, acc, bytes);
  ZMPI_RETURN_IF_ERROR(links.Recv(rank_ - 1, tag, tmp, bytes));
  reducer.Apply(tmp, acc, count);
  return OkStatus();
}

Status PowerOfTwoFold::Out(Links& links, const char* acc, char* out, size_t bytes, int tag) const {
  if (rank_ >= 2 * rem_) return OkStatus();
  if (new_rank_ < 0) return links.Recv(rank_ + 1, tag, out, bytes);
  return links.Send(rank_ - 1, tag, acc, bytes);
}

}  // namespace zmpi::coll
