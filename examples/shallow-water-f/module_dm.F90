! module_dm: distributed memory, in the manner of WRF (RSL_LITE): a periodic 2-D Cartesian
! communicator, one rectangular tile of the e_we x e_sn grid per rank, halo exchanges of one
! cell with derived datatypes, global reductions, and the gather of a field to the monitor
! (rank 0 of the Cartesian communicator).
!
! Index spaces (WRF names, global indices): the domain is ids:ide x jds:jde; a tile owns
! its:ite x jts:jte and stores ims:ime x jms:jme = its-1:ite+1 x jts-1:jte+1 (the halo ring).
#include "mpi_binding.h"
module module_dm
  MPI_USE
  implicit none
  MPI_INCLUDE
  private
  public :: dm_t, dm_init, dm_free, dm_halo_exchange, dm_sum_int8, dm_maxloc, dm_minloc
  public :: dm_gather, dm_on_monitor, dm_abort, dm_wtime, dm_barrier

  type dm_t
    MPI_HANDLE(MPI_Comm) :: comm        ! the Cartesian communicator
    integer :: rank, nranks
    integer :: dims(2), coords(2)       ! rank grid (x, y) and this tile in it
    integer :: west, east, south, north ! neighbours (periodic: always ranks)
    integer :: ids, ide, jds, jde
    integer :: its, ite, jts, jte
    integer :: ims, ime, jms, jme
    MPI_HANDLE(MPI_Datatype) :: column  ! jts:jte of one i: a strided vector
    MPI_HANDLE(MPI_Datatype) :: row     ! ims:ime of one j: contiguous
    MPI_HANDLE(MPI_Datatype) :: interior ! its:ite x jts:jte inside ims:ime x jms:jme
  end type dm_t

  ! A tag names the direction a message travels, so two messages between the same two ranks
  ! (2 tiles across: west = east) cannot be confused.
  integer, parameter :: kTagEast = 11, kTagWest = 12, kTagNorth = 13, kTagSouth = 14
  integer, parameter :: kTagGather = 20

contains

  ! First cell (1-based) and count of part index (0-based) of n cells split in parts.
  pure subroutine extent(n, parts, index, first, count)
    integer, intent(in) :: n, parts, index
    integer, intent(out) :: first, count
    count = n / parts
    if (index < mod(n, parts)) count = count + 1
    first = index * (n / parts) + min(index, mod(n, parts)) + 1
  end subroutine extent

  ! Builds the rank grid (nproc_x x nproc_y, or chosen by MPI_Dims_create where < 1) and this
  ! rank tile. Collective over world. ok is .false. on every rank (and rank 0 of world has
  ! printed why) when the grid cannot be split that way.
  subroutine dm_init(world, e_we, e_sn, nproc_x, nproc_y, dm, ok)
    use, intrinsic :: iso_fortran_env, only: error_unit
    MPI_HANDLE(MPI_Comm), intent(in) :: world
    integer, intent(in) :: e_we, e_sn, nproc_x, nproc_y
    type(dm_t), intent(out) :: dm
    logical, intent(out) :: ok
    integer :: size, wrank, ierr, n
    logical :: periods(2)
    integer :: sizes(2), subsizes(2), starts(2)

    call MPI_Comm_size(world, size, ierr)
    call MPI_Comm_rank(world, wrank, ierr)
    dm%dims = [max(nproc_x, 0), max(nproc_y, 0)]
    ok = .true.
    if (dm%dims(1) > 0 .and. dm%dims(2) > 0) then
      ok = dm%dims(1) * dm%dims(2) == size
    else if (dm%dims(1) > 0) then
      ok = mod(size, dm%dims(1)) == 0
    else if (dm%dims(2) > 0) then
      ok = mod(size, dm%dims(2)) == 0
    end if
    if (ok) then
      call MPI_Dims_create(size, 2, dm%dims, ierr)
      ok = ierr == MPI_SUCCESS .and. dm%dims(1) <= e_we .and. dm%dims(2) <= e_sn
    end if
    if (.not. ok) then
      if (wrank == 0) write(error_unit, '(a,i0,a,i0,a,i0,a,i0,a,i0)') &
          'swm: cannot split ', e_we, 'x', e_sn, ' cells over ', size, &
          ' ranks with nproc_x = ', nproc_x, ', nproc_y = ', nproc_y
      return
    end if

    periods = .true.
    call MPI_Cart_create(world, 2, dm%dims, periods, .true., dm%comm, ierr)
    call MPI_Comm_rank(dm%comm, dm%rank, ierr)
    call MPI_Comm_size(dm%comm, dm%nranks, ierr)
    call MPI_Cart_coords(dm%comm, dm%rank, 2, dm%coords, ierr)
    call MPI_Cart_shift(dm%comm, 0, 1, dm%west, dm%east, ierr)
    call MPI_Cart_shift(dm%comm, 1, 1, dm%south, dm%north, ierr)

    dm%ids = 1
    dm%ide = e_we
    dm%jds = 1
    dm%jde = e_sn
    call extent(e_we, dm%dims(1), dm%coords(1), dm%its, n)
    dm%ite = dm%its + n - 1
    call extent(e_sn, dm%dims(2), dm%coords(2), dm%jts, n)
    dm%jte = dm%jts + n - 1
    dm%ims = dm%its - 1
    dm%ime = dm%ite + 1
    dm%jms = dm%jts - 1
    dm%jme = dm%jte + 1

    call MPI_Type_vector(dm%jte - dm%jts + 1, 1, dm%ime - dm%ims + 1, MPI_DOUBLE_PRECISION, &
                         dm%column, ierr)
    call MPI_Type_commit(dm%column, ierr)
    call MPI_Type_contiguous(dm%ime - dm%ims + 1, MPI_DOUBLE_PRECISION, dm%row, ierr)
    call MPI_Type_commit(dm%row, ierr)
    sizes = [dm%ime - dm%ims + 1, dm%jme - dm%jms + 1]
    subsizes = [dm%ite - dm%its + 1, dm%jte - dm%jts + 1]
    starts = [1, 1]
    call MPI_Type_create_subarray(2, sizes, subsizes, starts, MPI_ORDER_FORTRAN, &
                                  MPI_DOUBLE_PRECISION, dm%interior, ierr)
    call MPI_Type_commit(dm%interior, ierr)
  end subroutine dm_init

  subroutine dm_free(dm)
    type(dm_t), intent(inout) :: dm
    integer :: ierr
    call MPI_Type_free(dm%column, ierr)
    call MPI_Type_free(dm%row, ierr)
    call MPI_Type_free(dm%interior, ierr)
    call MPI_Comm_free(dm%comm, ierr)
  end subroutine dm_free

  ! Fills the halo ring of f: first the west and east columns (MPI_Sendrecv of the column
  ! type), then the south and north rows including the corner cells just received
  ! (MPI_Irecv/MPI_Isend/MPI_Waitall of the row type).
  subroutine dm_halo_exchange(dm, f)
    type(dm_t), intent(in) :: dm
    double precision, intent(inout), asynchronous :: f(dm%ims:dm%ime, dm%jms:dm%jme)
    MPI_HANDLE(MPI_Request) :: req(4)
    integer :: ierr

    call MPI_Sendrecv(f(dm%ite, dm%jts), 1, dm%column, dm%east, kTagEast, &
                      f(dm%ims, dm%jts), 1, dm%column, dm%west, kTagEast, &
                      dm%comm, MPI_STATUS_IGNORE, ierr)
    call MPI_Sendrecv(f(dm%its, dm%jts), 1, dm%column, dm%west, kTagWest, &
                      f(dm%ime, dm%jts), 1, dm%column, dm%east, kTagWest, &
                      dm%comm, MPI_STATUS_IGNORE, ierr)
    if (ierr /= MPI_SUCCESS) call dm_abort(dm, 'halo exchange (columns) failed')

    call MPI_Irecv(f(dm%ims, dm%jms), 1, dm%row, dm%south, kTagNorth, dm%comm, req(1), ierr)
    call MPI_Irecv(f(dm%ims, dm%jme), 1, dm%row, dm%north, kTagSouth, dm%comm, req(2), ierr)
    call MPI_Isend(f(dm%ims, dm%jte), 1, dm%row, dm%north, kTagNorth, dm%comm, req(3), ierr)
    call MPI_Isend(f(dm%ims, dm%jts), 1, dm%row, dm%south, kTagSouth, dm%comm, req(4), ierr)
    call MPI_Waitall(4, req, MPI_STATUSES_IGNORE, ierr)
    if (ierr /= MPI_SUCCESS) call dm_abort(dm, 'halo exchange (rows) failed')
  end subroutine dm_halo_exchange

  ! Global sums of 64-bit integers: exact, so independent of the reduction order.
  subroutine dm_sum_int8(dm, local, global)
    type(dm_t), intent(in) :: dm
    integer(kind=8), intent(in) :: local(:)
    integer(kind=8), intent(out) :: global(:)
    integer :: ierr
    call MPI_Allreduce(local, global, size(local), MPI_INTEGER8, MPI_SUM, dm%comm, ierr)
  end subroutine dm_sum_int8

  ! The largest (smallest) value over all ranks and its global cell index
  ! (j - 1) * e_we + i: MPI_MAXLOC (MPI_MINLOC) on MPI_2DOUBLE_PRECISION pairs. Ties go to the
  ! smaller index, so the answer does not depend on the decomposition.
  subroutine dm_maxloc(dm, value, index, gvalue, gindex)
    type(dm_t), intent(in) :: dm
    double precision, intent(in) :: value
    integer, intent(in) :: index
    double precision, intent(out) :: gvalue
    integer, intent(out) :: gindex
    double precision :: pair(2), out(2)
    integer :: ierr
    pair = [value, dble(index)]
    call MPI_Allreduce(pair, out, 1, MPI_2DOUBLE_PRECISION, MPI_MAXLOC, dm%comm, ierr)
    gvalue = out(1)
    gindex = nint(out(2))
  end subroutine dm_maxloc

  subroutine dm_minloc(dm, value, index, gvalue, gindex)
    type(dm_t), intent(in) :: dm
    double precision, intent(in) :: value
    integer, intent(in) :: index
    double precision, intent(out) :: gvalue
    integer, intent(out) :: gindex
    double precision :: pair(2), out(2)
    integer :: ierr
    pair = [value, dble(index)]
    call MPI_Allreduce(pair, out, 1, MPI_2DOUBLE_PRECISION, MPI_MINLOC, dm%comm, ierr)
    gvalue = out(1)
    gindex = nint(out(2))
  end subroutine dm_minloc

  ! The monitor receives the interior of every tile into g(ids:ide, jds:jde): each rank sends its
  ! interior subarray, the monitor receives it straight into place through a subarray type of
  ! the global field made from the coordinates of the sender. g is referenced on the monitor only.
  subroutine dm_gather(dm, f, g)
    type(dm_t), intent(in) :: dm
    double precision, intent(in) :: f(dm%ims:dm%ime, dm%jms:dm%jme)
    double precision, intent(inout), asynchronous, contiguous :: g(dm%ids:, dm%jds:)
    MPI_HANDLE(MPI_Request), allocatable :: req(:)
    MPI_HANDLE(MPI_Datatype), allocatable :: block(:)
    integer :: r, ierr, coords(2), first(2), count(2)

    if (dm%rank /= 0) then
      call MPI_Send(f, 1, dm%interior, 0, kTagGather, dm%comm, ierr)
      return
    end if
    g(dm%its:dm%ite, dm%jts:dm%jte) = f(dm%its:dm%ite, dm%jts:dm%jte)
    allocate(req(dm%nranks - 1), block(dm%nranks - 1))
    do r = 1, dm%nranks - 1
      call MPI_Cart_coords(dm%comm, r, 2, coords, ierr)
      call extent(dm%ide, dm%dims(1), coords(1), first(1), count(1))
      call extent(dm%jde, dm%dims(2), coords(2), first(2), count(2))
      call MPI_Type_create_subarray(2, [dm%ide, dm%jde], count, first - 1, MPI_ORDER_FORTRAN, &
                                    MPI_DOUBLE_PRECISION, block(r), ierr)
      call MPI_Type_commit(block(r), ierr)
      call MPI_Irecv(g, 1, block(r), r, kTagGather, dm%comm, req(r), ierr)
    end do
    call MPI_Waitall(dm%nranks - 1, req, MPI_STATUSES_IGNORE, ierr)
    if (ierr /= MPI_SUCCESS) call dm_abort(dm, 'gather failed')
    do r = 1, dm%nranks - 1
      call MPI_Type_free(block(r), ierr)
    end do
  end subroutine dm_gather

  logical function dm_on_monitor(dm)
    type(dm_t), intent(in) :: dm
    dm_on_monitor = dm%rank == 0
  end function dm_on_monitor

  subroutine dm_abort(dm, why)
    use, intrinsic :: iso_fortran_env, only: error_unit
    type(dm_t), intent(in) :: dm
    character(len=*), intent(in) :: why
    integer :: ierr
    write(error_unit, '(a,i0,a)') 'swm: rank ', dm%rank, ': ' // why
    call MPI_Abort(dm%comm, 3, ierr)
  end subroutine dm_abort

  double precision function dm_wtime()
    dm_wtime = MPI_Wtime()
  end function dm_wtime

  subroutine dm_barrier(dm)
    type(dm_t), intent(in) :: dm
    integer :: ierr
    call MPI_Barrier(dm%comm, ierr)
  end subroutine dm_barrier

end module module_dm
