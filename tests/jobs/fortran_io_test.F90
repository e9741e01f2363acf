! MPI-IO through the Fortran binding (mpif.h): files are INTEGER handles (MPI_File_c2f),
! offsets INTEGER(KIND=MPI_OFFSET_KIND), file names CHARACTER. Each rank writes its block
! with an explicit offset, reads its neighbour's back, then through a view of MPI_INTEGER
! and with the shared pointer; MPI_File_get_view returns the representation as CHARACTER.
! Rank 0 prints "fortran_io: OK (<n> checks)"; a failed check aborts with code 1.
program fortran_io
  implicit none
  include 'mpif.h'
  integer, parameter :: n = 5
  integer :: ierr, rank, nprocs, fh, i, checks, total, peer, eclass
  integer :: buf(n), got(n), status(MPI_STATUS_SIZE), count, etype, ftype, amode
  integer(kind=MPI_OFFSET_KIND) :: offset, fsize, disp
  character(len=MPI_MAX_DATAREP_STRING) :: rep
  character(len=64) :: path

  call MPI_Init(ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, nprocs, ierr)
  checks = 0
  if (rank == 0) write (path, '(a,i0,a)') '/tmp/zmpi_fortran_io_', getpid(), '.dat'
  call MPI_Bcast(path, len(path), MPI_CHARACTER, 0, MPI_COMM_WORLD, ierr)

  call MPI_File_open(MPI_COMM_WORLD, trim(path), MPI_MODE_CREATE + MPI_MODE_RDWR + &
                     MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL, fh, ierr)
  call check(ierr == MPI_SUCCESS .and. fh /= MPI_FILE_NULL, 'MPI_File_open')
  do i = 1, n
    buf(i) = rank * 100 + i
  end do
  offset = int(rank, MPI_OFFSET_KIND) * n * 4
  call MPI_File_write_at(fh, offset, buf, n, MPI_INTEGER, status, ierr)
  call MPI_Get_count(status, MPI_INTEGER, count, ierr)
  call check(ierr == MPI_SUCCESS .and. count == n, 'MPI_File_write_at count')
  call MPI_File_sync(fh, ierr)
  call MPI_Barrier(MPI_COMM_WORLD, ierr)
  peer = mod(rank + 1, nprocs)
  offset = int(peer, MPI_OFFSET_KIND) * n * 4
  call MPI_File_read_at_all(fh, offset, got, n, MPI_INTEGER, status, ierr)
  call check(ierr == MPI_SUCCESS .and. got(n) == peer * 100 + n, 'MPI_File_read_at_all')
  call MPI_File_get_size(fh, fsize, ierr)
  call check(fsize == int(nprocs, MPI_OFFSET_KIND) * n * 4, 'MPI_File_get_size')
  call MPI_File_get_amode(fh, amode, ierr)
  call check(amode == MPI_MODE_CREATE + MPI_MODE_RDWR + MPI_MODE_DELETE_ON_CLOSE, 'get_amode')

  ! A view of INTEGERs starting at this rank's block: offsets count integers.
  disp = int(rank, MPI_OFFSET_KIND) * n * 4
  call MPI_File_set_view(fh, disp, MPI_INTEGER, MPI_INTEGER, 'native', MPI_INFO_NULL, ierr)
  call check(ierr == MPI_SUCCESS, 'MPI_File_set_view')
  offset = 2
  call MPI_File_read_at(fh, offset, got, 1, MPI_INTEGER, status, ierr)
  call check(got(1) == rank * 100 + 3, 'read_at through the view')
  call MPI_File_get_view(fh, disp, etype, ftype, rep, ierr)
  call check(ierr == MPI_SUCCESS .and. trim(rep) == 'native' .and. etype == MPI_INTEGER .and. &
             disp == int(rank, MPI_OFFSET_KIND) * n * 4, 'MPI_File_get_view')
  call MPI_File_seek(fh, int(1, MPI_OFFSET_KIND), MPI_SEEK_SET, ierr)
  call MPI_File_get_position(fh, offset, ierr)
  call check(offset == 1, 'MPI_File_seek / get_position')

  ! Errors come back as codes (files default to MPI_ERRORS_RETURN).
  offset = -1
  call MPI_File_read_at(fh, offset, got, 1, MPI_INTEGER, status, ierr)
  call MPI_Error_class(ierr, eclass, ierr)
  call check(eclass == MPI_ERR_ARG, 'negative offset gives MPI_ERR_ARG')

  call MPI_File_close(fh, ierr)
  call check(ierr == MPI_SUCCESS .and. fh == MPI_FILE_NULL, 'MPI_File_close')
  call MPI_File_delete(trim(path), MPI_INFO_NULL, ierr)
  call MPI_Error_class(ierr, eclass, ierr)
  call check(eclass == MPI_ERR_NO_SUCH_FILE, 'MPI_MODE_DELETE_ON_CLOSE removed the file')

  call MPI_Reduce(checks, total, 1, MPI_INTEGER, MPI_SUM, 0, MPI_COMM_WORLD, ierr)
  if (rank == 0) print '(a,i0,a)', 'fortran_io: OK (', total, ' checks)'
  call MPI_Finalize(ierr)

contains

  subroutine check(ok, what)
    logical, intent(in) :: ok
    character(len=*), intent(in) :: what
    integer :: e
    if (.not. ok) then
      print '(a,i0,2a)', 'fortran_io: rank ', rank, ': FAILED: ', what
      call MPI_Abort(MPI_COMM_WORLD, 1, e)
    end if
    checks = checks + 1
  end subroutine check

end program fortran_io
