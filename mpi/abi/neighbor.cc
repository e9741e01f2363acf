// Neighborhood collectives (MPI_Neighbor_*, MPI_Ineighbor_*, MPI_Neighbor_*_init and
// their _c forms): thin shims over the templates of neighbor_impl.h, written by
// tools/gen-neighbor.py from functions.tbl's signatures (one per row).
#include "mpi/abi/neighbor_impl.h"

ZMPI_API int PMPI_Neighbor_allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                     void *recvbuf, int recvcount, MPI_Datatype recvtype,
                                     MPI_Comm comm) {
  return zmpi::abi::neighbor::Allgatherv<int, int>(
      "MPI_Neighbor_allgather", zmpi::abi::neighbor::Form::kBlocking, false, sendbuf, sendcount,
      sendtype, recvbuf, recvcount, static_cast<const int *>(nullptr),
      static_cast<const int *>(nullptr), recvtype, comm, MPI_INFO_NULL, nullptr);
}

ZMPI_API int PMPI_Neighbor_allgather_c(const void *sendbuf, MPI_Count sendcount,
                                       MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                                       MPI_Datatype recvtype, MPI_Comm comm) {
  return zmpi::abi::neighbor::Allgatherv<MPI_Count, MPI_Aint>(
      "MPI_Neighbor_allgather_c", zmpi::abi::neighbor::Form::kBlocking, false, sendbuf, sendcount,
      sendtype, recvbuf, recvcount, static_cast<const MPI_Count *>(nullptr),
      static_cast<const MPI_Aint *>(nullptr), recvtype, comm, MPI_INFO_NULL, nullptr);
}

ZMPI_API int PMPI_Neighbor_allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                      void *recvbuf, const int recvcounts[], const int displs[],
                                      MPI_Datatype recvtype, MPI_Comm comm) {
  return zmpi::abi::neighbor::Allgatherv<int, int>(
      "MPI_Neighbor_allgatherv", zmpi::abi::neighbor::Form::kBlocking, true, sendbuf, sendcount,
      sendtype, recvbuf, int{0}, recvcounts, displs, recvtype, comm, MPI_INFO_NULL, nullptr);
}

ZMPI_API int PMPI_Neighbor_allgatherv_c(const void *sendbuf, MPI_Count sendcount,
                                        MPI_Datatype sendtype, void *recvbuf,
                                        const MPI_Count recvcounts[], const MPI_Aint displs[],
                                        MPI_Datatype recvtype, MPI_Comm comm) {
  return zmpi::abi::neighbor::Allgatherv<MPI_Count, MPI_Aint>(
      "MPI_Neighbor_allgatherv_c", zmpi::abi::neighbor::Form::kBlocking, true, sendbuf, sendcount,
      sendtype, recvbuf, MPI_Count{0}, recvcounts, displs, recvtype, comm, MPI_INFO_NULL, nullptr);
}

ZMPI_API int PMPI_Neighbor_alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                    void *recvbuf, int recvcount, MPI_Datatype recvtype,
                                    MPI_Comm comm) {
  return zmpi::abi::neighbor::Alltoallw<int, int>(
      "MPI_Neighbor_alltoall", zmpi::abi::neighbor::Form::kBlocking,
      zmpi::abi::neighbor::Shape::kUniform, sendbuf, sendcount, static_cast<const int *>(nullptr),
      static_cast<const int *>(nullptr), &sendtype, recvbuf, recvcount,
      static_cast<const int *>(nullptr), static_cast<const int *>(nullptr), &recvtype, comm,
      MPI_INFO_NULL, nullptr);
}

ZMPI_API int PMPI_Neighbor_alltoall_c(const void *sendbuf, MPI_Count sendcount,
                                      MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                                      MPI_Datatype recvtype, MPI_Comm comm) {
  return zmpi::abi::neighbor::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Neighbor_alltoall_c", zmpi::abi::neighbor::Form::kBlocking,
      zmpi::abi::neighbor::Shape::kUniform, sendbuf, sendcount,
      static_cast<const MPI_Count *>(nullptr), static_cast<const MPI_Aint *>(nullptr), &sendtype,
      recvbuf, recvcount, static_cast<const MPI_Count *>(nullptr),
      static_cast<const MPI_Aint *>(nullptr), &recvtype, comm, MPI_INFO_NULL, nullptr);
}

ZMPI_API int PMPI_Neighbor_alltoallv(const void *sendbuf, const int sendcounts[],
                                     const int sdispls[], MPI_Datatype sendtype, void *recvbuf,
                                     const int recvcounts[], const int rdispls[],
                                     MPI_Datatype recvtype, MPI_Comm comm) {
  return zmpi::abi::neighbor::Alltoallw<int, int>(
      "MPI_Neighbor_alltoallv", zmpi::abi::neighbor::Form::kBlocking,
      zmpi::abi::neighbor::Shape::kVector, sendbuf, int{0}, sendcounts, sdispls, &sendtype, recvbuf,
      int{0}, recvcounts, rdispls, &recvtype, comm, MPI_INFO_NULL, nullptr);
}

ZMPI_API int PMPI_Neighbor_alltoallv_c(const void *sendbuf, const MPI_Count sendcounts[],
                                       const MPI_Aint sdispls[], MPI_Datatype sendtype,
                                       void *recvbuf, const MPI_Count recvcounts[],
                                       const MPI_Aint rdispls[], MPI_Datatype recvtype,
                                       MPI_Comm comm) {
  return zmpi::abi::neighbor::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Neighbor_alltoallv_c", zmpi::abi::neighbor::Form::kBlocking,
      zmpi::abi::neighbor::Shape::kVector, sendbuf, MPI_Count{0}, sendcounts, sdispls, &sendtype,
      recvbuf, MPI_Count{0}, recvcounts, rdispls, &recvtype, comm, MPI_INFO_NULL, nullptr);
}

ZMPI_API int PMPI_Neighbor_alltoallw(const void *sendbuf, const int sendcounts[],
                                     const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                                     void *recvbuf, const int recvcounts[],
                                     const MPI_Aint rdispls[], const MPI_Datatype recvtypes[],
                                     MPI_Comm comm) {
  return zmpi::abi::neighbor::Alltoallw<int, MPI_Aint>(
      "MPI_Neighbor_alltoallw", zmpi::abi::neighbor::Form::kBlocking,
      zmpi::abi::neighbor::Shape::kPerBlock, sendbuf, int{0}, sendcounts, sdispls, sendtypes,
      recvbuf, int{0}, recvcounts, rdispls, recvtypes, comm, MPI_INFO_NULL, nullptr);
}

ZMPI_API int PMPI_Neighbor_alltoallw_c(const void *sendbuf, const MPI_Count sendcounts[],
                                       const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                                       void *recvbuf, const MPI_Count recvcounts[],
                                       const MPI_Aint rdispls[], const MPI_Datatype recvtypes[],
                                       MPI_Comm comm) {
  return zmpi::abi::neighbor::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Neighbor_alltoallw_c", zmpi::abi::neighbor::Form::kBlocking,
      zmpi::abi::neighbor::Shape::kPerBlock, sendbuf, MPI_Count{0}, sendcounts, sdispls, sendtypes,
      recvbuf, MPI_Count{0}, recvcounts, rdispls, recvtypes, comm, MPI_INFO_NULL, nullptr);
}

ZMPI_API int PMPI_Ineighbor_allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                      void *recvbuf, int recvcount, MPI_Datatype recvtype,
                                      MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::neighbor::Allgatherv<int, int>(
      "MPI_Ineighbor_allgather", zmpi::abi::neighbor::Form::kNonblocking, false, sendbuf, sendcount,
      sendtype, recvbuf, recvcount, static_cast<const int *>(nullptr),
      static_cast<const int *>(nullptr), recvtype, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ineighbor_allgather_c(const void *sendbuf, MPI_Count sendcount,
                                        MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                                        MPI_Datatype recvtype, MPI_Comm comm,
                                        MPI_Request *request) {
  return zmpi::abi::neighbor::Allgatherv<MPI_Count, MPI_Aint>(
      "MPI_Ineighbor_allgather_c", zmpi::abi::neighbor::Form::kNonblocking, false, sendbuf,
      sendcount, sendtype, recvbuf, recvcount, static_cast<const MPI_Count *>(nullptr),
      static_cast<const MPI_Aint *>(nullptr), recvtype, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ineighbor_allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                       void *recvbuf, const int recvcounts[], const int displs[],
                                       MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::neighbor::Allgatherv<int, int>(
      "MPI_Ineighbor_allgatherv", zmpi::abi::neighbor::Form::kNonblocking, true, sendbuf, sendcount,
      sendtype, recvbuf, int{0}, recvcounts, displs, recvtype, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ineighbor_allgatherv_c(const void *sendbuf, MPI_Count sendcount,
                                         MPI_Datatype sendtype, void *recvbuf,
                                         const MPI_Count recvcounts[], const MPI_Aint displs[],
                                         MPI_Datatype recvtype, MPI_Comm comm,
                                         MPI_Request *request) {
  return zmpi::abi::neighbor::Allgatherv<MPI_Count, MPI_Aint>(
      "MPI_Ineighbor_allgatherv_c", zmpi::abi::neighbor::Form::kNonblocking, true, sendbuf,
      sendcount, sendtype, recvbuf, MPI_Count{0}, recvcounts, displs, recvtype, comm, MPI_INFO_NULL,
      request);
}

ZMPI_API int PMPI_Ineighbor_alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                     void *recvbuf, int recvcount, MPI_Datatype recvtype,
                                     MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::neighbor::Alltoallw<int, int>(
      "MPI_Ineighbor_alltoall", zmpi::abi::neighbor::Form::kNonblocking,
      zmpi::abi::neighbor::Shape::kUniform, sendbuf, sendcount, static_cast<const int *>(nullptr),
      static_cast<const int *>(nullptr), &sendtype, recvbuf, recvcount,
      static_cast<const int *>(nullptr), static_cast<const int *>(nullptr), &recvtype, comm,
      MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ineighbor_alltoall_c(const void *sendbuf, MPI_Count sendcount,
                                       MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                                       MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::neighbor::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Ineighbor_alltoall_c", zmpi::abi::neighbor::Form::kNonblocking,
      zmpi::abi::neighbor::Shape::kUniform, sendbuf, sendcount,
      static_cast<const MPI_Count *>(nullptr), static_cast<const MPI_Aint *>(nullptr), &sendtype,
      recvbuf, recvcount, static_cast<const MPI_Count *>(nullptr),
      static_cast<const MPI_Aint *>(nullptr), &recvtype, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ineighbor_alltoallv(const void *sendbuf, const int sendcounts[],
                                      const int sdispls[], MPI_Datatype sendtype, void *recvbuf,
                                      const int recvcounts[], const int rdispls[],
                                      MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::neighbor::Alltoallw<int, int>(
      "MPI_Ineighbor_alltoallv", zmpi::abi::neighbor::Form::kNonblocking,
      zmpi::abi::neighbor::Shape::kVector, sendbuf, int{0}, sendcounts, sdispls, &sendtype, recvbuf,
      int{0}, recvcounts, rdispls, &recvtype, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ineighbor_alltoallv_c(const void *sendbuf, const MPI_Count sendcounts[],
                                        const MPI_Aint sdispls[], MPI_Datatype sendtype,
                                        void *recvbuf, const MPI_Count recvcounts[],
                                        const MPI_Aint rdispls[], MPI_Datatype recvtype,
                                        MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::neighbor::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Ineighbor_alltoallv_c", zmpi::abi::neighbor::Form::kNonblocking,
      zmpi::abi::neighbor::Shape::kVector, sendbuf, MPI_Count{0}, sendcounts, sdispls, &sendtype,
      recvbuf, MPI_Count{0}, recvcounts, rdispls, &recvtype, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ineighbor_alltoallw(const void *sendbuf, const int sendcounts[],
                                      const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                                      void *recvbuf, const int recvcounts[],
                                      const MPI_Aint rdispls[], const MPI_Datatype recvtypes[],
                                      MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::neighbor::Alltoallw<int, MPI_Aint>(
      "MPI_Ineighbor_alltoallw", zmpi::abi::neighbor::Form::kNonblocking,
      zmpi::abi::neighbor::Shape::kPerBlock, sendbuf, int{0}, sendcounts, sdispls, sendtypes,
      recvbuf, int{0}, recvcounts, rdispls, recvtypes, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ineighbor_alltoallw_c(const void *sendbuf, const MPI_Count sendcounts[],
                                        const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                                        void *recvbuf, const MPI_Count recvcounts[],
                                        const MPI_Aint rdispls[], const MPI_Datatype recvtypes[],
                                        MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::neighbor::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Ineighbor_alltoallw_c", zmpi::abi::neighbor::Form::kNonblocking,
      zmpi::abi::neighbor::Shape::kPerBlock, sendbuf, MPI_Count{0}, sendcounts, sdispls, sendtypes,
      recvbuf, MPI_Count{0}, recvcounts, rdispls, recvtypes, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Neighbor_allgather_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                          void *recvbuf, int recvcount, MPI_Datatype recvtype,
                                          MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::neighbor::Allgatherv<int, int>(
      "MPI_Neighbor_allgather_init", zmpi::abi::neighbor::Form::kPersistent, false, sendbuf,
      sendcount, sendtype, recvbuf, recvcount, static_cast<const int *>(nullptr),
      static_cast<const int *>(nullptr), recvtype, comm, info, request);
}

ZMPI_API int PMPI_Neighbor_allgather_init_c(const void *sendbuf, MPI_Count sendcount,
                                            MPI_Datatype sendtype, void *recvbuf,
                                            MPI_Count recvcount, MPI_Datatype recvtype,
                                            MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::neighbor::Allgatherv<MPI_Count, MPI_Aint>(
      "MPI_Neighbor_allgather_init_c", zmpi::abi::neighbor::Form::kPersistent, false, sendbuf,
      sendcount, sendtype, recvbuf, recvcount, static_cast<const MPI_Count *>(nullptr),
      static_cast<const MPI_Aint *>(nullptr), recvtype, comm, info, request);
}

ZMPI_API int PMPI_Neighbor_allgatherv_init(const void *sendbuf, int sendcount,
                                           MPI_Datatype sendtype, void *recvbuf,
                                           const int recvcounts[], const int displs[],
                                           MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                                           MPI_Request *request) {
  return zmpi::abi::neighbor::Allgatherv<int, int>(
      "MPI_Neighbor_allgatherv_init", zmpi::abi::neighbor::Form::kPersistent, true, sendbuf,
      sendcount, sendtype, recvbuf, int{0}, recvcounts, displs, recvtype, comm, info, request);
}

ZMPI_API int PMPI_Neighbor_allgatherv_init_c(const void *sendbuf, MPI_Count sendcount,
                                             MPI_Datatype sendtype, void *recvbuf,
                                             const MPI_Count recvcounts[], const MPI_Aint displs[],
                                             MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                                             MPI_Request *request) {
  return zmpi::abi::neighbor::Allgatherv<MPI_Count, MPI_Aint>(
      "MPI_Neighbor_allgatherv_init_c", zmpi::abi::neighbor::Form::kPersistent, true, sendbuf,
      sendcount, sendtype, recvbuf, MPI_Count{0}, recvcounts, displs, recvtype, comm, info,
      request);
}

ZMPI_API int PMPI_Neighbor_alltoall_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                         void *recvbuf, int recvcount, MPI_Datatype recvtype,
                                         MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::neighbor::Alltoallw<int, int>(
      "MPI_Neighbor_alltoall_init", zmpi::abi::neighbor::Form::kPersistent,
      zmpi::abi::neighbor::Shape::kUniform, sendbuf, sendcount, static_cast<const int *>(nullptr),
      static_cast<const int *>(nullptr), &sendtype, recvbuf, recvcount,
      static_cast<const int *>(nullptr), static_cast<const int *>(nullptr), &recvtype, comm, info,
      request);
}

ZMPI_API int PMPI_Neighbor_alltoall_init_c(const void *sendbuf, MPI_Count sendcount,
                                           MPI_Datatype sendtype, void *recvbuf,
                                           MPI_Count recvcount, MPI_Datatype recvtype,
                                           MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::neighbor::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Neighbor_alltoall_init_c", zmpi::abi::neighbor::Form::kPersistent,
      zmpi::abi::neighbor::Shape::kUniform, sendbuf, sendcount,
      static_cast<const MPI_Count *>(nullptr), static_cast<const MPI_Aint *>(nullptr), &sendtype,
      recvbuf, recvcount, static_cast<const MPI_Count *>(nullptr),
      static_cast<const MPI_Aint *>(nullptr), &recvtype, comm, info, request);
}

ZMPI_API int PMPI_Neighbor_alltoallv_init(const void *sendbuf, const int sendcounts[],
                                          const int sdispls[], MPI_Datatype sendtype, void *recvbuf,
                                          const int recvcounts[], const int rdispls[],
                                          MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                                          MPI_Request *request) {
  return zmpi::abi::neighbor::Alltoallw<int, int>(
      "MPI_Neighbor_alltoallv_init", zmpi::abi::neighbor::Form::kPersistent,
      zmpi::abi::neighbor::Shape::kVector, sendbuf, int{0}, sendcounts, sdispls, &sendtype, recvbuf,
      int{0}, recvcounts, rdispls, &recvtype, comm, info, request);
}

ZMPI_API int PMPI_Neighbor_alltoallv_init_c(const void *sendbuf, const MPI_Count sendcounts[],
                                            const MPI_Aint sdispls[], MPI_Datatype sendtype,
                                            void *recvbuf, const MPI_Count recvcounts[],
                                            const MPI_Aint rdispls[], MPI_Datatype recvtype,
                                            MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::neighbor::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Neighbor_alltoallv_init_c", zmpi::abi::neighbor::Form::kPersistent,
      zmpi::abi::neighbor::Shape::kVector, sendbuf, MPI_Count{0}, sendcounts, sdispls, &sendtype,
      recvbuf, MPI_Count{0}, recvcounts, rdispls, &recvtype, comm, info, request);
}

ZMPI_API int PMPI_Neighbor_alltoallw_init(const void *sendbuf, const int sendcounts[],
                                          const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                                          void *recvbuf, const int recvcounts[],
                                          const MPI_Aint rdispls[], const MPI_Datatype recvtypes[],
                                          MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::neighbor::Alltoallw<int, MPI_Aint>(
      "MPI_Neighbor_alltoallw_init", zmpi::abi::neighbor::Form::kPersistent,
      zmpi::abi::neighbor::Shape::kPerBlock, sendbuf, int{0}, sendcounts, sdispls, sendtypes,
      recvbuf, int{0}, recvcounts, rdispls, recvtypes, comm, info, request);
}

ZMPI_API int PMPI_Neighbor_alltoallw_init_c(const void *sendbuf, const MPI_Count sendcounts[],
                                            const MPI_Aint sdispls[],
                                            const MPI_Datatype sendtypes[], void *recvbuf,
                                            const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                                            const MPI_Datatype recvtypes[], MPI_Comm comm,
                                            MPI_Info info, MPI_Request *request) {
  return zmpi::abi::neighbor::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Neighbor_alltoallw_init_c", zmpi::abi::neighbor::Form::kPersistent,
      zmpi::abi::neighbor::Shape::kPerBlock, sendbuf, MPI_Count{0}, sendcounts, sdispls, sendtypes,
      recvbuf, MPI_Count{0}, recvcounts, rdispls, recvtypes, comm, info, request);
}

#include "mpi/abi/neighbor_aliases.inc"
