! hello_fortran: `use mpi` through whatever the build system found; every rank reports its rank,
! the ranks' sum is checked, and rank 0 prints "hello_fortran: OK (<n> ranks)".
program hello_fortran
  use mpi
  implicit none
  integer :: ierr, rank, nranks, total
  call MPI_Init(ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, nranks, ierr)
  call MPI_Allreduce(rank, total, 1, MPI_INTEGER, MPI_SUM, MPI_COMM_WORLD, ierr)
  print '(a,i0,a,i0)', 'hello_fortran: rank ', rank, ' of ', nranks
  if (rank == 0) then
    if (total /= nranks * (nranks - 1) / 2) then
      print '(a,i0)', 'hello_fortran: FAILED: sum of ranks ', total
      call MPI_Abort(MPI_COMM_WORLD, 1, ierr)
    end if
    print '(a,i0,a)', 'hello_fortran: OK (', nranks, ' ranks)'
  end if
  call MPI_Finalize(ierr)
end program hello_fortran
