! mpich_fortran: built by MPICH's Fortran wrapper (mpifort.mpich), so it needs libmpichfort.so.12;
! zmpi's Fortran library provides that name, and the program runs on zmpi under zrun (without a
! Fortran compiler at zmpi's configure, zrun refuses it in one line before any rank starts).
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
