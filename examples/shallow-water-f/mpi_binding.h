! mpi_binding.h: one source, three MPI Fortran bindings. Compile with exactly one of
!   -DSWM_MPIF_H      include 'mpif.h'   (handles are INTEGER)
!   -DSWM_USE_MPI     use mpi            (handles are INTEGER)
!   -DSWM_USE_MPI_F08 use mpi_f08        (handles are TYPE(MPI_Comm), TYPE(MPI_Datatype) ...)
! A unit that calls MPI writes MPI_USE before `implicit none`, MPI_INCLUDE after it, and declares
! handles as MPI_HANDLE(MPI_Comm) :: comm. Statuses are never declared (MPI_STATUS_IGNORE and
! MPI_STATUSES_IGNORE), so no INTEGER(MPI_STATUS_SIZE) / TYPE(MPI_Status) difference remains.
#if defined(SWM_USE_MPI_F08)
#  define MPI_USE use mpi_f08
#  define MPI_INCLUDE
#  define MPI_HANDLE(kind) type(kind)
#  define SWM_BINDING 'use mpi_f08'
#elif defined(SWM_USE_MPI)
#  define MPI_USE use mpi
#  define MPI_INCLUDE
#  define MPI_HANDLE(kind) integer
#  define SWM_BINDING 'use mpi'
#elif defined(SWM_MPIF_H)
#  define MPI_USE
#  define MPI_INCLUDE include 'mpif.h'
#  define MPI_HANDLE(kind) integer
#  define SWM_BINDING 'mpif.h'
#else
#  error "define one of SWM_MPIF_H, SWM_USE_MPI, SWM_USE_MPI_F08"
#endif
