// Persistent collectives (MPI_*_init, MPI-4): thin shims over the templates of coll_nb_impl.h,
// written by a script from functions.tbl's signatures (one per row).
#include "mpi/abi/coll_nb_impl.h"

ZMPI_API int PMPI_Barrier_init(MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Barrier("MPI_Barrier_init", true, comm, info, request);
}

ZMPI_API int PMPI_Bcast_init(void *buffer, int count, MPI_Datatype datatype, int root,
                             MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Bcast<int>("MPI_Bcast_init", true, buffer, count, datatype, root, comm,
                                    info, request);
}

ZMPI_API int PMPI_Bcast_init_c(void *buffer, MPI_Count count, MPI_Datatype datatype, int root,
                               MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Bcast<MPI_Count>("MPI_Bcast_init_c", true, buffer, count, datatype, root,
                                          comm, info, request);
}

ZMPI_API int PMPI_Gather_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                              void *recvbuf, int recvcount, MPI_Datatype recvtype, int root,
                              MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Gatherv<int, int>(
      "MPI_Gather_init", true, false, sendbuf, sendcount, sendtype, recvbuf, recvcount,
      static_cast<const int *>(nullptr), static_cast<const int *>(nullptr), recvtype, root, comm,
      info, request);
}

ZMPI_API int PMPI_Gather_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, int root,
                                MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Gatherv<MPI_Count, MPI_Aint>(
      "MPI_Gather_init_c", true, false, sendbuf, sendcount, sendtype, recvbuf, recvcount,
      static_cast<const MPI_Count *>(nullptr), static_cast<const MPI_Aint *>(nullptr), recvtype,
      root, comm, info, request);
}

ZMPI_API int PMPI_Gatherv_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                               void *recvbuf, const int recvcounts[], const int displs[],
                               MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Info info,
                               MPI_Request *request) {
  return zmpi::abi::nbc::Gatherv<int, int>("MPI_Gatherv_init", true, true, sendbuf, sendcount,
                                           sendtype, recvbuf, int{0}, recvcounts, displs, recvtype,
                                           root, comm, info, request);
}

ZMPI_API int PMPI_Gatherv_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                 void *recvbuf, const MPI_Count recvcounts[],
                                 const MPI_Aint displs[], MPI_Datatype recvtype, int root,
                                 MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Gatherv<MPI_Count, MPI_Aint>(
      "MPI_Gatherv_init_c", true, true, sendbuf, sendcount, sendtype, recvbuf, MPI_Count{0},
      recvcounts, displs, recvtype, root, comm, info, request);
}

ZMPI_API int PMPI_Scatter_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                               void *recvbuf, int recvcount, MPI_Datatype recvtype, int root,
                               MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Scatterv<int, int>("MPI_Scatter_init", true, false, sendbuf, sendcount,
                                            static_cast<const int *>(nullptr),
                                            static_cast<const int *>(nullptr), sendtype, recvbuf,
                                            recvcount, recvtype, root, comm, info, request);
}

ZMPI_API int PMPI_Scatter_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                 void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                                 int root, MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Scatterv<MPI_Count, MPI_Aint>(
      "MPI_Scatter_init_c", true, false, sendbuf, sendcount,
      static_cast<const MPI_Count *>(nullptr), static_cast<const MPI_Aint *>(nullptr), sendtype,
      recvbuf, recvcount, recvtype, root, comm, info, request);
}

ZMPI_API int PMPI_Scatterv_init(const void *sendbuf, const int sendcounts[], const int displs[],
                                MPI_Datatype sendtype, void *recvbuf, int recvcount,
                                MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Info info,
                                MPI_Request *request) {
  return zmpi::abi::nbc::Scatterv<int, int>("MPI_Scatterv_init", true, true, sendbuf, int{0},
                                            sendcounts, displs, sendtype, recvbuf, recvcount,
                                            recvtype, root, comm, info, request);
}

ZMPI_API int PMPI_Scatterv_init_c(const void *sendbuf, const MPI_Count sendcounts[],
                                  const MPI_Aint displs[], MPI_Datatype sendtype, void *recvbuf,
                                  MPI_Count recvcount, MPI_Datatype recvtype, int root,
                                  MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Scatterv<MPI_Count, MPI_Aint>(
      "MPI_Scatterv_init_c", true, true, sendbuf, MPI_Count{0}, sendcounts, displs, sendtype,
      recvbuf, recvcount, recvtype, root, comm, info, request);
}

ZMPI_API int PMPI_Allgather_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                 void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                                 MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Allgatherv<int, int>(
      "MPI_Allgather_init", true, false, sendbuf, sendcount, sendtype, recvbuf, recvcount,
      static_cast<const int *>(nullptr), static_cast<const int *>(nullptr), recvtype, comm, info,
      request);
}

ZMPI_API int PMPI_Allgather_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                   void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                                   MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Allgatherv<MPI_Count, MPI_Aint>(
      "MPI_Allgather_init_c", true, false, sendbuf, sendcount, sendtype, recvbuf, recvcount,
      static_cast<const MPI_Count *>(nullptr), static_cast<const MPI_Aint *>(nullptr), recvtype,
      comm, info, request);
}

ZMPI_API int PMPI_Allgatherv_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                  void *recvbuf, const int recvcounts[], const int displs[],
                                  MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                                  MPI_Request *request) {
  return zmpi::abi::nbc::Allgatherv<int, int>("MPI_Allgatherv_init", true, true, sendbuf, sendcount,
                                              sendtype, recvbuf, int{0}, recvcounts, displs,
                                              recvtype, comm, info, request);
}

ZMPI_API int PMPI_Allgatherv_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                    void *recvbuf, const MPI_Count recvcounts[],
                                    const MPI_Aint displs[], MPI_Datatype recvtype, MPI_Comm comm,
                                    MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Allgatherv<MPI_Count, MPI_Aint>(
      "MPI_Allgatherv_init_c", true, true, sendbuf, sendcount, sendtype, recvbuf, MPI_Count{0},
      recvcounts, displs, recvtype, comm, info, request);
}

ZMPI_API int PMPI_Alltoall_init(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                                void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
                                MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Alltoallw<int, int>(
      "MPI_Alltoall_init", true, 0, sendbuf, sendcount, static_cast<const int *>(nullptr),
      static_cast<const int *>(nullptr), &sendtype, recvbuf, recvcount,
      static_cast<const int *>(nullptr), static_cast<const int *>(nullptr), &recvtype, comm, info,
      request);
}

ZMPI_API int PMPI_Alltoall_init_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                                  void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                                  MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Alltoall_init_c", true, 0, sendbuf, sendcount, static_cast<const MPI_Count *>(nullptr),
      static_cast<const MPI_Aint *>(nullptr), &sendtype, recvbuf, recvcount,
      static_cast<const MPI_Count *>(nullptr), static_cast<const MPI_Aint *>(nullptr), &recvtype,
      comm, info, request);
}

ZMPI_API int PMPI_Alltoallv_init(const void *sendbuf, const int sendcounts[], const int sdispls[],
                                 MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                                 const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm,
                                 MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Alltoallw<int, int>("MPI_Alltoallv_init", true, 1, sendbuf, int{0},
                                             sendcounts, sdispls, &sendtype, recvbuf, int{0},
                                             recvcounts, rdispls, &recvtype, comm, info, request);
}

ZMPI_API int PMPI_Alltoallv_init_c(const void *sendbuf, const MPI_Count sendcounts[],
                                   const MPI_Aint sdispls[], MPI_Datatype sendtype, void *recvbuf,
                                   const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                                   MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
                                   MPI_Request *request) {
  return zmpi::abi::nbc::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Alltoallv_init_c", true, 1, sendbuf, MPI_Count{0}, sendcounts, sdispls, &sendtype,
      recvbuf, MPI_Count{0}, recvcounts, rdispls, &recvtype, comm, info, request);
}

ZMPI_API int PMPI_Alltoallw_init(const void *sendbuf, const int sendcounts[], const int sdispls[],
                                 const MPI_Datatype sendtypes[], void *recvbuf,
                                 const int recvcounts[], const int rdispls[],
                                 const MPI_Datatype recvtypes[], MPI_Comm comm, MPI_Info info,
                                 MPI_Request *request) {
  return zmpi::abi::nbc::Alltoallw<int, int>("MPI_Alltoallw_init", true, 2, sendbuf, int{0},
                                             sendcounts, sdispls, sendtypes, recvbuf, int{0},
                                             recvcounts, rdispls, recvtypes, comm, info, request);
}

ZMPI_API int PMPI_Alltoallw_init_c(const void *sendbuf, const MPI_Count sendcounts[],
                                   const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                                   void *recvbuf, const MPI_Count recvcounts[],
                                   const MPI_Aint rdispls[], const MPI_Datatype recvtypes[],
                                   MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Alltoallw<MPI_Count, MPI_Aint>(
      "MPI_Alltoallw_init_c", true, 2, sendbuf, MPI_Count{0}, sendcounts, sdispls, sendtypes,
      recvbuf, MPI_Count{0}, recvcounts, rdispls, recvtypes, comm, info, request);
}

ZMPI_API int PMPI_Reduce_init(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                              MPI_Op op, int root, MPI_Comm comm, MPI_Info info,
                              MPI_Request *request) {
  return zmpi::abi::nbc::Reduce<int>("MPI_Reduce_init", true, sendbuf, recvbuf, count, datatype, op,
                                     root, comm, info, request);
}

ZMPI_API int PMPI_Reduce_init_c(const void *sendbuf, void *recvbuf, MPI_Count count,
                                MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm,
                                MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Reduce<MPI_Count>("MPI_Reduce_init_c", true, sendbuf, recvbuf, count,
                                           datatype, op, root, comm, info, request);
}

ZMPI_API int PMPI_Allreduce_init(const void *sendbuf, void *recvbuf, int count,
                                 MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                                 MPI_Request *request) {
  return zmpi::abi::nbc::Allreduce<int>("MPI_Allreduce_init", true, 0, sendbuf, recvbuf, count,
                                        datatype, op, comm, info, request);
}

ZMPI_API int PMPI_Allreduce_init_c(const void *sendbuf, void *recvbuf, MPI_Count count,
                                   MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                                   MPI_Request *request) {
  return zmpi::abi::nbc::Allreduce<MPI_Count>("MPI_Allreduce_init_c", true, 0, sendbuf, recvbuf,
                                              count, datatype, op, comm, info, request);
}

ZMPI_API int PMPI_Reduce_scatter_init(const void *sendbuf, void *recvbuf, const int recvcounts[],
                                      MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                                      MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::ReduceScatter<int>("MPI_Reduce_scatter_init", true, true, sendbuf, recvbuf,
                                            int{0}, recvcounts, datatype, op, comm, info, request);
}

ZMPI_API int PMPI_Reduce_scatter_init_c(const void *sendbuf, void *recvbuf,
                                        const MPI_Count recvcounts[], MPI_Datatype datatype,
                                        MPI_Op op, MPI_Comm comm, MPI_Info info,
                                        MPI_Request *request) {
  return zmpi::abi::nbc::ReduceScatter<MPI_Count>("MPI_Reduce_scatter_init_c", true, true, sendbuf,
                                                  recvbuf, MPI_Count{0}, recvcounts, datatype, op,
                                                  comm, info, request);
}

ZMPI_API int PMPI_Reduce_scatter_block_init(const void *sendbuf, void *recvbuf, int recvcount,
                                            MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                                            MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::ReduceScatter<int>("MPI_Reduce_scatter_block_init", true, false, sendbuf,
                                            recvbuf, recvcount, static_cast<const int *>(nullptr),
                                            datatype, op, comm, info, request);
}

ZMPI_API int PMPI_Reduce_scatter_block_init_c(const void *sendbuf, void *recvbuf,
                                              MPI_Count recvcount, MPI_Datatype datatype, MPI_Op op,
                                              MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::ReduceScatter<MPI_Count>(
      "MPI_Reduce_scatter_block_init_c", true, false, sendbuf, recvbuf, recvcount,
      static_cast<const MPI_Count *>(nullptr), datatype, op, comm, info, request);
}

ZMPI_API int PMPI_Scan_init(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                            MPI_Op op, MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Allreduce<int>("MPI_Scan_init", true, 1, sendbuf, recvbuf, count, datatype,
                                        op, comm, info, request);
}

ZMPI_API int PMPI_Scan_init_c(const void *sendbuf, void *recvbuf, MPI_Count count,
                              MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                              MPI_Request *request) {
  return zmpi::abi::nbc::Allreduce<MPI_Count>("MPI_Scan_init_c", true, 1, sendbuf, recvbuf, count,
                                              datatype, op, comm, info, request);
}

ZMPI_API int PMPI_Exscan_init(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype,
                              MPI_Op op, MPI_Comm comm, MPI_Info info, MPI_Request *request) {
  return zmpi::abi::nbc::Allreduce<int>("MPI_Exscan_init", true, 2, sendbuf, recvbuf, count,
                                        datatype, op, comm, info, request);
}

ZMPI_API int PMPI_Exscan_init_c(const void *sendbuf, void *recvbuf, MPI_Count count,
                                MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
                                MPI_Request *request) {
  return zmpi::abi::nbc::Allreduce<MPI_Count>("MPI_Exscan_init_c", true, 2, sendbuf, recvbuf, count,
                                              datatype, op, comm, info, request);
}

#include "mpi/abi/coll_init_aliases.inc"
