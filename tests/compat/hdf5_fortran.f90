! Debian's Fortran HDF5 for MPICH on zmpi, no rebuild (docs/mpich-binaries.md, "HDF5 for
! MPICH"): built by h5pfc.mpich -shlib, the program NEEDs libhdf5_mpich_fortran.so.102 and
! MPICH's libmpichfort.so.12 (MPICH's `mpi` module). Each rank owns 10 + rank elements of a 1-D
! integer dataset (uneven pieces), writes them with one collective h5dwrite_f, reads them back
! collectively, then reads the next rank's piece independently. Rank 0 prints
! "hdf5_fortran: OK (N checks)".
program hdf5_fortran
  use hdf5
  use mpi
  implicit none
  integer :: ierr, rank, nprocs, hdferr, i, checks, bad, next
  integer(hid_t) :: fapl, file, space, mspace, dset, dxpl
  integer(hsize_t) :: dims(1), cnt(1), off(1)
  integer, allocatable :: buf(:)
  integer :: totals(2)

  call mpi_init(ierr)
  call mpi_comm_rank(MPI_COMM_WORLD, rank, ierr)
  call mpi_comm_size(MPI_COMM_WORLD, nprocs, ierr)
  checks = 0
  bad = 0
  call h5open_f(hdferr)
  call expect(hdferr == 0)
  call h5pcreate_f(H5P_FILE_ACCESS_F, fapl, hdferr)
  call h5pset_fapl_mpio_f(fapl, MPI_COMM_WORLD, MPI_INFO_NULL, hdferr)
  call expect(hdferr == 0)
  call h5fcreate_f("hdf5_fortran.h5", H5F_ACC_TRUNC_F, file, hdferr, access_prp=fapl)
  call expect(hdferr == 0)
  ! Piece of rank r: 10 + r elements starting at sum over q < r of (10 + q).
  dims(1) = 10 * nprocs + nprocs * (nprocs - 1) / 2
  call h5screate_simple_f(1, dims, space, hdferr)
  call h5dcreate_f(file, "x", H5T_NATIVE_INTEGER, space, dset, hdferr)
  call expect(hdferr == 0)
  call h5pcreate_f(H5P_DATASET_XFER_F, dxpl, hdferr)
  call h5pset_dxpl_mpio_f(dxpl, H5FD_MPIO_COLLECTIVE_F, hdferr)
  call expect(hdferr == 0)
  call piece(rank)
  buf = [(1000 * rank + i, i = 1, 10 + rank)]
  call h5dwrite_f(dset, H5T_NATIVE_INTEGER, buf, cnt, hdferr, mspace, space, dxpl)
  call expect(hdferr == 0)
  buf = 0
  call h5dread_f(dset, H5T_NATIVE_INTEGER, buf, cnt, hdferr, mspace, space, dxpl)
  call expect(hdferr == 0 .and. all(buf == [(1000 * rank + i, i = 1, 10 + rank)]))
  call h5sclose_f(mspace, hdferr)
  ! The next rank's piece, independently.
  call h5pset_dxpl_mpio_f(dxpl, H5FD_MPIO_INDEPENDENT_F, hdferr)
  next = mod(rank + 1, nprocs)
  call piece(next)
  call h5dread_f(dset, H5T_NATIVE_INTEGER, buf, cnt, hdferr, mspace, space, dxpl)
  call expect(hdferr == 0 .and. all(buf == [(1000 * next + i, i = 1, 10 + next)]))
  call h5sclose_f(mspace, hdferr)
  call h5dclose_f(dset, hdferr)
  call h5sclose_f(space, hdferr)
  call h5pclose_f(dxpl, hdferr)
  call h5pclose_f(fapl, hdferr)
  call h5fclose_f(file, hdferr)
  call expect(hdferr == 0)
  call h5close_f(hdferr)
  totals = [checks, bad]
  call mpi_allreduce(MPI_IN_PLACE, totals, 2, MPI_INTEGER, MPI_SUM, MPI_COMM_WORLD, ierr)
  if (rank == 0) then
    if (totals(2) == 0) then
      print '(a,i0,a)', 'hdf5_fortran: OK (', totals(1), ' checks)'
      call mpi_file_delete("hdf5_fortran.h5", MPI_INFO_NULL, ierr)
    else
      print '(a,i0,a,i0,a)', 'hdf5_fortran: FAILED (', totals(2), ' of ', totals(1), ' checks)'
    end if
  end if
  call mpi_finalize(ierr)
  if (rank == 0 .and. totals(2) /= 0) error stop 1

contains

  subroutine expect(ok)
    logical, intent(in) :: ok
    checks = checks + 1
    if (.not. ok) then
      bad = bad + 1
      print '(a,i0,a,i0)', 'hdf5_fortran: rank ', rank, ': FAILED check ', checks
    end if
  end subroutine expect

  ! Selects rank r's piece in `space` and makes `mspace`, `cnt` and `buf` its size.
  subroutine piece(r)
    integer, intent(in) :: r
    cnt(1) = 10 + r
    off(1) = 10 * r + r * (r - 1) / 2
    call h5sselect_hyperslab_f(space, H5S_SELECT_SET_F, off, cnt, hdferr)
    call expect(hdferr == 0)
    call h5screate_simple_f(1, cnt, mspace, hdferr)
    if (allocated(buf)) deallocate(buf)
    allocate(buf(10 + r))
  end subroutine piece
end program hdf5_fortran
