// Communicators.
#include <algorithm>

#include "mpi/abi/entry.h"
#include "mpi/core/comm_ops.h"

using zmpi::Code;
using zmpi::core::Comm;
using zmpi::core::Runtime;

ZMPI_API int PMPI_Comm_rank(MPI_Comm comm, int* rank) {
  ZMPI_ENTER("MPI_Comm_rank");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_rank", zmpi::abi::CheckComm(comm, &c));
  *rank = c->rank();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_size(MPI_Comm comm, int* size) {
  ZMPI_ENTER("MPI_Comm_size");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_size", zmpi::abi::CheckComm(comm, &c));
  *size = c->size();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_dup(MPI_Comm comm, MPI_Comm* newcomm) {
  ZMPI_ENTER("MPI_Comm_dup");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_dup", zmpi::abi::CheckComm(comm, &c));
  zmpi::StatusOr<Comm*> dup = zmpi::core::DupComm(*c);
  if (!dup.ok()) return zmpi::abi::Report(c, "MPI_Comm_dup", dup.status());
  *newcomm = (*dup)->handle();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm* newcomm) {
  ZMPI_ENTER("MPI_Comm_split");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_split", zmpi::abi::CheckComm(comm, &c));
  if (color < 0 && color != MPI_UNDEFINED) {
    return zmpi::abi::Report(c, "MPI_Comm_split",
                             zmpi::Error(Code::kArg, "negative color %d", color));
  }
  zmpi::StatusOr<Comm*> split = zmpi::core::SplitComm(*c, color, key);
  if (!split.ok()) return zmpi::abi::Report(c, "MPI_Comm_split", split.status());
  *newcomm = *split ? (*split)->handle() : MPI_COMM_NULL;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_free(MPI_Comm* comm) {
  ZMPI_ENTER("MPI_Comm_free");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_free", zmpi::abi::CheckComm(*comm, &c));
  if (*comm == MPI_COMM_WORLD || *comm == MPI_COMM_SELF) {
    return zmpi::abi::Report(c, "MPI_Comm_free",
                             zmpi::Error(Code::kComm, "cannot free a predefined communicator"));
  }
  ZMPI_CHECK_ARG(c, "MPI_Comm_free", zmpi::core::FreeCommAndAttributes(c));
  *comm = MPI_COMM_NULL;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_compare(MPI_Comm comm1, MPI_Comm comm2, int* result) {
  ZMPI_ENTER("MPI_Comm_compare");
  Comm *a = nullptr, *b = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_compare", zmpi::abi::CheckComm(comm1, &a));
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_compare", zmpi::abi::CheckComm(comm2, &b));
  if (a == b) {
    *result = MPI_IDENT;
  } else if (a->world_ranks() == b->world_ranks()) {
    *result = MPI_CONGRUENT;
  } else {
    std::vector<int> x = a->world_ranks(), y = b->world_ranks();
    std::sort(x.begin(), x.end());
    std::sort(y.begin(), y.end());
    *result = x == y ? MPI_SIMILAR : MPI_UNEQUAL;
  }
  return MPI_SUCCESS;
}

#include "mpi/abi/comm_aliases.inc"
