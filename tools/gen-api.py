#!/usr/bin/env python3
"""Generates zmpi's C API from one table, mpi/abi/functions.tbl (format: see its first lines).

  tools/gen-api.py                 rewrite mpi/include/mpi_functions/ (one header per chapter of
                                   MPI-4.1: every implemented function's MPI_ and PMPI_
                                   declaration; mpi.h includes each, in the table's order) and
                                   docs/functions.md from the table
  tools/gen-api.py --check         fail (exit 1) when the table, the generated files and the
                                   definitions in mpi/abi/*.cc disagree (the api_table test)
  tools/gen-api.py --aliases DIR SRC...
                                   write DIR/<stem>_aliases.inc (the weak MPI_ aliases of the
                                   PMPI_ functions each mpi/abi source defines); the build runs this
  tools/gen-api.py --check-exports LIB
                                   fail when the MPI_*/PMPI_* symbols LIB exports (nm -D
                                   --defined-only) are not exactly the table's implemented functions
                                   and @data symbols (the api_exports test)
  tools/gen-api.py --adopt         move functions added the old way (ZMPI_DECLARE or plain
                                   prototypes in mpi.h, ZMPI_WEAK_ALIAS after the definition) into
                                   the table, remove the old lines, then regenerate; idempotent
  tools/gen-api.py --resolve [FILE...]
                                   after a git merge: in conflict hunks of mpi/include/mpi.h and
                                   mpi/abi/*.cc (or FILEs) where one side differs only by old or
                                   new API plumbing (ZMPI_WEAK_ALIAS lines, the aliases include,
                                   ZMPI_DECLARE lines, blank lines), take the other side; leaves
                                   every other conflict for a human. Run --adopt afterwards.
                                   (Conflicts in mpi/include/mpi_functions/ need nothing:
                                   every run rewrites those files whole from the table.)
  --root DIR                       work on the tree at DIR instead of this script's repository

Python 3 standard library only. Writes a file only when its content changes.
"""

import argparse
import os
import sys

# The parts live in tools/genapi/; no bytecode written into the source tree (the build runs this).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from genapi.checks import check, check_exports, regenerate, write_aliases
from genapi.common import ABI_DIR, Error, HEADER, TABLE, abi_sources, read
from genapi.merge import adopt, resolve
from genapi.render import version_ok
from genapi.table import Table


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--root', default=here)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument('--check', action='store_true')
    mode.add_argument('--check-exports', metavar='LIB')
    mode.add_argument('--check-version', action='store_true')
    mode.add_argument('--aliases', nargs='+', metavar=('DIR', 'SRC'))
    mode.add_argument('--adopt', action='store_true')
    mode.add_argument('--resolve', nargs='*', metavar='FILE')
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    try:
        if args.resolve is not None:
            files = args.resolve or [HEADER] + [os.path.join(ABI_DIR, f)
                                                for f in abi_sources(root)]
            left_total = 0
            for f in files:
                path = f if os.path.isabs(f) else os.path.join(root, f)
                if not os.path.exists(path) or '<<<<<<< ' not in read(path):
                    continue
                done, left = resolve(path)
                left_total += left
                print('resolve: %s: %d hunk(s) resolved, %d left' % (f, done, left))
            return 1 if left_total else 0
        table = Table(os.path.join(root, TABLE))
        if args.check:
            problems = check(root, table)
            for p in problems:
                print('api_table: ' + p)
            if problems:
                print('api_table: FAILED (%d problem(s)); run tools/gen-api.py (--adopt)'
                      % len(problems))
                return 1
            n = sum(r.implemented for r in table.rows())
            print('api_table: OK (%d functions, %d implemented)' % (len(table.rows()), n))
        elif args.check_exports:
            problems, nf, nd = check_exports(table, args.check_exports)
            for p in problems:
                print('api_exports: ' + p)
            if problems:
                print('api_exports: FAILED (%d problem(s))' % len(problems))
                return 1
            print('api_exports: OK (%d function symbols, %d data symbols)' % (nf, nd))
        elif args.check_version:
            problems = version_ok(table, root)
            for p in problems:
                print('api_version: ' + p)
            return 1 if problems else 0
        elif args.aliases:
            if len(args.aliases) < 2:
                raise Error('--aliases DIR SRC...')
            write_aliases(table, args.aliases[0], args.aliases[1:])
        else:
            if args.adopt:
                for note in adopt(root, table):
                    print('adopt: ' + note)
                table = Table(os.path.join(root, TABLE))
            for path in regenerate(root, table):
                print('gen-api: wrote ' + path)
    except Error as e:
        print('gen-api: error: %s' % e, file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
