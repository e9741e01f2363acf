! Attribute caching and the other Fortran callbacks behind C trampolines, built with mpif.h and
! with `use mpi` (USE_MPI_MODULE): keyvals with Fortran copy/delete procedures on
! communicators, datatypes and windows, the predefined MPI_COMM_DUP_FN ... EXTERNALs, the
! deprecated INTEGER forms (MPI_KEYVAL_CREATE, MPI_ATTR_PUT/GET), generalized requests, file
! error handlers, MPI_SESSION_GET_NTH_PSET. Rank 0 prints "<name>: OK (<n> checks)".
program fortran_keyval
#ifdef USE_MPI_MODULE
  use mpi
  implicit none
#else
  implicit none
  include 'mpif.h'
#endif
  integer :: ierr, rank, size, checks, keyval, tkeyval, wkeyval, okeyval, dupkey, nullkey
  integer :: comm2, comm3, dtype, win, eclass, request, errh, ival, session, npsets, plen
  integer :: status(MPI_STATUS_SIZE)
  integer(kind=MPI_ADDRESS_KIND) :: value, extra, wsize, caddr
  integer :: cok
  ! VOLATILE: the library changes it (through the address it kept) during MPI_Wait.
  integer(kind=MPI_ADDRESS_KIND), volatile :: greq_extra
  logical :: flag
  integer :: copies, deletes, last_extra, greq_calls(3), file_codes, file_last
  integer :: wbuf(4)
  character(len=64) :: pname
  external :: count_copy, count_delete, old_copy, greq_query, greq_free, greq_cancel
  external :: file_handler
  common /fk_counts/ copies, deletes, last_extra
  common /fk_greq/ greq_calls
  common /fk_file/ file_codes, file_last
#ifdef USE_MPI_MODULE
  character(len=*), parameter :: name = 'fortran_keyval_module'
#else
  character(len=*), parameter :: name = 'fortran_keyval_mpifh'
#endif

  checks = 0
  copies = 0
  deletes = 0
  call MPI_Init(ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, size, ierr)

  ! A communicator keyval with Fortran callbacks: the copy adds 1, the delete counts.
  extra = 1000
  call MPI_Comm_create_keyval(count_copy, count_delete, keyval, extra, ierr)
  call check(ierr == MPI_SUCCESS, 'Comm_create_keyval')
  value = 40 + rank
  call MPI_Comm_set_attr(MPI_COMM_WORLD, keyval, value, ierr)
  value = -1
  call MPI_Comm_get_attr(MPI_COMM_WORLD, keyval, value, flag, ierr)
  call check(ierr == MPI_SUCCESS .and. flag .and. value == 40 + rank, 'Comm_get_attr')
  call MPI_Comm_dup(MPI_COMM_WORLD, comm2, ierr)
  call check(copies == 1 .and. last_extra == 1000, 'copy callback ran with extra_state')
  call MPI_Comm_get_attr(comm2, keyval, value, flag, ierr)
  call check(flag .and. value == 41 + rank, 'copied attribute value (copy callback)')
  ! Across languages (fortran_attr_c.c): C reads a pointer to the value set from Fortran (and
  ! to the value the Fortran copy procedure made); Fortran reads C's pointer as it is.
  call zt_c_reads_aint(MPI_COMM_WORLD, keyval, 40_8 + rank, cok)
  call check(cok == 1, 'C reads a pointer to the value set from Fortran')
  call zt_c_reads_aint(comm2, keyval, 41_8 + rank, cok)
  call check(cok == 1, 'C reads a pointer to the copied value')
  call zt_c_sets_pointer(comm2, keyval, caddr)
  call check(deletes == 1, 'delete callback when C replaces the value')
  call MPI_Comm_get_attr(comm2, keyval, value, flag, ierr)
  call check(flag .and. value == caddr, 'Fortran reads the pointer set from C')
  call MPI_Comm_free(comm2, ierr)
  call check(deletes == 2, 'delete callback on Comm_free')
  call MPI_Comm_delete_attr(MPI_COMM_WORLD, keyval, ierr)
  call check(deletes == 3, 'delete callback on Comm_delete_attr')
  call MPI_Comm_get_attr(MPI_COMM_WORLD, keyval, value, flag, ierr)
  call check(ierr == MPI_SUCCESS .and. .not. flag, 'attribute gone')
  call MPI_Comm_free_keyval(keyval, ierr)
  call check(keyval == MPI_KEYVAL_INVALID, 'Comm_free_keyval')

  ! The predefined EXTERNALs: MPI_COMM_DUP_FN copies, MPI_COMM_NULL_COPY_FN does not.
  call MPI_Comm_create_keyval(MPI_COMM_DUP_FN, MPI_COMM_NULL_DELETE_FN, dupkey, 0_8, ierr)
  call MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN, nullkey, 0_8, ierr)
  call MPI_Comm_set_attr(MPI_COMM_WORLD, dupkey, 123456789012_8, ierr)
  call MPI_Comm_set_attr(MPI_COMM_WORLD, nullkey, 7_8, ierr)
  call MPI_Comm_dup(MPI_COMM_WORLD, comm2, ierr)
  call MPI_Comm_get_attr(comm2, dupkey, value, flag, ierr)
  call check(flag .and. value == 123456789012_8, 'MPI_COMM_DUP_FN (64-bit value)')
  call MPI_Comm_get_attr(comm2, nullkey, value, flag, ierr)
  call check(ierr == MPI_SUCCESS .and. .not. flag, 'MPI_COMM_NULL_COPY_FN')
  call MPI_Comm_free(comm2, ierr)
  call MPI_Comm_delete_attr(MPI_COMM_WORLD, dupkey, ierr)
  call MPI_Comm_delete_attr(MPI_COMM_WORLD, nullkey, ierr)
  call MPI_Comm_free_keyval(dupkey, ierr)
  call MPI_Comm_free_keyval(nullkey, ierr)

  ! Datatype keyvals: MPI_TYPE_DUP_FN through Type_dup, the Fortran delete on Type_free.
  deletes = 0
  call MPI_Type_create_keyval(MPI_TYPE_DUP_FN, count_delete, tkeyval, 5_8, ierr)
  call MPI_Type_contiguous(2, MPI_INTEGER, dtype, ierr)
  call MPI_Type_set_attr(dtype, tkeyval, 99_8, ierr)
  call MPI_Type_dup(dtype, comm3, ierr)
  call MPI_Type_get_attr(comm3, tkeyval, value, flag, ierr)
  call check(ierr == MPI_SUCCESS .and. flag .and. value == 99, 'Type_get_attr after Type_dup')
  call MPI_Type_free(comm3, ierr)
  call MPI_Type_free(dtype, ierr)
  call check(deletes == 2 .and. last_extra == 5, 'type delete callbacks')
  call MPI_Type_free_keyval(tkeyval, ierr)

  ! Window keyvals and the predefined window attributes.
  deletes = 0
  wsize = 16
  call MPI_Win_create(wbuf, wsize, 4, MPI_INFO_NULL, MPI_COMM_WORLD, win, ierr)
  call MPI_Win_create_keyval(MPI_WIN_NULL_COPY_FN, count_delete, wkeyval, 9_8, ierr)
  call MPI_Win_set_attr(win, wkeyval, 17_8, ierr)
  call MPI_Win_get_attr(win, wkeyval, value, flag, ierr)
  call check(ierr == MPI_SUCCESS .and. flag .and. value == 17, 'Win_get_attr')
  call MPI_Win_get_attr(win, MPI_WIN_SIZE, value, flag, ierr)
  call check(flag .and. value == 16, 'Win_get_attr(MPI_WIN_SIZE)')
  call MPI_Win_free(win, ierr)
  call check(deletes == 1, 'window delete callback')
  call MPI_Win_free_keyval(wkeyval, ierr)

  ! The deprecated INTEGER forms.
  copies = 0
  call MPI_Keyval_create(old_copy, MPI_NULL_DELETE_FN, okeyval, 3, ierr)
  call check(ierr == MPI_SUCCESS, 'Keyval_create')
  call MPI_Attr_put(MPI_COMM_WORLD, okeyval, -77, ierr)
  ival = 0
  call MPI_Attr_get(MPI_COMM_WORLD, okeyval, ival, flag, ierr)
  call check(ierr == MPI_SUCCESS .and. flag .and. ival == -77, 'Attr_get')
  call zt_c_reads_aint(MPI_COMM_WORLD, okeyval, -77_8, cok)
  call check(cok == 1, 'C reads a pointer to the MPI_ATTR_PUT value (sign-extended)')
  call MPI_Comm_dup(MPI_COMM_WORLD, comm2, ierr)
  call MPI_Attr_get(comm2, okeyval, ival, flag, ierr)
  call check(flag .and. ival == -74 .and. copies == 1, 'INTEGER copy callback')
  call MPI_Comm_free(comm2, ierr)
  call MPI_Attr_delete(MPI_COMM_WORLD, okeyval, ierr)
  call MPI_Keyval_free(okeyval, ierr)
  call MPI_Keyval_create(MPI_DUP_FN, MPI_NULL_DELETE_FN, okeyval, 0, ierr)
  call MPI_Attr_put(MPI_COMM_WORLD, okeyval, 31, ierr)
  call MPI_Comm_dup(MPI_COMM_WORLD, comm2, ierr)
  call MPI_Attr_get(comm2, okeyval, ival, flag, ierr)
  call check(flag .and. ival == 31, 'MPI_DUP_FN')
  call MPI_Comm_free(comm2, ierr)
  call MPI_Attr_delete(MPI_COMM_WORLD, okeyval, ierr)
  call MPI_Keyval_free(okeyval, ierr)
  call MPI_Attr_get(MPI_COMM_WORLD, MPI_TAG_UB, ival, flag, ierr)
  call check(flag .and. ival >= 32767, 'Attr_get(MPI_TAG_UB)')

  ! Bad keyvals return MPI_ERR_KEYVAL under MPI_ERRORS_RETURN.
  call MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN, ierr)
  call MPI_Comm_set_attr(MPI_COMM_WORLD, MPI_KEYVAL_INVALID, 1_8, ierr)
  call MPI_Error_class(ierr, eclass, ierr)
  call check(eclass == MPI_ERR_KEYVAL, 'Comm_set_attr(MPI_KEYVAL_INVALID)')
  call MPI_Attr_put(MPI_COMM_WORLD, MPI_KEYVAL_INVALID, 1, ierr)
  call MPI_Error_class(ierr, eclass, ierr)
  call check(eclass == MPI_ERR_KEYVAL, 'Attr_put(MPI_KEYVAL_INVALID)')

  ! A generalized request with Fortran query/free/cancel procedures.
  ! The callbacks get the caller's EXTRA_STATE variable by reference (as with MPICH): the free
  ! procedure adds 100 to it, and the caller sees that.
  greq_calls = 0
  greq_extra = 21
  call MPI_Grequest_start(greq_query, greq_free, greq_cancel, greq_extra, request, ierr)
  call check(ierr == MPI_SUCCESS .and. request /= MPI_REQUEST_NULL, 'Grequest_start')
  call MPI_Grequest_complete(request, ierr)
  call MPI_Wait(request, status, ierr)
  call check(ierr == MPI_SUCCESS .and. status(MPI_TAG) == 21 .and. &
             status(MPI_SOURCE) == rank, 'Grequest query sets the status')
  call check(greq_calls(1) == 1 .and. greq_calls(2) == 1, 'Grequest query and free ran')
  call check(greq_extra == 121, 'Grequest free updates the caller''s EXTRA_STATE')
  greq_extra = 22
  call MPI_Grequest_start(greq_query, greq_free, greq_cancel, greq_extra, request, ierr)
  call MPI_Cancel(request, ierr)
  call check(greq_calls(3) == 1, 'Grequest cancel ran')
  call MPI_Grequest_complete(request, ierr)
  call MPI_Wait(request, status, ierr)
  call check(greq_calls(2) == 2, 'Grequest free after cancel')
  call check(greq_extra == 122, 'Grequest free after cancel updates EXTRA_STATE')

  ! A file error handler in Fortran, as the default of MPI_FILE_NULL.
  file_codes = 0
  call MPI_File_create_errhandler(file_handler, errh, ierr)
  call check(ierr == MPI_SUCCESS, 'File_create_errhandler')
  call MPI_File_set_errhandler(MPI_FILE_NULL, errh, ierr)
  call MPI_File_call_errhandler(MPI_FILE_NULL, MPI_ERR_FILE, ierr)
  call check(file_codes == 1 .and. file_last == MPI_ERR_FILE, 'Fortran file error handler')
  call MPI_File_set_errhandler(MPI_FILE_NULL, MPI_ERRORS_RETURN, ierr)
  call MPI_Errhandler_free(errh, ierr)

  ! Process set names: length first (no NUL in Fortran), then the name.
  call MPI_Session_init(MPI_INFO_NULL, MPI_ERRORS_RETURN, session, ierr)
  call MPI_Session_get_num_psets(session, MPI_INFO_NULL, npsets, ierr)
  call check(ierr == MPI_SUCCESS .and. npsets >= 2, 'Session_get_num_psets')
  plen = 0
  call MPI_Session_get_nth_pset(session, MPI_INFO_NULL, 0, plen, pname, ierr)
  call check(ierr == MPI_SUCCESS .and. plen == len('mpi://WORLD'), 'nth_pset length')
  call MPI_Session_get_nth_pset(session, MPI_INFO_NULL, 0, plen, pname, ierr)
  call check(pname == 'mpi://WORLD', 'nth_pset name')
  plen = 3
  call MPI_Session_get_nth_pset(session, MPI_INFO_NULL, 0, plen, pname, ierr)
  call check(pname == 'mpi', 'nth_pset name truncated to pset_len')
  call MPI_Session_finalize(session, ierr)

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

end program fortran_keyval

subroutine count_copy(oldcomm, keyval, extra, vin, vout, flag, ierr)
  implicit none
  integer :: oldcomm, keyval, ierr
  integer(kind=8) :: extra, vin, vout
  logical :: flag
  integer :: copies, deletes, last_extra
  common /fk_counts/ copies, deletes, last_extra
  copies = copies + 1
  last_extra = int(extra)
  vout = vin + 1
  flag = oldcomm /= 0 .and. keyval /= 0
  ierr = 0
end subroutine count_copy

subroutine count_delete(comm, keyval, value, extra, ierr)
  implicit none
  integer :: comm, keyval, ierr
  integer(kind=8) :: value, extra
  integer :: copies, deletes, last_extra
  common /fk_counts/ copies, deletes, last_extra
  if (comm /= 0 .and. keyval /= 0 .and. value /= 0) deletes = deletes + 1
  last_extra = int(extra)
  ierr = 0
end subroutine count_delete

! MPI_KEYVAL_CREATE's COPY_FUNCTION: INTEGER values; adds the extra state.
subroutine old_copy(oldcomm, keyval, extra, vin, vout, flag, ierr)
  implicit none
  integer :: oldcomm, keyval, extra, vin, vout, ierr
  logical :: flag
  integer :: copies, deletes, last_extra
  common /fk_counts/ copies, deletes, last_extra
  copies = copies + 1
  vout = vin + extra
  flag = oldcomm /= 0 .and. keyval /= 0
  ierr = 0
end subroutine old_copy

subroutine greq_query(extra, status, ierr)
  implicit none
  include 'mpif.h'
  integer(kind=MPI_ADDRESS_KIND) :: extra
  integer :: status(MPI_STATUS_SIZE), ierr, rank, greq_calls(3)
  common /fk_greq/ greq_calls
  greq_calls(1) = greq_calls(1) + 1
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
  call MPI_Status_set_elements(status, MPI_BYTE, 0, ierr)
  call MPI_Status_set_cancelled(status, .false., ierr)
  status(MPI_SOURCE) = rank
  status(MPI_TAG) = int(extra)
  ierr = MPI_SUCCESS
end subroutine greq_query

subroutine greq_free(extra, ierr)
  implicit none
  integer(kind=8) :: extra
  integer :: ierr, greq_calls(3)
  common /fk_greq/ greq_calls
  if (extra > 0) greq_calls(2) = greq_calls(2) + 1
  extra = extra + 100
  ierr = 0
end subroutine greq_free

subroutine greq_cancel(extra, complete, ierr)
  implicit none
  integer(kind=8) :: extra
  logical :: complete
  integer :: ierr, greq_calls(3)
  common /fk_greq/ greq_calls
  if (extra == 22 .and. .not. complete) greq_calls(3) = greq_calls(3) + 1
  ierr = 0
end subroutine greq_cancel

subroutine file_handler(file, code)
  implicit none
  integer :: file, code
  integer :: file_codes, file_last
  common /fk_file/ file_codes, file_last
  if (file == 0) file_codes = file_codes + 1
  file_last = code
end subroutine file_handler
