"""Tables flattened to one line: labels and figures glued with no separator at all.

Web archives often keep a report's page as one line ("…申请数量120010013二、上年结转…"). The rows
are found by their labels in order (spaces and punctuation inside a label do not matter), the
figures between one label and the next are cut into cells by the table's own sums (`solve`), and
a table's region runs from its heading to the next. Header words anchor what has no label of
its own: table 2's rows follow their block's column header, table 4's figures its last 总计.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..core.cell_values import NONE_WORDS
from ..core.standard import T2, T3, T4, Table, code
from .notes import Note
from .solve import Run, can_fill, decode, piece
from .tables import TableRead, put_decodings, relations_of_table, row_specs, table_notes
from .tokens import key

_FIGURE = r"\d+(?:[.,]\d+)*|/|-+|—+"
_FIGURES = re.compile(rf"[\s)\]”’\"'」』】]*(?:\s*(?:{_FIGURE}))+")  # after a label's closing bracket or quote
_PIECE = re.compile(_FIGURE)
_END = re.compile(r"五[、.]\s*[^\d。]{0,20}?(?:问题|改进)")


@cache
def _pattern(label_key: str) -> re.Pattern:
    """A label's characters with anything but letters and digits allowed between them."""
    return re.compile(r"[\W_]*".join(map(re.escape, label_key)))


@cache
def _heading(table: Table) -> re.Pattern:
    # not "（二）主动公开…" of a narrative subsection: a table heading is not in brackets
    return re.compile(r"(?<![(（])" + _pattern(key(table.heading)).pattern)


def find(text: str, label_key: str, start: int, end: int) -> re.Match | None:
    return _pattern(label_key).search(text, start, end)


def _headings(text: str) -> list[tuple[str, re.Match]]:
    """The tables' headings found in the text, in the order they stand."""
    found = ((t.id, m) for t in (T2, T3, T4) if (m := _heading(t).search(text)))
    return sorted(found, key=lambda item: item[1].start())


def regions(text: str) -> dict[str, tuple[int, int, bool]]:
    """Each table's (start, end, heading found) in the text: from its heading to the next table's
    heading or 五、; without a heading, the whole text (its rows are found by their labels)."""
    order = _headings(text)
    end = _tables_end(text, order)
    out = {t.id: (0, len(text), False) for t in (T2, T3, T4)}
    for n, (t, m) in enumerate(order):
        out[t] = (m.end(), order[n + 1][1].start() if n + 1 < len(order) else end, True)
    return out


def _table_span(text: str) -> tuple[int, int] | None:
    """From the first table heading to the end of the last table; None without headings."""
    order = _headings(text)
    return (order[0][1].start(), _tables_end(text, order)) if order else None


def _tables_end(text: str, order: list[tuple[str, re.Match]]) -> int:
    """Where the last table ends: at 五、 after its heading, else at the end of the text."""
    m = _END.search(text, order[-1][1].end() if order else 0)
    return m.start() if m else len(text)


def outside(text: str) -> str:
    """The narrative: the text before the first table and after the last."""
    span = _table_span(text)
    return text if span is None else text[:span[0]] + text[span[1]:]


def inside(text: str) -> str:
    """The tables' text (the whole text where no table heading is found)."""
    span = _table_span(text)
    return text if span is None else text[span[0]:span[1]]


@dataclass
class FoundRow:
    where: str  # "T3.R05", or "T4" for table 4's one run of figures
    cells: tuple[str, ...]
    label: str
    end: int  # where the label ends
    stop: int  # where the next row's label (or the region) starts


def _figures(text: str, start: int, stop: int) -> tuple[list[str], bool]:
    """The figures right after a label, and whether they run to the end of the text (cut off)."""
    m = _FIGURES.match(text, start, stop)
    raw = m.group() if m else ""
    return _PIECE.findall(raw), not text[start + len(raw):].strip()


def _rows(text: str, table: Table, start: int, end: int, headed: bool) -> list[FoundRow]:
    """The rows of a table found in order within [start, end)."""
    specs = {s.code: s for s in row_specs(table)}
    found: list[FoundRow] = []
    pos = start
    for block in table.blocks:
        if table is T2:  # a block's rows follow its column header; without a heading they must
            header = find(text, key(block.columns[-1].label), pos, end)
            if header is not None:
                pos = header.end()
            elif not headed:
                continue
        for row in block.rows:
            spec = specs[row.code]
            m = next((m for k in spec.keys if (m := find(text, k, pos, end))), None)
            if m is None:
                continue
            if found:
                found[-1].stop = m.start()
            found.append(FoundRow(f"{table.id}.{row.code}", tuple(code(table.id, row.code, c) for c in spec.columns),
                                  row.label, m.end(), end))
            pos = m.end()
    return found


def _t4_figures(text: str, start: int, end: int, headed: bool) -> int | None:
    """Where table 4's figures start: after the 总计 of its header that figures follow (its last)."""
    last = key(T4.blocks[0].columns[-1].label)
    if not headed:
        anchor = find(text, key(T4.rows[-1].label), start, end)  # 复议后起诉, in the header
        if anchor is None:
            return None
        start = anchor.end()
    for m in _pattern(last).finditer(text, start, end):
        if _FIGURES.match(text, m.end(), end):
            return m.end()
    return None


def read_flat(text: str) -> dict[str, TableRead]:
    """The three tables of a flattened text (tables whose rows are not found are 'missing')."""
    where = regions(text)
    return {table.id: _read(text, table, *where[table.id]) for table in (T2, T3, T4)}


MIN_HEADLESS_ROWS = 2  # without its heading, one label followed by a figure is a sentence, not a table


def _read(text: str, table: Table, start: int, end: int, headed: bool) -> TableRead:
    read = TableRead(table)
    if table is T4:
        at = _t4_figures(text, start, end, headed)
        found = [] if at is None else [FoundRow(T4.id, tuple(c.code for c in T4.cells), T4.heading, at, end)]
    else:
        found = _rows(text, table, start, end, headed)
    runs: list[tuple[Run, str]] = []
    for row in found:
        cells, where = row.cells, row.where
        raws, cut_off = _figures(text, row.end, row.stop)
        pieces = [piece(r, NONE_WORDS) for r in raws]
        short = None not in pieces and not can_fill(pieces, len(cells))  # too few figures for the cells
        if not headed and (not raws or None in pieces or short or len(pieces) > len(cells)):
            continue  # outside a table: only rows whose figures fill them
        for p in pieces:
            if p is not None and p.raw in NONE_WORDS:
                read.saw_none(p.raw)
        if not raws:
            read.blank.update(cells)  # a row with its label and nothing after: present, blank
        elif None in pieces:
            read.unread.update({c: ("unplaced", " ".join(raws)) for c in cells})
        elif cut_off and short:
            _cut_off(read, where, row.label, cells, pieces)
        else:
            runs.append((Run(cells, tuple(pieces)), where))
    if not headed and len(runs) < MIN_HEADLESS_ROWS and table is not T4:
        return TableRead(table)
    decoded = decode([r for r, _ in runs], {}, relations_of_table(table))
    put_decodings(read, [(where, d) for (_, where), d in zip(runs, decoded)])
    if not headed and read.status != "missing":
        read.notes.insert(0, Note("no_heading", {"where": table.id}))
    table_notes(read)
    return read


def _cut_off(read: TableRead, where: str, label: str, cells, pieces) -> None:
    """The text ends inside this row: figures set apart by spaces are the row's first cells;
    one run of digits cannot be told apart, so none of it is taken."""
    taken = pieces if len(pieces) > 1 or (pieces and not pieces[0].cuttable) or (pieces and len(pieces[0].raw) == 1) else []
    for c, p in zip(cells, taken):
        read.values[c] = p.whole if p.whole is not None else int(p.raw)
    read.notes.append(Note("row_cut_off", {"where": where, "label": label, "n": len(taken)}))
