"""Tables flattened to one line: labels and figures glued with no separator at all.

Web archives often keep a report's page as one line ("…申请数量120010013二、上年结转…"); text
extracted from PDFs by other tools keeps lines but not cells. The rows are found by their labels
in order (spaces and punctuation inside a label do not matter; a printed label that is no
official one is taken for the row whose label it is closest to, by a distance no other label
shares), the figures between one label and the next are cut into cells by the table's own sums
(`solve`), and a table's region runs from its heading to the next: the heading that the table's
labels follow, not the first mention of its words (a page's preamble may name every section).
Header words anchor what has no label of its own: table 2's rows follow their block's column
header, table 4's figures its last 总计.

What a table's region holds bounds its figures: a run of figures may end at a line break (what
follows may be the next section's), and digits before 「2.」 may be the next label's numbering;
each such ending is a way to read the run, and the sums choose as between any readings. A row
is blank only where nothing in its region could be its figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import combinations
from math import comb

from ..core.cell_values import NONE_WORDS
from ..core.standard import T2, T3, T4, Table, code
from .labels import best_heading, closest
from .notes import Note
from .solve import Decoded, Run, can_fill, decode, is_count, piece
from .tables import (
    OTHER_GROUP, OTHER_KEYS, OTHER_ROWS, TableRead, given_together, group_keys, other_groups, put_decodings, relations_of_table, row_specs,
    table_notes, with_totals, _together,
)
from .tokens import key

_FIGURE = r"\d+(?:[.,]\d+)*|/|-+|—+"
# after a label: its closing bracket or quote, the | or tab of a layout, then figures apart or glued
_FIGURES = re.compile(rf"[\s|)\]”’\"'」』】]*(?:[\s|]*(?:{_FIGURE}))+")
_PIECE = re.compile(_FIGURE)
_EMPTY_CELL = re.compile(r"\|[ \u3000]*\||\t[ \u3000]*\t|\n[ \u3000]*\t")  # a separated cell with nothing in it (a line may start with one)
_NUMBERING_AFTER = re.compile(r"[.、．](?=[^\d\s])")  # 「2.」 of the next label, glued to the figures
_END = re.compile(r"五[、.]\s*[^\d。]{0,20}?(?:问题|改进)")
_DIGITS = re.compile(r"\d")


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


@lru_cache(maxsize=4)  # the regions, the narrative and the tables' text all ask for one text's
def _headings(text: str) -> list[tuple[str, re.Match]]:
    """The tables' headings in the text, in the order they stand: of the places each heading is
    printed, the one its table's labels follow (see `labels.best_heading`)."""
    found = []
    for t in (T2, T3, T4):
        places = list(_heading(t).finditer(text))
        spans = [(n, key(text[m.end():places[n + 1].start() if n + 1 < len(places) else len(text)]))
                 for n, m in enumerate(places)]
        if (n := best_heading(spans, t)) is not None:
            found.append((t.id, places[n]))
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
    start: int = 0  # where the label starts
    printed: str | None = None  # the printed label, where it is not the official one


@dataclass
class Figures:
    """The figures right after a label."""

    raws: list[str]
    end: int  # where they end in the text
    cut_off: bool  # they run to the end of the text
    empty_cells: bool = False  # a separated cell with nothing in it among them: they cannot be placed
    endings: list[list[str]] = field(default_factory=list)  # other ways the run may end


MAX_STRAY_READINGS = 64  # ways to leave figures out of a run; past it, no figure is left out


def _strays_anywhere(raw: str, pieces: list[tuple[str, int]], endings: list[list[str]], cells: int) -> list[list[str]]:
    """A run that may end early at a line break leaves its last figures to what follows; but a
    figure on a line of its own (a page number, a year) may as well sit among the run's own
    figures. Every way of leaving out as many such figures is a reading too, so that only the
    sums choose which figures were the stray ones, and where nothing can choose the cells stay
    unread; where those ways are too many to try, the run is not cut short at all."""
    if not endings:
        return endings
    raws = [p for p, _ in pieces]
    ends = [0, *(at + len(p) for p, at in pieces)]
    # the text before each piece and after the last; the last piece's own line may hold what follows
    gaps = [raw[ends[i]:at] for i, (_, at) in enumerate(pieces)] + ["\n"]
    alone = [i for i in range(len(pieces)) if "\n" in gaps[i] and "\n" in gaps[i + 1]]
    ways = {len(raws) - len(e) for e in endings}
    if any(k > len(alone) for k in ways) or sum(comb(len(alone), k) for k in ways) > MAX_STRAY_READINGS:
        return []
    out = [list(e) for e in endings]
    for k in sorted(ways):
        for left_out in combinations(alone, k):
            kept = [r for i, r in enumerate(raws) if i not in left_out]
            if kept not in out and sum(len(r) for r in kept) >= cells:
                out.append(kept)
    return out


def _figures(text: str, start: int, stop: int, cells: int) -> Figures:
    m = _FIGURES.match(text, start, stop)
    raw = m.group() if m else ""
    pieces = [(p.group(), p.start()) for p in _PIECE.finditer(raw)]
    raws = [p for p, _ in pieces]
    found = Figures(raws, start + len(raw), not text[start + len(raw):].strip(), bool(_EMPTY_CELL.search(raw)))
    # the run may end at a line break (the next line may be another section's figures) ...
    endings = [raws[:n] for n in range(1, len(pieces)) if "\n" in raw[pieces[n - 1][1]:pieces[n][1]]]
    endings = _strays_anywhere(raw, pieces, [e for e in endings if len(e) <= cells and sum(len(p) for p in e) >= cells], cells)
    # ... and its last digits may be the next label's numbering (「…0002.重复申请」)
    if raws and raws[-1].isdigit() and _NUMBERING_AFTER.match(text, found.end):
        for k in (1, 2):
            number, rest = raws[-1][-k:], raws[-1][:-k]
            if len(number) == k and number[0] != "0" and int(number) <= 20:
                endings.append(raws[:-1] + ([rest] if rest else []))
    found.endings = [e for e in endings if e and e != raws]
    return found


def _rows(text: str, table: Table, start: int, end: int, headed: bool) -> list[FoundRow]:
    """The rows of a table found in order within [start, end): by their labels, then where
    figures follow text that is no label, by the label that text is closest to."""
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
                                  row.label, m.end(), end, m.start()))
            pos = m.end()
    return _near_labels(text, table, found) if headed else found


def _near_labels(text: str, table: Table, found: list[FoundRow]) -> list[FoundRow]:
    """Rows whose printed label is no official one ("2.其他法律行政止公开"): text followed by
    figures after a row's own figures, taken for the row it is closest to among the rows not
    found between, where no other label of the table is as close."""
    specs = row_specs(table)
    order = [s.code for s in specs]
    boundaries = [*group_keys(table), *(k for s in specs for k in s.keys)]
    out: list[FoundRow] = []
    for n, row in enumerate(found):
        out.append(row)
        after = order.index(row.where.split(".")[1]) + 1
        before = order.index(found[n + 1].where.split(".")[1]) if n + 1 < len(found) else len(order)
        gap = [s for s in specs[after:before]]
        at = _figures(text, row.end, row.stop, len(row.cells)).end
        end = row.stop  # the row's stop moves to each label taken: the labels after it are looked for up to here
        while gap and at < end:
            label = re.match(r"[^\d/—-]+", text[at:end])
            if label is None:
                break
            figures = _FIGURES.match(text, label.end() + at, end)
            spec = closest(label.group(), [(s, s.keys) for s in specs], boundaries)
            if figures is None or spec not in gap:
                at = label.end() + at + (len(figures.group()) if figures else 0)
                continue
            stop, out[-1].stop = out[-1].stop, at
            out.append(FoundRow(f"{table.id}.{spec.code}", tuple(code(table.id, spec.code, c) for c in spec.columns),
                                spec.label, at + label.end(), stop, at, label.group().strip()))
            gap = gap[gap.index(spec) + 1:]
            at = figures.end()
    return out


def _t4_figures(text: str, start: int, end: int, headed: bool) -> int | None:
    """Where table 4's figures start: after the 总计 of its header that figures follow (its
    last); where none does, after the header's last 总计 if it is printed for every group (a
    blank form: its place is seen empty)."""
    last = key(T4.blocks[0].columns[-1].label)
    if not headed:
        anchor = find(text, key(T4.rows[-1].label), start, end)  # 复议后起诉, in the header
        if anchor is None:
            return None
        start = anchor.end()
    totals = list(_pattern(last).finditer(text, start, end))
    for m in totals:
        if _FIGURES.match(text, m.end(), end):
            return m.end()
    return totals[-1].end() if headed and len(totals) >= len(T4.rows) else None


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
    other = _other_as_one_row(text, found, start, end) if table is T3 and headed else None
    runs: list[tuple[Run, str]] = []
    empty: list[FoundRow] = []  # rows with no figures after their label
    placed_all = True  # every figure in the rows' stretch of text belongs to a row
    for row in found:
        cells, where = row.cells, row.where
        figures = _figures(text, row.end, row.stop, len(cells))
        raws = figures.raws
        pieces = [piece(r, NONE_WORDS) for r in raws]
        short = None not in pieces and not can_fill(pieces, len(cells))  # too few figures for the cells
        if not headed and (not raws or None in pieces or short or len(pieces) > len(cells)):
            continue  # outside a table: only rows whose figures fill them
        if row.printed is not None:
            read.notes.append(Note("label_taken", {"where": where, "printed": row.printed, "label": row.label}, cells))
        for p in pieces:
            if p is not None and p.raw in NONE_WORDS:
                read.saw_none(p.raw)
        placed_all &= not _DIGITS.search(text[figures.end:row.stop])
        if not raws:
            empty.append(row)
        elif None in pieces or figures.empty_cells:
            placed_all = False
            if row is not other:  # （六）其他处理's figures are sums, no cells: `_given_together` says them
                read.unread.update({c: ("unplaced", " ".join(raws)) for c in cells})
        elif figures.cut_off and short:
            if row is not other:
                _cut_off(read, where, row.label, cells, pieces)
        else:
            variants = tuple(v for e in figures.endings if None not in (v := tuple(piece(r, NONE_WORDS) for r in e)))
            runs.append((Run(cells, tuple(pieces), variants), where))
    if not headed and len(runs) < MIN_HEADLESS_ROWS and table is not T4:
        return TableRead(table)
    for row in empty:  # seen empty only where no figure of the table's rows is left unplaced
        if placed_all:
            read.blank.update(row.cells)
        else:
            read.unread.update({c: ("unplaced", "") for c in row.cells})
    rels = relations_of_table(table)
    decoded = [(where, d) for (_, where), d in zip(runs, decode([r for r, _ in runs], {}, with_totals(rels, other_groups()) if other else rels))]
    if other is not None:
        _given_together(read, text, other, next((d for where, d in decoded if where == other.where), None))
    put_decodings(read, [(where, d) for where, d in decoded if other is None or where != other.where])
    if any(reason == "unplaced" for reason, _ in read.unread.values()):
        read.notes.append(Note("figures_unplaced", {"where": table.id}, tuple(c for c, (r, _) in read.unread.items() if r == "unplaced")))
    if not headed and read.status != "missing":
        read.notes.insert(0, Note("no_heading", {"where": table.id}))
    table_notes(read)
    return read


def _other_as_one_row(text: str, found: list[FoundRow], table_start: int, table_end: int) -> FoundRow | None:
    """（六）其他处理 printed as one row, with figures, where its three rows are not: a row of
    the sums of R21–R23, between the rows found before and after it, within the table (a
    「3.其他」 in a later section says nothing of it)."""
    rows = [r.where.split(".")[1] for r in found]
    if set(rows) & set(OTHER_ROWS):
        return None
    n = sum(1 for r in rows if r < OTHER_ROWS[0])
    start, stop = found[n - 1].end if n else table_start, found[n].start if n < len(found) else table_end
    m = next((m for k in OTHER_KEYS if (m := find(text, k, start, stop))), None)
    if m is None or not _FIGURES.match(text, m.end(), stop):
        return None
    if any(find(text, k, start, stop) for s in row_specs(T3) if s.code in OTHER_ROWS for k in s.keys):
        return None  # their labels are printed: the figures may be theirs
    row = FoundRow(f"{T3.id}.{OTHER_ROWS[0]}-{OTHER_ROWS[-1]}", tuple(_together(g) for g in other_groups()),
                   OTHER_GROUP, m.end(), stop, m.start())
    if n:
        found[n - 1].stop = m.start()
    found.insert(n, row)
    return row


def _given_together(read: TableRead, text: str, other: FoundRow, d: Decoded | None) -> None:
    """The （六）其他处理 row's figures as the sums of R21–R23, which are not given separately:
    read where `decode` settles every one of them."""
    n = len(other_groups())
    options = [d.options(i) if d is not None else set() for i in range(n)]
    sums = [s.pop() for s in options] if all(len(s) == 1 for s in options) else None
    given_together(read, " ".join(_figures(text, other.end, other.stop, n).raws), sums)


def _cut_off(read: TableRead, where: str, label: str, cells, pieces) -> None:
    """The text ends inside this row: figures set apart by spaces are the row's first cells;
    one run of digits cannot be told apart, so none of it is taken."""
    taken = pieces if len(pieces) > 1 or (pieces and not pieces[0].cuttable) or (pieces and len(pieces[0].raw) == 1) else []
    for c, p in zip(cells, taken):
        v = p.whole if p.whole is not None else int(p.raw)
        if not is_count(c):
            read.values[c] = v
        elif v == int(v):
            read.values[c] = int(v)
        else:  # R4: a fraction is no count's figure; where it belongs is not known
            read.unread[c] = ("unplaced", p.raw)
    read.notes.append(Note("row_cut_off", {"where": where, "label": label, "n": len(taken)}))
