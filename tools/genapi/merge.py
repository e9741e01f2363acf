"""--resolve (API plumbing in merge conflicts) and --adopt (functions added the old way)."""

import os
import re

from genapi.common import (
    ABI_DIR, ALIAS_INCLUDE, EXTRA_CHAPTER, HEADER, abi_sources, read, write_if_changed)
from genapi.cparse import (
    ALIAS_LINE, data_definitions, defined_functions, old_declarations, param_types,
    remove_alias_lines, remove_spans, squash, tidy_params)
from genapi.table import Row


def plumbing(line):
    """True for a line the old or the new scheme adds and --adopt rewrites anyway."""
    t = line.strip()
    return (not t or ALIAS_LINE.match(line + '\n') is not None or
            re.match(r'^#include "mpi/abi/\w+_aliases\.inc"$', t) is not None or
            re.match(r'^ZMPI_DECLARE\(', t) is not None)


CONFLICT = re.compile(r'^<<<<<<< [^\n]*\n(.*?)(?:^\|\|\|\|\|\|\| [^\n]*\n(.*?))?^=======\n(.*?)'
                      r'^>>>>>>> [^\n]*\n', re.M | re.S)


def resolve(path):
    """Resolves the plumbing-only conflict hunks of path; returns (resolved, left)."""
    text = read(path)
    counts = [0, 0]

    def pick(m):
        ours, theirs = m.group(1), m.group(3)
        if all(plumbing(l) for l in ours.splitlines()):
            counts[0] += 1
            return theirs
        if all(plumbing(l) for l in theirs.splitlines()):
            counts[0] += 1
            return ours
        ours_real = [l for l in ours.splitlines() if not plumbing(l)]
        theirs_real = [l for l in theirs.splitlines() if not plumbing(l)]
        if ours_real == theirs_real:
            counts[0] += 1
            return theirs
        counts[1] += 1
        return m.group(0)

    new = CONFLICT.sub(pick, text)
    if new != text:
        write_if_changed(path, new)
    return counts


def adopt(root, table):
    """Moves old-style declarations and aliases into the table; returns messages."""
    notes = []
    hpath = os.path.join(root, HEADER)
    htext = read(hpath)
    declared = {}
    spans = []
    for start, end, ret, name, params in old_declarations(htext):
        spans.append((start, end))
        declared.setdefault(name, (ret, params))
    defined = defined_functions(root)
    for name, (ret, params) in sorted(declared.items()):
        if name not in defined:
            notes.append('WARNING: %s was declared in mpi.h but no mpi/abi/*.cc defines '
                         'ZMPI_API P%s: declaration dropped' % (name, name))
    for name, (src, def_ret, def_params) in sorted(defined.items()):
        ret, params = declared.get(name, (def_ret, def_params))
        params = tidy_params(params)
        ret = squash(ret)
        row = table.by_name.get(name)
        if row is None:
            table.add_extra(Row(ret, name, params, src, EXTRA_CHAPTER))
            notes.append('WARNING: %s is not an MPI-4.1 function; added to chapter %d (%s)'
                         % (name, EXTRA_CHAPTER, src))
            continue
        if name in declared and (param_types(params) != param_types(row.params) or
                                 squash(ret) != squash(row.ret)):
            notes.append('WARNING: %s: declared as %s %s(%s); MPI-4.1 says %s %s(%s). The '
                         'table takes the declaration (it is what the code compiles against); '
                         'fix the code or the table.'
                         % (name, ret, name, params, row.ret, name, row.params))
            row.ret, row.params = ret, params
        if row.state != src:
            notes.append('%s: %s -> %s' % (name, row.state, src))
            row.state = src
    for row in table.rows():
        if row.implemented and row.name not in defined:
            notes.append('WARNING: %s was implemented in %s, which no longer defines it: '
                         'now missing' % (row.name, row.state))
            row.state = 'missing'
    known = set(table.data_symbols())
    for symbol, src in sorted(data_definitions(root).items()):
        if symbol not in known:
            table.add_data(symbol)
            notes.append('@data %s (defined in %s)' % (symbol, src))
    if spans:
        write_if_changed(hpath, remove_spans(htext, spans))
        notes.append('%s: removed %d old-style declaration(s)' % (HEADER, len(spans)))
    for src in abi_sources(root):
        path = os.path.join(root, ABI_DIR, src)
        text = read(path)
        new = remove_alias_lines(text)
        include = ALIAS_INCLUDE.format(stem=src[:-3])
        lines = [l for l in new.rstrip('\n').split('\n') if l.strip() != include]
        if any(r.state == src for r in table.rows()):
            while lines and not lines[-1].strip():
                lines.pop()
            lines += ['', include]
        new = '\n'.join(lines) + '\n'
        if write_if_changed(path, new):
            notes.append('%s: aliases now come from %s_aliases.inc' % (src, src[:-3]))
    write_if_changed(table.path, table.text())
    return notes
