! swm: a shallow-water model in the style of WRF, in Fortran, on MPI.
!
!   zrun -n 4 swm namelist.input     (or: zrun -n 4 swm < namelist.input)
!
! Rank 0 reads the namelists (module_config) and broadcasts them; the ranks form a periodic 2-D
! Cartesian grid (module_dm) and advance the model (module_dynamics). Every history_interval
! steps the monitor prints the global mass, energy, highest and lowest height (Allreduce of
! exact integer sums, MAXLOC/MINLOC) and, with history_outname set, appends the gathered
! height field to that file. At the end it gathers the height and prints a checksum and a
! fingerprint (FNV-1a of the bits, in global order) that are the same for any number of ranks
! and any of the three bindings (mpi_binding.h), and equal to the fingerprint of the C example
! examples/weather on the same grid and steps.
!
! History file (stream, native byte order), per history step: INTEGER(4) step, e_we, e_sn,
! then REAL(8) height(e_we, e_sn) in Fortran order.
#include "mpi_binding.h"
program swm
  MPI_USE
  use module_config
  use module_dm
  use module_dynamics
  use, intrinsic :: iso_fortran_env, only: output_unit, error_unit, int32
  implicit none
  MPI_INCLUDE
  type(config_t) :: cfg
  type(dm_t) :: dm
  type(state_t) :: s
  logical :: ok
  integer :: ierr, step, history_unit, rc
  logical :: history ! the monitor writes history_outname (history_unit)
  double precision :: mass0, energy0, t0, seconds
  double precision, allocatable :: g(:, :)

  call MPI_Init(ierr)
  rc = 0
  call config_read_and_broadcast(MPI_COMM_WORLD, cfg, ok)
  if (ok) call dm_init(MPI_COMM_WORLD, cfg%e_we, cfg%e_sn, cfg%nproc_x, cfg%nproc_y, dm, ok)
  if (.not. ok) then
    call MPI_Finalize(ierr)
    stop 2, quiet=.true.
  end if

  call dyn_init(dm, cfg%gravity, cfg%coriolis, cfg%depth, cfg%wind_u, cfg%wind_v, cfg%cfl, s)
  history = .false.
  if (dm_on_monitor(dm)) then
    allocate(g(dm%ids:dm%ide, dm%jds:dm%jde))
    write(output_unit, '(a,i0,a,i0,a,i0,a,i0,a,i0,a,i0,a,es10.3)') &
        'swm (' // SWM_BINDING // '): ', dm%ide, 'x', dm%jde, ' periodic grid, ', &
        dm%nranks, ' ranks as ', dm%dims(1), 'x', dm%dims(2), ' tiles, ', cfg%run_steps, &
        ' steps, dt ', s%dt
    if (len_trim(cfg%history_outname) > 0) then
      open(newunit=history_unit, file=trim(cfg%history_outname), access='stream', &
           form='unformatted', status='replace', action='write', iostat=ierr)
      if (ierr /= 0) call dm_abort(dm, 'cannot write ' // trim(cfg%history_outname))
      history = .true.
    end if
  else
    allocate(g(1, 1))
  end if

  mass0 = 0
  energy0 = 0
  call report(0, ok)
  call dm_barrier(dm)
  t0 = dm_wtime()
  do step = 1, cfg%run_steps
    if (.not. ok) exit
    call dyn_step(dm, s)
    if (step == cfg%run_steps) then
      call report(step, ok)
    else if (cfg%history_interval > 0) then
      if (mod(step, cfg%history_interval) == 0) call report(step, ok)
    end if
  end do
  seconds = dm_wtime() - t0

  if (ok) then
    call dm_gather(dm, s%h, g)
    if (dm_on_monitor(dm)) then
      call print_fingerprint(g)
      write(output_unit, '(a,f0.3,a)') 'time ', seconds, ' s'
    end if
  else
    rc = 1
  end if
  if (history) close(history_unit)
  call dm_free(dm)
  call MPI_Finalize(ierr)
  if (rc /= 0) stop 1, quiet=.true.

contains

  ! Diagnostics line (and history record) of one step; ok = .false. when the model blew up.
  subroutine report(step, ok)
    integer, intent(in) :: step
    logical, intent(out) :: ok
    integer(kind=8) :: mass, energy
    double precision :: hmax, hmin, unit, m, e
    integer :: imax, jmax, imin, jmin
    call dyn_diagnostics(dm, s, mass, energy, hmax, imax, jmax, hmin, imin, jmin, ok)
    if (ok .and. len_trim(cfg%history_outname) > 0) call dm_gather(dm, s%h, g)
    if (.not. dm_on_monitor(dm)) return
    if (.not. ok) then
      write(error_unit, '(a,i0,a)') 'swm: step ', step, &
          ': the model blew up (height <= 0 or not finite)'
      return
    end if
    unit = s%dx * s%dy / dble(2_8**kFixedBits)
    m = dble(mass) * unit
    e = dble(energy) * unit
    if (step == 0) then
      mass0 = m
      energy0 = e
    end if
    write(output_unit, '(a,i6,2(a,es20.13,a,es9.2),2(a,f12.9,a,i0,a,i0),a)') &
        'step ', step, '  mass ', m, ' (', (m - mass0) / mass0, ')  energy ', e, ' (', &
        (e - energy0) / energy0, ')  hmax ', hmax, ' at (', imax, ',', jmax, ')  hmin ', &
        hmin, ' at (', imin, ',', jmin, ')'
    flush(output_unit)
    if (history) then
      write(history_unit) int(step, int32), int(dm%ide, int32), int(dm%jde, int32), g
    end if
  end subroutine report

  ! Sums in global order (equal fields give equal digits) and the FNV-1a 64-bit hash of the
  ! bytes of the field, computed on two 32-bit halves so that no integer overflows.
  subroutine print_fingerprint(g)
    double precision, intent(in) :: g(:, :)
    integer(kind=8), parameter :: kMask32 = 4294967295_8
    integer(kind=8) :: hi, lo, plo, bytes(8)
    integer(kind=1) :: raw(8)
    double precision :: sum, sum2
    integer :: i, j, b
    character(len=16) :: hex
    ! FNV offset basis cbf29ce484222325; prime 2**40 + 1b3.
    hi = int(z'CBF29CE4', kind=8)
    lo = int(z'84222325', kind=8)
    sum = 0
    sum2 = 0
    do j = 1, size(g, 2)
      do i = 1, size(g, 1)
        sum = sum + g(i, j)
        sum2 = sum2 + g(i, j) * g(i, j)
        raw = transfer(g(i, j), raw)
        bytes = iand(int(raw, kind=8), 255_8)
        do b = 1, 8
          lo = ieor(lo, bytes(b))
          ! (hi, lo) * (2**40 + 435) mod 2**64, in 32-bit halves.
          plo = lo * 435_8
          hi = iand(hi * 435_8 + ishft(plo, -32) + ishft(iand(lo, 16777215_8), 8), kMask32)
          lo = iand(plo, kMask32)
        end do
      end do
    end do
    write(output_unit, '(a,es20.13,1x,es20.13)') 'checksum ', sum, sum2
    write(hex, '(z8.8,z8.8)') hi, lo
    do i = 1, len(hex)
      if (hex(i:i) >= 'A' .and. hex(i:i) <= 'F') hex(i:i) = achar(iachar(hex(i:i)) + 32)
    end do
    write(output_unit, '(a)') 'fingerprint ' // hex
  end subroutine print_fingerprint

end program swm
