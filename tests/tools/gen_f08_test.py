#!/usr/bin/env python3
"""Tests tools/gen-f08.py (`use mpi_f08`) and, for MPI-IO rows, tools/gen-fortran.py on a small
table and header: MPICH's specific names (_f08, _f08ts, _large, PMPIR_), argument declarations
(handles, MPI_File, MPI_Offset, LOGICAL, CHARACTER, choice buffers, ASYNCHRONOUS), constants with
their f08 types, the C shims (optional ierror, f08 special objects, descriptors, deferred
buffers) and the mpif.h bindings of MPI_File functions (MPI_File_f2c/c2f, output CHARACTER),
so they come out right when the C side implements them. Usage: gen_f08_test.py"""

import os
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN_F08 = os.path.join(REPO, 'tools', 'gen-f08.py')
GEN_FORTRAN = os.path.join(REPO, 'tools', 'gen-fortran.py')

TABLE = """@chapter 3 Point-to-Point Communication
int | MPI_Send | const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm | pt2pt.cc
int | MPI_Send_c | const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm | pt2pt.cc
int | MPI_Irecv | void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Request *request | pt2pt.cc
int | MPI_Recv | void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Status *status | pt2pt.cc
int | MPI_Test | MPI_Request *request, int *flag, MPI_Status *status | request.cc
@chapter 5 Datatypes
int | MPI_Type_get_extent | MPI_Datatype datatype, MPI_Aint *lb, MPI_Aint *extent | datatype.cc
int | MPI_Type_get_extent_c | MPI_Datatype datatype, MPI_Count *lb, MPI_Count *extent | datatype.cc
@chapter 7 Groups
int | MPI_Comm_rank | MPI_Comm comm, int *rank | comm.cc
int | MPI_Comm_set_name | MPI_Comm comm, const char *comm_name | comm.cc
int | MPI_Comm_create_keyval | MPI_Comm_copy_attr_function *comm_copy_attr_fn, MPI_Comm_delete_attr_function *comm_delete_attr_fn, int *comm_keyval, void *extra_state | attr.cc
int | MPI_Attr_put | MPI_Comm comm, int keyval, void *attribute_val | attr.cc
double | MPI_Wtime | void | init.cc
@chapter 14 I/O
int | MPI_File_open | MPI_Comm comm, const char *filename, int amode, MPI_Info info, MPI_File *fh | io.cc
int | MPI_File_close | MPI_File *fh | io.cc
int | MPI_File_read_at | MPI_File fh, MPI_Offset offset, void *buf, int count, MPI_Datatype datatype, MPI_Status *status | io.cc
int | MPI_File_iwrite_at | MPI_File fh, MPI_Offset offset, const void *buf, int count, MPI_Datatype datatype, MPI_Request *request | io.cc
int | MPI_File_get_view | MPI_File fh, MPI_Offset *disp, MPI_Datatype *etype, MPI_Datatype *filetype, char *datarep | io.cc
int | MPI_File_set_atomicity | MPI_File fh, int flag | io.cc
int | MPI_File_seek | MPI_File fh, MPI_Offset offset, int whence | missing
MPI_Fint | MPI_File_c2f | MPI_File file | convert.cc
"""

HEADER = """
#define MPI_COMM_WORLD ((MPI_Comm)0x44000000)
#define MPI_INTEGER ((MPI_Datatype)0x4c00041b)
#define MPI_FILE_NULL ((MPI_File)0)
#define MPI_MODE_RDONLY 2
#define MPI_SEEK_SET 600
#define MPI_DISPLACEMENT_CURRENT (-54278278)
#define MPI_TAG_UB 0x64400001
#define MPI_MAX_DATAREP_STRING 128
#define MPI_LONG_LONG_INT ((MPI_Datatype)0x4c000809)
#define MPI_LONG_LONG MPI_LONG_LONG_INT
"""


class SmallTree(unittest.TestCase):
    def assertIn(self, needle, text, msg=None):  # say what is missing, not the whole file
        self.assertTrue(needle in text, msg or 'missing: %r' % needle)

    def assertNotIn(self, needle, text, msg=None):
        self.assertFalse(needle in text, msg or 'present: %r' % needle)

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
        cls.listing = subprocess.run([sys.executable, GEN_F08, '--root', root, '--out', out,
                                      '--list'], check=True, capture_output=True,
                                     text=True).stdout
        subprocess.run([sys.executable, GEN_FORTRAN, '--root', root, '--out', out], check=True)
        cls.files = {}
        for name in os.listdir(out):
            with open(os.path.join(out, name)) as f:
                cls.files[name] = f.read()
        cls.f08 = cls.files['mpi_f08.f90']
        cls.shims = cls.files['f08_shims.c']
        cls.wrappers = cls.files['f08_wrappers.f90']

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_specific_names(self):
        self.assertIn('INTERFACE MPI_Send\n', self.f08)
        self.assertIn('SUBROUTINE MPI_Send_f08ts(buf, count, datatype, dest, tag, comm, ierror)',
                      self.f08)
        self.assertIn('SUBROUTINE MPI_Send_f08ts_large(buf, count', self.f08)
        self.assertIn('INTEGER(KIND=MPI_COUNT_KIND), INTENT(IN) :: count', self.f08)
        self.assertIn('INTERFACE PMPI_Send\n', self.f08)
        self.assertIn('SUBROUTINE PMPIR_Send_f08ts(', self.f08)
        self.assertIn('SUBROUTINE MPI_Comm_rank_f08(comm, rank, ierror)', self.f08)
        self.assertIn('FUNCTION MPI_Wtime_f08() RESULT(res)', self.f08)
        self.assertIn('INTEGER, OPTIONAL, INTENT(OUT) :: ierror', self.f08)

    def test_declarations(self):
        self.assertIn('TYPE(*), DIMENSION(..), INTENT(IN) :: buf', self.f08)
        self.assertIn('TYPE(MPI_Comm), INTENT(IN) :: comm', self.f08)
        self.assertIn('TYPE(MPI_Status) :: status', self.f08)
        self.assertIn('LOGICAL :: flag', self.f08)
        self.assertIn('CHARACTER(LEN=*), INTENT(IN) :: comm_name', self.f08)
        self.assertIn('PROCEDURE(MPI_Comm_copy_attr_function) :: comm_copy_attr_fn', self.f08)
        self.assertIn('INTEGER(KIND=MPI_ADDRESS_KIND), INTENT(IN) :: extra_state', self.f08)
        # Irecv's buffer outlives the call.
        self.assertIn('TYPE(*), DIMENSION(..), ASYNCHRONOUS :: buf', self.f08)

    def test_left_out(self):
        # Same interface as the plain form when the kinds are equal; deprecated Attr_put.
        self.assertIn('MPI_Type_get_extent_c: same Fortran interface', self.listing)
        self.assertNotIn('MPI_Type_get_extent_f08_large', self.f08)
        self.assertNotIn('MPI_Attr_put', self.f08)
        self.assertNotIn('MPI_File_c2f', self.f08)
        self.assertNotIn('MPI_File_seek', self.f08)  # missing in C

    def test_constants(self):
        self.assertIn('TYPE(MPI_Comm), PARAMETER :: MPI_COMM_WORLD = MPI_Comm(1140850688)',
                      self.f08)
        self.assertIn('TYPE(MPI_Datatype), PARAMETER :: MPI_LONG_LONG = MPI_Datatype(1275070473)',
                      self.f08)
        self.assertIn('TYPE(MPI_File), PARAMETER :: MPI_FILE_NULL = MPI_File(0)', self.f08)
        self.assertIn('INTEGER, PARAMETER :: MPI_MODE_RDONLY = 2', self.f08)
        self.assertIn('INTEGER, PARAMETER :: MPI_SEEK_SET = 600', self.f08)
        self.assertIn('INTEGER, PARAMETER :: MPI_TAG_UB = 1681915906', self.f08)
        self.assertIn('INTEGER(KIND=MPI_OFFSET_KIND), PARAMETER :: MPI_DISPLACEMENT_CURRENT = '
                      '-54278278', self.f08)
        self.assertIn('LOGICAL, PARAMETER :: MPI_SUBARRAYS_SUPPORTED = .FALSE.', self.f08)

    def test_shims(self):
        # Without choice buffers: a C function forwarding to the mpif.h binding.
        self.assertIn('ZF_API void mpi_comm_rank_f08_(void *comm, void *rank, MPI_Fint *ierror)',
                      self.shims)
        self.assertIn('mpi_comm_rank_(comm, rank, &zf_e);', self.shims)
        self.assertIn('if (ierror != NULL) *ierror = zf_e;', self.shims)
        self.assertIn('pmpir_comm_rank_f08_(', self.shims)
        self.assertIn('pmpi_comm_rank_(comm, rank, &zf_e);', self.shims)
        self.assertIn('mpi_test_(request, flag, ZF08_STATUS(status), &zf_e);', self.shims)
        self.assertIn('mpi_comm_set_name_(comm, comm_name, &zf_e, comm_name_len);', self.shims)
        self.assertIn('double mpi_wtime_f08_(void)', self.shims)
        # With: a descriptor, copies allowed only for blocking calls, errors on the object.
        self.assertIn('void zf08_recv(const MPI_Fint *zf_pmpi, CFI_cdesc_t *buf', self.shims)
        self.assertIn('ZfChoiceIn(&zf_buf, buf, ZF_CHOICE_OUT | 0)', self.shims)
        # Irecv: a non-contiguous section may go as a datatype (its own count and datatype).
        self.assertIn('ZfChoiceInTyped(&zf_buf, buf, ZF_CHOICE_OUT | ZF_CHOICE_DEFERRED, '
                      '*(MPI_Fint *)count, *(MPI_Fint *)datatype);', self.shims)
        self.assertIn('mpi_irecv_(zf_buf.addr, ZF_CHOICE_COUNT(zf_buf, count), '
                      'ZF_CHOICE_TYPE(zf_buf, datatype), source', self.shims)
        self.assertIn('zf_e = ZfRaiseComm(comm, zf_e);', self.shims)
        # The _c form goes to an internal mpif.h-style binding of the C _c function.
        self.assertIn('static void zf_mpi_send_c_(', self.shims)
        self.assertIn('*ierror = MPI_Send_c(ZF_BUF(buf), *count', self.shims)

    def test_wrappers(self):
        self.assertIn('SUBROUTINE MPI_Send_f08ts(buf, count, datatype, dest, tag, comm, ierror)',
                      self.wrappers)
        self.assertIn("SUBROUTINE zf08_send(zf_pmpi, buf, count, datatype, dest, tag, comm, "
                      "ierror) BIND(C, &\n        NAME='zf08_send')", self.wrappers)
        self.assertIn('CALL zf08_send(0, buf, count', self.wrappers)
        self.assertIn('SUBROUTINE PMPIR_Send_f08ts(', self.wrappers)
        self.assertIn('CALL zf08_send(1, buf, count', self.wrappers)
        for line in self.wrappers.splitlines() + self.f08.splitlines():
            self.assertLessEqual(len(line), 132, line)  # free source form

    def test_file_functions(self):
        # f08: TYPE(MPI_File) (its MPI_VAL is the mpif.h integer), MPI_Offset kinds.
        self.assertIn('SUBROUTINE MPI_File_open_f08(comm, filename, amode, info, fh, ierror)',
                      self.f08)
        self.assertIn('TYPE(MPI_File) :: fh', self.f08)
        self.assertIn('SUBROUTINE MPI_File_read_at_f08ts(fh, offset, buf, count, datatype, '
                      'status, ierror)', self.f08)
        self.assertIn('INTEGER(KIND=MPI_OFFSET_KIND), INTENT(IN) :: offset', self.f08)
        self.assertIn('INTEGER(KIND=MPI_OFFSET_KIND) :: disp', self.f08)
        self.assertIn('CHARACTER(LEN=*) :: datarep', self.f08)
        self.assertIn('LOGICAL, INTENT(IN) :: flag', self.f08)
        self.assertIn('zf_e = ZfRaiseFile(fh, zf_e);', self.shims)
        self.assertIn('ZfChoiceInTyped(&zf_buf, buf, ZF_CHOICE_DEFERRED, ', self.shims)
        # mpif.h: MPI_File_f2c/c2f around the C call, output CHARACTER blank-padded.
        c = self.files['fortran_bindings.c']
        self.assertIn('*ierror = MPI_File_read_at(MPI_File_f2c(*fh), *offset, ZF_BUF(buf), '
                      '*count, (MPI_Datatype)*datatype, ZF_STATUS(status));', c)
        self.assertIn('MPI_File c_fh = MPI_File_f2c(*fh);', c)
        self.assertIn('*ierror = MPI_File_close(&c_fh);', c)
        self.assertIn('*fh = MPI_File_c2f(c_fh);', c)
        self.assertIn('char *c_filename = ZfStringDup(filename, filename_len);', c)
        self.assertIn('void mpi_file_get_view_(MPI_Fint *fh, MPI_Offset *disp, MPI_Fint *etype, '
                      'MPI_Fint *filetype, char *datarep, MPI_Fint *ierror, size_t datarep_len)',
                      c)
        self.assertIn('ZfStringOut(c_datarep, datarep, datarep_len);', c)
        h = self.files['mpif.h']
        self.assertIn('INTEGER(KIND=MPI_OFFSET_KIND) MPI_DISPLACEMENT_CURRENT', h)
        self.assertIn('PARAMETER (MPI_MODE_RDONLY=2)', h)


if __name__ == '__main__':
    unittest.main()
