#!/usr/bin/env python3
"""Tests tools/gen-api.py on a small tree written the old way: --adopt moves every declaration
form into the table and removes the old lines, a second run changes nothing, --check then passes
and catches each kind of drift, and --resolve settles plumbing-only merge conflicts."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(REPO, 'tools', 'gen-api.py')

TABLE = """# test table
@chapter 3 Point-to-Point Communication
int | MPI_Send | const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm | missing
int | MPI_Send_c | const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm | missing
int | MPI_Waitall | int count, MPI_Request array_of_requests[], MPI_Status *array_of_statuses | missing

@chapter 5 Datatypes
MPI_Aint | MPI_Aint_add | MPI_Aint base, MPI_Aint disp | missing
int | MPI_Type_size | MPI_Datatype datatype, int *size | old.cc

@chapter 9 MPI Environmental Management
double | MPI_Wtime | void | missing
int | MPI_Get_version | int *version, int *subversion | missing

@chapter 12 One-Sided Communications
int | MPI_Win_fence | int assert, MPI_Win win | missing

@chapter 19 Language Bindings
MPI_Fint | MPI_Comm_c2f | MPI_Comm comm | missing
MPI_Comm | MPI_Comm_f2c | MPI_Fint comm | missing
MPI_Fint | MPI_Group_c2f | MPI_Group group | macro
MPI_Group | MPI_Group_f2c | MPI_Fint group | macro
"""

HEADER = """/* test mpi.h */
#define MPI_VERSION 4
#define MPI_SUBVERSION 0
typedef int(MPI_Comm_copy_attr_function)(MPI_Comm, int, void *, void *, void *, int *);
#define MPI_Type_c2f(datatype) (MPI_Fint)(datatype)
#define MPI_Group_c2f(group) ((MPI_Fint)(group))
#define ZMPI_DECLARE(ret, name, args) \\
  ret MPI_##name args;                \\
  ret PMPI_##name args;

/* point-to-point: ZMPI_DECLARE(int, Commented, (void)) is only a comment */
ZMPI_DECLARE(int, Send, (const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                         MPI_Comm comm))
ZMPI_DECLARE(int, Send_c,
             (const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
              MPI_Comm comm))
ZMPI_DECLARE(int, Waitall, (int count, MPI_Request *array_of_requests,
                            MPI_Status *array_of_statuses))
ZMPI_DECLARE(MPI_Aint, Aint_add, (MPI_Aint base, MPI_Aint disp))
ZMPI_DECLARE(double, Wtime, (void))
int MPI_Get_version(int *version, int *subversion);
int PMPI_Get_version(int *version, int *subversion);
MPI_Fint MPI_Comm_c2f(MPI_Comm comm);
MPI_Fint PMPI_Comm_c2f(MPI_Comm comm);
ZMPI_DECLARE(MPI_Comm, Comm_f2c, (MPI_Fint comm))
ZMPI_DECLARE(int, Declared_only, (int x))
ZMPI_DECLARE(int, Pcontrol_x, (const int level, ...))

#undef ZMPI_DECLARE
#if defined(__cplusplus)
}
#endif
"""

P2P = """#include "mpi/abi/entry.h"
ZMPI_API int PMPI_Send(const void* buf, int count, MPI_Datatype datatype, int dest, int tag,
                       MPI_Comm comm) {
  return MPI_SUCCESS;
}
ZMPI_WEAK_ALIAS(Send)

ZMPI_API int PMPI_Send_c(const void* buf, MPI_Count count, MPI_Datatype datatype, int dest,
                         int tag, MPI_Comm comm) {
  return MPI_SUCCESS;
}
ZMPI_WEAK_ALIAS(Send_c);

ZMPI_API int PMPI_Waitall(int count, MPI_Request* reqs, MPI_Status* statuses) { return 0; }
  ZMPI_WEAK_ALIAS( Waitall )
"""

ENV = """#include "mpi/abi/entry.h"
// ZMPI_API int PMPI_Commented(void) { is a comment
ZMPI_API MPI_Aint PMPI_Aint_add(MPI_Aint base, MPI_Aint disp) { return base + disp; }
ZMPI_WEAK_ALIAS(Aint_add)
ZMPI_API double PMPI_Wtime(void) { return 0; }
ZMPI_WEAK_ALIAS(Wtime)
ZMPI_API int PMPI_Get_version(int* v, int* s) { return 0; }
ZMPI_WEAK_ALIAS(Get_version)
ZMPI_API MPI_Fint PMPI_Comm_c2f(MPI_Comm comm) { return comm; }
ZMPI_WEAK_ALIAS(Comm_c2f)
ZMPI_API MPI_Comm PMPI_Comm_f2c(MPI_Fint comm) { return comm; }
ZMPI_WEAK_ALIAS(Comm_f2c)
ZMPI_API int PMPI_Pcontrol_x(const int level, ...) { return level; }
ZMPI_WEAK_ALIAS(Pcontrol_x)
ZMPI_API int* const MPI_UNWEIGHTED = &storage;
extern "C" __attribute__((visibility("default"))) MPI_Fint* MPI_F_STATUS_IGNORE = f_ignore;
#define CONVERSION(Name, CType)                                             \\
  ZMPI_API MPI_Fint(PMPI_##Name##_c2f)(CType handle) { return handle; }    \\
  ZMPI_WEAK_ALIAS(Name##_c2f)                                               \\
  ZMPI_API CType(PMPI_##Name##_f2c)(MPI_Fint handle) { return handle; }    \\
  ZMPI_WEAK_ALIAS(Name##_f2c)
CONVERSION(Group, MPI_Group)
"""

OLD = """#include "mpi/abi/entry.h"
ZMPI_API int PMPI_Type_size(MPI_Datatype datatype, int* size) { return 0; }

#include "mpi/abi/old_aliases.inc"
"""


def run(root, *args):
    p = subprocess.run([sys.executable, GEN, '--root', root] + list(args), capture_output=True,
                       text=True)
    return p.returncode, p.stdout + p.stderr


def write(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, 'w') as f:
        f.write(text)


def read(root, path):
    with open(os.path.join(root, path)) as f:
        return f.read()


def snapshot(root):
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            out[os.path.relpath(p, root)] = read(root, os.path.relpath(p, root))
    return out


class AdoptTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix='gen_api_test_')
        write(self.root, 'mpi/abi/functions.tbl', TABLE)
        write(self.root, 'mpi/include/mpi.h', HEADER)
        write(self.root, 'mpi/abi/p2p.cc', P2P)
        write(self.root, 'mpi/abi/env.cc', ENV)
        write(self.root, 'mpi/abi/old.cc', OLD)
        os.makedirs(os.path.join(self.root, 'docs'))

    def tearDown(self):
        shutil.rmtree(self.root)

    def table_row(self, name):
        for line in read(self.root, 'mpi/abi/functions.tbl').splitlines():
            if '| %s |' % name in line:
                return line
        return None

    def test_adopt_then_check(self):
        rc, out = run(self.root, '--check')
        self.assertEqual(rc, 1, out)  # old-style lines are reported before adopting
        self.assertIn('old-style declaration of MPI_Send', out)
        rc, out = run(self.root, '--adopt')
        self.assertEqual(rc, 0, out)
        # Every form lands in the table with its file.
        self.assertTrue(self.table_row('MPI_Send').endswith('| p2p.cc'))
        self.assertTrue(self.table_row('MPI_Send_c').endswith('| p2p.cc'))
        self.assertTrue(self.table_row('MPI_Aint_add').startswith('MPI_Aint | '))
        self.assertTrue(self.table_row('MPI_Aint_add').endswith('| env.cc'))
        self.assertTrue(self.table_row('MPI_Wtime').endswith('| env.cc'))
        self.assertTrue(self.table_row('MPI_Get_version').endswith('| env.cc'))
        self.assertTrue(self.table_row('MPI_Comm_c2f').endswith('| env.cc'))
        self.assertTrue(self.table_row('MPI_Comm_f2c').endswith('| env.cc'))
        self.assertTrue(self.table_row('MPI_Type_size').endswith('| old.cc'))
        # Stamped out by a macro, names in parentheses: found; the macro loses its aliases.
        self.assertTrue(self.table_row('MPI_Group_c2f').endswith('| env.cc'))
        self.assertTrue(self.table_row('MPI_Group_f2c').endswith('| env.cc'))
        env = read(self.root, 'mpi/abi/env.cc')
        self.assertIn('{ return handle; }    \\\n  ZMPI_API CType(PMPI_##Name##_f2c)', env)
        self.assertIn('(MPI_Fint handle) { return handle; }\nCONVERSION(Group, MPI_Group)', env)
        # A pointer where the standard writes an array is the same type: the standard's row stays.
        self.assertIn('MPI_Request array_of_requests[]', self.table_row('MPI_Waitall'))
        # Not in MPI-4.1: kept, in the extra chapter, with a warning.
        self.assertIn('MPI_Pcontrol_x is not an MPI-4.1 function', out)
        self.assertIn('const int level, ...', self.table_row('MPI_Pcontrol_x'))
        # Declared, never defined: dropped with a warning.
        self.assertIn('MPI_Declared_only was declared', out)
        self.assertIsNone(self.table_row('MPI_Declared_only'))
        self.assertIn('@data MPI_UNWEIGHTED', read(self.root, 'mpi/abi/functions.tbl'))
        self.assertIn('@data MPI_F_STATUS_IGNORE', read(self.root, 'mpi/abi/functions.tbl'))
        # Old lines gone, the includes of the generated declarations in, comments and macros
        # untouched; the declarations are in mpi_functions/<chapter>.h, one per chapter of the
        # table, included in the table's order (a chapter without functions gets its header).
        m = read(self.root, 'mpi/include/mpi.h')
        self.assertNotIn('ZMPI_DECLARE(int, Send', m)
        self.assertNotIn('MPI_Wtime', m)
        self.assertIn('ZMPI_DECLARE(int, Commented, (void)) is only a comment', m)
        self.assertIn('#define MPI_Type_c2f(datatype)', m)
        self.assertIn('typedef int(MPI_Comm_copy_attr_function)', m)
        includes = [l for l in m.splitlines() if l.startswith('#include "mpi_functions/')]
        self.assertEqual(includes, ['#include "mpi_functions/%s"' % f for f in (
            'provided.h', '03_point_to_point.h', '05_datatypes.h', '09_environment.h',
            '12_one_sided.h', '19_language_bindings.h', '99_zmpi_extras.h')])
        self.assertLess(m.index(includes[-1]), m.index('#undef ZMPI_DECLARE'))
        self.assertEqual(sorted(os.listdir(os.path.join(self.root, 'mpi/include/mpi_functions'))),
                         sorted(l.split('/')[1].rstrip('"') for l in includes))
        h = read(self.root, 'mpi/include/mpi_functions/05_datatypes.h')
        self.assertIn('MPI_Aint MPI_Aint_add(MPI_Aint base, MPI_Aint disp);', h)
        self.assertIn('MPI_Aint PMPI_Aint_add(MPI_Aint base, MPI_Aint disp);', h)
        self.assertIn('#error "include <mpi.h>, not mpi_functions/05_datatypes.h"', h)
        self.assertIn('#ifndef ZMPI_MPI_FUNCTIONS_05_DATATYPES_', h)
        h = read(self.root, 'mpi/include/mpi_functions/09_environment.h')
        self.assertIn('double PMPI_Wtime(void);', h)
        self.assertEqual(h.count('int MPI_Get_version('), 1)
        h = read(self.root, 'mpi/include/mpi_functions/19_language_bindings.h')
        # mpi.h also has MPI_Group_c2f as a macro: the declaration names it in parentheses.
        self.assertIn('MPI_Fint (MPI_Group_c2f)(MPI_Group group);', h)
        self.assertIn('MPI_Fint PMPI_Group_c2f(MPI_Group group);', h)
        self.assertIn('MPI_Group MPI_Group_f2c(MPI_Fint group);', h)
        h = read(self.root, 'mpi/include/mpi_functions/provided.h')
        # Of the 12 MPI-4.1 rows: Send, Send_c, Waitall, Aint_add, Type_size, Wtime,
        # Get_version, Comm_c2f, Comm_f2c implemented, Group_c2f/f2c macros, Win_fence missing.
        self.assertIn('#define ZMPI_MPI41_FUNCTIONS_PROVIDED 11\n', h)
        self.assertIn('#define ZMPI_MPI41_FUNCTIONS 12\n', h)
        # A chapter without an implemented function has its header all the same.
        self.assertIn('/* None yet. */', read(self.root, 'mpi/include/mpi_functions/12_one_sided.h'))
        for src in ('p2p.cc', 'env.cc'):
            text = read(self.root, 'mpi/abi/' + src)
            self.assertNotIn('ZMPI_WEAK_ALIAS', text)
            self.assertTrue(text.endswith('#include "mpi/abi/%s_aliases.inc"\n' % src[:-3]))
        rc, out = run(self.root, '--check')
        self.assertEqual(rc, 0, out)
        # Idempotent: a second adopt changes nothing.
        before = snapshot(self.root)
        rc, out = run(self.root, '--adopt')
        self.assertEqual((rc, out.strip()), (0, ''))
        self.assertEqual(before, snapshot(self.root))
        # The aliases of one file.
        outdir = os.path.join(self.root, 'gen')
        rc, out = run(self.root, '--aliases', outdir, 'p2p.cc', 'env.cc', 'old.cc')
        self.assertEqual(rc, 0, out)
        self.assertIn('ZMPI_WEAK_ALIAS(Send_c)\n', read(outdir, 'p2p_aliases.inc'))
        self.assertIn('ZMPI_WEAK_ALIAS(Waitall)\n', read(outdir, 'p2p_aliases.inc'))
        rc, out = run(self.root, '--aliases', outdir, 'p2p.cc')
        self.assertNotEqual(rc, 0, out)  # the table names env.cc and old.cc

    def test_check_catches_drift(self):
        self.assertEqual(run(self.root, '--adopt')[0], 0)
        cases = [
            ('mpi/abi/functions.tbl', '| MPI_Wtime | void | env.cc', '| MPI_Wtime | void | missing'),
            ('mpi/include/mpi_functions/09_environment.h', 'double MPI_Wtime(void);\n', ''),
            ('mpi/include/mpi_functions/provided.h', 'PROVIDED 11', 'PROVIDED 12'),
            ('mpi/include/mpi.h', '#include "mpi_functions/05_datatypes.h"\n', ''),
            # MPI-4.1 claimed while a function of chapters 3-13 is missing.
            ('mpi/include/mpi.h', '#define MPI_SUBVERSION 0', '#define MPI_SUBVERSION 1'),
            ('docs/functions.md', '| `MPI_Wtime` | implemented', '| `MPI_Wtime` | missing'),
            ('mpi/abi/env.cc', 'ZMPI_API double PMPI_Wtime(void) { return 0; }\n', ''),
            ('mpi/abi/p2p.cc', '#include "mpi/abi/p2p_aliases.inc"\n', ''),
            ('mpi/abi/env.cc', 'ZMPI_API int* const MPI_UNWEIGHTED', 'int* const MPI_UNWEIGHTED'),
        ]
        for path, old, new in cases:
            text = read(self.root, path)
            self.assertIn(old, text)
            write(self.root, path, text.replace(old, new))
            rc, out = run(self.root, '--check')
            self.assertEqual(rc, 1, 'not caught: %s in %s\n%s' % (old, path, out))
            write(self.root, path, text)
        self.assertEqual(run(self.root, '--check')[0], 0)

    def includes_block(self, m):
        begin = m.index('/* ---- generated by tools/gen-api.py: the declarations')
        end = m.index('/* ---- end of generated includes ---- */') + len(
            '/* ---- end of generated includes ---- */')
        return m[begin:end]

    def test_inline_block_moves_out(self):
        # A header from before mpi_functions.h (e.g. merged from an old branch) has the
        # declarations inline: a run puts the includes in their place and --check passes.
        self.assertEqual(run(self.root, '--adopt')[0], 0)
        m = read(self.root, 'mpi/include/mpi.h')
        block = ('/* ---- functions: generated by tools/gen-api.py from mpi/abi/functions.tbl; '
                 'do not edit ---- */\nint MPI_Old(void);\n'
                 '/* ---- end of generated functions ---- */')
        write(self.root, 'mpi/include/mpi.h', m.replace(self.includes_block(m), block))
        self.assertEqual(run(self.root, '--check')[0], 1)
        rc, out = run(self.root)
        self.assertEqual(rc, 0, out)
        self.assertEqual(read(self.root, 'mpi/include/mpi.h'), m)
        self.assertEqual(run(self.root, '--check')[0], 0)

    def test_single_header_splits(self):
        # A tree from before the split per chapter (mpi.h includes mpi_functions.h, which a
        # merge of an old branch may bring back): a run puts the includes of the chapters' headers
        # in the include's place, removes mpi_functions.h and a header no chapter has any more.
        self.assertEqual(run(self.root, '--adopt')[0], 0)
        m = read(self.root, 'mpi/include/mpi.h')
        old = '#include "mpi_functions.h" /* generated from mpi/abi/functions.tbl */'
        write(self.root, 'mpi/include/mpi.h', m.replace(self.includes_block(m), old))
        write(self.root, 'mpi/include/mpi_functions.h', 'int MPI_Old(void);\n')
        write(self.root, 'mpi/include/mpi_functions/07_gone.h', 'int MPI_Gone(void);\n')
        rc, out = run(self.root, '--check')
        self.assertEqual(rc, 1, out)
        self.assertIn('mpi/include/mpi_functions.h is not generated from the table', out)
        self.assertIn('mpi/include/mpi_functions/07_gone.h is not generated', out)
        rc, out = run(self.root)
        self.assertEqual(rc, 0, out)
        self.assertIn('gen-api: removed mpi/include/mpi_functions.h', out)
        self.assertEqual(read(self.root, 'mpi/include/mpi.h'), m)
        self.assertFalse(os.path.exists(os.path.join(self.root, 'mpi/include/mpi_functions.h')))
        self.assertFalse(os.path.exists(
            os.path.join(self.root, 'mpi/include/mpi_functions/07_gone.h')))
        self.assertEqual(run(self.root, '--check')[0], 0)

    def test_resolve(self):
        conflict = ('int x;\n<<<<<<< HEAD\n\n#include "mpi/abi/p2p_aliases.inc"\n=======\n'
                    'ZMPI_API int PMPI_New(void) { return 0; }\nZMPI_WEAK_ALIAS(New)\n'
                    '>>>>>>> theirs\n<<<<<<< HEAD\nint a;\n=======\nint b;\n>>>>>>> theirs\n')
        write(self.root, 'mpi/abi/p2p.cc', conflict)
        rc, out = run(self.root, '--resolve')
        self.assertEqual(rc, 1, out)  # one real conflict is left for a human
        text = read(self.root, 'mpi/abi/p2p.cc')
        self.assertIn('int x;\nZMPI_API int PMPI_New(void) { return 0; }\nZMPI_WEAK_ALIAS(New)\n'
                      '<<<<<<< HEAD\nint a;\n', text)


if __name__ == '__main__':
    unittest.main()
