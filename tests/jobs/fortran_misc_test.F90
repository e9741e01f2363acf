! Routines only the modules have (MPI_SIZEOF) and what MPICH's Fortran test suite found,
! built twice: with `use mpi` and with `use mpi_f08` (USE_MPI_F08). The same statements
! compile against both, since the f08 handles are named constants of their types. Rank 0
! prints "<name>: OK (<n> checks)"; a failed check prints what failed and aborts with code 1.
program fortran_misc
#ifdef USE_MPI_F08
  use mpi_f08
#else
  use mpi
#endif
  implicit none
  integer :: ierr, rank, checks, s, tsize
  integer :: i4, i4v(3), i4z(0)
  integer(kind=1) :: i1, i1v(2)
  integer(kind=2) :: i2
  integer(kind=8) :: i8, i8v(4)
  real :: r, rv(5)
  double precision :: d, dv(2)
  complex :: c, cv(2)
  double complex :: z
  logical :: l, lv(7)
  character :: ch, chv(6)
  integer :: indx, outcount, indices(3), sbuf, rbuf(3)
  logical :: flag
  character(len=MPI_MAX_INFO_KEY) :: key
  character(len=MPI_MAX_INFO_VAL) :: val
  integer :: nkeys, vlen
  double precision :: t0
#ifdef USE_MPI_F08
  type(MPI_Request) :: reqs(3)
  type(MPI_Status) :: status, statuses(3)
  type(MPI_Info) :: info
#else
  integer :: reqs(3), status(MPI_STATUS_SIZE), statuses(MPI_STATUS_SIZE, 3), info
#endif
#ifdef USE_MPI_F08
  character(len=*), parameter :: name = 'fortran_misc_f08'
#else
  character(len=*), parameter :: name = 'fortran_misc_module'
#endif

  checks = 0
  call MPI_Init(ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)

  ! MPI_SIZEOF: the size of one element, scalars and arrays (a zero-size one too), equal to
  ! MPI_Type_size of the matching datatype; ierror is MPI_SUCCESS.
  ierr = -1
  call MPI_Sizeof(i4, s, ierr)
  call MPI_Type_size(MPI_INTEGER, tsize, ierr)
  call check(s == tsize .and. s == 4 .and. ierr == MPI_SUCCESS, 'MPI_SIZEOF(INTEGER)')
  call MPI_Sizeof(i4v, s, ierr)
  call check(s == 4, 'MPI_SIZEOF(INTEGER array)')
  call MPI_Sizeof(i4z, s, ierr)
  call check(s == 4, 'MPI_SIZEOF(zero-size INTEGER array)')
  call MPI_Sizeof(i1, s, ierr)
  call MPI_Type_size(MPI_INTEGER1, tsize, ierr)
  call check(s == tsize .and. s == 1, 'MPI_SIZEOF(INTEGER(1))')
  call MPI_Sizeof(i1v, s, ierr)
  call check(s == 1, 'MPI_SIZEOF(INTEGER(1) array)')
  call MPI_Sizeof(i2, s, ierr)
  call MPI_Type_size(MPI_INTEGER2, tsize, ierr)
  call check(s == tsize .and. s == 2, 'MPI_SIZEOF(INTEGER(2))')
  call MPI_Sizeof(i8, s, ierr)
  call MPI_Type_size(MPI_INTEGER8, tsize, ierr)
  call check(s == tsize .and. s == 8, 'MPI_SIZEOF(INTEGER(8))')
  call MPI_Sizeof(i8v, s, ierr)
  call check(s == 8, 'MPI_SIZEOF(INTEGER(8) array)')
  call MPI_Sizeof(r, s, ierr)
  call MPI_Type_size(MPI_REAL, tsize, ierr)
  call check(s == tsize .and. s == 4, 'MPI_SIZEOF(REAL)')
  call MPI_Sizeof(rv, s, ierr)
  call check(s == 4, 'MPI_SIZEOF(REAL array)')
  call MPI_Sizeof(d, s, ierr)
  call MPI_Type_size(MPI_DOUBLE_PRECISION, tsize, ierr)
  call check(s == tsize .and. s == 8, 'MPI_SIZEOF(DOUBLE PRECISION)')
  call MPI_Sizeof(dv, s, ierr)
  call check(s == 8, 'MPI_SIZEOF(DOUBLE PRECISION array)')
  call MPI_Sizeof(c, s, ierr)
  call MPI_Type_size(MPI_COMPLEX, tsize, ierr)
  call check(s == tsize .and. s == 8, 'MPI_SIZEOF(COMPLEX)')
  call MPI_Sizeof(cv, s, ierr)
  call check(s == 8, 'MPI_SIZEOF(COMPLEX array)')
  call MPI_Sizeof(z, s, ierr)
  call MPI_Type_size(MPI_DOUBLE_COMPLEX, tsize, ierr)
  call check(s == tsize .and. s == 16, 'MPI_SIZEOF(DOUBLE COMPLEX)')
  call MPI_Sizeof(l, s, ierr)
  call MPI_Type_size(MPI_LOGICAL, tsize, ierr)
  call check(s == tsize .and. s == 4, 'MPI_SIZEOF(LOGICAL)')
  call MPI_Sizeof(lv, s, ierr)
  call check(s == 4, 'MPI_SIZEOF(LOGICAL array)')
  call MPI_Sizeof(ch, s, ierr)
  call MPI_Type_size(MPI_CHARACTER, tsize, ierr)
  call check(s == tsize .and. s == 1, 'MPI_SIZEOF(CHARACTER)')
  call MPI_Sizeof(chv, s, ierr)
  call check(s == 1, 'MPI_SIZEOF(CHARACTER array)')

  ! Request indices count from 1 in Fortran: MPI_WAITANY, MPI_TESTANY, MPI_WAITSOME and
  ! MPI_TESTSOME over (null, receive, null) with the receive matched by a send to self.
  sbuf = 7
  reqs(1) = MPI_REQUEST_NULL
  reqs(3) = MPI_REQUEST_NULL
  call MPI_Irecv(rbuf(2), 1, MPI_INTEGER, rank, 5, MPI_COMM_WORLD, reqs(2), ierr)
  call MPI_Send(sbuf, 1, MPI_INTEGER, rank, 5, MPI_COMM_WORLD, ierr)
  indx = -5
  call MPI_Waitany(3, reqs, indx, status, ierr)
  call check(ierr == MPI_SUCCESS .and. indx == 2 .and. rbuf(2) == 7, 'MPI_WAITANY index is 2')
  call MPI_Waitany(3, reqs, indx, status, ierr)
  call check(indx == MPI_UNDEFINED, 'MPI_WAITANY over null requests: MPI_UNDEFINED')
  call MPI_Irecv(rbuf(2), 1, MPI_INTEGER, rank, 6, MPI_COMM_WORLD, reqs(2), ierr)
  call MPI_Send(sbuf, 1, MPI_INTEGER, rank, 6, MPI_COMM_WORLD, ierr)
  flag = .false.
  do while (.not. flag)
    call MPI_Testany(3, reqs, indx, flag, status, ierr)
  end do
  call check(ierr == MPI_SUCCESS .and. indx == 2, 'MPI_TESTANY index is 2')
  call MPI_Irecv(rbuf(2), 1, MPI_INTEGER, rank, 7, MPI_COMM_WORLD, reqs(2), ierr)
  call MPI_Send(sbuf, 1, MPI_INTEGER, rank, 7, MPI_COMM_WORLD, ierr)
  indices = -5
  call MPI_Waitsome(3, reqs, outcount, indices, statuses, ierr)
  call check(ierr == MPI_SUCCESS .and. outcount == 1 .and. indices(1) == 2 .and. &
             indices(2) == -5, 'MPI_WAITSOME indices count from 1')
  call MPI_Irecv(rbuf(1), 1, MPI_INTEGER, rank, 8, MPI_COMM_WORLD, reqs(1), ierr)
  call MPI_Irecv(rbuf(3), 1, MPI_INTEGER, rank, 9, MPI_COMM_WORLD, reqs(3), ierr)
  call MPI_Send(sbuf, 1, MPI_INTEGER, rank, 8, MPI_COMM_WORLD, ierr)
  call MPI_Send(sbuf, 1, MPI_INTEGER, rank, 9, MPI_COMM_WORLD, ierr)
  call MPI_Wait(reqs(1), status, ierr)
  call MPI_Testsome(3, reqs, outcount, indices, statuses, ierr)
  call check(ierr == MPI_SUCCESS .and. outcount == 1 .and. indices(1) == 3, &
             'MPI_TESTSOME indices count from 1')
  call MPI_Testsome(3, reqs, outcount, indices, statuses, ierr)
  call check(outcount == MPI_UNDEFINED, 'MPI_TESTSOME over null requests: MPI_UNDEFINED')

  ! Info keys and values lose their leading and trailing blanks.
  call MPI_Info_create(info, ierr)
  call MPI_Info_set(info, '  See Below ', ' no test  ', ierr)
  call MPI_Info_get_nkeys(info, nkeys, ierr)
  call MPI_Info_get_nthkey(info, 0, key, ierr)
  call check(nkeys == 1 .and. key == 'See Below', 'Info_set strips the key''s blanks')
  call MPI_Info_get_valuelen(info, ' See Below', vlen, flag, ierr)
  call check(flag .and. vlen == 7, 'Info_get_valuelen of the stripped value')
  call MPI_Info_get(info, 'See Below  ', MPI_MAX_INFO_VAL, val, flag, ierr)
  call check(flag .and. val == 'no test', 'Info_get of the stripped value')
  call MPI_Info_delete(info, '   See Below', ierr)
  call MPI_Info_get_nkeys(info, nkeys, ierr)
  call check(ierr == MPI_SUCCESS .and. nkeys == 0, 'Info_delete with leading blanks')
  call MPI_Info_free(info, ierr)

  ! The PMPI_ names come with the module (`use mpi_f08` has the PMPI_ generics, as MPICH's).
  t0 = PMPI_Wtime()
  call check(t0 > 0 .and. PMPI_Wtick() > 0, 'PMPI_Wtime, PMPI_Wtick')
  call MPI_Irecv(rbuf(1), 1, MPI_INTEGER, rank, 11, MPI_COMM_WORLD, reqs(1), ierr)
  call PMPI_Send(sbuf, 1, MPI_INTEGER, rank, 11, MPI_COMM_WORLD, ierr)
  call PMPI_Wait(reqs(1), status, ierr)
  call check(ierr == MPI_SUCCESS .and. rbuf(1) == 7, 'PMPI_Send, PMPI_Wait')

  call MPI_Barrier(MPI_COMM_WORLD, ierr)
  if (rank == 0) print '(a, ": OK (", i0, " checks)")', name, checks
  call MPI_Finalize(ierr)

contains

  subroutine check(ok, what)
    logical, intent(in) :: ok
    character(len=*), intent(in) :: what
    checks = checks + 1
    if (.not. ok) then
      print '(a, ": rank ", i0, ": FAILED: ", a)', name, rank, what
      call MPI_Abort(MPI_COMM_WORLD, 1, ierr)
    end if
  end subroutine check
end program fortran_misc
