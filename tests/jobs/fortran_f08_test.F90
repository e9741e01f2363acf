! `use mpi_f08` end to end: handle types and ==, MPI_Status fields, optional ierror, choice
! buffers of any type and rank (TS 29113), MPI_IN_PLACE, non-contiguous sections (copied for
! blocking calls, MPI_ERR_BUFFER for non-blocking ones: MPI_SUBARRAYS_SUPPORTED is .FALSE.),
! the MPI_Count (large) specifics, pmpi_f08, communicators, groups, a Cartesian halo exchange
! with a derived type, info, attributes with f08 callbacks, error handlers and classes.
! Rank 0 prints "fortran_f08: OK (<n> checks)". tests/compat also builds it with MPICH's
! mpifort and mpi_f08 module (MPICH_MODULE) and runs it on zmpi.
module f08_test_callbacks
  use mpi_f08
  implicit none
  integer :: copies = 0, deletes = 0, handled = 0, handled_code = 0
contains
  subroutine add_one_copy(oldcomm, keyval, extra, vin, vout, flag, ierror)
    type(MPI_Comm) :: oldcomm
    integer :: keyval, ierror
    integer(kind=MPI_ADDRESS_KIND) :: extra, vin, vout
    logical :: flag
    copies = copies + 1
    vout = vin + extra
    flag = oldcomm /= MPI_COMM_NULL .and. keyval /= MPI_KEYVAL_INVALID
    ierror = MPI_SUCCESS
  end subroutine add_one_copy

  subroutine count_delete(comm, keyval, value, extra, ierror)
    type(MPI_Comm) :: comm
    integer :: keyval, ierror
    integer(kind=MPI_ADDRESS_KIND) :: value, extra
    if (comm /= MPI_COMM_NULL .and. keyval /= MPI_KEYVAL_INVALID .and. value + extra > 0) &
        deletes = deletes + 1
    ierror = MPI_SUCCESS
  end subroutine count_delete

  subroutine on_error(comm, code)
    type(MPI_Comm) :: comm
    integer :: code
    if (comm /= MPI_COMM_NULL) handled_code = code
    handled = handled + 1
  end subroutine on_error

  ! MPI_User_function: element-wise maximum of absolute values of INTEGERs.
  subroutine max_abs(invec, inoutvec, len, datatype)
    use, intrinsic :: iso_c_binding, only: c_ptr, c_f_pointer
    type(c_ptr), value :: invec, inoutvec
    integer :: len
    type(MPI_Datatype) :: datatype
    integer, pointer :: a(:), b(:)
    if (datatype /= MPI_INTEGER) return
    call c_f_pointer(invec, a, [len])
    call c_f_pointer(inoutvec, b, [len])
    b = max(abs(a), abs(b))
  end subroutine max_abs

  ! MPI_User_function_c (MPI_Op_create_c): the same with an MPI_COUNT_KIND length.
  subroutine max_abs_c(invec, inoutvec, len, datatype)
    use, intrinsic :: iso_c_binding, only: c_ptr, c_f_pointer
    type(c_ptr), value :: invec, inoutvec
    integer(kind=MPI_COUNT_KIND) :: len
    type(MPI_Datatype) :: datatype
    integer, pointer :: a(:), b(:)
    if (datatype /= MPI_INTEGER) return
    call c_f_pointer(invec, a, [len])
    call c_f_pointer(inoutvec, b, [len])
    b = max(abs(a), abs(b)) + 1000
  end subroutine max_abs_c
end module f08_test_callbacks

program fortran_f08
  use mpi_f08
  use pmpi_f08, only: PMPI_Comm_rank
  use f08_test_callbacks
  implicit none
  integer :: ierr, rank, size, prank, checks, next, prev, count, i, root, eclass, keyval
  type(MPI_Status) :: status, statuses(2)
  type(MPI_Request) :: reqs(2)
  type(MPI_Comm) :: dup, split, cart
  type(MPI_Group) :: wgroup, egroup
  type(MPI_Datatype) :: column
  type(MPI_Info) :: info
  type(MPI_Errhandler) :: errh
  type(MPI_Op) :: op
  integer :: ibuf(10), jbuf(10), grid(3, 4), ranks(1), tranks(1), dims(2), coords(2)
  integer :: north, south, west, east, nkeys, vlen, fstatus(MPI_STATUS_SIZE)
  logical :: flag, periods(2)
  double precision :: dval, dsum, field(0:5, 0:4)
  real :: rmat(4, 3)
  integer(kind=MPI_COUNT_KIND) :: bigcount
  integer(kind=MPI_ADDRESS_KIND) :: value
  character(len=MPI_MAX_INFO_VAL) :: ivalue
  character(len=MPI_MAX_OBJECT_NAME) :: cname

  checks = 0
  call MPI_Init()
  call MPI_Comm_rank(MPI_COMM_WORLD, rank)
  call MPI_Comm_size(MPI_COMM_WORLD, size, ierr)
  call check(ierr == MPI_SUCCESS .and. rank < size, 'Comm_size with and without ierror')
  call PMPI_Comm_rank(MPI_COMM_WORLD, prank)
  call check(prank == rank, 'pmpi_f08')
  call check(MPI_COMM_WORLD /= MPI_COMM_SELF .and. MPI_COMM_WORLD == MPI_COMM_WORLD .and. &
             MPI_COMM_WORLD%MPI_VAL /= 0, 'handle comparisons')
  next = mod(rank + 1, size)
  prev = mod(rank + size - 1, size)

  ! Point to point around a ring, with MPI_Status fields and Get_count.
  ibuf = rank
  call MPI_Send(ibuf, 3 + rank, MPI_INTEGER, next, 10 + rank, MPI_COMM_WORLD)
  jbuf = -1
  call MPI_Recv(jbuf, 10, MPI_INTEGER, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, status)
  call check(status%MPI_SOURCE == prev .and. status%MPI_TAG == 10 + prev, 'status fields')
  call MPI_Status_f082f(status, fstatus)
  call MPI_Status_f2f08(fstatus, statuses(2))
  call check(fstatus(MPI_SOURCE) == prev .and. statuses(2)%MPI_TAG == 10 + prev, &
             'MPI_Status_f082f / f2f08')
  call MPI_Get_count(status, MPI_INTEGER, count)
  call check(count == 3 + prev .and. all(jbuf(1:count) == prev) .and. jbuf(count + 1) == -1, &
             'Recv data and Get_count')
  ! A scalar and MPI_STATUS_IGNORE.
  dval = -1d0
  call MPI_Sendrecv(dble(rank), 1, MPI_DOUBLE_PRECISION, next, 7, dval, 1, &
                    MPI_DOUBLE_PRECISION, prev, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE)
  call check(dval == dble(prev), 'Sendrecv of scalars')
  ! Large-count specifics (INTEGER(KIND=MPI_COUNT_KIND) counts).
  bigcount = 2
  call MPI_Sendrecv(ibuf, bigcount, MPI_INTEGER, next, 8, jbuf, bigcount, MPI_INTEGER, prev, &
                    8, MPI_COMM_WORLD, status, ierr)
  call MPI_Get_count(status, MPI_INTEGER, bigcount)
  call check(ierr == MPI_SUCCESS .and. bigcount == 2 .and. jbuf(2) == prev, 'large count')

  ! Non-blocking with a statuses array, then MPI_STATUSES_IGNORE.
  call MPI_Irecv(jbuf, 4, MPI_INTEGER, prev, 9, MPI_COMM_WORLD, reqs(1))
  call MPI_Isend(ibuf, 4, MPI_INTEGER, next, 9, MPI_COMM_WORLD, reqs(2))
  call MPI_Waitall(2, reqs, statuses)
  call check(statuses(1)%MPI_SOURCE == prev .and. all(jbuf(1:4) == prev) .and. &
             reqs(1) == MPI_REQUEST_NULL, 'Waitall')
  call MPI_Irecv(dval, 1, MPI_DOUBLE_PRECISION, prev, 11, MPI_COMM_WORLD, reqs(1))
  call MPI_Isend(1.5d0 * rank, 1, MPI_DOUBLE_PRECISION, next, 11, MPI_COMM_WORLD, reqs(2))
  call MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE)
  call check(dval == 1.5d0 * prev, 'Waitall with MPI_STATUSES_IGNORE')

  ! Non-contiguous sections: a row of a matrix sent (copied in) and received (copied back).
  grid = reshape([(i, i = 1, 12)], [3, 4]) + 100 * rank
  rmat = -1.0
  call MPI_Sendrecv(grid(2, :), 4, MPI_INTEGER, next, 12, ibuf, 4, MPI_INTEGER, prev, 12, &
                    MPI_COMM_WORLD, MPI_STATUS_IGNORE)
  call check(all(ibuf(1:4) == [2, 5, 8, 11] + 100 * prev), 'non-contiguous send buffer')
  call MPI_Sendrecv(real(grid(:, 1)), 3, MPI_REAL, next, 13, rmat(2, :), 3, MPI_REAL, prev, &
                    13, MPI_COMM_WORLD, MPI_STATUS_IGNORE)
  call check(all(rmat(2, :) == real([1, 2, 3] + 100 * prev)) .and. all(rmat(1, :) == -1.0), &
             'non-contiguous receive buffer')

  ! Collectives: every root, MPI_IN_PLACE, a Fortran user op.
  do root = 0, size - 1
    ibuf(1) = merge(42 + root, -1, rank == root)
    call MPI_Bcast(ibuf, 1, MPI_INTEGER, root, MPI_COMM_WORLD)
    call check(ibuf(1) == 42 + root, 'Bcast')
    call MPI_Reduce(rank + 1, count, 1, MPI_INTEGER, MPI_SUM, root, MPI_COMM_WORLD)
    if (rank == root) call check(count == size * (size + 1) / 2, 'Reduce')
  end do
  dsum = rank
  call MPI_Allreduce(MPI_IN_PLACE, dsum, 1, MPI_DOUBLE_PRECISION, MPI_SUM, MPI_COMM_WORLD)
  call check(dsum == dble(size * (size - 1) / 2), 'Allreduce MPI_IN_PLACE')
  call MPI_Op_create(max_abs, .true., op)
  ibuf(1:2) = [-rank * 3, rank]
  call MPI_Allreduce(ibuf, jbuf, 2, MPI_INTEGER, op, MPI_COMM_WORLD)
  call check(jbuf(1) == 3 * (size - 1) .and. jbuf(2) == size - 1, 'Fortran user op')
  call MPI_Op_free(op)
  call check(op == MPI_OP_NULL, 'Op_free')
#ifndef MPICH_MODULE
  call MPI_Op_create_c(max_abs_c, .true., op)
  call MPI_Reduce(ibuf, jbuf, 2, MPI_INTEGER, op, 0, MPI_COMM_WORLD)
  if (rank == 0 .and. size > 1) call check(jbuf(1) >= 1000 + 3 .and. jbuf(2) >= 1000, &
                                           'Op_create_c')
  call MPI_Op_free(op)
#endif
  jbuf = -1
  call MPI_Allgather(rank, 1, MPI_INTEGER, jbuf, 1, MPI_INTEGER, MPI_COMM_WORLD)
  call check(all(jbuf(1:size) == [(i, i = 0, size - 1)]), 'Allgather')
  ibuf(1:size) = [(rank * 10 + i, i = 0, size - 1)]
  call MPI_Alltoall(ibuf, 1, MPI_INTEGER, jbuf, 1, MPI_INTEGER, MPI_COMM_WORLD)
  call check(all(jbuf(1:size) == [(i * 10 + rank, i = 0, size - 1)]), 'Alltoall')

  ! Communicators and groups.
  call MPI_Comm_split(MPI_COMM_WORLD, mod(rank, 2), -rank, split)
  call MPI_Comm_size(split, count)
  call check(count == (size + 1 - mod(rank, 2)) / 2, 'Comm_split')
  call MPI_Comm_group(MPI_COMM_WORLD, wgroup)
  ranks(1) = size - 1
  call MPI_Group_incl(wgroup, 1, ranks, egroup)
  call MPI_Group_translate_ranks(egroup, 1, [0], wgroup, tranks)
  call check(tranks(1) == size - 1, 'Group_translate_ranks')
  call MPI_Group_free(egroup)
  call MPI_Group_free(wgroup)
  call check(wgroup == MPI_GROUP_NULL, 'Group_free')
  call MPI_Comm_set_name(split, 'f08 split')
  call MPI_Comm_get_name(split, cname, count)
  call check(cname == 'f08 split' .and. count == 9, 'Comm_set_name/get_name')
  call MPI_Comm_free(split)

  ! A 2-D periodic Cartesian grid and a halo exchange of columns with a vector type.
  dims = 0
  call MPI_Dims_create(size, 2, dims)
  periods = .true.
  call MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, .false., cart)
  call MPI_Cart_coords(cart, rank, 2, coords)
  call MPI_Cart_shift(cart, 0, 1, north, south)
  call MPI_Cart_shift(cart, 1, 1, west, east)
  field = -1d0
  field(1:4, 1:3) = rank
  call MPI_Type_vector(3, 1, 6, MPI_DOUBLE_PRECISION, column)
  call MPI_Type_commit(column)
  ! Rows 1..4 of field(0:5, 0:4) are contiguous in the first dimension: a "column" of the
  ! halo is field(i, 1:3), stride 6.
  call MPI_Sendrecv(field(4, 1), 1, column, south, 20, field(0, 1), 1, column, north, 20, &
                    cart, MPI_STATUS_IGNORE)
  call MPI_Sendrecv(field(1:4, 3), 4, MPI_DOUBLE_PRECISION, east, 21, field(1:4, 0), 4, &
                    MPI_DOUBLE_PRECISION, west, 21, cart, MPI_STATUS_IGNORE)
  call check(all(field(0, 1:3) == dble(north)) .and. all(field(1:4, 0) == dble(west)) .and. &
             field(0, 0) == -1d0, 'Cartesian halo exchange')
  ! A collective with the derived type: rank 0's column 2 to everyone.
  field(2, 1:3) = rank + 7
  call MPI_Bcast(field(2, 1), 1, column, 0, cart)
  call check(all(field(2, 1:3) == 7d0) .and. all(field(3, 1:3) == dble(rank)), &
             'Bcast with a vector type')
  call MPI_Type_free(column)
  call MPI_Comm_free(cart)

  ! Info.
  call MPI_Info_create(info)
  call MPI_Info_set(info, 'zmpi_key', 'some value')
  call MPI_Info_get_nkeys(info, nkeys)
  vlen = len(ivalue)
  call MPI_Info_get_string(info, 'zmpi_key', vlen, ivalue, flag)
  call check(nkeys == 1 .and. flag .and. ivalue == 'some value' .and. vlen == 10, 'Info')
  call MPI_Info_free(info)
  call check(info == MPI_INFO_NULL, 'Info_free')

  ! Attributes with f08 copy/delete procedures, and MPI_COMM_DUP_FN.
  call MPI_Comm_create_keyval(add_one_copy, count_delete, keyval, 1_MPI_ADDRESS_KIND)
  call MPI_Comm_set_attr(MPI_COMM_WORLD, keyval, 41_MPI_ADDRESS_KIND)
  call MPI_Comm_dup(MPI_COMM_WORLD, dup)
  call MPI_Comm_get_attr(dup, keyval, value, flag)
  call check(flag .and. value == 42 .and. copies == 1, 'f08 copy callback')
  call MPI_Comm_free(dup)
  call check(deletes == 1 .and. dup == MPI_COMM_NULL, 'f08 delete callback')
  call MPI_Comm_delete_attr(MPI_COMM_WORLD, keyval)
  call MPI_Comm_free_keyval(keyval)
  call MPI_Comm_create_keyval(MPI_COMM_DUP_FN, MPI_COMM_NULL_DELETE_FN, keyval, 0_MPI_ADDRESS_KIND)
  call MPI_Comm_set_attr(MPI_COMM_WORLD, keyval, 7_MPI_ADDRESS_KIND)
  call MPI_Comm_dup(MPI_COMM_WORLD, dup)
  call MPI_Comm_get_attr(dup, keyval, value, flag)
  call check(flag .and. value == 7, 'MPI_COMM_DUP_FN (f08)')
  call MPI_Comm_free(dup)
  call MPI_Comm_delete_attr(MPI_COMM_WORLD, keyval)
  call MPI_Comm_free_keyval(keyval)
  call MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, value, flag)
  call check(flag .and. value >= 32767, 'MPI_TAG_UB')

  ! Error classes under MPI_ERRORS_RETURN, and a Fortran error handler.
  call MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN)
  call MPI_Send(ibuf, 1, MPI_INTEGER, size, 0, MPI_COMM_WORLD, ierr)
  call MPI_Error_class(ierr, eclass)
  call check(eclass == MPI_ERR_RANK, 'MPI_ERR_RANK')
  call MPI_Send(ibuf, -1, MPI_INTEGER, 0, 0, MPI_COMM_WORLD, ierr)
  call MPI_Error_class(ierr, eclass)
  call check(eclass == MPI_ERR_COUNT, 'MPI_ERR_COUNT')
  call MPI_Send(ibuf, 1, MPI_DATATYPE_NULL, 0, 0, MPI_COMM_WORLD, ierr)
  call MPI_Error_class(ierr, eclass)
  call check(eclass == MPI_ERR_TYPE, 'MPI_ERR_TYPE')
  ! Non-contiguous sections in non-blocking calls: a buffer with its own count (the whole
  ! section) and datatype (one element) goes as a derived datatype over the section ...
  grid = reshape([(i, i = 1, 12)], [3, 4]) + 100 * rank
  rmat = -1.0
  call MPI_Irecv(grid(3, :), 4, MPI_INTEGER, prev, 30, MPI_COMM_WORLD, reqs(1))
  call MPI_Isend(grid(1, :), 4, MPI_INTEGER, next, 30, MPI_COMM_WORLD, reqs(2))
  call MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE, ierr)
  call check(ierr == MPI_SUCCESS .and. all(grid(3, :) == [1, 4, 7, 10] + 100 * prev) .and. &
             all(grid(2, :) == [2, 5, 8, 11] + 100 * rank), 'non-contiguous Isend/Irecv')
#ifndef MPICH_MODULE
  ! ... anything else is not allowed without subarray support (MPI_ERR_BUFFER). Built against
  ! MPICH's module (MPI_SUBARRAYS_SUPPORTED = .TRUE.) a program may expect more:
  ! docs/fortran.md.
  call MPI_Isend(grid(1, :), 2, MPI_INTEGER, next, 31, MPI_COMM_WORLD, reqs(1), ierr)
  call MPI_Error_class(ierr, eclass)
  call check(eclass == MPI_ERR_BUFFER, 'part of a non-contiguous section: MPI_ERR_BUFFER')
  call check(.not. MPI_SUBARRAYS_SUPPORTED .and. MPI_ASYNC_PROTECTS_NONBLOCKING, &
             'the f08 LOGICAL constants')
#endif
  call MPI_Comm_create_errhandler(on_error, errh)
  call MPI_Comm_dup(MPI_COMM_WORLD, dup)
  call MPI_Comm_set_errhandler(dup, errh)
  call MPI_Send(ibuf, 1, MPI_INTEGER, 0, -5, dup)
  call MPI_Error_class(handled_code, eclass)
  call check(handled == 1 .and. eclass == MPI_ERR_TAG, 'f08 error handler')
  call MPI_Errhandler_free(errh)
  call MPI_Comm_free(dup)

  call check(MPI_Wtime() > 0d0, 'Wtime')
  call MPI_F_sync_reg(field)
  call MPI_Barrier(MPI_COMM_WORLD)
  call MPI_Finalize(ierr)
  if (rank == 0) print '(a, i0, a)', 'fortran_f08: OK (', checks, ' checks)'

contains

  subroutine check(ok, what)
    logical, intent(in) :: ok
    character(len=*), intent(in) :: what
    checks = checks + 1
    if (.not. ok) then
      print '(a, i0, a, a)', 'rank ', rank, ': FAILED: ', what
      call MPI_Abort(MPI_COMM_WORLD, 1)
    end if
  end subroutine check

end program fortran_f08
