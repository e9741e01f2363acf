! mpich_fortran: built by MPICH's Fortran wrapper (mpifort.mpich), so it needs libmpichfort.so.12,
! which zmpi does not provide until its Fortran binding exists. zrun must refuse it in one line
! before starting any rank (not run N one-rank worlds on MPICH's library). When zmpi's Fortran
! library lands, this test turns into a run like compat_mpich_binary's.
program mpich_fortran
  use mpi
  implicit none
  integer :: ierr, rank, nranks
  call MPI_Init(ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, nranks, ierr)
  print '(a,i0,a,i0)', 'mpich_fortran: rank ', rank, ' of ', nranks
  call MPI_Finalize(ierr)
end program mpich_fortran
