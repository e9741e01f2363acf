#!/bin/bash
# Interleaved halo runs: Open MPI, zmpi before (e805a7b), zmpi after (this branch), one size per
# run, R rounds; prints "prog size mpi rate" lines. Runs at nice -15 (the machine is shared).
R=${R:-5}
H=${H:-/work/scratch/halo-w}  # holds hb/<prog>.<mpi> and <mpi>-bin/{bin,lib} (before: e805a7b, spin: this branch)
cd $H
for round in $(seq 1 $R); do
  for prog in halo2d halo3d; do
    for size in 1K 64K 1M; do
      for mpi in ompi before spin; do
        case $mpi in
          ompi) cmd=(mpirun.openmpi --allow-run-as-root -n 2 --bind-to core hb/$prog.ompi) ;;
          *) cmd=($H/$mpi-bin/bin/zrun -n 2 --bind-to core -x LD_LIBRARY_PATH=$H/$mpi-bin/lib hb/$prog.$mpi) ;;
        esac
        rate=$(nice -n -15 timeout 60 "${cmd[@]}" -m $size:$size -i 200 -x 20 2>/dev/null | grep -v "^#" | awk 'NF>=2 {print $2; exit}')
        echo "$prog $size $mpi ${rate:-fail}"
      done
    done
  done
done
