#!/usr/bin/env python3
# Writes mpi/abi/neighbor.cc (the MPI_Neighbor_*, MPI_Ineighbor_* and MPI_Neighbor_*_init
# shims over neighbor_impl.h, with their _c forms) from functions.tbl's signatures. Run from
# the repository root after changing either, then clang-format the file.
import re

rows = {}
for line in open('mpi/abi/functions.tbl'):
    if '|' not in line or line.startswith('#'):
        continue
    parts = [p.strip() for p in line.split('|')]
    rows[parts[1]] = parts[2]

NS = 'zmpi::abi::neighbor::'
calls = {
    'allgather': NS + 'Allgatherv<C, D>(FN, FORM, false, sendbuf, sendcount, sendtype, recvbuf, '
                 'recvcount, static_cast<const C*>(nullptr), static_cast<const D*>(nullptr), '
                 'recvtype, comm, INFO, REQ)',
    'allgatherv': NS + 'Allgatherv<C, D>(FN, FORM, true, sendbuf, sendcount, sendtype, recvbuf, '
                  'C{0}, recvcounts, displs, recvtype, comm, INFO, REQ)',
    'alltoall': NS + 'Alltoallw<C, D>(FN, FORM, SHAPE::kUniform, sendbuf, sendcount, '
                'static_cast<const C*>(nullptr), static_cast<const D*>(nullptr), &sendtype, '
                'recvbuf, recvcount, static_cast<const C*>(nullptr), '
                'static_cast<const D*>(nullptr), &recvtype, comm, INFO, REQ)',
    'alltoallv': NS + 'Alltoallw<C, D>(FN, FORM, SHAPE::kVector, sendbuf, C{0}, sendcounts, sdispls, '
                 '&sendtype, recvbuf, C{0}, recvcounts, rdispls, &recvtype, comm, INFO, REQ)',
    # Byte displacements (MPI_Aint) in both the int and the _c form.
    'alltoallw': NS + 'Alltoallw<C, MPI_Aint>(FN, FORM, SHAPE::kPerBlock, sendbuf, C{0}, sendcounts, sdispls, '
                 'sendtypes, recvbuf, C{0}, recvcounts, rdispls, recvtypes, comm, INFO, REQ)',
}
forms = (
    ('MPI_Neighbor_%s', 'kBlocking', 'MPI_INFO_NULL', 'nullptr'),
    ('MPI_Ineighbor_%s', 'kNonblocking', 'MPI_INFO_NULL', 'request'),
    ('MPI_Neighbor_%s_init', 'kPersistent', 'info', 'request'),
)
out = []
for pattern, form, info, req in forms:
    for base in ('allgather', 'allgatherv', 'alltoall', 'alltoallv', 'alltoallw'):
        for large in (False, True):
            name = pattern % base + ('_c' if large else '')
            if name not in rows:
                raise SystemExit('functions.tbl has no row ' + name)
            call = calls[base].replace('FN', '"%s"' % name)
            call = call.replace('SHAPE', NS + 'Shape')
            call = call.replace('FORM', NS + 'Form::' + form)
            call = call.replace('INFO', info).replace('REQ', req)
            call = re.sub(r'\bC\b', 'MPI_Count' if large else 'int', call)
            call = re.sub(r'\bD\b', 'MPI_Aint' if large else 'int', call)
            out.append('ZMPI_API int P%s(%s) {\n  return %s;\n}\n' % (name, rows[name], call))
head = ('// Neighborhood collectives (MPI_Neighbor_*, MPI_Ineighbor_*, MPI_Neighbor_*_init and\n'
        '// their _c forms): thin shims over the templates of neighbor_impl.h, written by\n'
        '// tools/gen-neighbor.py from functions.tbl\'s signatures (one per row).\n'
        '#include "mpi/abi/neighbor_impl.h"\n\n')
with open('mpi/abi/neighbor.cc', 'w') as f:
    f.write(head + '\n'.join(out) + '\n#include "mpi/abi/neighbor_aliases.inc"\n')
print('neighbor', len(out))
