#!/usr/bin/env python3
"""Generates zmpi's Fortran binding (MPICH's Fortran ABI) from mpi/abi/functions.tbl and mpi.h.

  tools/gen-fortran.py --out DIR    write DIR/mpif.h (constants with the C header's values),
                                     DIR/mpi.f90 (module mpi), DIR/fortran_bindings.c (one C
                                     function per implemented C function that has a mechanical
                                     Fortran binding, under MPICH's four external names for MPI_
                                     and PMPI_) and DIR/fortran.map (the version script)
  tools/gen-fortran.py --list        print the functions left out of the generated binding and why
  --root DIR                         work on the tree at DIR instead of this script's repository

Bindings follow MPICH's Fortran ABI: handles are the C handles (MPI_Fint), every argument is
passed by reference, INTEGER ierror comes last, MPI_Status is INTEGER(MPI_STATUS_SIZE) with the C
layout, LOGICAL is gfortran's (.TRUE. = 1, so C ints pass unchanged), and MPI_BOTTOM, MPI_IN_PLACE,
MPI_STATUS(ES)_IGNORE, MPI_UNWEIGHTED and MPI_WEIGHTS_EMPTY are recognised by the address of
MPICH's COMMON blocks (mpipriv1_, mpipriv2_, mpifcmb5_, mpifcmb9_), which fortran/common.c
defines. MPI_File handles are converted with MPI_File_f2c/c2f, output CHARACTER arguments are
blank-padded. Functions with no argument list that maps one-to-one, or with callbacks that need
C trampolines (keyvals, generalized requests, file error handlers), are written by hand in
fortran/*.c and named in HAND below. tools/gen-f08.py builds `use mpi_f08` on this module.
Python 3 standard library only.
"""

import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


# The table reader and C helpers of tools/gen-api.py (tools/genapi/); no bytecode written into
# the source tree (the build runs this).
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import genapi.common  # noqa: E402
import genapi.cparse  # noqa: E402
import genapi.table  # noqa: E402


class gen_api:  # the names gen-fortran.py and gen-f08.py use
    split_top = staticmethod(genapi.cparse.split_top)
    write_if_changed = staticmethod(genapi.common.write_if_changed)
    Table = genapi.table.Table

HANDLES = ('MPI_Comm', 'MPI_Datatype', 'MPI_Group', 'MPI_Request', 'MPI_Op', 'MPI_Errhandler',
           'MPI_Info', 'MPI_Win', 'MPI_Message', 'MPI_Session')
WIDE = ('MPI_Aint', 'MPI_Offset', 'MPI_Count')

# Written by hand in fortran/*.c (CHARACTER arguments, argc/argv, varargs, attribute values).
HAND = {
    'MPI_Init', 'MPI_Init_thread', 'MPI_Get_processor_name', 'MPI_Comm_get_name',
    'MPI_Comm_set_name', 'MPI_Type_get_name', 'MPI_Type_set_name', 'MPI_Win_get_name',
    'MPI_Win_set_name', 'MPI_Error_string', 'MPI_Info_set', 'MPI_Info_get', 'MPI_Info_delete',
    'MPI_Info_get_valuelen', 'MPI_Info_get_nthkey', 'MPI_Info_get_string',
    'MPI_Get_library_version', 'MPI_Pcontrol', 'MPI_Buffer_detach', 'MPI_Comm_get_attr',
    'MPI_Win_get_attr', 'MPI_Info_create_env', 'MPI_Comm_detach_buffer',
    'MPI_Session_detach_buffer',
    # fortran/keyval.c: Fortran copy/delete callbacks behind C trampolines, attribute values.
    'MPI_Comm_create_keyval', 'MPI_Type_create_keyval', 'MPI_Win_create_keyval',
    'MPI_Keyval_create', 'MPI_Comm_set_attr', 'MPI_Type_set_attr', 'MPI_Win_set_attr',
    'MPI_Type_get_attr', 'MPI_Attr_get', 'MPI_Attr_put',
    # fortran/callback.c: generalized requests, file error handlers; hand.c: n-th pset name.
    'MPI_Grequest_start', 'MPI_File_create_errhandler', 'MPI_Session_get_nth_pset',
    # fortran/mpi1.c: MPI-1 routines whose MPI_Aint arguments are INTEGERs in Fortran.
    'MPI_Address', 'MPI_Type_extent', 'MPI_Type_lb', 'MPI_Type_ub', 'MPI_Type_hvector',
    'MPI_Type_hindexed', 'MPI_Type_struct',
}

# Callback types whose C call passes every argument by reference, as a Fortran procedure with
# MPICH's Fortran interface expects (user ops: INVEC, INOUTVEC, LEN, DATATYPE; errhandlers:
# object, error code): the Fortran procedure is registered as it is, without a trampoline.
BY_REFERENCE_CALLBACKS = {'MPI_User_function', 'MPI_User_function_c',
                          'MPI_Comm_errhandler_function',
                          'MPI_Win_errhandler_function', 'MPI_Session_errhandler_function'}

# Fortran-only routines (no C function): MPI_F_SYNC_REG (hand.c) and the predefined attribute
# and conversion callbacks that mpif.h declares EXTERNAL (callback.c), under MPICH's names.
PREDEFINED_CALLBACKS = ('NULL_COPY_FN', 'NULL_DELETE_FN', 'DUP_FN', 'COMM_NULL_COPY_FN',
                        'COMM_NULL_DELETE_FN', 'COMM_DUP_FN', 'TYPE_NULL_COPY_FN',
                        'TYPE_NULL_DELETE_FN', 'TYPE_DUP_FN', 'WIN_NULL_COPY_FN',
                        'WIN_NULL_DELETE_FN', 'WIN_DUP_FN', 'CONVERSION_FN_NULL')
FORTRAN_ONLY = ('F_sync_reg',) + tuple(n.lower() for n in PREDEFINED_CALLBACKS)

# Constants of Fortran type INTEGER(KIND=MPI_OFFSET_KIND) (MPI-4.1 names them so): an INTEGER
# passed where an MPI_Offset argument is expected would be read with 4 garbage bytes.
OFFSET_CONSTANTS = ('MPI_DISPLACEMENT_CURRENT',)

# The external names of `use mpi_f08` (tools/gen-f08.py): MPICH's specific procedure names
# (mpi_send_f08ts_, mpi_comm_rank_f08_, their _large forms and the pmpir_ ones), its module
# procedures (__mpi_f08_*_MOD_*) and bind(C) objects (MPIR_F08_*). Version-script patterns.
F08_EXPORTS = ('mpi_*_f08_', 'mpi_*_f08ts_', 'mpi_*_f08_large_', 'mpi_*_f08ts_large_',
               'pmpir_*_f08_', 'pmpir_*_f08ts_', 'pmpir_*_f08_large_', 'pmpir_*_f08ts_large_',
               '__mpi_f08_*_MOD_*', 'MPIR_F08_*', '__mpi_sizeofs_MOD_*')

# Names (in C parameter lists) of void * parameters that are not choice buffers.
RAW_POINTERS = {'baseptr'}

# Predefined attribute keyvals: MPICH's Fortran values are the C values + 1 (the low bit tells the
# attribute code the caller is Fortran).
FORTRAN_KEYVALS = ('MPI_TAG_UB', 'MPI_HOST', 'MPI_IO', 'MPI_WTIME_IS_GLOBAL', 'MPI_UNIVERSE_SIZE',
                   'MPI_LASTUSEDCODE', 'MPI_APPNUM', 'MPI_WIN_BASE', 'MPI_WIN_SIZE',
                   'MPI_WIN_DISP_UNIT', 'MPI_WIN_CREATE_FLAVOR', 'MPI_WIN_MODEL')

# C constants that have no meaning in Fortran (pointers, C-only sizes).
NOT_FORTRAN = {'MPI_F_STATUS_SIZE', 'MPI_F08_STATUS_SIZE', 'MPI_F_SOURCE', 'MPI_F_TAG',
               'MPI_F_ERROR'}


class Skip(Exception):
    pass


def parse_param(text):
    """'const int x[]' -> (base type, name, is_pointer_or_array, is_const)."""
    text = text.strip()
    const = text.startswith('const ')
    if const:
        text = text[len('const '):]
    array = text.endswith(']')
    if array:
        text = text[:text.index('[')].strip()
    m = re.match(r'^([\w ]+?)\s*(\**)\s*(\w+)$', text)
    if not m:
        raise Skip('unparsed parameter %r' % text)
    base, stars, name = m.group(1).strip(), m.group(2), m.group(3)
    return base, name, len(stars) + (1 if array else 0), const


def convert(func, param):
    """Returns (fortran-side C parameter, C argument expression) for one parameter."""
    base, name, depth, const = parse_param(param)
    if base == 'MPI_File':
        # MPI_File is a pointer in C; Fortran holds MPI_File_c2f's integer (MPICH's ABI).
        if depth == 0:
            return 'MPI_Fint *%s' % name, 'MPI_File_f2c(*%s)' % name
        if depth == 1:
            return ('MPI_Fint *%s' % name, '&c_%s' % name,
                    '  MPI_File c_%s = MPI_File_f2c(*%s);\n' % (name, name),
                    '  *%s = MPI_File_c2f(c_%s);\n' % (name, name))
    if base == 'char' and depth == 1 and not const:
        # An output CHARACTER (e.g. a representation name): C writes a NUL-terminated string
        # into a buffer large enough for any MPI name, Fortran gets it blank-padded.
        return ('char *%s' % name, 'c_%s' % name,
                '  char c_%s[ZF_MAX_STRING + 1] = "";\n' % name,
                '  if (*ierror == MPI_SUCCESS) ZfStringOut(c_%s, %s, %s_len);\n'
                % (name, name, name))
    if base == 'char' and depth == 1 and const:
        # An input CHARACTER: its hidden length comes after all arguments; the C call gets a
        # NUL-terminated copy without trailing blanks (ZF_STRING_IN in binding()).
        return 'char *%s' % name, 'c_%s' % name
    if param.strip().endswith('[][3]') and base == 'int':
        # RANGES(3, N) in Fortran is C's int ranges[n][3].
        return 'MPI_Fint *%s' % name, '(int(*)[3])%s' % name
    if name == 'indx' and base == 'int' and depth == 1:
        # MPI_WAITANY, MPI_TESTANY: Fortran indices count from 1 (MPI_UNDEFINED stays).
        return ('MPI_Fint *%s' % name, '&c_%s' % name,
                '  int c_%s = MPI_UNDEFINED;\n' % name,
                '  *%s = c_%s == MPI_UNDEFINED || c_%s < 0 ? c_%s : c_%s + 1;\n'
                % ((name,) * 5))
    if name == 'array_of_indices' and base == 'int' and depth == 1:
        # MPI_WAITSOME, MPI_TESTSOME: the first OUTCOUNT indices count from 1 in Fortran
        # (outcount precedes array_of_indices in both).
        return ('MPI_Fint *%s' % name, name, '',
                '  if (*ierror == MPI_SUCCESS || *ierror == MPI_ERR_IN_STATUS) '
                'ZfIndicesToFortran(outcount, %s);\n' % name)
    if name == 'array_of_errcodes' and depth == 1:
        return 'MPI_Fint *%s' % name, 'ZF_ERRCODES(%s)' % name
    if base == 'void':
        if depth != 1 or name in ('attribute_val', 'extra_state', 'attribute_val_in',
                                  'attribute_val_out', 'buffer_addr'):
            raise Skip('void parameter %s' % name)
        if name in RAW_POINTERS:
            return 'void *%s' % name, name
        return 'void *%s' % name, 'ZF_BUF(%s)' % name
    if base == 'int':
        if depth == 0:
            return 'MPI_Fint *%s' % name, '*%s' % name
        if depth == 1:
            if name in ('weights', 'sourceweights', 'destweights'):
                return 'MPI_Fint *%s' % name, 'ZF_WEIGHTS(%s)' % name
            return 'MPI_Fint *%s' % name, name
    if base in WIDE:
        if depth == 0:
            return '%s *%s' % (base, name), '*%s' % name
        if depth == 1:
            return '%s *%s' % (base, name), name
    if base in HANDLES:
        if depth == 0:
            return 'MPI_Fint *%s' % name, '(%s)*%s' % (base, name)
        if depth == 1:
            return 'MPI_Fint *%s' % name, '(%s *)%s' % (base, name)
    if base in BY_REFERENCE_CALLBACKS and depth == 1:
        return 'void *%s' % name, '(%s *)%s' % (base, name)
    if base == 'MPI_Status' and depth == 1:
        if 'statuses' in name:
            return 'MPI_Fint *%s' % name, 'ZF_STATUSES(%s)' % name
        return 'MPI_Fint *%s' % name, 'ZF_STATUS(%s)' % name
    raise Skip('parameter type %s%s' % (base, '*' * depth))


def is_c_only(name):
    # MPI-4.1 chapter 15: the tool information interface (MPI_T_*) has C bindings only.
    return (name.endswith('_f2c') or name.endswith('_c2f') or 'f082' in name or
            '2f08' in name or name.startswith('MPI_Status_f') or name.startswith('MPI_T_'))


def binding(row, internal=False):
    """Returns the C text of one binding (MPI_ and PMPI_ forms and their aliases) and the names
    of its two functions, or raises Skip. internal: a large-count (_c) function, which only
    `use mpi_f08` binds: two static functions zf_mpi_<name>_ and zf_pmpi_<name>_, no aliases."""
    if is_c_only(row.name) or (row.name.endswith('_c') and not internal):
        raise Skip('no Fortran binding (C only)')
    if row.name in HAND:
        raise Skip('hand')
    if row.ret not in ('int', 'double', 'MPI_Aint'):
        raise Skip('return type %s' % row.ret)
    params = [] if row.params.strip() == 'void' else gen_api.split_top(row.params)
    formals, actuals, strings, pre, post = [], [], [], [], []
    for p in params:
        converted = convert(row.name, p)
        f, a = converted[:2]
        if len(converted) == 4:
            pre.append(converted[2])
            post.append(converted[3])
        formals.append(f)
        actuals.append(a)
        if f.startswith('char *'):
            strings.append(f[len('char *'):])
    if (strings or pre) and row.ret != 'int':
        raise Skip('CHARACTER or MPI_File argument of a function')
    if row.ret == 'int':
        formals.append('MPI_Fint *ierror')
    formals += ['size_t %s_len' % n for n in strings]
    ret = {'int': 'void', 'double': 'double', 'MPI_Aint': 'MPI_Aint'}[row.ret]
    out = []
    names = []
    for prefix in ('MPI_', 'PMPI_'):
        cname = prefix + row.short
        lower = cname.lower()
        fname = ('zf_%s_' % lower) if internal else (lower + '_')
        names.append(fname)
        sig = '%s %s(%s)' % (ret, fname, ', '.join(formals) or 'void')
        call = '%s(%s)' % (cname, ', '.join(actuals))
        body = ('*ierror = %s;' % call) if row.ret == 'int' else ('return %s;' % call)
        # Input strings get a NUL-terminated copy (freed after the call); output strings
        # (pre declares their buffer) are copied out after it (post).
        dupped = [n for n in strings if not any('c_%s[' % n in x for x in pre)]
        dup = ''.join('  char *c_%s = ZfStringDup(%s, %s_len);\n' % (n, n, n) for n in dupped)
        head = 'static' if internal else 'ZF_API'
        after = ''.join(post)
        if dupped:
            ok = ' && '.join('c_%s' % n for n in dupped)
            free = ''.join('  free(c_%s);\n' % n for n in dupped)
            out.append('%s %s {\n%s%s  if (%s) {\n    %s\n  } else {\n'
                       '    *ierror = MPI_ERR_NO_MEM;\n  }\n%s%s}\n'
                       % (head, sig, dup, ''.join(pre), ok, body, after, free))
        else:
            out.append('%s %s {\n%s  %s\n%s}\n' % (head, sig, ''.join(pre), body, after))
        if not internal:
            for alias in (lower, lower + '__', cname.upper()):
                out.append('ZF_ALIAS(%s, %s_);\n' % (alias, lower))
    return ''.join(out), names


def fortran_names(short):
    names = []
    for prefix in ('mpi_', 'pmpi_'):
        lower = prefix + short.lower()
        names += [lower, lower + '_', lower + '__', lower.upper()]
    return names


# ---- mpif.h ----

DEFINE = re.compile(r'^#define\s+(MPI_[A-Z0-9_]+)\s+(.+?)\s*$', re.M)


def header_constants(text):
    """{name: int} for every MPI_ constant of mpi.h whose value is an integer (casts to handle
    types and aliases of other constants included), in header order."""
    raw = {}
    order = []
    for m in DEFINE.finditer(text):
        name, value = m.group(1), m.group(2)
        value = re.sub(r'/\*.*?\*/', '', value).strip()
        if name not in raw:
            raw[name] = value
            order.append(name)
    out = {}

    def evaluate(name, depth=0):
        if name in out:
            return out[name]
        if depth > 8 or name not in raw:
            return None
        v = raw[name]
        v = re.sub(r'\(\s*(?:MPI_[A-Za-z]+)\s*\)', '', v)  # handle casts
        if '*' in v or '"' in v:
            return None
        v = v.strip()
        while v.startswith('(') and v.endswith(')'):
            v = v[1:-1].strip()
        if re.match(r'^-?(0x[0-9a-fA-F]+|\d+)$', v):
            result = int(v, 0)
        elif re.match(r'^MPI_[A-Z0-9_]+$', v):
            result = evaluate(v, depth + 1)
        else:
            return None
        if result is not None:
            out[name] = result
        return result

    for name in order:
        evaluate(name)
    return [(n, out[n]) for n in order if n in out and n not in NOT_FORTRAN]


def int32(value):
    value &= 0xffffffff
    return value - (1 << 32) if value & 0x80000000 else value


def fortran_value(name, value):
    """The Fortran value of an integer constant of mpi.h (MPICH's differences from C)."""
    if name in FORTRAN_KEYVALS:
        value += 1
    elif name.startswith('MPI_MAX_') and name != 'MPI_MAX':
        value -= 1  # string lengths: C counts the terminating NUL, Fortran has none
    return value if name in OFFSET_CONSTANTS else int32(value)


def mpif_h(constants):
    lines = ['! mpif.h: zmpi\'s Fortran constants (MPICH\'s Fortran ABI). Generated by',
             '! tools/gen-fortran.py from mpi/include/mpi.h; do not edit.',
             '! Fixed and free source form both accept this file.',
             '       INTEGER MPI_STATUS_SIZE',
             '       PARAMETER (MPI_STATUS_SIZE=5)',
             '       INTEGER MPI_SOURCE, MPI_TAG, MPI_ERROR',
             '       PARAMETER (MPI_SOURCE=3)',
             '       PARAMETER (MPI_TAG=4)',
             '       PARAMETER (MPI_ERROR=5)',
             '       INTEGER MPI_ADDRESS_KIND, MPI_OFFSET_KIND, MPI_COUNT_KIND',
             '       PARAMETER (MPI_ADDRESS_KIND=8)',
             '       PARAMETER (MPI_OFFSET_KIND=8)',
             '       PARAMETER (MPI_COUNT_KIND=8)',
             '       INTEGER MPI_INTEGER_KIND',
             '       PARAMETER (MPI_INTEGER_KIND=4)',
             '       LOGICAL MPI_SUBARRAYS_SUPPORTED, MPI_ASYNC_PROTECTS_NONBLOCKING',
             '       PARAMETER (MPI_SUBARRAYS_SUPPORTED=.FALSE.)',
             '       PARAMETER (MPI_ASYNC_PROTECTS_NONBLOCKING=.FALSE.)']
    skip = {'MPI_STATUS_SIZE', 'MPI_SOURCE', 'MPI_TAG', 'MPI_ERROR'}
    for name, value in constants:
        if name in skip:
            continue
        if name in OFFSET_CONSTANTS:
            lines.append('       INTEGER(KIND=MPI_OFFSET_KIND) %s' % name)
            lines.append('       PARAMETER (%s=%d)' % (name, value))
            continue
        lines.append('       INTEGER %s' % name)
        lines.append('       PARAMETER (%s=%d)' % (name, fortran_value(name, value)))
    lines += [
        '! Special addresses: MPICH\'s COMMON blocks, so programs built',
        '! against either library pass the same objects.',
        '       INTEGER MPI_BOTTOM, MPI_IN_PLACE',
        '       INTEGER MPI_STATUS_IGNORE(MPI_STATUS_SIZE)',
        '       INTEGER MPI_STATUSES_IGNORE(MPI_STATUS_SIZE,1)',
        '       INTEGER MPI_ERRCODES_IGNORE(1)',
        '       CHARACTER*1 MPI_ARGVS_NULL(1,1)',
        '       CHARACTER*1 MPI_ARGV_NULL(1)',
        '       INTEGER MPI_UNWEIGHTED, MPI_WEIGHTS_EMPTY',
        '       COMMON /MPIPRIV1/ MPI_BOTTOM, MPI_IN_PLACE, MPI_STATUS_IGNORE',
        '       COMMON /MPIPRIV2/ MPI_STATUSES_IGNORE, MPI_ERRCODES_IGNORE',
        '       COMMON /MPIPRIVC/ MPI_ARGVS_NULL, MPI_ARGV_NULL',
        '       COMMON /MPIFCMB5/ MPI_UNWEIGHTED',
        '       COMMON /MPIFCMB9/ MPI_WEIGHTS_EMPTY',
        '       SAVE /MPIPRIV1/, /MPIPRIV2/, /MPIPRIVC/, /MPIFCMB5/, /MPIFCMB9/',
        '       DOUBLE PRECISION MPI_WTIME, MPI_WTICK',
        '       DOUBLE PRECISION PMPI_WTIME, PMPI_WTICK',
        '       EXTERNAL MPI_WTIME, MPI_WTICK, PMPI_WTIME, PMPI_WTICK',
        '       INTEGER*8 MPI_AINT_ADD, MPI_AINT_DIFF',
        '       EXTERNAL MPI_AINT_ADD, MPI_AINT_DIFF',
    ]
    for i in range(0, len(PREDEFINED_CALLBACKS), 2):
        lines.append('       EXTERNAL ' + ', '.join('MPI_' + n for n in PREDEFINED_CALLBACKS[i:i + 2]))
    return '\n'.join(lines) + '\n'


# MPI_SIZEOF of `use mpi` (MPI-4.1 19.1.9): MPICH's module mpi_sizeofs and specific names
# (mpi_sizeof_<t> for scalars, mpi_sizeof_<t>v for arrays), so their external symbols
# (__mpi_sizeofs_MOD_mpi_sizeof_i ...) are MPICH's; dcx (DOUBLE COMPLEX) is ours.
SIZEOF_TYPES = (('i', 'INTEGER'), ('i1', 'INTEGER(KIND=1)'), ('i2', 'INTEGER(KIND=2)'),
                ('i8', 'INTEGER(KIND=8)'), ('r', 'REAL'), ('d', 'DOUBLE PRECISION'),
                ('cx', 'COMPLEX'), ('dcx', 'DOUBLE COMPLEX'), ('l', 'LOGICAL'),
                ('ch', 'CHARACTER(LEN=*)'))


def mpi_sizeofs():
    names = []
    procs = []
    for suffix, decl in SIZEOF_TYPES:
        for array in (False, True):
            name = 'mpi_sizeof_%s%s' % (suffix, 'v' if array else '')
            names.append(name)
            # The size of one element; storage_size does not read the value, so a zero-size
            # array is fine.
            procs.append('  subroutine %s(x, size, ierror)\n'
                         '    %s, intent(in) :: x%s\n'
                         '    integer, intent(out) :: size, ierror\n'
                         '    size = storage_size(x%s) / 8\n'
                         '    ierror = 0\n'
                         '  end subroutine %s\n'
                         % (name, decl, '(*)' if array else '', '(1)' if array else '', name))
    return '\n'.join([
        '! module mpi_sizeofs: MPI_SIZEOF for `use mpi` (generated by tools/gen-fortran.py; do',
        '! not edit). Compiled into libmpifort; module mpi uses it.',
        'module mpi_sizeofs',
        '  implicit none',
        '  private',
        '  public :: MPI_SIZEOF',
        '  interface MPI_SIZEOF',
        '    module procedure ' + ', &\n        '.join(names),
        '  end interface MPI_SIZEOF',
        'contains',
        ''.join(procs).rstrip('\n'),
        'end module mpi_sizeofs',
        ''])


def mpi_f90():
    return '\n'.join([
        '! module mpi: zmpi\'s `use mpi` (generated by tools/gen-fortran.py; do not edit).',
        '! Its constants and COMMON blocks are mpif.h\'s. Routines are external procedures',
        '! without explicit interfaces, so choice buffers of any type and rank pass; MPI_SIZEOF',
        '! is the generic of module mpi_sizeofs.',
        '! A .mod file belongs to the compiler (and version) that wrote it.',
        'module mpi',
        '  use mpi_sizeofs',
        '  implicit none',
        '  include \'mpif.h\'',
        'end module mpi',
        ''])


C_PRELUDE = """/* fortran_bindings.c: generated by tools/gen-fortran.py from mpi/abi/functions.tbl; do not
 * edit. One function per implemented C function, MPICH's Fortran ABI (see the generator). */
#include "fortran.h"

"""


def generate(root):
    table = gen_api.Table(os.path.join(root, 'mpi/abi/functions.tbl'))
    parts = [C_PRELUDE]
    exported = []
    skipped = []
    for row in table.rows():
        if not row.implemented:
            continue
        try:
            text, _ = binding(row)
        except Skip as e:
            if str(e) == 'hand':
                exported += fortran_names(row.short)
            elif str(e) != 'no Fortran binding (C only)':
                skipped.append((row.name, str(e)))
            continue
        parts.append(text)
        exported += fortran_names(row.short)
    for short in FORTRAN_ONLY:
        exported += fortran_names(short)
    with open(os.path.join(root, 'mpi/include/mpi.h')) as f:
        constants = header_constants(f.read())
    data = ['mpipriv1_', 'mpipriv2_', 'mpiprivc_', 'mpifcmb5_', 'mpifcmb9_']
    version_script = ('{\n  global:\n' +
                      ''.join('    %s;\n' % n for n in sorted(set(exported)) + data) +
                      ''.join('    %s;\n' % n for n in F08_EXPORTS) +
                      '  local: *;\n};\n')
    return {
        'fortran_bindings.c': ''.join(parts),
        'mpif.h': mpif_h(constants),
        'mpi.f90': mpi_f90(),
        'mpi_sizeofs.f90': mpi_sizeofs(),
        'fortran.map': version_script,
    }, skipped


def main(generate_files=None, doc=None):
    """The command line of this generator and of gen-f08.py (which passes its own generate)."""
    generate_files = generate_files or generate
    parser = argparse.ArgumentParser(description=doc or __doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', default=os.path.dirname(HERE))
    parser.add_argument('--out')
    parser.add_argument('--list', action='store_true')
    args = parser.parse_args()
    files, skipped = generate_files(args.root)
    if args.list:
        for name, why in skipped:
            print('%s: %s' % (name, why))
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        for name, text in files.items():
            gen_api.write_if_changed(os.path.join(args.out, name), text)
    if not args.list and not args.out:
        parser.error('give --out DIR or --list')
    return 0


if __name__ == '__main__':
    sys.exit(main())
