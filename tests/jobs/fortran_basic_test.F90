! The Fortran binding end to end (MPICH's Fortran ABI): built twice, with mpif.h and with
! `use mpi` (USE_MPI_MODULE). Rank 0 prints "<name>: OK (<n> checks)" when every check held;
! a failed check prints what failed and aborts with code 1.
program fortran_basic
#ifdef USE_MPI_MODULE
  use mpi
  implicit none
#else
  implicit none
  include 'mpif.h'
#endif
  integer :: ierr, rank, size, checks, i, color, newcomm, nrank, nsize, prev, next
  integer :: status(MPI_STATUS_SIZE), ival, ibuf(8), count, eclass, sum_int
  double precision :: dval, dsum, pair(2), pairout(2), t0, t1
  integer :: cart, dims(2), coords(2), up, down, left, right, vtype
  logical :: periods(2), flag
  integer, parameter :: nx = 4, ny = 3
  double precision :: field(0:nx+1, 0:ny+1)
  character(len=MPI_MAX_OBJECT_NAME) :: cname
  character(len=MPI_MAX_PROCESSOR_NAME) :: pname
  character(len=MPI_MAX_ERROR_STRING) :: estring
  integer :: namelen, info, nkeys
  character(len=16) :: ivalue
  integer :: reqs(2), statuses(MPI_STATUS_SIZE, 2)
  logical :: lin, lout
  integer(kind=MPI_ADDRESS_KIND) :: lb, extent
  integer :: ipair(2), ipairout(2)
  real :: r, rpair(2), rpairout(2)
  complex :: z
  integer(kind=8) :: i8
  integer :: myop, errh, ivec(3), ovec(3)
  external :: fortran_max_abs, fortran_errhandler
  integer :: handled_code, handled_count, newclass, newcode
  integer(kind=MPI_ADDRESS_KIND) :: psize, ppos
  character :: packed(64)
  integer :: unpacked(3)
  integer :: displs(10), counts(10), htype, stype, iextent, ilb, iub, packbuf(10), position
  integer :: types(2), inbuf(10), outbuf(10), iaddr
  integer(kind=MPI_ADDRESS_KIND) :: addr8
  common /fortran_errh/ handled_code, handled_count
#ifdef USE_MPI_MODULE
  character(len=*), parameter :: name = 'fortran_module'
#else
  character(len=*), parameter :: name = 'fortran_mpifh'
#endif

  checks = 0
  call MPI_Init(ierr)
  call check(ierr == MPI_SUCCESS, 'MPI_Init')
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, size, ierr)
  call check(rank >= 0 .and. rank < size, 'rank in range')
  call MPI_Initialized(flag, ierr)
  call check(flag, 'MPI_Initialized is .TRUE.')
  next = mod(rank + 1, size)
  prev = mod(rank + size - 1, size)

  ! Send/recv around a ring with status fields and MPI_Get_count.
  ibuf = rank
  call MPI_Send(ibuf, 3 + rank, MPI_INTEGER, next, 10 + rank, MPI_COMM_WORLD, ierr)
  ibuf = -1
  call MPI_Recv(ibuf, 8, MPI_INTEGER, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, status, ierr)
  call check(ierr == MPI_SUCCESS, 'MPI_Recv')
  call check(status(MPI_SOURCE) == prev, 'status(MPI_SOURCE)')
  call check(status(MPI_TAG) == 10 + prev, 'status(MPI_TAG)')
  call MPI_Get_count(status, MPI_INTEGER, count, ierr)
  call check(count == 3 + prev, 'MPI_Get_count')
  call check(all(ibuf(1:count) == prev) .and. ibuf(count + 1) == -1, 'received data')

  ! Sendrecv with MPI_STATUS_IGNORE.
  dval = -1d0
  call MPI_Sendrecv(dble(rank) + 0.5d0, 1, MPI_DOUBLE_PRECISION, next, 7, dval, 1, &
                    MPI_DOUBLE_PRECISION, prev, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE, ierr)
  call check(ierr == MPI_SUCCESS .and. dval == dble(prev) + 0.5d0, 'MPI_Sendrecv')

  ! Isend/Irecv/Waitall with a statuses array, then MPI_STATUSES_IGNORE.
  ival = -1
  call MPI_Irecv(ival, 1, MPI_INTEGER, prev, 8, MPI_COMM_WORLD, reqs(1), ierr)
  call MPI_Isend(rank, 1, MPI_INTEGER, next, 8, MPI_COMM_WORLD, reqs(2), ierr)
  call MPI_Waitall(2, reqs, statuses, ierr)
  call check(ival == prev .and. statuses(MPI_SOURCE, 1) == prev, 'MPI_Waitall')
  call check(reqs(1) == MPI_REQUEST_NULL .and. reqs(2) == MPI_REQUEST_NULL, 'requests freed')
  call MPI_Irecv(ival, 1, MPI_INTEGER, prev, 9, MPI_COMM_WORLD, reqs(1), ierr)
  call MPI_Isend(rank * 2, 1, MPI_INTEGER, next, 9, MPI_COMM_WORLD, reqs(2), ierr)
  call MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE, ierr)
  call check(ierr == MPI_SUCCESS .and. ival == prev * 2, 'MPI_Waitall(MPI_STATUSES_IGNORE)')

  ! Bcast from every root.
  do i = 0, size - 1
    ival = -1
    if (rank == i) ival = 100 + i
    call MPI_Bcast(ival, 1, MPI_INTEGER, i, MPI_COMM_WORLD, ierr)
    call check(ival == 100 + i, 'MPI_Bcast')
  end do

  ! Allreduce: SUM on DOUBLE PRECISION, MAXLOC on 2DOUBLE_PRECISION, SUM in place on INTEGER,
  ! LAND/LOR on LOGICAL.
  call MPI_Allreduce(dble(rank + 1), dsum, 1, MPI_DOUBLE_PRECISION, MPI_SUM, MPI_COMM_WORLD, ierr)
  call check(dsum == dble(size * (size + 1) / 2), 'Allreduce SUM DOUBLE PRECISION')
  pair(1) = dble(mod(rank * 7, size + 1))
  pair(2) = dble(rank)
  call MPI_Allreduce(pair, pairout, 1, MPI_2DOUBLE_PRECISION, MPI_MAXLOC, MPI_COMM_WORLD, ierr)
  dval = -1d0
  ival = -1
  do i = 0, size - 1
    if (dble(mod(i * 7, size + 1)) > dval) then
      dval = dble(mod(i * 7, size + 1))
      ival = i
    end if
  end do
  call check(pairout(1) == dval .and. pairout(2) == dble(ival), 'MAXLOC 2DOUBLE_PRECISION')
  sum_int = rank
  call MPI_Allreduce(MPI_IN_PLACE, sum_int, 1, MPI_INTEGER, MPI_SUM, MPI_COMM_WORLD, ierr)
  call check(sum_int == size * (size - 1) / 2, 'Allreduce MPI_IN_PLACE')
  lin = rank /= 0
  call MPI_Allreduce(lin, lout, 1, MPI_LOGICAL, MPI_LAND, MPI_COMM_WORLD, ierr)
  call check(ierr == MPI_SUCCESS .and. (lout .eqv. (size == 1 .and. .false.)), 'LAND LOGICAL')
  call MPI_Allreduce(lin, lout, 1, MPI_LOGICAL, MPI_LOR, MPI_COMM_WORLD, ierr)
  call check(ierr == MPI_SUCCESS .and. (lout .eqv. (size > 1)), 'LOR LOGICAL')

  ! Other Fortran types: REAL, COMPLEX, INTEGER*8 sums; MINLOC on 2INTEGER, MAXLOC on 2REAL.
  call MPI_Allreduce(real(rank) * 0.5, r, 1, MPI_REAL, MPI_SUM, MPI_COMM_WORLD, ierr)
  call check(ierr == MPI_SUCCESS .and. r == real(size * (size - 1)) * 0.25, 'SUM REAL')
  call MPI_Allreduce(cmplx(1.0, real(rank)), z, 1, MPI_COMPLEX, MPI_SUM, MPI_COMM_WORLD, ierr)
  call check(z == cmplx(real(size), real(size * (size - 1) / 2)), 'SUM COMPLEX')
  call MPI_Allreduce(int(rank, 8) * 4000000000_8, i8, 1, MPI_INTEGER8, MPI_SUM, &
                     MPI_COMM_WORLD, ierr)
  call check(i8 == int(size * (size - 1) / 2, 8) * 4000000000_8, 'SUM INTEGER8')
  ipair(1) = mod(rank + 1, 3)
  ipair(2) = rank
  call MPI_Allreduce(ipair, ipairout, 1, MPI_2INTEGER, MPI_MINLOC, MPI_COMM_WORLD, ierr)
  call check(ipairout(1) == merge(0, 1, size >= 3) .and. &
             ipairout(2) == merge(2, 0, size >= 3), 'MINLOC 2INTEGER')
  rpair(1) = real(size - rank)
  rpair(2) = real(rank)
  call MPI_Allreduce(rpair, rpairout, 1, MPI_2REAL, MPI_MAXLOC, MPI_COMM_WORLD, ierr)
  call check(rpairout(1) == real(size) .and. rpairout(2) == 0.0, 'MAXLOC 2REAL')

  ! A user op written in Fortran (non-commutative registration, MPI's order of operands).
  call MPI_Op_create(fortran_max_abs, .false., myop, ierr)
  call check(ierr == MPI_SUCCESS .and. myop /= MPI_OP_NULL, 'Op_create')
  ivec = (/ rank, -rank * 2, 5 /)
  call MPI_Allreduce(ivec, ovec, 3, MPI_INTEGER, myop, MPI_COMM_WORLD, ierr)
  call check(ovec(1) == size - 1 .and. ovec(2) == 2 * (size - 1) .and. ovec(3) == 5, &
             'Fortran user op')
  call MPI_Op_free(myop, ierr)
  call check(myop == MPI_OP_NULL, 'Op_free')

  ! Comm_split into even and odd ranks; names on CHARACTER arguments.
  color = mod(rank, 2)
  call MPI_Comm_split(MPI_COMM_WORLD, color, -rank, newcomm, ierr)
  call MPI_Comm_rank(newcomm, nrank, ierr)
  call MPI_Comm_size(newcomm, nsize, ierr)
  call check(nsize == (size + 1 - color) / 2, 'Comm_split size')
  call check(nrank == nsize - 1 - rank / 2, 'Comm_split rank (key -rank)')
  call MPI_Comm_set_name(newcomm, 'halves   ', ierr)
  cname = 'x'
  call MPI_Comm_get_name(newcomm, cname, namelen, ierr)
  call check(ierr == MPI_SUCCESS .and. cname == 'halves' .and. namelen == 6, 'Comm_get_name')
  call MPI_Comm_get_name(MPI_COMM_WORLD, cname, namelen, ierr)
  call check(cname == 'MPI_COMM_WORLD' .and. namelen == 14, 'MPI_COMM_WORLD name')
  call MPI_Comm_free(newcomm, ierr)
  call check(newcomm == MPI_COMM_NULL, 'Comm_free')
  call MPI_Get_processor_name(pname, namelen, ierr)
  call check(namelen > 0 .and. len_trim(pname) == namelen, 'Get_processor_name')

  ! Info with CHARACTER keys and values.
  call MPI_Info_create(info, ierr)
  call MPI_Info_set(info, 'zkey', 'value 1  ', ierr)
  call MPI_Info_get_nkeys(info, nkeys, ierr)
  call MPI_Info_get(info, 'zkey', 16, ivalue, flag, ierr)
  call check(nkeys == 1 .and. flag .and. ivalue == 'value 1', 'Info set/get')
  call MPI_Info_free(info, ierr)

  ! Cartesian 2-D grid, halo exchange of a column with MPI_Type_vector and of a row.
  dims = 0
  call MPI_Dims_create(size, 2, dims, ierr)
  periods = .true.
  call MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, .false., cart, ierr)
  call check(ierr == MPI_SUCCESS .and. cart /= MPI_COMM_NULL, 'Cart_create')
  call MPI_Comm_rank(cart, nrank, ierr)
  call MPI_Cart_coords(cart, nrank, 2, coords, ierr)
  call MPI_Cart_shift(cart, 0, 1, left, right, ierr)
  call MPI_Cart_shift(cart, 1, 1, down, up, ierr)
  field = -1d0
  field(1:nx, 1:ny) = dble(nrank)
  ! Rows of x (fixed j) are contiguous; a column (fixed i) is ny elements nx+2 apart.
  call MPI_Type_vector(ny, 1, nx + 2, MPI_DOUBLE_PRECISION, vtype, ierr)
  call MPI_Type_commit(vtype, ierr)
  call MPI_Type_get_extent(vtype, lb, extent, ierr)
  call check(lb == 0 .and. extent == int(((ny - 1) * (nx + 2) + 1) * 8, MPI_ADDRESS_KIND), &
             'Type_get_extent (ADDRESS_KIND)')
  call MPI_Sendrecv(field(nx, 1), 1, vtype, right, 1, field(0, 1), 1, vtype, left, 1, cart, &
                    status, ierr)
  call MPI_Sendrecv(field(1, 1), 1, vtype, left, 2, field(nx + 1, 1), 1, vtype, right, 2, cart, &
                    status, ierr)
  call MPI_Sendrecv(field(1, ny), nx, MPI_DOUBLE_PRECISION, up, 3, field(1, 0), nx, &
                    MPI_DOUBLE_PRECISION, down, 3, cart, status, ierr)
  call check(all(field(0, 1:ny) == dble(left)) .and. all(field(nx + 1, 1:ny) == dble(right)), &
             'halo columns (Type_vector)')
  call check(all(field(1:nx, 0) == dble(down)) .and. field(0, 0) == -1d0, 'halo row')
  call MPI_Type_free(vtype, ierr)
  call MPI_Comm_free(cart, ierr)

  ! A predefined attribute through its Fortran keyval, as INTEGER(KIND=MPI_ADDRESS_KIND).
  call MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, lb, flag, ierr)
  call check(ierr == MPI_SUCCESS .and. flag .and. lb >= 32767, 'Comm_get_attr(MPI_TAG_UB)')

  ! Wtime is DOUBLE PRECISION and increases.
  t0 = MPI_Wtime()
  t1 = MPI_Wtime()
  call check(t0 > 0d0 .and. t1 >= t0 .and. MPI_Wtick() > 0d0, 'MPI_Wtime')

  ! Errors return their class under MPI_ERRORS_RETURN; the string comes blank-padded.
  call MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN, ierr)
  call MPI_Send(ival, 1, MPI_INTEGER, size, 0, MPI_COMM_WORLD, ierr)
  call MPI_Error_class(ierr, eclass, ierr)
  call check(eclass == MPI_ERR_RANK, 'error class MPI_ERR_RANK')
  call MPI_Send(ival, -1, MPI_INTEGER, 0, 0, MPI_COMM_WORLD, ierr)
  call MPI_Error_class(ierr, eclass, ierr)
  call check(eclass == MPI_ERR_COUNT, 'error class MPI_ERR_COUNT')
  ! An error handler written in Fortran sees the communicator and the code.
  handled_code = 0
  handled_count = 0
  call MPI_Comm_create_errhandler(fortran_errhandler, errh, ierr)
  call MPI_Comm_dup(MPI_COMM_WORLD, newcomm, ierr)
  call MPI_Comm_set_errhandler(newcomm, errh, ierr)
  call MPI_Send(ival, 1, MPI_INTEGER, 0, -5, newcomm, ierr)
  call MPI_Error_class(handled_code, eclass, ierr)
  call check(handled_count == 1 .and. eclass == MPI_ERR_TAG, 'Fortran errhandler')
  call MPI_Errhandler_free(errh, ierr)
  call MPI_Comm_free(newcomm, ierr)
  ! Input CHARACTER arguments of generated bindings: a new error string, external32 packing.
  call MPI_Add_error_class(newclass, ierr)
  call MPI_Add_error_code(newclass, newcode, ierr)
  call MPI_Add_error_string(newcode, 'zmpi fortran error   ', ierr)
  call MPI_Error_string(newcode, estring, namelen, ierr)
  call check(ierr == MPI_SUCCESS .and. estring == 'zmpi fortran error' .and. namelen == 18, &
             'Add_error_string')
  call MPI_Pack_external_size('external32', 3, MPI_INTEGER, psize, ierr)
  call check(ierr == MPI_SUCCESS .and. psize == 12, 'Pack_external_size')
  ppos = 0
  call MPI_Pack_external('external32', (/ 1, 258, -1 /), 3, MPI_INTEGER, packed, 64_8, ppos, ierr)
  call check(ierr == MPI_SUCCESS .and. ppos == 12 .and. ichar(packed(4)) == 1 .and. &
             ichar(packed(7)) == 1 .and. ichar(packed(8)) == 2, 'Pack_external (big-endian)')
  ppos = 0
  call MPI_Unpack_external('external32', packed, 12_8, ppos, unpacked, 3, MPI_INTEGER, ierr)
  call check(all(unpacked == (/ 1, 258, -1 /)) .and. ppos == 12, 'Unpack_external')
  call MPI_Error_string(MPI_ERR_TAG, estring, namelen, ierr)
  call check(namelen > 0 .and. len_trim(estring) == namelen, 'Error_string')

  ! The MPI-1 routines take default INTEGER addresses, extents and displacements in Fortran.
  counts = 1
  do i = 1, 10
    displs(i) = (10 - i) * 4
    inbuf(i) = i
  end do
  call MPI_Type_hindexed(10, counts, displs, MPI_INTEGER, htype, ierr)
  call MPI_Type_commit(htype, ierr)
  call check(ierr == MPI_SUCCESS, 'Type_hindexed (INTEGER displacements)')
  position = 0
  call MPI_Pack(inbuf, 1, htype, packbuf, 40, position, MPI_COMM_WORLD, ierr)
  call check(ierr == MPI_SUCCESS .and. position == 40, 'Pack of Type_hindexed')
  call check(all(packbuf == (/ (11 - i, i = 1, 10) /)), 'Type_hindexed reverses')
  call MPI_Type_extent(htype, iextent, ierr)
  call MPI_Type_lb(htype, ilb, ierr)
  call MPI_Type_ub(htype, iub, ierr)
  call check(ierr == MPI_SUCCESS .and. iextent == 40 .and. ilb == 0 .and. iub == 40, &
             'Type_extent, Type_lb, Type_ub (INTEGER)')
  call MPI_Type_free(htype, ierr)
  call MPI_Type_hvector(3, 1, 12, MPI_INTEGER, htype, ierr)
  call MPI_Type_commit(htype, ierr)
  position = 0
  call MPI_Pack(inbuf, 1, htype, packbuf, 40, position, MPI_COMM_WORLD, ierr)
  call check(ierr == MPI_SUCCESS .and. position == 12 .and. packbuf(1) == 1 .and. &
             packbuf(2) == 4 .and. packbuf(3) == 7, 'Type_hvector (INTEGER stride)')
  call MPI_Type_free(htype, ierr)
  types = (/ MPI_INTEGER, MPI_DOUBLE_PRECISION /)
  counts(1:2) = (/ 1, 1 /)
  displs(1:2) = (/ 0, 8 /)
  call MPI_Type_struct(2, counts, displs, types, stype, ierr)
  call MPI_Type_extent(stype, iextent, ierr)
  call check(ierr == MPI_SUCCESS .and. iextent == 16, 'Type_struct (INTEGER displacements)')
  call MPI_Type_free(stype, ierr)
  call MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN, ierr)
  call MPI_Type_hindexed(-1, counts, displs, MPI_INTEGER, htype, ierr)
  call MPI_Error_class(ierr, eclass, ierr)
  call check(eclass == MPI_ERR_COUNT, 'Type_hindexed(-1): MPI_ERR_COUNT')
  ! MPI_ADDRESS: the address when it fits an INTEGER, else MPI_ERR_VALUE_TOO_LARGE.
  call MPI_Get_address(inbuf, addr8, ierr)
  iaddr = -1
  call MPI_Address(inbuf, iaddr, ierr)
  if (addr8 == int(int(addr8, 4), 8)) then
    call check(ierr == MPI_SUCCESS .and. iaddr == addr8, 'Address (fits an INTEGER)')
  else
    call MPI_Error_class(ierr, eclass, ierr)
    call check(eclass == MPI_ERR_VALUE_TOO_LARGE .and. iaddr == -1, &
               'Address: MPI_ERR_VALUE_TOO_LARGE')
  end if
  outbuf = 0

  call MPI_F_sync_reg(field)
  call MPI_Barrier(MPI_COMM_WORLD, ierr)
  call MPI_Finalize(ierr)
  if (rank == 0) print '(a, a, i0, a)', name, ': OK (', checks, ' checks)'

contains

  subroutine check(ok, what)
    logical, intent(in) :: ok
    character(len=*), intent(in) :: what
    integer :: e
    checks = checks + 1
    if (.not. ok) then
      print '(a, i0, a, a)', 'rank ', rank, ': FAILED: ', what
      call MPI_Abort(MPI_COMM_WORLD, 1, e)
    end if
  end subroutine check

end program fortran_basic

! MPI_User_function in Fortran: element-wise maximum of absolute values.
subroutine fortran_max_abs(invec, inoutvec, len, datatype)
  implicit none
  integer :: len, datatype, i
  integer :: invec(len), inoutvec(len)
  do i = 1, len
    inoutvec(i) = max(abs(invec(i)), abs(inoutvec(i)))
  end do
end subroutine fortran_max_abs

! MPI_Comm_errhandler_function in Fortran: records the code, returns.
subroutine fortran_errhandler(comm, code)
  implicit none
  integer :: comm, code
  integer :: handled_code, handled_count
  common /fortran_errh/ handled_code, handled_count
  if (comm /= 0) handled_code = code
  handled_count = handled_count + 1
end subroutine fortran_errhandler
