#!/usr/bin/env python3
# Writes mpi/abi/coll_nb.cc and coll_init.cc (the MPI_I* and MPI_*_init shims over
# coll_nb_impl.h) from functions.tbl. Run from the repository root after changing either,
# then clang-format both files.
import re
rows = {}
for line in open('mpi/abi/functions.tbl'):
    if '|' not in line or line.startswith('#'): continue
    parts = [p.strip() for p in line.split('|')]
    rows[parts[1]] = parts[2]
calls = {
 'Barrier': 'zmpi::abi::nbc::Barrier(FN, FLAG, comm, INFO, request)',
 'Bcast': 'zmpi::abi::nbc::Bcast<C>(FN, FLAG, buffer, count, datatype, root, comm, INFO, request)',
 'Gather': 'zmpi::abi::nbc::Gatherv<C, D>(FN, FLAG, false, sendbuf, sendcount, sendtype, recvbuf, recvcount, static_cast<const C*>(nullptr), static_cast<const D*>(nullptr), recvtype, root, comm, INFO, request)',
 'Gatherv': 'zmpi::abi::nbc::Gatherv<C, D>(FN, FLAG, true, sendbuf, sendcount, sendtype, recvbuf, C{0}, recvcounts, displs, recvtype, root, comm, INFO, request)',
 'Scatter': 'zmpi::abi::nbc::Scatterv<C, D>(FN, FLAG, false, sendbuf, sendcount, static_cast<const C*>(nullptr), static_cast<const D*>(nullptr), sendtype, recvbuf, recvcount, recvtype, root, comm, INFO, request)',
 'Scatterv': 'zmpi::abi::nbc::Scatterv<C, D>(FN, FLAG, true, sendbuf, C{0}, sendcounts, displs, sendtype, recvbuf, recvcount, recvtype, root, comm, INFO, request)',
 'Allgather': 'zmpi::abi::nbc::Allgatherv<C, D>(FN, FLAG, false, sendbuf, sendcount, sendtype, recvbuf, recvcount, static_cast<const C*>(nullptr), static_cast<const D*>(nullptr), recvtype, comm, INFO, request)',
 'Allgatherv': 'zmpi::abi::nbc::Allgatherv<C, D>(FN, FLAG, true, sendbuf, sendcount, sendtype, recvbuf, C{0}, recvcounts, displs, recvtype, comm, INFO, request)',
 'Alltoall': 'zmpi::abi::nbc::Alltoallw<C, D>(FN, FLAG, 0, sendbuf, sendcount, static_cast<const C*>(nullptr), static_cast<const D*>(nullptr), &sendtype, recvbuf, recvcount, static_cast<const C*>(nullptr), static_cast<const D*>(nullptr), &recvtype, comm, INFO, request)',
 'Alltoallv': 'zmpi::abi::nbc::Alltoallw<C, D>(FN, FLAG, 1, sendbuf, C{0}, sendcounts, sdispls, &sendtype, recvbuf, C{0}, recvcounts, rdispls, &recvtype, comm, INFO, request)',
 'Alltoallw': 'zmpi::abi::nbc::Alltoallw<C, D>(FN, FLAG, 2, sendbuf, C{0}, sendcounts, sdispls, sendtypes, recvbuf, C{0}, recvcounts, rdispls, recvtypes, comm, INFO, request)',
 'Reduce': 'zmpi::abi::nbc::Reduce<C>(FN, FLAG, sendbuf, recvbuf, count, datatype, op, root, comm, INFO, request)',
 'Allreduce': 'zmpi::abi::nbc::Allreduce<C>(FN, FLAG, 0, sendbuf, recvbuf, count, datatype, op, comm, INFO, request)',
 'Scan': 'zmpi::abi::nbc::Allreduce<C>(FN, FLAG, 1, sendbuf, recvbuf, count, datatype, op, comm, INFO, request)',
 'Exscan': 'zmpi::abi::nbc::Allreduce<C>(FN, FLAG, 2, sendbuf, recvbuf, count, datatype, op, comm, INFO, request)',
 'Reduce_scatter': 'zmpi::abi::nbc::ReduceScatter<C>(FN, FLAG, true, sendbuf, recvbuf, C{0}, recvcounts, datatype, op, comm, INFO, request)',
 'Reduce_scatter_block': 'zmpi::abi::nbc::ReduceScatter<C>(FN, FLAG, false, sendbuf, recvbuf, recvcount, static_cast<const C*>(nullptr), datatype, op, comm, INFO, request)',
}
order = ['Barrier','Bcast','Gather','Gatherv','Scatter','Scatterv','Allgather','Allgatherv','Alltoall','Alltoallv','Alltoallw','Reduce','Allreduce','Reduce_scatter','Reduce_scatter_block','Scan','Exscan']
def emit(persistent):
    out = []
    names = []
    for base in order:
        for large in (False, True):
            name = ('MPI_' + base + '_init' if persistent else 'MPI_I' + base[0].lower() + base[1:]) + ('_c' if large else '')
            if name not in rows:
                continue
            params = rows[name]
            call = calls[base].replace("FLAG", "true" if persistent else "false").replace("FN", "\"%s\"" % name)
            # only the first standalone P (after FN) is the flag
            call = call.replace('INFO', 'info' if persistent else 'MPI_INFO_NULL')
            C = 'MPI_Count' if large else 'int'
            D = 'MPI_Aint' if large else 'int'
            call = re.sub(r'\bC\b', C, call); call = re.sub(r'\bD\b', D, call)
            out.append('ZMPI_API int P%s(%s) {\n  return %s;\n}\n' % (name, params, call))
            names.append(name)
    return out, names
for persistent, fname in ((False, 'coll_nb'), (True, 'coll_init')):
    body, names = emit(persistent)
    head = ('// %s collectives (%s): thin shims over the templates of coll_nb_impl.h,\n'
            '// written by a script from functions.tbl\'s signatures (one per row).\n'
            '#include "mpi/abi/coll_nb_impl.h"\n\n') % (
        'Persistent' if persistent else 'Non-blocking',
        'MPI_*_init, MPI-4' if persistent else 'MPI_I*')
    open('mpi/abi/%s.cc' % fname, 'w').write(head + '\n'.join(body) + '\n#include "mpi/abi/%s_aliases.inc"\n' % fname)
    print(fname, len(names))

