"""Writing the generated files: one header per MPI-4.1 chapter, mpi.h's include block and
docs/functions.md; the MPI_VERSION check."""

import os
import re
import textwrap

from genapi.common import (
    EXTRA_CHAPTER, Error, FUNCS_BOTTOM, FUNCS_TOP, HEADER, INCLUDES_BEGIN, INCLUDES_END,
    OLD_INCLUDE_FUNCS, PROVIDED, WIDTH, read)
from genapi.cparse import declaration, header_parts, macro_names


# Short names of MPI-4.1's chapters for the headers' file names; another chapter's name is made
# from its title.
SLUGS = {3: 'point_to_point', 4: 'partitioned', 5: 'datatypes', 6: 'collectives',
         7: 'groups_communicators', 8: 'topologies', 9: 'environment', 10: 'info',
         11: 'processes', 12: 'one_sided', 13: 'external', 14: 'io', 15: 'tools',
         16: 'deprecated', 19: 'language_bindings', EXTRA_CHAPTER: 'zmpi_extras'}


def slug(number, title):
    return SLUGS.get(number) or re.sub(r'[^a-z0-9]+', '_', title.lower()).strip('_')


def chapter_files(table):
    """[(file name in FUNCS_DIR, number, title, rows)] in table order."""
    return [('%02d_%s.h' % (number, slug(number, title)), number, title, rows)
            for number, title, rows in table.chapters()]


def guard(name):
    return 'ZMPI_MPI_FUNCTIONS_%s_' % re.sub(r'\W', '_', name[:-2]).upper()


def wrap_file(name, what, body):
    g = guard(name)
    top = '\n'.join(textwrap.wrap('zmpi: %s.' % what, WIDTH - 3, initial_indent='/* ',
                                   subsequent_indent=' * '))
    return FUNCS_TOP % (top, g, g, name) + body + FUNCS_BOTTOM % g


def render_provided(table):
    standard = [r for r in table.rows() if r.chapter != EXTRA_CHAPTER]
    done = sum(1 for r in standard if r.implemented or r.state == 'macro')
    body = ['', '/* How much of MPI-4.1 this library provides (MPI_Get_library_version says it). */',
            '#define ZMPI_MPI41_FUNCTIONS_PROVIDED %d' % done,
            '#define ZMPI_MPI41_FUNCTIONS %d' % len(standard)]
    return wrap_file(PROVIDED, 'how much of MPI-4.1 libmpi implements', '\n'.join(body) + '\n')


def render_chapter(name, number, title, rows, shadowed=frozenset()):
    """One chapter's header. shadowed: names mpi.h also defines as function-like macros; their
    declarations write the name in parentheses, which the preprocessor leaves alone."""
    heading = title if number == EXTRA_CHAPTER else 'MPI-4.1 chapter %d, %s' % (number, title)
    what = '%s: the MPI_ and PMPI_ declarations of the functions libmpi implements' % heading
    out = []
    implemented = [r for r in rows if r.implemented]
    if not implemented:
        out += ['', '/* None yet. */']
    for r in implemented:
        out.append('')
        for name_ in (r.name, 'P' + r.name):
            out.append(declaration(r.ret, '(%s)' % name_ if name_ in shadowed else name_,
                                   r.params))
    return wrap_file(name, what, '\n'.join(out) + '\n')


def render_functions(table, header_text):
    """{file name in FUNCS_DIR: text} of every generated header; header_text is mpi.h (its
    function-like macros shadow names)."""
    shadowed = macro_names(render_header(header_text, table))
    files = {PROVIDED: render_provided(table)}
    for name, number, title, rows in chapter_files(table):
        files[name] = render_chapter(name, number, title, rows, shadowed)
    return files


def include_block(table):
    lines = [INCLUDES_BEGIN, '#include "mpi_functions/%s"' % PROVIDED]
    lines += ['#include "mpi_functions/%s"' % name for name, _, _, _ in chapter_files(table)]
    lines.append(INCLUDES_END)
    return '\n'.join(lines)


def insert_point(text):
    """Where a header without markers gets the generated block."""
    for anchor in ('#undef ZMPI_DECLARE', '#if defined(__cplusplus)\n}'):
        i = text.rfind(anchor)
        if i >= 0:
            return i
    raise Error('%s: no place for the generated functions' % HEADER)


def render_header(text, table):
    """mpi.h with the includes of the chapters' headers where the declarations go. A header from
    before the split (the generated block inline, or the include of mpi_functions.h, e.g. after
    merging an old branch) gets the includes in their place."""
    block = include_block(table)
    before, generated, after = header_parts(text)
    if generated is not None:
        return before + block + after
    if OLD_INCLUDE_FUNCS in text:
        return text.replace(OLD_INCLUDE_FUNCS, block)
    i = insert_point(text)
    return text[:i] + block + '\n\n' + text[i:]


def claimed_version(root):
    text = read(os.path.join(root, HEADER))
    v = re.search(r'#define\s+MPI_VERSION\s+(\d+)', text)
    s = re.search(r'#define\s+MPI_SUBVERSION\s+(\d+)', text)
    return (int(v.group(1)) if v else None, int(s.group(1)) if s else None)


def render_doc(table, root):
    chapters = table.chapters()
    rows = table.rows()
    std = [r for r in rows if r.chapter != EXTRA_CHAPTER]

    def counts(rs):
        impl = sum(r.implemented for r in rs)
        macro = sum(r.state == 'macro' for r in rs)
        return len(rs), impl, macro, len(rs) - impl - macro

    total, impl, macro, missing = counts(std)
    version, subversion = claimed_version(root)
    core = [r for r in std if r.chapter not in (14, 15, 19)]
    core_missing = [r for r in core if r.state == 'missing']
    out = []
    w = out.append
    w('# MPI functions: what zmpi implements')
    w('')
    w('Generated by `tools/gen-api.py` from `mpi/abi/functions.tbl` (the export table); do not '
      'edit.')
    w('Every C function of MPI-4.1 (%d, the large-count `_c` forms counted as functions of '
      'their own) with its state:' % total)
    w('*implemented* (the file of `mpi/abi/` that defines it; `libmpi.so` exports `MPI_x` and '
      '`PMPI_x`, `mpi.h` declares both in `mpi_functions/<chapter>.h`),')
    w('*macro* (`mpi.h` provides it as a macro, no symbol is exported) or *missing* (not '
      'declared, not exported).')
    w('The `api_table` and `api_exports` tests keep this page, `mpi.h` and the library in step '
      'with the table.')
    w('')
    w('## Summary')
    w('')
    w('| Chapter (MPI-4.1) | Functions | Implemented | Macro | Missing |')
    w('| --- | ---: | ---: | ---: | ---: |')
    for number, title, rs in chapters:
        if number == EXTRA_CHAPTER:
            continue
        n, i, m, x = counts(rs)
        w('| %d. %s | %d | %d | %d | %d |' % (number, title, n, i, m, x))
    w('| **All** | **%d** | **%d** | **%d** | **%d** |' % (total, impl, macro, missing))
    extra = [r for r in rows if r.chapter == EXTRA_CHAPTER]
    if extra:
        w('')
        w('Besides these, zmpi exports %d function(s) MPI-4.1 does not define (last section).'
          % len(extra))
    w('')
    w('## Which MPI version zmpi may claim')
    w('')
    w('`mpi.h` says `MPI_VERSION` %s, `MPI_SUBVERSION` %s, and `MPI_Get_version` returns the '
      'same numbers.' % (version, subversion))
    w('The rule: the claim follows from this table.')
    w('')
    w('- The claim is computed from this table, not typed: zmpi claims MPI-4.1 (`4`, `1`) when '
      'no function of chapters 3-13 and 16 is *missing* (point-to-point, partitioned, '
      'datatypes, collectives, groups/communicators/caching, topologies, environment, info, '
      'process management including dynamic processes, one-sided, external interfaces, and the '
      'deprecated functions that are still part of 4.1).')
    w('- Chapters 14 (I/O), 15 (the MPI_T tool interface, `MPI_Pcontrol`) and 19 (handle '
      'conversions, f90 types) may lag only as explicit exceptions, each listed with its '
      'reason in `docs/conformance.md`.')
    w('- Until the rule holds no version number is wholly true (the functions still missing, '
      'listed below, belong to MPI-2 and later: dynamic process management and one-sided '
      'communication). So zmpi keeps `4`/`0` (the semantics it follows: a program that checks '
      '`MPI_VERSION` for a feature finds out at link time, with the missing function named) and '
      '`MPI_Get_library_version` says how much is there: "MPI-4.1 subset: N of 662 functions, '
      'see docs/functions.md", with N generated from this table into '
      '`mpi/include/mpi_functions/provided.h` (`ZMPI_MPI41_FUNCTIONS_PROVIDED`).')
    w('- When the rule holds, set `MPI_SUBVERSION` to 1 in `mpi.h` (`MPI_Get_version` returns '
      'the macros). The api_table test (`tools/gen-api.py --check`, also `--check-version` '
      'alone) fails when `mpi.h` claims 4.1 while a function of chapters 3-13 or 16 is missing.')
    w('')
    by_chapter = ['%d. %s: %d' % (number, title, sum(r.state == 'missing' for r in rs))
                  for number, title, rs in chapters
                  if any(r in core_missing for r in rs)]
    w('Today: %d of the %d functions of chapters 3-13 and 16 are missing%s, so the rule %s.'
      % (len(core_missing), len(core), ' (%s)' % '; '.join(by_chapter) if by_chapter else '',
         'holds' if not core_missing else 'does not hold'))
    for number, title, rs in chapters:
        w('')
        w('## %s%s' % ('' if number == EXTRA_CHAPTER else '%d. ' % number, title))
        w('')
        n, i, m, x = counts(rs)
        w('%d functions: %d implemented, %d macro, %d missing.' % (n, i, m, x))
        w('')
        w('| Function | State |')
        w('| --- | --- |')
        for r in rs:
            state = ('implemented (`%s`)' % r.state if r.implemented else
                     'macro (mpi.h)' if r.state == 'macro' else 'missing')
            w('| `%s` | %s |' % (r.name, state))
    return '\n'.join(out) + '\n'


def version_ok(table, root):
    version, subversion = claimed_version(root)
    core_missing = [r for r in table.rows() if r.chapter not in (14, 15, 19, EXTRA_CHAPTER)
                    and r.state == 'missing']
    if version is not None and (version, subversion or 0) >= (4, 1) and core_missing:
        return ['mpi.h claims MPI %s.%s but %d functions of chapters 3-13 and 16 are missing'
                % (version, subversion, len(core_missing))]
    return []
