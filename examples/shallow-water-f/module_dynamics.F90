! module_dynamics: shallow water on a periodic f-plane. Height h and momenta hu, hv on the
! tile (with a one-cell halo), advanced with the two-step (Richtmyer) Lax-Wendroff scheme in flux
! form, then an exact rotation of (hu, hv) by f * dt for the Coriolis force. It is the scheme and
! the initial state of the C example examples/weather, written the same way cell by cell.
!
! Reproducibility: every cell is updated by the same floating-point operations in the same
! order from the same inputs whatever the decomposition (and the build disables contraction into
! fused multiply-adds), so the fields are bit-identical for any number of ranks. Diagnostics
! are exact 64-bit fixed-point sums, which do not depend on the order of the reduction.
! The same fields as the C example need the same exp: gfortran -O2 may call the vector exp of
! libmvec, which rounds differently from the scalar one (the build uses -fno-tree-vectorize).
module module_dynamics
  use module_dm
  implicit none
  private
  public :: state_t, dyn_init, dyn_step, dyn_diagnostics, kFixedBits

  type state_t
    double precision :: g, f, dx, dy, dt
    double precision, allocatable :: h(:, :), hu(:, :), hv(:, :)
    double precision, allocatable :: fh(:, :), fu(:, :), fv(:, :) ! x fluxes at (i + 1/2, j)
    double precision, allocatable :: gh(:, :), gu(:, :), gv(:, :) ! y fluxes at (i, j + 1/2)
  end type state_t

  ! Initial height anomalies: periodic Gaussians (centre as a fraction of the domain, amplitude,
  ! e-folding radius in domain widths).
  integer, parameter :: kBumps = 4
  double precision, parameter :: kBumpX(kBumps) = [0.30d0, 0.68d0, 0.45d0, 0.85d0]
  double precision, parameter :: kBumpY(kBumps) = [0.35d0, 0.62d0, 0.80d0, 0.20d0]
  double precision, parameter :: kBumpAmp(kBumps) = [0.20d0, 0.14d0, -0.10d0, 0.08d0]
  double precision, parameter :: kBumpRadius(kBumps) = [0.060d0, 0.045d0, 0.080d0, 0.030d0]

  integer, parameter :: kFixedBits = 30 ! diagnostics in units of 2**-30

contains

  pure double precision function periodic_delta(a, b, length)
    double precision, intent(in) :: a, b, length
    double precision :: t
    t = abs(a - b)
    if (t < length - t) then
      periodic_delta = t
    else
      periodic_delta = length - t
    end if
  end function periodic_delta

  ! Allocates the fields on the tile and sets the initial state: the bumps in a uniform wind.
  ! The time step depends only on the configuration, so every rank computes the same one.
  subroutine dyn_init(dm, gravity, coriolis, depth, wind_u, wind_v, cfl, s)
    type(dm_t), intent(in) :: dm
    double precision, intent(in) :: gravity, coriolis, depth, wind_u, wind_v, cfl
    type(state_t), intent(out) :: s
    double precision :: hmax, speed, lx, ly, x, y, h, ddx, ddy, r2
    double precision, allocatable :: row(:)
    integer :: i, j, k

    s%g = gravity
    s%f = coriolis
    s%dx = 1d0 / dm%ide
    s%dy = s%dx
    hmax = depth
    do k = 1, kBumps
      if (kBumpAmp(k) > 0) hmax = hmax + kBumpAmp(k)
    end do
    speed = sqrt(gravity * hmax) + sqrt(wind_u * wind_u + wind_v * wind_v)
    s%dt = cfl * s%dx / speed

    allocate(s%h(dm%ims:dm%ime, dm%jms:dm%jme), source=0d0)
    allocate(s%hu, s%hv, s%fh, s%fu, s%fv, s%gh, s%gu, s%gv, mold=s%h)
    s%hu = 0d0
    s%hv = 0d0
    s%fh = 0d0
    s%fu = 0d0
    s%fv = 0d0
    s%gh = 0d0
    s%gu = 0d0
    s%gv = 0d0

    ! Whole rows of the domain on every rank, then this tile of them: the compiler may evaluate
    ! exp with vector instructions (libmvec) in the body of a loop and scalar ones in its
    ! remainder, which round differently, so the loop must not depend on the tile.
    allocate(row(dm%ids:dm%ide))
    lx = 1d0
    ly = dm%jde * s%dy
    do j = dm%jts, dm%jte
      y = (dble(j) - 0.5d0) * s%dy
      do i = dm%ids, dm%ide
        x = (dble(i) - 0.5d0) * s%dx
        h = depth
        do k = 1, kBumps
          ddx = periodic_delta(x, kBumpX(k) * lx, lx)
          ddy = periodic_delta(y, kBumpY(k) * ly, ly)
          r2 = kBumpRadius(k) * kBumpRadius(k)
          h = h + kBumpAmp(k) * exp(-(ddx * ddx + ddy * ddy) / r2)
        end do
        row(i) = h
      end do
      do i = dm%its, dm%ite
        s%h(i, j) = row(i)
        s%hu(i, j) = row(i) * wind_u
        s%hv(i, j) = row(i) * wind_v
      end do
    end do
  end subroutine dyn_init

  ! One time step: halo exchange of h, hu, hv, the x and y half-step fluxes, the update.
  subroutine dyn_step(dm, s)
    type(dm_t), intent(in) :: dm
    type(state_t), intent(inout) :: s
    call dm_halo_exchange(dm, s%h)
    call dm_halo_exchange(dm, s%hu)
    call dm_halo_exchange(dm, s%hv)
    call fluxes_x(dm, s)
    call fluxes_y(dm, s)
    call update(dm, s)
  end subroutine dyn_step

  ! Predicted state at (i + 1/2, j) from cells i and i + 1, turned into the x fluxes there;
  ! stored at (i, j) for i = its - 1 .. ite. Needs the west and east halo columns.
  subroutine fluxes_x(dm, s)
    type(dm_t), intent(in) :: dm
    type(state_t), intent(inout) :: s
    double precision :: k, fha, fhb, fua, fub, fva, fvb, h, hu, hv
    integer :: i, j
    k = 0.5d0 * s%dt / s%dx
    do j = dm%jts, dm%jte
      do i = dm%its - 1, dm%ite
        fha = s%hu(i, j)
        fhb = s%hu(i + 1, j)
        fua = s%hu(i, j) * s%hu(i, j) / s%h(i, j) + 0.5d0 * s%g * s%h(i, j) * s%h(i, j)
        fub = s%hu(i + 1, j) * s%hu(i + 1, j) / s%h(i + 1, j) + &
              0.5d0 * s%g * s%h(i + 1, j) * s%h(i + 1, j)
        fva = s%hu(i, j) * s%hv(i, j) / s%h(i, j)
        fvb = s%hu(i + 1, j) * s%hv(i + 1, j) / s%h(i + 1, j)
        h = 0.5d0 * (s%h(i, j) + s%h(i + 1, j)) - k * (fhb - fha)
        hu = 0.5d0 * (s%hu(i, j) + s%hu(i + 1, j)) - k * (fub - fua)
        hv = 0.5d0 * (s%hv(i, j) + s%hv(i + 1, j)) - k * (fvb - fva)
        s%fh(i, j) = hu
        s%fu(i, j) = hu * hu / h + 0.5d0 * s%g * h * h
        s%fv(i, j) = hu * hv / h
      end do
    end do
  end subroutine fluxes_x

  ! Predicted state at (i, j + 1/2) from rows j and j + 1; stored at (i, j) for
  ! j = jts - 1 .. jte. Needs the south and north halo rows.
  subroutine fluxes_y(dm, s)
    type(dm_t), intent(in) :: dm
    type(state_t), intent(inout) :: s
    double precision :: k, gha, ghb, gua, gub, gva, gvb, h, hu, hv
    integer :: i, j
    k = 0.5d0 * s%dt / s%dy
    do j = dm%jts - 1, dm%jte
      do i = dm%its, dm%ite
        gha = s%hv(i, j)
        ghb = s%hv(i, j + 1)
        gua = s%hu(i, j) * s%hv(i, j) / s%h(i, j)
        gub = s%hu(i, j + 1) * s%hv(i, j + 1) / s%h(i, j + 1)
        gva = s%hv(i, j) * s%hv(i, j) / s%h(i, j) + 0.5d0 * s%g * s%h(i, j) * s%h(i, j)
        gvb = s%hv(i, j + 1) * s%hv(i, j + 1) / s%h(i, j + 1) + &
              0.5d0 * s%g * s%h(i, j + 1) * s%h(i, j + 1)
        h = 0.5d0 * (s%h(i, j) + s%h(i, j + 1)) - k * (ghb - gha)
        hu = 0.5d0 * (s%hu(i, j) + s%hu(i, j + 1)) - k * (gub - gua)
        hv = 0.5d0 * (s%hv(i, j) + s%hv(i, j + 1)) - k * (gvb - gva)
        s%gh(i, j) = hv
        s%gu(i, j) = hu * hv / h
        s%gv(i, j) = hv * hv / h + 0.5d0 * s%g * h * h
      end do
    end do
  end subroutine fluxes_y

  ! Conservative update from the face fluxes, then the Coriolis rotation (no energy change).
  subroutine update(dm, s)
    type(dm_t), intent(in) :: dm
    type(state_t), intent(inout) :: s
    double precision :: kx, ky, c, sn, hu, hv
    integer :: i, j
    kx = s%dt / s%dx
    ky = s%dt / s%dy
    c = cos(s%f * s%dt)
    sn = sin(s%f * s%dt)
    do j = dm%jts, dm%jte
      do i = dm%its, dm%ite
        s%h(i, j) = s%h(i, j) - (kx * (s%fh(i, j) - s%fh(i - 1, j)) + &
                                 ky * (s%gh(i, j) - s%gh(i, j - 1)))
        hu = s%hu(i, j) - (kx * (s%fu(i, j) - s%fu(i - 1, j)) + &
                           ky * (s%gu(i, j) - s%gu(i, j - 1)))
        hv = s%hv(i, j) - (kx * (s%fv(i, j) - s%fv(i - 1, j)) + &
                           ky * (s%gv(i, j) - s%gv(i, j - 1)))
        s%hu(i, j) = c * hu + sn * hv
        s%hv(i, j) = c * hv - sn * hu
      end do
    end do
  end subroutine update

  ! Global diagnostics, on every rank: mass and energy as exact fixed-point sums (integers in
  ! units of 2**-kFixedBits per cell), the highest and lowest height with their cells. ok is
  ! .false. when some height is not positive or some value not finite (the model blew up).
  subroutine dyn_diagnostics(dm, s, mass, energy, hmax, imax, jmax, hmin, imin, jmin, ok)
    use, intrinsic :: ieee_arithmetic, only: ieee_is_finite
    type(dm_t), intent(in) :: dm
    type(state_t), intent(in) :: s
    integer(kind=8), intent(out) :: mass, energy
    double precision, intent(out) :: hmax, hmin
    integer, intent(out) :: imax, jmax, imin, jmin
    logical, intent(out) :: ok
    integer(kind=8) :: local(3), global(3)
    double precision :: scale, h, e, lmax, lmin
    integer :: i, j, lmaxat, lminat, at

    scale = dble(2_8**kFixedBits)
    local = 0
    lmax = -huge(1d0)
    lmin = huge(1d0)
    lmaxat = 0
    lminat = 0
    do j = dm%jts, dm%jte
      do i = dm%its, dm%ite
        h = s%h(i, j)
        e = 0.5d0 * (s%hu(i, j) * s%hu(i, j) + s%hv(i, j) * s%hv(i, j)) / h + &
            0.5d0 * s%g * h * h
        if (.not. (h > 0d0 .and. ieee_is_finite(h) .and. ieee_is_finite(e))) then
          local(3) = 1 ! nint of a non-finite value is undefined: stop summing
          exit
        end if
        at = (j - 1) * dm%ide + i
        if (h > lmax) then
          lmax = h
          lmaxat = at
        end if
        if (h < lmin) then
          lmin = h
          lminat = at
        end if
        local(1) = local(1) + nint(h * scale, kind=8)
        local(2) = local(2) + nint(e * scale, kind=8)
      end do
      if (local(3) /= 0) exit
    end do
    call dm_sum_int8(dm, local, global)
    ok = global(3) == 0
    mass = global(1)
    energy = global(2)
    call dm_maxloc(dm, lmax, lmaxat, hmax, at)
    imax = mod(at - 1, dm%ide) + 1
    jmax = (at - 1) / dm%ide + 1
    call dm_minloc(dm, lmin, lminat, hmin, at)
    imin = mod(at - 1, dm%ide) + 1
    jmin = (at - 1) / dm%ide + 1
  end subroutine dyn_diagnostics

end module module_dynamics
