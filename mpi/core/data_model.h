// The data model a rank's binary was built for: byte order and the sizes of the C types whose
// bytes MPI moves without conversion. Ranks of one job may run on different architectures
// (x86-64 and aarch64 hosts, docs/zrun.md); zmpi sends a typed buffer's bytes as they are, so
// every rank must agree on byte order and on the sizes of the predefined types. Each rank
// publishes its model at init and compares it with rank 0's (one lookup per rank), and a rank
// that differs refuses to start with a message naming both.
#ifndef ZMPI_MPI_CORE_DATA_MODEL_H_
#define ZMPI_MPI_CORE_DATA_MODEL_H_

#include <string>

#include "common/status.h"

namespace zmpi::core {

// "<arch> <le|be> long<n> ptr<n> ld<n>/<mantissa bits>", e.g. "x86_64 le long8 ptr8 ld16/64".
std::string LocalDataModel();

// OK if a rank of model `mine` can exchange typed data with one of model `theirs`: same byte
// order and the same sizes of long and pointers (MPI_LONG, MPI_AINT). The architecture may
// differ (x86_64 with aarch64: both little-endian LP64). A different long double is allowed
// with a warning in the log: only MPI_LONG_DOUBLE (and its complex form) would be wrong.
// Otherwise kOther, naming both ranks and models.
Status CompatibleDataModels(int my_rank, const std::string& mine, int their_rank,
                            const std::string& theirs);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_DATA_MODEL_H_
