#!/usr/bin/python3
"""Compares two WRF output files (wrfout_d01_*) variable by variable, time by time.

    tools/wrf_compare.py A B

Prints one line per variable that differs (largest absolute and relative difference, where and
when) and a summary line: "identical: N of M variables" (exit 0 when all are bit-identical, 1
otherwise, 2 on a usage or structure error). Needs Debian's python3-netcdf4 (and numpy).
Used by tools/wrf.sh compare (docs/wrf.md).
"""
import sys

import netCDF4
import numpy as np


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    a = netCDF4.Dataset(argv[1])
    b = netCDF4.Dataset(argv[2])
    for ds in (a, b):
        ds.set_auto_mask(False)
    names = sorted(set(a.variables) | set(b.variables))
    only = [n for n in names if (n in a.variables) != (n in b.variables)]
    if only:
        print("variables in one file only:", " ".join(only))
        return 2
    times_a = ["".join(t.astype(str)) for t in a.variables["Times"][:]]
    times_b = ["".join(t.astype(str)) for t in b.variables["Times"][:]]
    print(f"{len(times_a)} times in A ({times_a[0]} .. {times_a[-1]}), {len(times_b)} in B")
    if times_a != times_b:
        print("the files hold different times")
        return 2
    same = 0
    worst = (0.0, None)
    for name in names:
        va = a.variables[name][:]
        vb = b.variables[name][:]
        if va.shape != vb.shape:
            print(f"{name}: shapes differ {va.shape} {vb.shape}")
            return 2
        if va.dtype.kind not in "fiu":
            if np.array_equal(va, vb):
                same += 1
            else:
                print(f"{name}: differs")
            continue
        if np.array_equal(va.view(np.uint8) if va.dtype.kind == "f" else va,
                          vb.view(np.uint8) if vb.dtype.kind == "f" else vb):
            same += 1
            continue
        d = np.abs(va.astype(np.float64) - vb.astype(np.float64))
        k = np.unravel_index(np.argmax(d), d.shape)
        scale = np.max(np.abs(va.astype(np.float64)))
        rel = d[k] / scale if scale > 0 else float("inf")
        ndiff = int(np.count_nonzero(d))
        print(f"{name}: {ndiff} of {d.size} values differ; largest |A-B| = {d[k]:.3e} "
              f"({rel:.2e} of max|A| {scale:.3e}) at index {tuple(int(i) for i in k)} "
              f"(time {times_a[k[0]] if va.ndim > 0 and len(times_a) == va.shape[0] else '-'})")
        if rel > worst[0]:
            worst = (rel, name)
    print(f"identical: {same} of {len(names)} variables (bit for bit)")
    if worst[1] is not None:
        print(f"largest relative difference: {worst[1]} ({worst[0]:.2e})")
    return 0 if same == len(names) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
