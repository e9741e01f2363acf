"""mpi/abi/functions.tbl: its rows (one MPI function each) and the table as a whole."""

import re

from genapi.common import EXTRA_CHAPTER, EXTRA_TITLE, Error


class Row:
    def __init__(self, ret, name, params, state, chapter):
        self.ret, self.name, self.params, self.state, self.chapter = ret, name, params, state, chapter

    @property
    def implemented(self):
        return self.state.endswith('.cc')

    @property
    def short(self):
        return self.name[len('MPI_'):]

    def line(self):
        return '%s | %s | %s | %s' % (self.ret, self.name, self.params, self.state)


class Table:
    """The table as read, kept in order so that rewriting it changes only what changed."""

    def __init__(self, path):
        self.path = path
        self.items = []  # ('text', line) | ('chapter', number, title) | ('row', Row) | ('data', sym)
        self.titles = {}
        chapter = None
        with open(path) as f:
            for number, raw in enumerate(f, 1):
                line = raw.rstrip('\n')
                stripped = line.strip()
                if not stripped or stripped.startswith('#'):
                    self.items.append(('text', line))
                elif stripped.startswith('@chapter'):
                    m = re.match(r'@chapter\s+(\d+)\s+(.+)$', stripped)
                    if not m:
                        raise Error('%s:%d: bad @chapter line' % (path, number))
                    chapter = int(m.group(1))
                    self.titles[chapter] = m.group(2).strip()
                    self.items.append(('chapter', chapter, self.titles[chapter]))
                elif stripped.startswith('@data'):
                    parts = stripped.split()
                    if len(parts) != 2:
                        raise Error('%s:%d: @data takes one symbol' % (path, number))
                    self.items.append(('data', parts[1]))
                else:
                    fields = [x.strip() for x in line.split('|')]
                    if len(fields) != 4 or chapter is None:
                        raise Error('%s:%d: expected "ret | name | params | state" after a '
                                    '@chapter line' % (path, number))
                    ret, name, params, state = fields
                    if not re.match(r'^MPI_\w+$', name):
                        raise Error('%s:%d: bad name %r' % (path, number, name))
                    if state not in ('missing', 'macro') and not re.match(r'^\w+\.cc$', state):
                        raise Error('%s:%d: bad state %r' % (path, number, state))
                    self.items.append(('row', Row(ret, name, params, state, chapter)))
        self.by_name = {}
        for row in self.rows():
            if row.name in self.by_name:
                raise Error('%s: %s appears twice' % (path, row.name))
            self.by_name[row.name] = row

    def rows(self):
        return [item[1] for item in self.items if item[0] == 'row']

    def data_symbols(self):
        return [item[1] for item in self.items if item[0] == 'data']

    def chapters(self):
        """[(number, title, [rows])] in table order."""
        out = []
        for item in self.items:
            if item[0] == 'chapter':
                out.append((item[1], item[2], []))
            elif item[0] == 'row':
                out[-1][2].append(item[1])
        return out

    def add_extra(self, row):
        """Adds a function MPI-4.1 lacks, in the extra chapter (created at the end)."""
        row.chapter = EXTRA_CHAPTER
        if EXTRA_CHAPTER not in self.titles:
            self.titles[EXTRA_CHAPTER] = EXTRA_TITLE
            self.items.append(('text', ''))
            self.items.append(('chapter', EXTRA_CHAPTER, EXTRA_TITLE))
            self.items.append(('row', row))
        else:
            last = max(i for i, item in enumerate(self.items)
                       if item[0] == 'chapter' and item[1] == EXTRA_CHAPTER)
            while last + 1 < len(self.items) and self.items[last + 1][0] == 'row':
                last += 1
            self.items.insert(last + 1, ('row', row))
        self.by_name[row.name] = row

    def add_data(self, symbol):
        if not any(item[0] == 'data' for item in self.items):
            self.items.append(('text', ''))
            self.items.append(('text', '# Exported data symbols (MPICH ABI variables), defined in '
                                       'mpi/abi/*.cc.'))
        last = max([i for i, item in enumerate(self.items) if item[0] == 'data'] or
                   [len(self.items) - 1])
        self.items.insert(last + 1, ('data', symbol))

    def text(self):
        out = []
        for item in self.items:
            if item[0] == 'text':
                out.append(item[1])
            elif item[0] == 'chapter':
                out.append('@chapter %d %s' % (item[1], item[2]))
            elif item[0] == 'data':
                out.append('@data ' + item[1])
            else:
                out.append(item[1].line())
        return '\n'.join(out) + '\n'
