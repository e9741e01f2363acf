// Non-blocking collectives (MPI_I*): thin shims over the templates of coll_nb_impl.h,
// written by a script from functions.tbl's signatures (one per row).
#include "mpi/abi/coll_nb_impl.h"

ZMPI_API int PMPI_Ibarrier(MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Barrier("MPI_Ibarrier", false, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ibcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm,
                         MPI_Request *request) {
  return zmpi::abi::nbc::Bcast<int>("MPI_Ibcast", false, buffer, count, datatype, root, comm,
                                    MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ibcast_c(void *buffer, MPI_Count count, MPI_Datatype datatype, int root,
                           MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Bcast<MPI_Count>("MPI_Ibcast_c", false, buffer, count, datatype, root,
                                          comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Igather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                          int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                          MPI_Request *request) {
  return zmpi::abi::nbc::Gatherv<int, int>(
      "MPI_Igather", false, false, sendbuf, sendcount, sendtype, recvbuf, recvcount,
      static_cast<const int *>(nullptr), static_cast<const int *>(nullptr), recvtype, root, comm,
      MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Igather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                            void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, int root,
                            MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Gatherv<MPI_Count, MPI_Aint>(
      "MPI_Igather_c", false, false, sendbuf, sendcount, sendtype, recvbuf, recvcount,
      static_cast<const MPI_Count *>(nullptr), static_cast<const MPI_Aint *>(nullptr), recvtype,
      root, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Igatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                           const int recvcounts[], const int displs[], MPI_Datatype recvtype,
                           int root, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Gatherv<int, int>("MPI_Igatherv", false, true, sendbuf, sendcount,
                                           sendtype, recvbuf, int{0}, recvcounts, displs, recvtype,
                                           root, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Igatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                             void *recvbuf, const MPI_Count recvcounts[], const MPI_Aint displs[],
                             MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Gatherv<MPI_Count, MPI_Aint>(
      "MPI_Igatherv_c", false, true, sendbuf, sendcount, sendtype, recvbuf, MPI_Count{0},
      recvcounts, displs, recvtype, root, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iscatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                           int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                           MPI_Request *request) {
  return zmpi::abi::nbc::Scatterv<int, int>(
      "MPI_Iscatter", false, false, sendbuf, sendcount, static_cast<const int *>(nullptr),
      static_cast<const int *>(nullptr), sendtype, recvbuf, recvcount, recvtype, root, comm,
      MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iscatter_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                             void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, int root,
                             MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Scatterv<MPI_Count, MPI_Aint>(
      "MPI_Iscatter_c", false, false, sendbuf, sendcount, static_cast<const MPI_Count *>(nullptr),
      static_cast<const MPI_Aint *>(nullptr), sendtype, recvbuf, recvcount, recvtype, root, comm,
      MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iscatterv(const void *sendbuf, const int sendcounts[], const int displs[],
                            MPI_Datatype sendtype, void *recvbuf, int recvcount,
                            MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Scatterv<int, int>("MPI_Iscatterv", false, true, sendbuf, int{0},
                                            sendcounts, displs, sendtype, recvbuf, recvcount,
                                            recvtype, root, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iscatterv_c(const void *sendbuf, const MPI_Count sendcounts[],
                              const MPI_Aint displs[], MPI_Datatype sendtype, void *recvbuf,
                              MPI_Count recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                              MPI_Request *request) {
  return zmpi::abi::nbc::Scatterv<MPI_Count, MPI_Aint>(
      "MPI_Iscatterv_c", false, true, sendbuf, MPI_Count{0}, sendcounts, displs, sendtype, recvbuf,
      recvcount, recvtype, root, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iallgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                             void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                             MPI_Request *request) {
  return zmpi::abi::nbc::Allgatherv<int, int>(
      "MPI_Iallgather", false, false, sendbuf, sendcount, sendtype, recvbuf, recvcount,
      static_cast<const int *>(nullptr), static_cast<const int *>(nullptr), recvtype, comm,
      MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iallgather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                               void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                               MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Allgatherv<MPI_Count, MPI_Aint>(
      "MPI_Iallgather_c", false, false, sendbuf, sendcount, sendtype, recvbuf, recvcount,
      static_cast<const MPI_Count *>(nullptr), static_cast<const MPI_Aint *>(nullptr), recvtype,
      comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iallgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                              void *recvbuf, const int recvcounts[], const int displs[],
                              MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Allgatherv<int, int>("MPI_Iallgatherv", false, true, sendbuf, sendcount,
                                              sendtype, recvbuf, int{0}, recvcounts, displs,
                                              recvtype, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iallgatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                void *recvbuf, const MPI_Count recvcounts[],
                                const MPI_Aint displs[], MPI_Datatype recvtype, MPI_Comm comm,
                                MPI_Request *request) {
  return zmpi::abi::nbc::Allgatherv<MPI_Count, MPI_Aint>(
      "MPI_Iallgatherv_c", false, true, sendbuf, sendcount, sendtype, recvbuf, MPI_Count{0},
      recvcounts, displs, recvtype, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ialltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                            void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                            MPI_Request *request) {
  return zmpi::abi::nbc::Alltoallw<int, int>(
      "MPI_Ialltoall", false, 0, sendbuf, sendcount, static_cast<const int *>(nullptr),
      static_cast<const int *>(nullptr), &sendtype, recvbuf, recvcount,
      static_cast<const int *>(nullptr), static_cast<const int *>(nullptr), &recvtype, comm,
      MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ialltoall_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                              void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                              MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Ialltoall_c", false, 0, sendbuf, sendcount, static_cast<const MPI_Count *>(nullptr),
      static_cast<const MPI_Aint *>(nullptr), &sendtype, recvbuf, recvcount,
      static_cast<const MPI_Count *>(nullptr), static_cast<const MPI_Aint *>(nullptr), &recvtype,
      comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ialltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
                             MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                             const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm,
                             MPI_Request *request) {
  return zmpi::abi::nbc::Alltoallw<int, int>(
      "MPI_Ialltoallv", false, 1, sendbuf, int{0}, sendcounts, sdispls, &sendtype, recvbuf, int{0},
      recvcounts, rdispls, &recvtype, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ialltoallv_c(const void *sendbuf, const MPI_Count sendcounts[],
                               const MPI_Aint sdispls[], MPI_Datatype sendtype, void *recvbuf,
                               const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                               MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Ialltoallv_c", false, 1, sendbuf, MPI_Count{0}, sendcounts, sdispls, &sendtype, recvbuf,
      MPI_Count{0}, recvcounts, rdispls, &recvtype, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ialltoallw(const void *sendbuf, const int sendcounts[], const int sdispls[],
                             const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[],
                             const int rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm,
                             MPI_Request *request) {
  return zmpi::abi::nbc::Alltoallw<int, int>(
      "MPI_Ialltoallw", false, 2, sendbuf, int{0}, sendcounts, sdispls, sendtypes, recvbuf, int{0},
      recvcounts, rdispls, recvtypes, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ialltoallw_c(const void *sendbuf, const MPI_Count sendcounts[],
                               const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                               void *recvbuf, const MPI_Count recvcounts[],
                               const MPI_Aint rdispls[], const MPI_Datatype recvtypes[],
                               MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Ialltoallw_c", false, 2, sendbuf, MPI_Count{0}, sendcounts, sdispls, sendtypes, recvbuf,
      MPI_Count{0}, recvcounts, rdispls, recvtypes, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ireduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                          MPI_Op op, int root, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Reduce<int>("MPI_Ireduce", false, sendbuf, recvbuf, count, datatype, op,
                                     root, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ireduce_c(const void *sendbuf, void *recvbuf, MPI_Count count,
                            MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm,
                            MPI_Request *request) {
  return zmpi::abi::nbc::Reduce<MPI_Count>("MPI_Ireduce_c", false, sendbuf, recvbuf, count,
                                           datatype, op, root, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iallreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                             MPI_Op op, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Allreduce<int>("MPI_Iallreduce", false, 0, sendbuf, recvbuf, count,
                                        datatype, op, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iallreduce_c(const void *sendbuf, void *recvbuf, MPI_Count count,
                               MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                               MPI_Request *request) {
  return zmpi::abi::nbc::Allreduce<MPI_Count>("MPI_Iallreduce_c", false, 0, sendbuf, recvbuf, count,
                                              datatype, op, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ireduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[],
                                  MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                                  MPI_Request *request) {
  return zmpi::abi::nbc::ReduceScatter<int>("MPI_Ireduce_scatter", false, true, sendbuf, recvbuf,
                                            int{0}, recvcounts, datatype, op, comm, MPI_INFO_NULL,
                                            request);
}

ZMPI_API int PMPI_Ireduce_scatter_c(const void *sendbuf, void *recvbuf,
                                    const MPI_Count recvcounts[], MPI_Datatype datatype, MPI_Op op,
                                    MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::ReduceScatter<MPI_Count>("MPI_Ireduce_scatter_c", false, true, sendbuf,
                                                  recvbuf, MPI_Count{0}, recvcounts, datatype, op,
                                                  comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ireduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount,
                                        MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                                        MPI_Request *request) {
  return zmpi::abi::nbc::ReduceScatter<int>("MPI_Ireduce_scatter_block", false, false, sendbuf,
                                            recvbuf, recvcount, static_cast<const int *>(nullptr),
                                            datatype, op, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Ireduce_scatter_block_c(const void *sendbuf, void *recvbuf, MPI_Count recvcount,
                                          MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                                          MPI_Request *request) {
  return zmpi::abi::nbc::ReduceScatter<MPI_Count>(
      "MPI_Ireduce_scatter_block_c", false, false, sendbuf, recvbuf, recvcount,
      static_cast<const MPI_Count *>(nullptr), datatype, op, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                        MPI_Op op, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Allreduce<int>("MPI_Iscan", false, 1, sendbuf, recvbuf, count, datatype,
                                        op, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iscan_c(const void *sendbuf, void *recvbuf, MPI_Count count,
                          MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Allreduce<MPI_Count>("MPI_Iscan_c", false, 1, sendbuf, recvbuf, count,
                                              datatype, op, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iexscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                          MPI_Op op, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Allreduce<int>("MPI_Iexscan", false, 2, sendbuf, recvbuf, count, datatype,
                                        op, comm, MPI_INFO_NULL, request);
}

ZMPI_API int PMPI_Iexscan_c(const void *sendbuf, void *recvbuf, MPI_Count count,
                            MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Request *request) {
  return zmpi::abi::nbc::Allreduce<MPI_Count>("MPI_Iexscan_c", false, 2, sendbuf, recvbuf, count,
                                              datatype, op, comm, MPI_INFO_NULL, request);
}

#include "mpi/abi/coll_nb_aliases.inc"
