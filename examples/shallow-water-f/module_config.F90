! module_config: the run configuration, read as namelists by rank 0 and broadcast (as WRF reads
! namelist.input on its monitor rank and broadcasts it to the others).
!
! Input: the file named by the first command-line argument, or standard input when there is no
! argument or it is "-". Groups, each optional (absent variables keep their defaults):
!   &time_control run_steps, history_interval, history_outname /
!   &domains      e_we, e_sn, nproc_x, nproc_y /
!   &dynamics     gravity, coriolis, depth, wind_u, wind_v, cfl /
! From a file the groups may come in any order; from standard input in the order above.
#include "mpi_binding.h"
module module_config
  MPI_USE
  implicit none
  MPI_INCLUDE
  private
  public :: config_t, config_read_and_broadcast

  integer, parameter, public :: kNameLen = 256

  type config_t
    integer :: run_steps = 150        ! time steps
    integer :: history_interval = 50  ! steps between diagnostics (0: first and last only)
    character(len=kNameLen) :: history_outname = ' ' ! gathered height per history step
    integer :: e_we = 97              ! cells west-east
    integer :: e_sn = 83              ! cells south-north
    integer :: nproc_x = -1           ! rank grid; -1: MPI_Dims_create chooses
    integer :: nproc_y = -1
    double precision :: gravity = 9.81d0
    double precision :: coriolis = 20.0d0 ! f, 1/time unit
    double precision :: depth = 1.0d0     ! mean height
    double precision :: wind_u = 0.5d0    ! initial uniform wind
    double precision :: wind_v = 0.25d0
    double precision :: cfl = 0.25d0      ! fraction of the stable time step
  end type config_t

  integer, parameter :: kInts = 7, kReals = 6

contains

  ! Rank 0 of comm reads the namelists; every rank returns the same cfg. ok is .false. on every
  ! rank when the input could not be read or is invalid (rank 0 has printed why).
  subroutine config_read_and_broadcast(comm, cfg, ok)
    MPI_HANDLE(MPI_Comm), intent(in) :: comm
    type(config_t), intent(out) :: cfg
    logical, intent(out) :: ok
    integer :: ivals(kInts), rank, ierr
    double precision :: rvals(kReals)

    call MPI_Comm_rank(comm, rank, ierr)
    ivals = 0
    rvals = 0d0
    if (rank == 0) then
      call read_namelists(cfg, ivals(kInts))
      if (ivals(kInts) == 0) call validate(cfg, ivals(kInts))
      ivals(1:kInts - 1) = [cfg%run_steps, cfg%history_interval, cfg%e_we, cfg%e_sn, &
                            cfg%nproc_x, cfg%nproc_y]
      rvals = [cfg%gravity, cfg%coriolis, cfg%depth, cfg%wind_u, cfg%wind_v, cfg%cfl]
    end if
    call MPI_Bcast(ivals, kInts, MPI_INTEGER, 0, comm, ierr)
    call MPI_Bcast(rvals, kReals, MPI_DOUBLE_PRECISION, 0, comm, ierr)
    call MPI_Bcast(cfg%history_outname, kNameLen, MPI_CHARACTER, 0, comm, ierr)
    cfg%run_steps = ivals(1)
    cfg%history_interval = ivals(2)
    cfg%e_we = ivals(3)
    cfg%e_sn = ivals(4)
    cfg%nproc_x = ivals(5)
    cfg%nproc_y = ivals(6)
    cfg%gravity = rvals(1)
    cfg%coriolis = rvals(2)
    cfg%depth = rvals(3)
    cfg%wind_u = rvals(4)
    cfg%wind_v = rvals(5)
    cfg%cfl = rvals(6)
    ok = ivals(kInts) == 0
  end subroutine config_read_and_broadcast

  subroutine read_namelists(cfg, status)
    use, intrinsic :: iso_fortran_env, only: input_unit, error_unit
    type(config_t), intent(inout) :: cfg
    integer, intent(out) :: status
    integer :: run_steps, history_interval, e_we, e_sn, nproc_x, nproc_y, unit, ios
    character(len=kNameLen) :: history_outname, path
    double precision :: gravity, coriolis, depth, wind_u, wind_v, cfl
    character(len=200) :: msg
    logical :: from_file
    namelist /time_control/ run_steps, history_interval, history_outname
    namelist /domains/ e_we, e_sn, nproc_x, nproc_y
    namelist /dynamics/ gravity, coriolis, depth, wind_u, wind_v, cfl

    run_steps = cfg%run_steps
    history_interval = cfg%history_interval
    history_outname = cfg%history_outname
    e_we = cfg%e_we
    e_sn = cfg%e_sn
    nproc_x = cfg%nproc_x
    nproc_y = cfg%nproc_y
    gravity = cfg%gravity
    coriolis = cfg%coriolis
    depth = cfg%depth
    wind_u = cfg%wind_u
    wind_v = cfg%wind_v
    cfl = cfg%cfl

    status = 1
    path = '-'
    if (command_argument_count() >= 1) call get_command_argument(1, path)
    from_file = trim(path) /= '-'
    if (from_file) then
      open(newunit=unit, file=trim(path), status='old', action='read', iostat=ios, iomsg=msg)
      if (ios /= 0) then
        write(error_unit, '(a)') 'swm: cannot open ' // trim(path) // ': ' // trim(msg)
        return
      end if
    else
      unit = input_unit
      path = '(standard input)'
    end if

    ! iostat < 0: the group is absent (end of input), which keeps the defaults.
    if (from_file) rewind(unit)
    read(unit, nml=time_control, iostat=ios, iomsg=msg)
    if (ios > 0) go to 900
    if (from_file) rewind(unit)
    read(unit, nml=domains, iostat=ios, iomsg=msg)
    if (ios > 0) go to 900
    if (from_file) rewind(unit)
    read(unit, nml=dynamics, iostat=ios, iomsg=msg)
    if (ios > 0) go to 900
    if (from_file) close(unit)

    cfg%run_steps = run_steps
    cfg%history_interval = history_interval
    cfg%history_outname = history_outname
    cfg%e_we = e_we
    cfg%e_sn = e_sn
    cfg%nproc_x = nproc_x
    cfg%nproc_y = nproc_y
    cfg%gravity = gravity
    cfg%coriolis = coriolis
    cfg%depth = depth
    cfg%wind_u = wind_u
    cfg%wind_v = wind_v
    cfg%cfl = cfl
    status = 0
    return

900 write(error_unit, '(a)') 'swm: bad namelist in ' // trim(path) // ': ' // trim(msg)
    if (from_file) close(unit)
  end subroutine read_namelists

  subroutine validate(cfg, status)
    use, intrinsic :: iso_fortran_env, only: error_unit
    type(config_t), intent(in) :: cfg
    integer, intent(out) :: status
    status = 1
    if (cfg%run_steps < 0 .or. cfg%history_interval < 0) then
      write(error_unit, '(a)') 'swm: run_steps and history_interval must be >= 0'
    else if (cfg%e_we < 1 .or. cfg%e_sn < 1 .or. cfg%e_we > 1000000 .or. cfg%e_sn > 1000000) then
      write(error_unit, '(a)') 'swm: e_we and e_sn must be between 1 and 1000000'
    else if (.not. (cfg%depth > 0d0 .and. cfg%gravity > 0d0 .and. cfg%cfl > 0d0 .and. &
                    cfg%cfl <= 1d0)) then
      write(error_unit, '(a)') 'swm: depth and gravity must be > 0, cfl in (0, 1]'
    else
      status = 0
    end if
  end subroutine validate

end module module_config
