"""Reading C text: declarations, the PMPI_ definitions in mpi/abi/*.cc, macros, and the
old-style declarations in mpi.h."""

import os
import re

from genapi.common import (
    ABI_DIR, BEGIN, END, Error, HEADER, INCLUDES_BEGIN, INCLUDES_END, WIDTH, abi_sources, read)


def matching_paren(text, open_index):
    """Index of the ')' closing the '(' at open_index (comments and strings are not expected)."""
    depth = 0
    for i in range(open_index, len(text)):
        if text[i] == '(':
            depth += 1
        elif text[i] == ')':
            depth -= 1
            if depth == 0:
                return i
    raise Error('unbalanced parentheses after: ' + text[open_index:open_index + 60])


def split_top(text):
    """Splits on commas outside parentheses and brackets."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in '([':
            depth += 1
        elif c in ')]':
            depth -= 1
        elif c == ',' and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def squash(text):
    return ' '.join(text.replace('\n', ' ').split())


def tidy_params(params):
    """One line, "type *name" spacing as the table writes it."""
    params = squash(params)
    params = re.sub(r'\s*\*\s*', lambda m: ' *', params)
    params = re.sub(r'\*\s+\*', '**', params)
    params = re.sub(r'\*\s+\*', '**', params)
    params = re.sub(r'\( \*', '(*', params)
    params = re.sub(r'\s*,\s*', ', ', params)
    return params.strip() or 'void'


def param_types(params):
    """The types of a parameter list, names dropped and arrays as pointers, for comparing."""
    keywords = {'const', 'volatile', 'unsigned', 'signed', 'long', 'short', 'int', 'char',
                'double', 'float', 'void', 'struct'}
    out = []
    for p in split_top(params):
        p = re.sub(r'(\w*)\s*\[[^\]]*\]', r'* \1', squash(p)).replace('*', ' * ')
        tokens = p.split()
        if len(tokens) > 1 and re.match(r'^[A-Za-z_]\w*$', tokens[-1]) and \
                tokens[-1] not in keywords:
            tokens = tokens[:-1]  # the parameter's name
        out.append(' '.join(tokens))
    return [] if out == ['void'] else out


def declaration(ret, name, params):
    """`ret name(params);` wrapped at WIDTH columns after commas."""
    head = '%s %s(' % (ret, name)
    pieces = split_top(params)
    lines, current = [], head
    for i, piece in enumerate(pieces):
        piece += ');' if i == len(pieces) - 1 else ','
        candidate = current + ('' if current.endswith('(') else ' ') + piece
        if len(candidate) <= WIDTH or current.endswith('('):
            current = candidate
        else:
            lines.append(current)
            current = ' ' * len(head) + piece
    lines.append(current)
    return '\n'.join(lines)


DEFINITION = re.compile(
    r'\bZMPI_API\s+([A-Za-z_][\w\s\*]*?)\s*(\(\s*)?\bPMPI_(\w+)\s*(?(2)\)\s*)\(')


MACRO = re.compile(r'^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)((?:[^\n]*\\\n)*[^\n]*)', re.M)


def expand_macros(text):
    """The text with its #define lines blanked, followed by the expansion of every call of a
    function-like macro whose body holds ZMPI_API (definitions stamped out by a macro)."""
    macros = {}
    for m in MACRO.finditer(text):
        body = m.group(3).replace('\\\n', ' ')
        if 'ZMPI_API' in body:
            macros[m.group(1)] = ([p.strip() for p in m.group(2).split(',')], body)
    plain = MACRO.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text)
    expansions = []
    for name, (params, body) in macros.items():
        for call in re.finditer(r'(?<![\w#])%s\s*\(' % name, plain):
            close = matching_paren(plain, call.end() - 1)
            args = split_top(plain[call.end():close])
            if len(args) != len(params):
                continue
            expanded = body
            for param, arg in zip(params, args):
                expanded = re.sub(r'\b%s\b' % re.escape(param), arg, expanded)
            expansions.append(re.sub(r'\s*##\s*', '', expanded))
    return plain + '\n' + '\n'.join(expansions)


def definitions(text):
    """{short name: (return type, parameter text)} of every ZMPI_API PMPI_x(...) { definition,
    also those stamped out by a macro, also with the name parenthesized: (PMPI_x)(...)."""
    out = {}
    text = expand_macros(mask_comments(text))
    for m in DEFINITION.finditer(text):
        close = matching_paren(text, m.end() - 1)
        after = text[close + 1:close + 200].lstrip()
        if not after.startswith('{'):
            continue  # a declaration
        out[m.group(3)] = (squash(m.group(1)), text[m.end():close])
    return out


DATA_DEFINITION = re.compile(r'(?:\bZMPI_API|__attribute__\(\(\s*visibility\(\s*"default"\s*\)\s*\)\))'
                             r'\s+[^;{}()]*?\b(P?MPI_\w+)\s*(?:=|;|\[)')


def data_definitions(root):
    """{'MPI_X': file} of the exported variables in mpi/abi/*.cc (ZMPI_API type MPI_X = ...; or
    with __attribute__((visibility("default"))) spelled out)."""
    out = {}
    for src in abi_sources(root):
        for m in DATA_DEFINITION.finditer(mask_comments(read(os.path.join(root, ABI_DIR, src)))):
            out[m.group(1)] = src
    return out


ALIAS_LINE = re.compile(r'^[ \t]*ZMPI_WEAK_ALIAS\(\s*([\w# ]+?)\s*\)[ \t]*;?[ \t]*(//[^\n]*)?'
                        r'(\\)?[ \t]*(\n|$)', re.M)


def remove_alias_lines(text):
    """Drops ZMPI_WEAK_ALIAS lines; one that ended a macro body ends it on the line before."""
    out = []
    for line in text.split('\n'):
        m = ALIAS_LINE.match(line)
        if m:
            if not m.group(3) and out and out[-1].rstrip().endswith('\\'):
                out[-1] = out[-1].rstrip()[:-1].rstrip()
            continue
        out.append(line)
    return '\n'.join(out)


def defined_functions(root):
    """{'MPI_x': (file, ret, params)} from the definitions in mpi/abi/*.cc."""
    out = {}
    for src in abi_sources(root):
        for short, (ret, params) in definitions(read(os.path.join(root, ABI_DIR, src))).items():
            name = 'MPI_' + short
            if name in out:
                raise Error('PMPI_%s is defined in both %s and %s' % (short, out[name][0], src))
            out[name] = (src, ret, params)
    return out


def header_parts(text):
    """(before, generated, after) around the markers of the include block, or of the inline block
    of declarations from before mpi_functions.h; generated is None when neither is there."""
    for begin, end in ((INCLUDES_BEGIN, INCLUDES_END), (BEGIN, END)):
        b = text.find(begin)
        if b < 0:
            continue
        e = text.find(end, b)
        if e < 0:
            raise Error('%s: %r without %r' % (HEADER, begin, end))
        e += len(end)
        return text[:b], text[b:e], text[e:]
    return text, None, ''


def macro_names(text):
    return set(re.findall(r'^[ \t]*#[ \t]*define[ \t]+(P?MPI_\w+)\(', text, re.M))


OLD_DECLARE = re.compile(r'(?<![\w#])ZMPI_DECLARE\s*\(')


PLAIN_PROTO = re.compile(
    r'^[ \t]*(?:extern[ \t]+)?((?:const[ \t]+)?[A-Za-z_]\w*(?:[ \t]+[A-Za-z_]\w*)*[ \t\*]*?)'
    r'[ \t]*(\**)[ \t]*\b(P?MPI_\w+)[ \t]*\(', re.M)


def mask_comments(text):
    """The text with comments blanked (newlines kept), so offsets stay valid."""
    def blank(m):
        return re.sub(r'[^\n]', ' ', m.group(0))
    return re.sub(r'/\*.*?\*/|//[^\n]*', blank, text, flags=re.S)


def old_declarations(text):
    """Old-style declarations outside the generated block: [(start, end, ret, 'MPI_x', params)].
    Finds ZMPI_DECLARE(ret, x, (params)) and plain `ret [P]MPI_x(params);` prototypes."""
    before, generated, after = header_parts(text)
    text = mask_comments(text)
    regions = [(0, len(before))]
    if generated is not None:
        regions.append((len(before) + len(generated), len(text)))
    found = []
    for lo, hi in regions:
        for m in OLD_DECLARE.finditer(text, lo, hi):
            line_start = text.rfind('\n', 0, m.start()) + 1
            if text[line_start:m.start()].strip().startswith('#'):
                continue  # the macro's own #define / #undef
            close = matching_paren(text, m.end() - 1)
            args = split_top(text[m.end():close])
            if len(args) != 3 or not args[2].startswith('('):
                raise Error('cannot read: ' + squash(text[m.start():close + 1]))
            end = close + 1
            if text[end:end + 1] == ';':
                end += 1
            found.append((m.start(), end, squash(args[0]), 'MPI_' + args[1].strip(),
                          args[2].strip()[1:-1]))
        for m in PLAIN_PROTO.finditer(text, lo, hi):
            first = m.group(1).split()
            if not first or first[0] in ('typedef', 'return', 'define') or \
                    m.group(1).lstrip().startswith('#'):
                continue
            close = matching_paren(text, m.end() - 1)
            rest = text[close + 1:]
            semi = re.match(r'\s*;', rest)
            if not semi:
                continue
            name = m.group(3)
            if name.startswith('PMPI_'):
                name = name[1:]
            ret = squash(re.sub(r'^\s*extern\s+', '', text[m.start():m.start(3)]))
            found.append((m.start(), close + 1 + semi.end(), ret, name, text[m.end():close]))
    found.sort()
    return found


def remove_spans(text, spans):
    """Removes the spans, and the lines they leave empty."""
    for start, end in sorted(spans, reverse=True):
        line_start = text.rfind('\n', 0, start) + 1
        line_end = text.find('\n', end)
        line_end = len(text) if line_end < 0 else line_end
        if not text[line_start:start].strip() and not text[end:line_end].strip():
            text = text[:line_start] + text[line_end + 1:]
        else:
            text = text[:start] + text[end:]
    return text
