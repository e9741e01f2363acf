#!/usr/bin/env python3
"""Tests tools/gen-fortran.py: on a small table and header, the bindings it writes (argument
forms, the eight external names, functions left out and why) and the mpif.h values (Fortran
keyvals, string lengths, negative handles, aliases); on the real tree, every constant of the
generated mpif.h against the value the C compiler gives the same name through mpi.h, so the
two headers cannot drift. Usage: gen_fortran_test.py [C compiler] (default cc)."""

import os
import re
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(REPO, 'tools', 'gen-fortran.py')
CC = 'cc'

TABLE = """@chapter 3 Point-to-Point Communication
int | MPI_Send | const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm | pt2pt.cc
int | MPI_Send_c | const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm | pt2pt.cc
int | MPI_Waitall | int count, MPI_Request array_of_requests[], MPI_Status array_of_statuses[] | request.cc
int | MPI_Recv | void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Status *status | missing
@chapter 5 Datatypes
int | MPI_Type_get_extent | MPI_Datatype datatype, MPI_Aint *lb, MPI_Aint *extent | datatype.cc
int | MPI_Group_range_incl | MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup | group.cc
@chapter 6 Groups
int | MPI_Op_create | MPI_User_function *user_fn, int commute, MPI_Op *op | op.cc
int | MPI_Comm_create_keyval | MPI_Comm_copy_attr_function *comm_copy_attr_fn, MPI_Comm_delete_attr_function *comm_delete_attr_fn, int *comm_keyval, void *extra_state | attr.cc
int | MPI_Type_get_attr | MPI_Datatype datatype, int type_keyval, void *attribute_val, int *flag | attr.cc
int | MPI_Comm_set_name | MPI_Comm comm, const char *comm_name | comm.cc
double | MPI_Wtime | void | init.cc
int | MPI_Add_error_string | int errorcode, const char *string | errhandler.cc
MPI_Fint | MPI_Comm_c2f | MPI_Comm comm | convert.cc
"""

HEADER = """
#define MPI_COMM_WORLD ((MPI_Comm)0x44000000)
#define MPI_FLOAT_INT ((MPI_Datatype)0x8c000000)
#define MPI_LONG_LONG_INT ((MPI_Datatype)0x4c000809)
#define MPI_LONG_LONG MPI_LONG_LONG_INT
#define MPI_TAG_UB 0x64400001
#define MPI_MAX_OBJECT_NAME 128
#define MPI_MAX ((MPI_Op)0x58000001)
#define MPI_UNDEFINED (-32766)
#define MPI_BOTTOM ((void *)0)
#define MPI_F_SOURCE 2
"""


def parameters(text):
    return {m.group(1): int(m.group(2)) for m in
            re.finditer(r'PARAMETER \((MPI_\w+)=(-?\d+)\)', text)}


class SmallTree(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        root = cls.tmp.name
        os.makedirs(os.path.join(root, 'mpi', 'abi'))
        os.makedirs(os.path.join(root, 'mpi', 'include'))
        with open(os.path.join(root, 'mpi', 'abi', 'functions.tbl'), 'w') as f:
            f.write(TABLE)
        with open(os.path.join(root, 'mpi', 'include', 'mpi.h'), 'w') as f:
            f.write(HEADER)
        out = os.path.join(root, 'out')
        cls.listing = subprocess.run([sys.executable, GEN, '--root', root, '--out', out,
                                      '--list'], check=True, capture_output=True,
                                     text=True).stdout
        cls.files = {}
        for name in os.listdir(out):
            with open(os.path.join(out, name)) as f:
                cls.files[name] = f.read()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_send(self):
        c = self.files['fortran_bindings.c']
        self.assertIn('void mpi_send_(void *buf, MPI_Fint *count, MPI_Fint *datatype, '
                      'MPI_Fint *dest, MPI_Fint *tag, MPI_Fint *comm, MPI_Fint *ierror)', c)
        self.assertIn('*ierror = MPI_Send(ZF_BUF(buf), *count, (MPI_Datatype)*datatype, *dest, '
                      '*tag, (MPI_Comm)*comm);', c)
        self.assertIn('*ierror = PMPI_Send(', c)
        for alias in ('mpi_send', 'mpi_send__', 'MPI_SEND'):
            self.assertIn('ZF_ALIAS(%s, mpi_send_);' % alias, c)
        for alias in ('pmpi_send', 'pmpi_send__', 'PMPI_SEND'):
            self.assertIn('ZF_ALIAS(%s, pmpi_send_);' % alias, c)

    def test_argument_forms(self):
        c = self.files['fortran_bindings.c']
        self.assertIn('MPI_Waitall(*count, (MPI_Request *)array_of_requests, '
                      'ZF_STATUSES(array_of_statuses))', c)
        self.assertIn('MPI_Type_get_extent((MPI_Datatype)*datatype, lb, extent)', c)
        self.assertIn('MPI_Aint *lb', c)
        self.assertIn('(int(*)[3])ranges', c)
        self.assertIn('double mpi_wtime_(void)', c)
        self.assertIn('return MPI_Wtime();', c)

    def test_input_character(self):
        c = self.files['fortran_bindings.c']
        self.assertIn('void mpi_add_error_string_(MPI_Fint *errorcode, char *string, '
                      'MPI_Fint *ierror, size_t string_len)', c)
        self.assertIn('char *c_string = ZfStringDup(string, string_len);', c)
        self.assertIn('*ierror = MPI_Add_error_string(*errorcode, c_string);', c)
        self.assertIn('free(c_string);', c)

    def test_left_out(self):
        c = self.files['fortran_bindings.c']
        self.assertIn('*ierror = MPI_Op_create((MPI_User_function *)user_fn, *commute, '
                      '(MPI_Op *)op);', c)
        for absent in ('mpi_send_c_', 'mpi_recv_', 'mpi_comm_create_keyval_', 'mpi_comm_c2f_',
                       'mpi_type_get_attr_', 'mpi_comm_set_name_'):
            self.assertNotIn('void %s(' % absent, c)
        self.assertNotIn('MPI_Comm_c2f', self.listing)  # C only: not a gap
        for hand in ('MPI_Comm_set_name', 'MPI_Comm_create_keyval', 'MPI_Type_get_attr'):
            self.assertNotIn(hand, self.listing)  # written by hand

    def test_version_script(self):
        m = self.files['fortran.map']
        for name in ('mpi_send_;', 'MPI_SEND;', 'pmpi_send__;', 'mpi_comm_set_name_;',
                     'mpipriv1_;', 'local: *;'):
            self.assertIn(name, m)
        for name in ('mpi_comm_create_keyval_;', 'mpi_comm_dup_fn_;', 'MPI_NULL_COPY_FN;',
                     'mpi_*_f08ts_;', 'pmpir_*_f08_;', '__mpi_f08_*_MOD_*;'):
            self.assertIn(name, m)

    def test_constants(self):
        p = parameters(self.files['mpif.h'])
        self.assertEqual(p['MPI_COMM_WORLD'], 0x44000000)
        self.assertEqual(p['MPI_FLOAT_INT'], 0x8c000000 - (1 << 32))
        self.assertEqual(p['MPI_LONG_LONG'], 0x4c000809)
        self.assertEqual(p['MPI_TAG_UB'], 0x64400002)  # Fortran keyval
        self.assertEqual(p['MPI_MAX_OBJECT_NAME'], 127)  # no NUL in Fortran
        self.assertEqual(p['MPI_MAX'], 0x58000001)  # an op, not a length
        self.assertEqual(p['MPI_UNDEFINED'], -32766)
        self.assertEqual(p['MPI_STATUS_SIZE'], 5)
        self.assertEqual(p['MPI_SOURCE'], 3)
        self.assertNotIn('MPI_BOTTOM', p)
        self.assertNotIn('MPI_F_SOURCE', p)
        self.assertIn('COMMON /MPIPRIV1/ MPI_BOTTOM, MPI_IN_PLACE, MPI_STATUS_IGNORE',
                      self.files['mpif.h'])
        for line in self.files['mpif.h'].splitlines():
            self.assertLessEqual(len(line), 72, line)  # fixed source form


class RealTree(unittest.TestCase):
    def test_mpif_h_matches_mpi_h(self):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, GEN, '--out', tmp], check=True)
            with open(os.path.join(tmp, 'mpif.h')) as f:
                p = parameters(f.read())
            fortran_only = {'MPI_STATUS_SIZE', 'MPI_SOURCE', 'MPI_TAG', 'MPI_ERROR',
                            'MPI_ADDRESS_KIND', 'MPI_OFFSET_KIND', 'MPI_COUNT_KIND',
                            'MPI_INTEGER_KIND'}
            names = sorted(n for n in p if n not in fortran_only)
            self.assertGreater(len(names), 200)
            prog = os.path.join(tmp, 'values.c')
            with open(prog, 'w') as f:
                f.write('#include <stdio.h>\n#include <mpi.h>\nint main(void) {\n')
                for n in names:
                    f.write('  printf("%s=%%lld\\n", (long long)(int)(long)(%s));\n' % (n, n))
                f.write('  return 0;\n}\n')
            exe = os.path.join(tmp, 'values')
            subprocess.run([CC, '-I', os.path.join(REPO, 'mpi', 'include'), prog, '-o', exe],
                           check=True)
            out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
            c = {k: int(v) for k, v in (line.split('=') for line in out.split())}
            keyvals = {'MPI_TAG_UB', 'MPI_HOST', 'MPI_IO', 'MPI_WTIME_IS_GLOBAL',
                       'MPI_UNIVERSE_SIZE', 'MPI_LASTUSEDCODE', 'MPI_APPNUM', 'MPI_WIN_BASE',
                       'MPI_WIN_SIZE', 'MPI_WIN_DISP_UNIT', 'MPI_WIN_CREATE_FLAVOR',
                       'MPI_WIN_MODEL'}
            for n in names:
                want = c[n] + 1 if n in keyvals else c[n]
                if n.startswith('MPI_MAX_'):
                    want = c[n] - 1
                self.assertEqual(p[n], want, n)
            for n in ('MPI_INTEGER', 'MPI_REAL', 'MPI_DOUBLE_PRECISION', 'MPI_COMPLEX',
                      'MPI_DOUBLE_COMPLEX', 'MPI_LOGICAL', 'MPI_CHARACTER', 'MPI_2INTEGER',
                      'MPI_2REAL', 'MPI_2DOUBLE_PRECISION', 'MPI_INTEGER1', 'MPI_INTEGER8',
                      'MPI_REAL4', 'MPI_REAL8', 'MPI_COMM_WORLD', 'MPI_ANY_SOURCE',
                      'MPI_ERR_RANK', 'MPI_ERRORS_RETURN'):
                self.assertIn(n, p)


if __name__ == '__main__':
    if len(sys.argv) > 1 and not sys.argv[1].startswith('-'):
        CC = sys.argv.pop(1)
    unittest.main()
