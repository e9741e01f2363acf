#!/usr/bin/env python3
"""Generates zmpi's `use mpi_f08` (MPI-4.1 chapter 19, MPICH's external names) from
mpi/abi/functions.tbl and mpi/include/mpi.h.

  tools/gen-f08.py --out DIR    write DIR/mpi_f08_types.f90 (handle types, MPI_Status, ==, /=,
                                 callback interfaces, special objects, predefined callbacks),
                                 DIR/mpi_f08.f90 (modules mpi_f08 and pmpi_f08: constants and
                                 the generic interfaces), DIR/f08_wrappers.f90 (the specific
                                 procedures with choice buffers) and DIR/f08_shims.c (the C side)
  tools/gen-f08.py --list        print the implemented functions left out of mpi_f08 and why
  --root DIR                     work on the tree at DIR

Every implemented C function with an mpif.h binding (tools/gen-fortran.py, or written by hand:
HAND_SPECS gives those Fortran argument lists) gets a generic name MPI_<Name> in mpi_f08 and
PMPI_<Name> in pmpi_f08, with MPICH's specific procedures: MPI_<Name>_f08 (no choice buffer),
MPI_<Name>_f08ts (TYPE(*), DIMENSION(..) choice buffers), the same with _large for the
MPI_Count forms (C's _c functions), PMPIR_<Name>_f08[ts][_large] for pmpi_f08. ierror is
OPTIONAL everywhere. Specifics without choice buffers are C functions calling the mpif.h
binding; with choice buffers, Fortran subroutines passing the buffers as descriptors to C
(mpi/fortran/f08.h says why). Python 3 standard library only.
"""

import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gf = load('gen_fortran', 'gen-fortran.py')
gen_api = gf.gen_api
Skip = gf.Skip
f08text = load('f08_text', 'f08_text.py')

HANDLES = gf.HANDLES + ('MPI_File',)
KINDS = {'MPI_Aint': 'MPI_ADDRESS_KIND', 'MPI_Offset': 'MPI_OFFSET_KIND',
         'MPI_Count': 'MPI_COUNT_KIND'}
# int parameters that are LOGICAL in Fortran.
LOGICALS = {'flag', 'commute', 'reorder', 'periods', 'remain_dims', 'weighted'}
# C callback types and their f08 abstract interfaces (f08_text.py).
CALLBACKS = {t: t for t in (
    'MPI_User_function', 'MPI_User_function_c', 'MPI_Comm_copy_attr_function', 'MPI_Comm_delete_attr_function',
    'MPI_Type_copy_attr_function', 'MPI_Type_delete_attr_function',
    'MPI_Win_copy_attr_function', 'MPI_Win_delete_attr_function',
    'MPI_Comm_errhandler_function', 'MPI_Win_errhandler_function',
    'MPI_File_errhandler_function', 'MPI_Session_errhandler_function',
    'MPI_Grequest_query_function', 'MPI_Grequest_free_function',
    'MPI_Grequest_cancel_function')}

# Functions MPI-4.1 gives no mpi_f08 form (deleted in MPI-3.0 or never in mpi_f08).
NOT_F08 = {'MPI_Keyval_create', 'MPI_Keyval_free', 'MPI_Attr_get', 'MPI_Attr_put',
           'MPI_Attr_delete', 'MPI_Address', 'MPI_Errhandler_create', 'MPI_Errhandler_get',
           'MPI_Errhandler_set', 'MPI_Type_extent', 'MPI_Type_lb', 'MPI_Type_ub',
           'MPI_Type_hindexed', 'MPI_Type_hvector', 'MPI_Type_struct'}

# The Fortran argument lists of the bindings written by hand (mpi/fortran/*.c), in C notation:
# `char x[]` is an output CHARACTER, `MPI_Aint` an INTEGER(KIND=MPI_ADDRESS_KIND) attribute
# value or extra state.
HAND_SPECS = {
    'MPI_Init': '',
    'MPI_Init_thread': 'int required, int *provided',
    'MPI_Get_processor_name': 'char name[], int *resultlen',
    'MPI_Get_library_version': 'char version[], int *resultlen',
    'MPI_Error_string': 'int errorcode, char string[], int *resultlen',
    'MPI_Pcontrol': 'int level',
    'MPI_Info_create_env': 'MPI_Info *info',
    'MPI_Info_set': 'MPI_Info info, const char *key, const char *value',
    'MPI_Info_get': 'MPI_Info info, const char *key, int valuelen, char value[], int *flag',
    'MPI_Info_delete': 'MPI_Info info, const char *key',
    'MPI_Info_get_valuelen': 'MPI_Info info, const char *key, int *valuelen, int *flag',
    'MPI_Info_get_nthkey': 'MPI_Info info, int n, char key[]',
    'MPI_Info_get_string': 'MPI_Info info, const char *key, int *buflen, char value[], '
                           'int *flag',
    'MPI_Session_get_nth_pset': 'MPI_Session session, MPI_Info info, int n, int *pset_len, '
                                'char pset_name[]',
    'MPI_Grequest_start': 'MPI_Grequest_query_function *query_fn, MPI_Grequest_free_function '
                          '*free_fn, MPI_Grequest_cancel_function *cancel_fn, MPI_Aint '
                          'extra_state, MPI_Request *request',
    'MPI_File_create_errhandler': 'MPI_File_errhandler_function *file_errhandler_fn, '
                                  'MPI_Errhandler *errhandler',
    # Generated for mpif.h from the table, but also right if written by hand there.
    'MPI_File_get_view': 'MPI_File fh, MPI_Offset *disp, MPI_Datatype *etype, '
                         'MPI_Datatype *filetype, char datarep[]',
    # f08.c: the address comes back as TYPE(C_PTR).
    'MPI_Buffer_detach': 'void *buffer_addr, int *size',
    'MPI_Buffer_detach_c': 'void *buffer_addr, MPI_Count *size',
    'MPI_Comm_detach_buffer': 'MPI_Comm comm, void *buffer_addr, int *size',
    'MPI_Comm_detach_buffer_c': 'MPI_Comm comm, void *buffer_addr, MPI_Count *size',
    'MPI_Session_detach_buffer': 'MPI_Session session, void *buffer_addr, int *size',
    'MPI_Session_detach_buffer_c': 'MPI_Session session, void *buffer_addr, MPI_Count *size',
}
for _kind, _obj in (('Comm', 'MPI_Comm comm'), ('Type', 'MPI_Datatype datatype'),
                    ('Win', 'MPI_Win win')):
    _low = _kind.lower()
    _name = {'Comm': 'comm_name', 'Type': 'type_name', 'Win': 'win_name'}[_kind]
    HAND_SPECS['MPI_%s_get_name' % _kind] = '%s, char %s[], int *resultlen' % (_obj, _name)
    HAND_SPECS['MPI_%s_set_name' % _kind] = '%s, const char *%s' % (_obj, _name)
    HAND_SPECS['MPI_%s_get_attr' % _kind] = ('%s, int %s_keyval, MPI_Aint *attribute_val, '
                                            'int *flag' % (_obj, _low))
    HAND_SPECS['MPI_%s_set_attr' % _kind] = ('%s, int %s_keyval, MPI_Aint attribute_val'
                                            % (_obj, _low))
    HAND_SPECS['MPI_%s_create_keyval' % _kind] = (
        'MPI_%s_copy_attr_function *%s_copy_attr_fn, MPI_%s_delete_attr_function '
        '*%s_delete_attr_fn, int *%s_keyval, MPI_Aint extra_state'
        % (_kind, _low, _kind, _low, _low))
NO_IERROR = {'MPI_Pcontrol'}
SEPARATE_C = {'MPI_Op_create_c', 'MPI_Register_datarep_c'}
# f08 specifics written in C by hand (f08.c), not forwarded to mpif.h's binding.
F08_HAND_C = {'MPI_Buffer_detach', 'MPI_Buffer_detach_c', 'MPI_Comm_detach_buffer',
              'MPI_Comm_detach_buffer_c', 'MPI_Session_detach_buffer',
              'MPI_Session_detach_buffer_c'}

# Calls whose buffer is used after they return (f08.h: no copies of those).
DEFERRED = re.compile(r'^MPI_(I[a-z]|R(put|get|accumulate|get_accumulate)$|Put$|Get$|'
                      r'Accumulate$|Get_accumulate$|Fetch_and_op$|Compare_and_swap$|'
                      r'Win_(create|attach|detach)$|Buffer_attach$|Comm_attach_buffer$|'
                      r'Session_attach_buffer$|File_i|File_\w+_(begin|end)$|\w+_init$)')


class Param:
    """One Fortran argument: its declaration and how the C shim passes it on."""

    def __init__(self, name, decl, how='ref', const=False):
        self.name, self.decl, self.how, self.const = name, decl, how, const


def f08_param(text, deferred):
    base, name, depth, const = gf.parse_param(text)
    array = text.strip().endswith(']') or name.startswith('array_of_') or 'statuses' in name
    intent_in = ', INTENT(IN)' if (depth == 0 or const) else ''
    if text.strip().endswith('[][3]') and base == 'int':
        return Param(name, 'INTEGER, INTENT(IN) :: %s(3, *)' % name)
    if base == 'char' and depth == 1:
        return Param(name, 'CHARACTER(LEN=*)%s :: %s' % (intent_in, name), 'char')
    if base == 'void' and depth == 1:
        if name in gf.RAW_POINTERS or name == 'buffer_addr':
            return Param(name, 'TYPE(C_PTR) :: %s' % name)
        if name in ('attribute_val', 'extra_state', 'attribute_val_in', 'attribute_val_out'):
            raise Skip('void parameter %s' % name)
        attrs = (', INTENT(IN)' if const else '') + (', ASYNCHRONOUS' if deferred else '')
        return Param(name, 'TYPE(*), DIMENSION(..)%s :: %s' % (attrs, name), 'choice', const)
    if depth > 1 or (depth == 1 and base not in HANDLES + ('int', 'MPI_Status') + tuple(KINDS)
                     and base not in CALLBACKS):
        raise Skip('parameter type %s%s' % (base, '*' * depth))
    dims = '(*)' if array else ''
    if base == 'int':
        how = 'ref'
        if name == 'array_of_errcodes':
            how = 'errcodes'
        elif name in ('weights', 'sourceweights', 'destweights'):
            how = 'weights'
        ftype = 'LOGICAL' if name in LOGICALS else 'INTEGER'
        return Param(name, '%s%s :: %s%s' % (ftype, intent_in, name, dims), how)
    if base in KINDS:
        return Param(name, 'INTEGER(KIND=%s)%s :: %s%s' % (KINDS[base], intent_in, name, dims))
    if base in HANDLES:
        return Param(name, 'TYPE(%s)%s :: %s%s' % (base, intent_in, name, dims))
    if base == 'MPI_Status':
        how = 'statuses' if array else 'status'
        return Param(name, 'TYPE(MPI_Status)%s :: %s%s' % (intent_in, name, dims), how)
    if base in CALLBACKS and depth == 1:
        return Param(name, 'PROCEDURE(%s) :: %s' % (CALLBACKS[base], name))
    raise Skip('parameter type %s%s' % (base, '*' * depth))


class Function:
    """The f08 form of one row: generic name, specific names, arguments, result."""

    def __init__(self, row, params_text):
        self.row = row
        # _c functions become _large overloads of the plain generic, but for those whose
        # forms differ only in a procedure argument (no generic can tell them apart):
        # MPI-4.1 names them MPI_<Name>_c in mpi_f08 too.
        self.internal = row.name.endswith('_c')
        self.large = self.internal and row.name not in SEPARATE_C
        self.generic = row.name[:-2] if self.large else row.name
        deferred = bool(DEFERRED.match(self.generic))
        params = [] if params_text.strip() in ('', 'void') else gen_api.split_top(params_text)
        self.params = [f08_param(p, deferred) for p in params]
        self.choice = any(p.how == 'choice' for p in self.params)
        self.ret = row.ret
        self.ierror = row.ret == 'int' and row.name not in NO_IERROR
        suffix = ('_f08ts' if self.choice else '_f08') + ('_large' if self.large else '')
        self.specific = self.generic + suffix
        self.pspecific = 'PMPIR_' + self.generic[4:] + suffix
        self.pgeneric = 'PMPI_' + self.generic[4:]

    def dummies(self):
        names = [p.name for p in self.params] + (['ierror'] if self.ierror else [])
        return ', '.join(names)

    def declarations(self, indent):
        lines = [p.decl for p in self.params]
        if self.ierror:
            lines.append('INTEGER, OPTIONAL, INTENT(OUT) :: ierror')
        return ''.join('%s%s\n' % (indent, x) for x in lines)

    def result_type(self):
        return {'double': 'DOUBLE PRECISION',
                'MPI_Aint': 'INTEGER(KIND=MPI_ADDRESS_KIND)'}.get(self.ret)

    def interface(self, name, indent='    '):
        """The interface body of one specific procedure."""
        inner = indent + '  '
        rtype = self.result_type()
        if rtype:
            head = fline(indent, 'FUNCTION %s(%s) RESULT(res)' % (name, self.dummies()))
            tail = '%sEND FUNCTION %s\n' % (indent, name)
            decls = self.declarations(inner) + '%s%s :: res\n' % (inner, rtype)
        else:
            head = fline(indent, 'SUBROUTINE %s(%s)' % (name, self.dummies()))
            tail = '%sEND SUBROUTINE %s\n' % (indent, name)
            decls = self.declarations(inner)
        return '%s%sIMPORT\n%sIMPLICIT NONE\n%s%s' % (head, inner, inner, decls, tail)


def functions(root):
    """(list of Function, {name: C text of the internal _c bindings}, skipped [(name, why)])."""
    table = gen_api.Table(os.path.join(root, 'mpi/abi/functions.tbl'))
    out, internal, skipped = [], {}, []
    for row in table.rows():
        if not row.implemented or gf.is_c_only(row.name) or row.name in NOT_F08:
            continue
        try:
            if row.name in HAND_SPECS:
                params_text = HAND_SPECS[row.name]
            elif row.name in gf.HAND:
                raise Skip('written by hand for mpif.h; no f08 argument list (HAND_SPECS)')
            else:
                text, names = gf.binding(row, internal=row.name.endswith('_c'))
                if row.name.endswith('_c'):
                    internal[row.name] = (text, names)
                params_text = row.params
            out.append(Function(row, params_text))
        except Skip as e:
            internal.pop(row.name, None)
            skipped.append((row.name, str(e)))
    # MPI_ADDRESS_KIND = MPI_COUNT_KIND = MPI_OFFSET_KIND here: a _c form whose arguments
    # differ only in those kinds cannot be told apart from the plain one (MPI-4.1 19.2 leaves
    # it out then).
    def signature(f):
        return re.sub(r'MPI_(COUNT|OFFSET)_KIND', 'MPI_ADDRESS_KIND', f.declarations(''))
    plain = {f.generic: signature(f) for f in out if not f.large}
    for f in [f for f in out if f.large and plain.get(f.generic) == signature(f)]:
        out.remove(f)
        internal.pop(f.row.name, None)
        skipped.append((f.row.name, 'same Fortran interface as %s' % f.generic))
    return out, internal, skipped


def header_types(text):
    """{constant: the handle type its mpi.h value is cast to}, aliases followed."""
    raw = {}
    for m in gf.DEFINE.finditer(text):
        raw.setdefault(m.group(1), m.group(2))

    def kind(name, depth=0):
        v = raw.get(name)
        if v is None or depth > 8:
            return None
        m = re.search(r'\(\s*(MPI_[A-Za-z]+)\s*\)', v)
        if m:
            return m.group(1)
        v = v.strip('() \t')
        return kind(v, depth + 1) if re.match(r'^MPI_[A-Z0-9_]+$', v) else None

    return {n: kind(n) for n in raw}


def constants(text, taken):
    """The PARAMETER declarations of mpi_f08 for the integer constants of mpi.h."""
    types = header_types(text)
    lines = []
    skip = {'MPI_SOURCE', 'MPI_TAG', 'MPI_ERROR', 'MPI_STATUS_SIZE'} | taken
    for name, value in gf.header_constants(text):
        if name.upper() in skip:
            continue
        t = types.get(name)
        if t in HANDLES:
            lines.append('TYPE(%s), PARAMETER :: %s = %s(%d)' % (t, name, t, gf.int32(value)))
        elif name in gf.OFFSET_CONSTANTS:
            lines.append('INTEGER(KIND=MPI_OFFSET_KIND), PARAMETER :: %s = %d' % (name, value))
        else:
            lines.append('INTEGER, PARAMETER :: %s = %d' % (name, gf.fortran_value(name, value)))
    return ''.join('  %s\n' % x for x in lines)


def generics(funcs, pmpi):
    groups = {}
    for f in funcs:
        groups.setdefault(f.pgeneric if pmpi else f.generic, []).append(f)
    parts = []
    for generic in sorted(groups):
        body = ''.join(f.interface(f.pspecific if pmpi else f.specific) for f in groups[generic])
        parts.append('  INTERFACE %s\n%s  END INTERFACE %s\n' % (generic, body, generic))
    return ''.join(parts)


def modules(funcs, header):
    taken = {f.generic.upper() for f in funcs} | {f.pgeneric.upper() for f in funcs}
    return f08text.MPI_F08 % {
        'constants': constants(header, taken),
        'generics': generics(funcs, False),
        'pgenerics': generics(funcs, True),
    }


# ---- the specific procedures with choice buffers ----

def shim_interface(f):
    """The bind(C) interface of zf08_<name>: the Fortran arguments, CHARACTER ones as c_char
    arrays with their lengths by value after ierror."""
    name = 'zf08_' + f.row.name[4:].lower()
    decls = ['INTEGER(C_INT), INTENT(IN) :: zf_pmpi']
    chars = []
    for p in f.params:
        if p.how == 'char':
            decls.append('CHARACTER(KIND=C_CHAR) :: %s(*)' % p.name)
            chars.append(p.name)
        else:
            decls.append(p.decl)
    if f.ierror:
        decls.append('INTEGER, OPTIONAL, INTENT(OUT) :: ierror')
    decls += ['INTEGER(C_SIZE_T), VALUE :: %s_len' % c for c in chars]
    args = (['zf_pmpi'] + [p.name for p in f.params] + (['ierror'] if f.ierror else []) +
            ['%s_len' % c for c in chars])
    head = fline('    ', 'SUBROUTINE %s(%s) BIND(C, NAME=\'%s\')' % (name, ', '.join(args), name))
    text = ('%s      IMPORT\n      IMPLICIT NONE\n%s    END SUBROUTINE %s\n'
            % (head, ''.join('      %s\n' % d for d in decls), name))
    return name, text, chars


def wrapper(f, shim, chars, pmpi):
    name = f.pspecific if pmpi else f.specific
    actuals = (['%d' % pmpi] + [p.name for p in f.params] + (['ierror'] if f.ierror else []) +
               ['LEN(%s, KIND=C_SIZE_T)' % c for c in chars])
    call = 'CALL %s(%s)' % (shim, ', '.join(actuals))
    call = ' &\n      '.join(wrap(call))
    return ('%s  USE, INTRINSIC :: ISO_C_BINDING, ONLY: C_SIZE_T\n'
            '  USE mpi_f08_types\n  USE zmpi_f08_shims, ONLY: %s\n  IMPLICIT NONE\n%s  %s\n'
            'END SUBROUTINE %s\n\n' % (fline('', 'SUBROUTINE %s(%s)' % (name, f.dummies())),
                                        shim, f.declarations('  '), call, name))


def fline(indent, text):
    """One Fortran statement, continued over lines of at most ~100 characters."""
    return indent + (' &\n' + indent + '    ').join(wrap(text)) + '\n'


def wrap(text, width=100):
    """Splits a long Fortran statement at commas into continuation pieces."""
    pieces, line = [], ''
    for token in re.split(r'(?<=, )', text):
        if len(line) + len(token) > width and line:
            pieces.append(line.rstrip())
            line = ''
        line += token
    pieces.append(line)
    return pieces


def wrappers(funcs):
    interfaces, bodies = [], []
    for f in funcs:
        if not f.choice:
            continue
        shim, text, chars = shim_interface(f)
        interfaces.append(text)
        bodies.append(wrapper(f, shim, chars, 0) + wrapper(f, shim, chars, 1))
    return f08text.WRAPPERS % {'interfaces': ''.join(interfaces), 'bodies': ''.join(bodies)}


# ---- the C side ----

def target(f, pmpi):
    """The C function the shim calls: mpif.h's binding or the internal _c binding."""
    lower = f.row.name[4:].lower()
    if f.internal:
        return 'zf_%smpi_%s_' % ('p' if pmpi else '', lower)
    return '%smpi_%s_' % ('p' if pmpi else '', lower)


def raise_call(f):
    for p in f.params:
        for handle, fn in (('MPI_Comm', 'ZfRaiseComm'), ('MPI_Win', 'ZfRaiseWin'),
                           ('MPI_File', 'ZfRaiseFile'), ('MPI_Session', 'ZfRaiseSession')):
            if p.decl.startswith('TYPE(%s), INTENT(IN)' % handle):
                return '%s(%s, zf_e)' % (fn, p.name)
    return 'ZfRaiseSelf(zf_e)'


def c_arg(p):
    return {'status': 'ZF08_STATUS(%s)', 'statuses': 'ZF08_STATUSES(%s)',
            'errcodes': 'ZF08_ERRCODES(%s)', 'weights': 'ZF08_WEIGHTS(%s)',
            'choice': 'zf_%s.addr'}.get(p.how, '%s') % p.name


def typed_choices(f):
    """{buffer: (count, datatype, count is MPI_Count)} for the choice buffers directly followed
    by their own scalar count and datatype (f08.h: ZfChoiceInTyped)."""
    out = {}
    if f.generic.endswith('_init'):
        return out  # a persistent request would outlive the datatype it was built with
    for i, p in enumerate(f.params[:-2]):
        count, datatype = f.params[i + 1], f.params[i + 2]
        if p.how != 'choice' or not datatype.decl.startswith('TYPE(MPI_Datatype), INTENT(IN) ::'):
            continue
        if count.decl.startswith('INTEGER, INTENT(IN) ::'):
            out[p.name] = (count.name, datatype.name, False)
        elif count.decl.startswith('INTEGER(KIND=MPI_COUNT_KIND), INTENT(IN) ::'):
            out[p.name] = (count.name, datatype.name, True)
    return out


def shim_c(f):
    """The C text of one f08 specific (non-choice: two exported functions) or choice shim."""
    chars = [p.name for p in f.params if p.how == 'char']
    formals = ['%s%s' % ('CFI_cdesc_t *' if p.how == 'choice' else 'void *', p.name)
               for p in f.params]
    if f.ierror:
        formals.append('MPI_Fint *ierror')
    formals += ['size_t %s_len' % c for c in chars]
    forwards = [c_arg(p) for p in f.params] + (['&zf_e'] if f.ierror else []) + \
        ['%s_len' % c for c in chars]
    ret = {'int': 'void', 'double': 'double', 'MPI_Aint': 'MPI_Aint'}[f.ret]
    decls = ''
    for pmpi in (0, 1):
        fn = target(f, pmpi)
        if not f.internal:
            decls += '%s %s(%s);\n' % (ret, fn, ', '.join(
                ['void *'] * len(f.params) + (['MPI_Fint *'] if f.ierror else []) +
                ['size_t'] * len(chars)) or 'void')
    if not f.choice:
        out = []
        for pmpi in (0, 1):
            name = (f.pspecific if pmpi else f.specific).lower() + '_'
            call = '%s(%s)' % (target(f, pmpi), ', '.join(forwards))
            sig = '%s %s(%s)' % (ret, name, ', '.join(formals) or 'void')
            if not f.ierror:
                body = '  %s%s;\n' % ('' if ret == 'void' else 'return ', call)
            else:
                body = ('  MPI_Fint zf_e = MPI_SUCCESS;\n  %s;\n'
                        '  if (ierror != NULL) *ierror = zf_e;\n' % call)
            out.append('ZF_API %s {\n%s}\n' % (sig, body))
        return decls, ''.join(out)
    choices = [p for p in f.params if p.how == 'choice']
    deferred = 'ZF_CHOICE_DEFERRED' if DEFERRED.match(f.generic) else '0'
    typed = typed_choices(f) if deferred != '0' else {}
    for buf, (count, datatype, big) in typed.items():
        i = [p.name for p in f.params].index(count)
        forwards[i] = 'ZF_CHOICE_COUNT%s(zf_%s, %s)' % ('_BIG' if big else '', buf, count)
        forwards[i + 1] = 'ZF_CHOICE_TYPE(zf_%s, %s)' % (buf, datatype)
    body = '  MPI_Fint zf_e = MPI_SUCCESS;\n'
    body += ''.join('  ZfChoice zf_%s = {0};\n' % p.name for p in choices)
    for i, p in enumerate(choices):
        flags = deferred if p.const else 'ZF_CHOICE_OUT | %s' % deferred
        cond = 'if (zf_e == MPI_SUCCESS) ' if i else ''
        if p.name in typed:
            count, datatype, big = typed[p.name]
            body += ('  %szf_e = ZfChoiceInTyped(&zf_%s, %s, %s, *(%s *)%s, *(MPI_Fint *)%s);\n'
                     % (cond, p.name, p.name, flags, 'MPI_Count' if big else 'MPI_Fint', count,
                        datatype))
        else:
            body += '  %szf_e = ZfChoiceIn(&zf_%s, %s, %s);\n' % (cond, p.name, p.name, flags)
    body += '  if (zf_e != MPI_SUCCESS) {\n    zf_e = %s;\n  } else if (*zf_pmpi) {\n' \
            '    %s(%s);\n  } else {\n    %s(%s);\n  }\n' % (
                raise_call(f), target(f, 1), ', '.join(forwards), target(f, 0),
                ', '.join(forwards))
    body += ''.join('  ZfChoiceDone(&zf_%s);\n' % p.name for p in choices)
    body += '  if (ierror != NULL) *ierror = zf_e;\n'
    sig = 'void zf08_%s(const MPI_Fint *zf_pmpi, %s)' % (f.row.name[4:].lower(), ', '.join(formals))
    return decls, 'ZF_API %s;\n%s {\n%s}\n' % (sig, sig, body)


def shims(funcs, internal):
    decls, bodies = [], []
    for f in funcs:
        if f.row.name in F08_HAND_C:
            continue
        d, b = shim_c(f)
        decls.append(d)
        bodies.append(b)
    internal_text = ''.join(text for text, _ in internal.values())
    return f08text.C_PRELUDE + ''.join(decls) + '\n' + internal_text + '\n'.join(bodies)


def generate(root):
    funcs, internal, skipped = functions(root)
    with open(os.path.join(root, 'mpi/include/mpi.h')) as f:
        header = f.read()
    files = {
        'mpi_f08_types.f90': f08text.TYPES % f08text.handle_types(HANDLES),
        'mpi_f08.f90': modules(funcs, header),
        'f08_wrappers.f90': wrappers(funcs),
        'f08_shims.c': shims(funcs, internal),
    }
    return files, skipped


if __name__ == '__main__':
    sys.exit(gf.main(generate, __doc__))
