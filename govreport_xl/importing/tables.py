"""Reads the three tables out of a token stream.

A row is found by its label, whatever the layout: the label text seen before a run of value cells
is matched against the official row labels (compared without spaces and punctuation). Values are
never invented: a row whose cells cannot be told apart, or a figure that cannot be placed, leaves
its cells unread (the importer's uncertainty, not the report's error), never set to 0. A printed
cell that is no figure ("1O") is handed on as printed, for the checks to judge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
import re

from ..core.cell_values import NONE_WORDS, parse_printed
from ..core.checks import check_relation
from ..core.rules import RULES, Relation, Term, relations
from ..core.standard import T3, T4, CellKind, Table, code, columns
from .labels import closest
from .notes import Note
from .solve import SETTLED, TOO_MANY, UNPLACED, Decoded, Piece, Run, can_fill, decode, is_count, piece
from .tokens import Kind, Token, key

_NUMBERING_PREFIX = r"^(?:[一二三四五六七八九十]+|\d+)"
SUBTOTAL_WORDS = ("小计", "合计")
MAX_CANDIDATES_SHOWN = 4
MAX_ROWS_NOTED = 3  # beyond, the rows decoded are said once for the table


@dataclass
class TableRead:
    """What was read of one table: values, refused cells and notes."""

    table: Table
    values: dict[str, int | Decimal] = field(default_factory=dict)
    printed: dict[str, str] = field(default_factory=dict)  # code -> printed text that is no figure (V-01)
    # code -> (why not read, raw): ambiguous, ambiguous_blanks, unsettled, too_many, unplaced, cell_count, not_given
    unread: dict[str, tuple[str, str]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    blank: set[str] = field(default_factory=set)  # cells printed empty: present, blank (V-03)
    decoded: set[str] = field(default_factory=set)  # values split out of digits run together
    candidates: dict[tuple[str, ...], list[tuple]] = field(default_factory=dict)  # cells -> readings left, where not one
    none_words: dict[str, int] = field(default_factory=dict)  # "/" -> how many cells used it
    subtotal_column_rows: int = 0
    # cells printed only as their sum (（六）其他处理 as one row): the members -> their total
    combined: dict[tuple[str, ...], int | Decimal] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.table.cells]

    @property
    def found(self) -> int:
        """Cells the text has: read, printed as no figure, unread or blank."""
        return len(self.values) + len(self.printed) + len(self.unread) + len(self.blank)

    @property
    def status(self) -> str:
        if self.found == 0:
            return "missing"
        return "complete" if self.found == len(self.codes) and not self.unread and not self.printed else "partial"

    def saw_none(self, word: str) -> None:
        """A cell written as a word for none ("/"): counted for the table's note."""
        self.none_words[word] = self.none_words.get(word, 0) + 1

    def counts(self) -> dict[str, int]:
        """How each cell of the table was read: read as printed (a printed non-figure included),
        decoded by the sums, ambiguous (several readings fit), not given separately, otherwise
        unread, blank, or missing from the text."""
        reasons = [reason for reason, _ in self.unread.values()]
        ambiguous = sum(1 for r in reasons if r.startswith("ambiguous"))
        not_given = reasons.count("not_given")
        return {
            "read": len(self.values) - len(self.decoded) + len(self.printed),
            "decoded": len(self.decoded),
            "ambiguous": ambiguous,
            "unread": len(reasons) - ambiguous - not_given,
            "blank": len(self.blank),
            "not_given": not_given,
            "missing": len(self.codes) - self.found,
        }


@dataclass(frozen=True)
class RowSpec:
    code: str  # row code
    label: str  # the official label, for messages
    keys: tuple[str, ...]  # full key first, then a bare key where it is distinctive
    columns: tuple[str, ...]
    kind: CellKind = CellKind.COUNT


def row_specs(table: Table) -> list[RowSpec]:
    """Each row with its label key, and its bare key (no numbering) where the table has no twin
    and no other label, group label or column header contains it ("其他" of 3.其他 is in
    其他法律…, （六）其他处理 and the column 其他; "总计" of （七）总计 is a column's header):
    reports that drop 「（七）」 or 「3.」 still name their rows."""
    rows = [(block, row) for block in table.blocks for row in block.rows]
    full = {row.code: key(row.label) for _, row in rows}
    bare = {c: re.sub(_NUMBERING_PREFIX, "", k) for c, k in full.items()}
    headers = {key(label) for block in table.blocks for c in block.columns for label in (c.label, *c.group)}
    words = [*full.values(), *{key(g) for _, row in rows for g in row.group}, *headers]
    unique = {b for b in bare.values() if sum(b in w for w in words) == 1}
    return [
        RowSpec(row.code, row.label, (full[row.code], bare[row.code]) if bare[row.code] != full[row.code] and bare[row.code] in unique else (full[row.code],),
                tuple(c.code for c in block.columns), block.kind)
        for block, row in rows
    ]


def group_keys(table: Table) -> set[str]:
    """Labels of group rows: a report that gives them numbers adds a non-official subtotal row."""
    labels = {key(g) for row in table.rows for g in row.group}
    return labels | {re.sub(_NUMBERING_PREFIX, "", g) for g in labels} | {key(w) for w in SUBTOTAL_WORDS}


def runs(tokens: Sequence[Token], keep_blank: bool = False) -> list[tuple[str, list[Token]]]:
    """(label text before, value cells) pairs. Runs of nothing but blank cells are layout (a
    trailing tab, a header's empty corner) unless `keep_blank`: then a row whose cells are all
    blank is seen, and the caller tells it from layout by its label and its number of cells."""
    out, pending, run = [], [], []

    def flush() -> None:
        nonlocal pending
        if run and (keep_blank or any(t.kind is not Kind.BLANK for t in run)):
            out.append(("".join(pending), run))
            pending = []

    for tok in tokens:
        if tok.kind is Kind.TEXT:
            flush()
            run = []
            pending.append(tok.raw)
        else:
            run.append(tok)
    flush()
    return out


def _match(text: str, specs: list[RowSpec], groups: set[str]) -> RowSpec | str | None:
    """The row whose label ends latest in `text`; "subtotal" for a group label; None if nothing fits."""
    k = key(text)
    best, best_end = None, -1
    for spec in specs:
        for row_key in spec.keys:  # the full label if present, else the bare one
            pos = k.rfind(row_key)
            if pos >= 0:
                if pos + len(row_key) > best_end:
                    best, best_end = spec, pos + len(row_key)
                break
    for g in groups:
        pos = k.rfind(g)
        if pos >= 0 and pos + len(g) > best_end:
            return "subtotal"
    return best


def alignments(run: list[Token], n: int) -> list[list[Token]]:
    """The ways to read a run as `n` cells by dropping surplus blank cells at its ends.

    Surplus blanks are placeholders of merged label cells (before) or a trailing separator
    (after); which of them is a real empty cell only the table's sums can tell."""
    lead = next((i for i, t in enumerate(run) if t.kind is not Kind.BLANK), len(run))
    trail = next((i for i, t in enumerate(reversed(run)) if t.kind is not Kind.BLANK), len(run))
    excess = len(run) - n
    return [run[k:len(run) - (excess - k)] for k in range(0, min(lead, excess) + 1) if excess - k <= trail]


def _printed(tokens: Sequence[Token]) -> str:
    """Tokens as printed, an empty cell as （空）: what a note or an unread cell quotes."""
    return " ".join(t.raw or "（空）" for t in tokens)


def _strip_blanks(run: list[Token]) -> list[Token]:
    """A run short of cells keeps no blank ends: its cells ran together or are missing."""
    while run and run[0].kind is Kind.BLANK:
        run = run[1:]
    while run and run[-1].kind is Kind.BLANK:
        run = run[:-1]
    return run


def _value(tok: Token, kind: CellKind) -> int | Decimal | None:
    if tok.kind is Kind.BLANK:
        return 0
    return parse_printed(tok.raw, kind is CellKind.AMOUNT).value


# --- one table ----------------------------------------------------------------------------------


def fits_within(rels: Sequence[Relation], cells: Sequence[str]) -> Callable[[Sequence], bool]:
    """Whether values for `cells` satisfy every one of `rels` that lies within them."""
    within = [rel for rel in rels if set(rel.codes) <= set(cells)]

    def fits(values: Sequence) -> bool:
        given = {c: Decimal(v) for c, v in zip(cells, values)}
        return all(check_relation(rel, given) is None for rel in within)

    return fits


class _TableReader:
    def __init__(self, table: Table):
        self.read = TableRead(table)
        self.specs = row_specs(table)
        self.groups = group_keys(table)
        self.glued: list[tuple[str, Run]] = []  # rows short of cells: digits run together, cut by the sums later
        # rows whose cells may sit more than one way: (the ways' figures as a run, the ways as tokens)
        self.placements: list[tuple[Run, list[tuple[list[Token], bool]]]] = []

    def put(self, row: str, columns: Sequence[str], cells: list[Token], kind: CellKind) -> None:
        for col, tok in zip(columns, cells):
            c = code(self.read.table.id, row, col)
            v = _value(tok, kind)
            if tok.kind is Kind.BLANK:
                self.read.blank.add(c)  # summed as 0, reported as blank (V-03), as in a workbook
            elif v is None:
                self.read.printed[c] = tok.raw
            else:
                self.read.values[c] = v
            if tok.kind is Kind.NONE:
                self.read.saw_none(tok.raw)

    def settle(self) -> None:
        """The rows whose digits ran together and those whose cells may sit more than one way,
        read as the table's sums allow with every cell read as printed (blank ones as 0) known."""
        if not self.glued and not self.placements:
            return
        known = {c: Decimal(v) for c, v in self.read.values.items()} | {c: Decimal(0) for c in self.read.blank}
        runs = [r for _, r in self.glued] + [r for r, _ in self.placements]
        rels = relations_of_table(self.read.table)
        if self.read.combined:
            known |= {_together(g): Decimal(v) for g, v in self.read.combined.items()}
            rels = with_totals(rels, tuple(self.read.combined))
        found = decode(runs, known, rels)
        put_decodings(self.read, [(where, d) for (where, _), d in zip(self.glued, found)])
        for (run, ways), d in zip(self.placements, found[len(self.glued):]):
            self.place(run, ways, d)

    def place(self, run: Run, ways: list[tuple[list[Token], bool]], d: Decoded) -> None:
        """A row whose cells may sit more than one way, as `decode` left it: a cell every way
        kept agrees on is put as printed in it (blank where it is empty in each); the others are
        ambiguous, never guessed."""
        kept = set(d.readings) if d.outcome == SETTLED else set(run.given)
        taken = [(cells, sub) for (cells, sub), reading in zip(ways, run.given) if reading in kept]
        if taken and all(sub for _, sub in taken):
            self.read.subtotal_column_rows += 1
        raw = _printed(ways[0][0])
        for i, c in enumerate(run.cells):
            if len(options := d.options(i)) != 1:
                self.read.unread[c] = ("ambiguous_blanks", raw)
            elif all(cells[i].kind is Kind.BLANK for cells, _ in taken):
                self.read.blank.add(c)
            else:
                self.read.values[c] = options.pop()
                for tok in {cells[i].raw: cells[i] for cells, _ in taken if cells[i].kind is Kind.NONE}.values():
                    self.read.saw_none(tok.raw)

    def choose(self, row_cells: Sequence[tuple[str, str]], candidates: list[tuple[list[Token], bool]], kind: CellKind) -> None:
        """A row's cells as printed where they sit one way only; where they may sit more than one
        way (empty cells at its ends, a subtotal column), the table's sums choose once every row
        is seen (`settle`), as they choose between cuts of digits run together."""
        readings = [tuple(_value(t, kind) for t in cells) for cells, _ in candidates]
        cells = tuple(code(self.read.table.id, r, c) for r, c in row_cells)
        if len(set(readings)) == 1:
            tokens, sub = candidates[0]
            self.read.subtotal_column_rows += sub
            for (row, col), tok in zip(row_cells, tokens):
                self.put(row, (col,), [tok], kind)
        elif any(None in r for r in readings):  # a printed non-figure: no sum can weigh the ways
            raw = _printed(candidates[0][0])
            for i, c in enumerate(cells):
                options = {r[i] for r in readings}
                if len(options) == 1 and None not in options:
                    self.read.values[c] = options.pop()
                else:
                    self.read.unread[c] = ("ambiguous_blanks", raw)
        else:
            self.placements.append((Run(cells, (), given=tuple(readings)), candidates))

    def row(self, spec: RowSpec, run: list[Token], strict: bool = True, cut_off: bool = False) -> bool:
        """Read one row; False where a row outside any table section (`strict` off) does not fit
        and is passed over, as a figure in a sentence would be."""
        n = len(spec.columns)
        t3 = self.read.table is T3
        candidates = [(cells, False) for cells in alignments(run, n)]
        if t3:
            candidates += [([c[0], *c[2:]], True) for c in alignments(run, n + 1) if _has_subtotal_column(c)]
        row_cells = [(spec.code, col) for col in spec.columns]
        if candidates:
            self.choose(row_cells, candidates, spec.kind)
        elif not strict:
            return False
        elif len(short := _strip_blanks(run)) < n and can_fill(pieces := _pieces(short), n):
            cells = tuple(code(self.read.table.id, r, c) for r, c in row_cells)
            self.glued.append((f"{self.read.table.id}.{spec.code}", Run(cells, pieces)))
        elif cut_off and len(short) < n:  # too few figures, where the text ends: the cells it has
            self.cut_short(f"{self.read.table.id}.{spec.code}", spec.label, row_cells, run, spec.kind)
        else:
            self.cell_count(f"{self.read.table.id}.{spec.code}", [code(self.read.table.id, r, c) for r, c in row_cells], run)
        return True

    def cut_short(self, where: str, label: str, row_cells: Sequence[tuple[str, str]], run: list[Token], kind: CellKind) -> None:
        """A row the text ends inside, too few figures for its cells: they are its first cells.
        Where an empty cell comes before them, it may be the row's first cell or a merged label
        cell's placeholder (see `alignments`): which cells the figures are cannot be told, so
        the cells they may be in are not read, never shifted into the empty one."""
        short = _strip_blanks(run)
        if run and run[0].kind is Kind.BLANK:
            lead = next(i for i, t in enumerate(run) if t.kind is not Kind.BLANK)
            raw = _printed(run[:lead + len(short)])
            self.read.unread.update({code(self.read.table.id, r, c): ("ambiguous_blanks", raw) for r, c in row_cells[:lead + len(short)]})
            short = []
        for (row, col), tok in zip(row_cells, short):
            self.put(row, (col,), [tok], kind)
        self.read.notes.append(Note("row_cut_off", {"where": where, "label": label, "n": len(short)}))

    def cell_count(self, where: str, cells: Sequence[str], run: list[Token]) -> None:
        """A row whose figures do not fit its cells (more than it has, or too few to be digits
        run together): which figure is whose cannot be told, so none is read."""
        raw = _printed(run)
        self.read.unread.update({c: ("cell_count", raw) for c in cells})
        self.read.notes.append(Note("cell_count", {"where": where, "raw": raw, "n": sum(1 for t in run if t.kind is not Kind.BLANK),
                                                   "cells": len(cells)}, tuple(cells)))


def _pieces(tokens: Sequence[Token]) -> tuple[Piece, ...] | None:
    """A short row's cells as pieces to cut; None where one is not a figure at all."""
    if not tokens or any(t.kind not in (Kind.NUMBER, Kind.NONE) for t in tokens):
        return None
    out = tuple(piece(t.raw, NONE_WORDS) for t in tokens)
    return None if None in out else out


@cache
def relations_of_table(table: Table) -> tuple[Relation, ...]:
    """The catalogue's arithmetic checks within a table: its equalities cut digits run together;
    its inequalities (P-01) order the readings shown, never choose one."""
    return tuple(rel for rel in relations() if rel.table == table.id)


_LEGAL_COLUMNS = sum(1 for c in columns(T3) if c.group)  # the columns under 法人或其他组织


def _has_subtotal_column(cells: list[Token]) -> bool:
    """A non-official 法人或其他组织 subtotal after 自然人: it adds the columns under it, and the
    total adds both."""
    v = [_value(t, CellKind.COUNT) for t in cells]
    return None not in v and v[1] == sum(v[2:2 + _LEGAL_COLUMNS]) and v[-1] == v[0] + v[1]


def _blank_row(text: str, match, run: list[Token]) -> bool:
    """A row printed with every cell empty: its own full label (numbering and all, so that a
    header's "总计" or "法人或其他组织" is not taken for one) right before a cell for each column."""
    return isinstance(match, RowSpec) and len(run) >= len(match.columns) and key(text).endswith(match.keys[0])


def read_rows(table: Table, tokens: Sequence[Token], strict: bool = True, cut_off: bool = False) -> TableRead:
    """Table 2 or 3: rows found by their labels, in order. `cut_off`: the text ends inside the
    table, so its last row may be short; `strict` off: outside a table section, rows that do
    not fit are passed over."""
    reader = _TableReader(table)
    specs = list(reader.specs)
    boundaries = [*reader.groups, *(k for s in reader.specs for k in s.keys)]
    found = runs(tokens, keep_blank=True)
    other = None  # （六）其他处理 printed as one row, as the 2019 form has it
    for i, (text, run) in enumerate(found):
        match = _match(text, specs, reader.groups)
        if all(t.kind is Kind.BLANK for t in run) and not _blank_row(text, match, run):
            continue  # layout: a group label's empty cells, a header's trailing tab
        if match == "subtotal":
            if table is T3 and key(text).endswith(OTHER_KEYS):
                other = (text, run)
                continue
            reader.read.notes.append(Note("subtotal_row", {"where": table.id, "label": text[-20:]}))
            continue
        if isinstance(match, RowSpec) and strict:
            match = _misprinted_after(text, match, specs, reader, boundaries)
        if match is None and strict and i + 1 < len(found) and any(t.is_value and t.kind is not Kind.BLANK for t in run):
            match = _wrapped(text, found[i + 1][0], specs)  # a label wrapped around its figures
        if match is None and strict and any(t.is_value and t.kind is not Kind.BLANK for t in run):
            # a printed label that is no official one: the row whose label it is closest to
            near = closest(text, [(s, s.keys) for s in reader.specs], boundaries)
            if near in specs:
                match = near
                printed = text.strip()[-40:]
                reader.read.notes.append(Note("label_taken", {"where": f"{table.id}.{near.code}", "printed": printed,
                                                              "label": near.label}, _row_codes(table, near)))
        if match is None:
            continue
        if reader.row(match, run, strict, cut_off and i == len(found) - 1):
            specs = specs[specs.index(match) + 1:]  # rows come in order; a label seen again is not a row
    if other is not None:
        _other_as_one_row(reader, *other, key("".join(text for text, _ in found)))
    reader.settle()
    seen = {c.split(".")[1] for c in (*reader.read.values, *reader.read.printed, *reader.read.unread, *reader.read.blank)}
    if seen:  # a table not found at all is said once, by its status
        missing = [row.label for row in table.rows if row.code not in seen]
        if missing:
            reader.read.notes.append(Note("rows_not_found", {"where": table.id, "n": len(missing), "labels": "；".join(missing)}))
    table_notes(reader.read)
    return reader.read


def _misprinted_after(text: str, match: RowSpec, specs: list[RowSpec], reader: _TableReader, boundaries: list[str]) -> RowSpec:
    """The row whose figures these are where a row's label is followed, before them, by the
    misprinted label of a later row (the row before printed with its cells left out, as a cell
    per line prints empty cells): the later one, said as a label taken; else `match`."""
    k = key(text)
    end = max(k.rfind(rk) + len(rk) for rk in match.keys if rk in k)
    near = closest(k[end:], [(s, s.keys) for s in reader.specs], boundaries) if end < len(k) else None
    if near not in specs or specs.index(near) <= specs.index(match):
        return match
    printed = next(text[j:].strip() for j in range(len(text), -1, -1) if key(text[j:]) == k[end:])
    reader.read.notes.append(Note("label_taken", {"where": f"{reader.read.table.id}.{near.code}", "printed": printed[-40:],
                                                  "label": near.label}, _row_codes(reader.read.table, near)))
    return near


def _wrapped(before: str, after: str, specs: Sequence[RowSpec]) -> RowSpec | None:
    """The first row (of those still to come) whose label starts in the text before a run of
    figures and ends in the text after it: a long label wrapped in its cell, its figures printed
    on a line of their own in the middle of it."""
    head = key(before)
    joined = head + key(after)
    for spec in specs:
        for k in spec.keys:
            start = joined.find(k, max(0, len(head) - len(k) + 1))
            if 0 <= start < len(head) < start + len(k):
                return spec
    return None


def _row_codes(table: Table, spec: RowSpec) -> tuple[str, ...]:
    return tuple(code(table.id, spec.code, c) for c in spec.columns)


# --- （六）其他处理 printed as one row ---------------------------------------------------------------

OTHER_GROUP = next(g for r in T3.rows for g in r.group if g.startswith("（六）"))
OTHER_ROWS = tuple(r.code for r in T3.rows if OTHER_GROUP in r.group)  # R21–R23
OTHER_KEYS = (key(OTHER_GROUP), re.sub(_NUMBERING_PREFIX, "", key(OTHER_GROUP)))


def other_groups() -> tuple[tuple[str, ...], ...]:
    """The cells a （六）其他处理 row sums, a column at a time: (T3.R21.C1, T3.R22.C1, T3.R23.C1), …"""
    return tuple(tuple(code(T3.id, r, c.code) for r in OTHER_ROWS) for c in columns(T3))


def given_together(read: TableRead, raw: str, sums: Sequence[int] | None) -> None:
    """（六）其他处理 printed as one row (`raw`): R21–R23 not given one by one, the printed
    figures kept; its sums read only where every reading agrees on them (`sums`, else None)."""
    groups = other_groups()
    if sums is not None:
        read.combined = dict(zip(groups, sums))
    for g in groups:
        read.unread.update({c: ("not_given", raw) for c in g})
    read.notes.append(Note("not_given" if sums is not None else "not_given_unread", {"where": T3.id, "label": OTHER_GROUP, "raw": raw},
                           tuple(c for g in groups for c in g)))


def _together(group: Sequence[str]) -> str:
    """The code that stands for the sum of a group's cells in the cutting ("T3.R21+R22+R23.C1")."""
    table, _, col = group[0].split(".")
    return f"{table}.{'+'.join(c.split('.')[1] for c in group)}.{col}"


def with_totals(rels: Sequence[Relation], groups: Sequence[tuple[str, ...]]) -> tuple[Relation, ...]:
    """The equalities as they stand where each group's cells are printed only as their sum: a
    relation with every member of a group (on one side, as T3-03 has R21–R23) has the group's
    sum in their place; one with only some of them cannot be used; and each row relation that
    the groups complete (T3-02 of R21, R22 and R23 together) holds for the sums."""
    member = {c: g for g in groups for c in g}
    out: list[Relation] = []
    for rel in rels:
        terms = (*rel.actual, *rel.expected)
        touched = {member[t.code] for t in terms if t.code in member}
        if not touched:
            out.append(rel)
            continue
        whole = all(all(any(t.code == c and t.sign == 1 for t in rel.expected) for c in g) for g in touched)
        if whole:
            expected = tuple(t for t in rel.expected if t.code not in member) + tuple(Term(_together(g), 1) for g in touched)
            out.append(Relation(rel.rule, rel.key, rel.actual, rel.op, expected, rel.params))
    rows = {c.split(".")[1] for g in groups for c in g}
    for rel in rels:  # a row relation over every group's first member stands for the groups' rows
        first = {c for g in groups for c in g[:1]}
        if rel.op == "=" and set(rel.codes) <= first and len({c.split(".")[1] for c in rel.codes} & rows) == 1:
            swap = lambda terms: tuple(Term(_together(member[t.code]), t.sign) for t in terms)  # noqa: E731
            out.append(Relation(rel.rule, rel.key + "+", swap(rel.actual), rel.op, swap(rel.expected), rel.params))
    return tuple(out)


def _other_as_one_row(reader: _TableReader, text: str, run: list[Token], table_text: str) -> None:
    """（六）其他处理 printed as one row where its three rows are not: the row's figures are the
    sums of R21–R23, which are not given separately (not blank, not 0). Where their labels are
    printed but their rows were not read, the row's figures may be theirs: they are not read."""
    seen = {c.split(".")[1] for c in (*reader.read.values, *reader.read.printed, *reader.read.unread, *reader.read.blank)}
    if seen & set(OTHER_ROWS):
        reader.read.notes.append(Note("subtotal_row", {"where": T3.id, "label": text[-20:]}))
        return
    groups = other_groups()
    if any(k in table_text for s in reader.specs if s.code in OTHER_ROWS for k in s.keys):
        raw = _printed(run)
        reader.read.unread.update({c: ("unplaced", raw) for g in groups for c in g})
        reader.read.notes.append(Note("figures_unplaced", {"where": T3.id}, tuple(c for g in groups for c in g)))
        return
    values = {tuple(_value(t, CellKind.COUNT) for t in way) for way in alignments(run, len(groups))}
    sums = values.pop() if len(values) == 1 else None  # every way of aligning the row agrees
    given_together(reader.read, _printed(run), None if sums is None or None in sums else sums)


def table_notes(read: TableRead) -> None:
    """Notes said once a table, however many cells they concern."""
    if read.blank:
        read.notes.append(Note("blank", {"where": read.table.id, "n": len(read.blank)}))
    if read.subtotal_column_rows:
        read.notes.append(Note("subtotal_column", {"where": read.table.id, "n": read.subtotal_column_rows}))
    if read.none_words:
        words = "」「".join(read.none_words)
        read.notes.append(Note("none_as_zero", {"where": read.table.id, "n": sum(read.none_words.values()), "words": words}))


# table 4's rows and group as labels: a report may print a row of figures for each, its
# columns' header after each label or not, or the header alone before each group's figures
_T4_ROWS = tuple(sorted({key(label) for row in T4.rows for label in (row.label, *row.group)}))
_T4_HEADER = key("".join(c.label for c in T4.blocks[0].columns))


def _t4_part(text: str) -> bool:
    """Whether the text before a run of figures begins a part of table 4 printed a group at a time."""
    rest = key(text).removesuffix(_T4_HEADER)
    return rest.endswith(_T4_ROWS) or (rest == "" and key(text) != "")


def read_t4(tokens: Sequence[Token], cut_off: bool = False) -> TableRead:
    """Table 4: its groups printed as one row of cells after the header, or a part each (a row
    under its label or its columns' header). Its figures end where its 15 cells do: what
    follows in further runs (a date, the next section's figures) is not taken. Where the
    figures printed apart are fewer than its cells but have digits enough for them, a run that
    follows may be more of the table or figures of another section: which, the text does not
    tell, so the digits are not cut. A header printed in full (总计 for each group) with no
    figure at all after it is a blank form: the cells' place is seen empty."""
    reader = _TableReader(T4)
    header = key("".join(t.raw for t in tokens if t.kind is Kind.TEXT)).count(key(T4.blocks[0].columns[-1].label)) >= len(T4.rows)
    cells = [(cell.row.code, cell.column.code) for cell in T4.cells]
    run: list[Token] = []
    doubt = False  # digits enough, figures apart too few, and a run after them that is no part of the table
    for text, more in runs(tokens):
        figures = _strip_blanks(run)
        if run and sum(_size(t) for t in figures) >= len(cells) and not (len(figures) < len(cells) and _t4_part(text)):
            doubt = len(figures) < len(cells)
            break
        run += more
    if not run:
        if header:
            reader.read.blank.update(cell.code for cell in T4.cells)
            table_notes(reader.read)
        return reader.read
    if candidates := alignments(run, len(cells)):
        reader.choose(cells, [(c, False) for c in candidates], CellKind.COUNT)
        reader.settle()
        table_notes(reader.read)
        return reader.read
    printed, run = run, _strip_blanks(run)
    if not doubt and can_fill(pieces := _pieces(run), len(cells)):  # digits run together, cut by the sums
        reader.glued.append((T4.id, Run(tuple(code(T4.id, r, c) for r, c in cells), pieces)))
        reader.settle()
    elif not doubt and cut_off and len(run) < len(cells):  # too few figures, where the text ends: the cells it has
        reader.cut_short(T4.id, T4.heading, cells, printed, CellKind.COUNT)
        return reader.read
    else:
        reader.cell_count(T4.id, [code(T4.id, r, c) for r, c in cells], run)
    table_notes(reader.read)
    return reader.read


def _size(tok: Token) -> int:
    """The most cells a printed figure can fill: a digit each where digits may have run together."""
    return len(tok.raw) if tok.kind is Kind.NUMBER and tok.raw.isdigit() else 1


def read_table(table: Table, tokens: Sequence[Token], strict: bool = True, cut_off: bool = False) -> TableRead:
    if table is T4:
        return read_t4(tokens, cut_off)
    return read_rows(table, tokens, strict, cut_off)


# --- digits run together, as cut by the sums -----------------------------------------------------


def put_decodings(read: TableRead, found: Sequence[tuple[str, Decoded]]) -> None:
    """What `decode` could read of each run (named by `where`, "T3.R05") into the table: a cell
    every reading agrees on is read; the others are unread: ambiguous (the readings kept as
    candidates, shown in a note), unsettled (no reading makes every sum hold) or left where the
    search stopped."""
    decoded_rows: list[tuple[str, Decoded]] = []
    unsettled: list[str] = []
    for where, d in found:
        cells = d.run.cells
        why = "ambiguous" if d.outcome == SETTLED else d.outcome
        for i, c in enumerate(cells):
            options = d.options(i)
            if len(options) == 1:
                v = options.pop()
                read.values[c] = int(v) if is_count(c) else v  # a whole figure ("1,200") as a count: int (R4)
                if d.run.run_together:
                    read.decoded.add(c)
            else:
                read.unread[c] = (why, d.run.raw)
        left = tuple(c for c in cells if c in read.unread)
        if d.outcome == SETTLED and len(d.readings) == 1 and d.run.run_together:
            decoded_rows.append((where, d))
        elif d.outcome in (TOO_MANY, UNPLACED) and left:
            read.notes.append(Note(d.outcome, {"where": where, "raw": d.run.raw}, left))
        elif d.outcome == SETTLED and len(d.readings) > 1:
            read.candidates[cells] = d.readings
            read.notes.append(_ambiguous_note(read.table, where, d))
        elif d.outcome not in (SETTLED, TOO_MANY, UNPLACED) and left:
            unsettled.append(where)
    by_digits = [(w, d) for w, d in decoded_rows if not d.by_sums]
    by_sums = [(w, d) for w, d in decoded_rows if d.by_sums]
    notes = [Note("decoded_digits", {"where": w, "raw": d.run.raw, "values": _show(d.readings[0])}, d.run.cells) for w, d in by_digits]
    if len(by_sums) > MAX_ROWS_NOTED:
        notes.append(Note("decoded_rows", {"where": read.table.id, "n": len(by_sums), "cells": sum(len(d.run.cells) for _, d in by_sums)},
                          tuple(c for _, d in by_sums for c in d.run.cells)))
    else:
        notes += [Note("decoded", {"where": w, "raw": d.run.raw, "values": _show(d.readings[0])}, d.run.cells) for w, d in by_sums]
    if unsettled:
        cells = tuple(c for w, d in found if w in unsettled for c in d.run.cells if c in read.unread)
        notes.insert(0, Note("unsettled", {"where": read.table.id, "rows": "、".join(unsettled), "n": len(cells)}, cells))
    read.notes[:0] = notes


def _ambiguous_note(table: Table, where: str, d: Decoded) -> Note:
    """The readings left, those that satisfy the table's inequalities (P-01) first: a hint to
    the reader, never a choice."""
    cells = d.run.cells
    hints = [rel for rel in relations_of_table(table) if rel.op != "=" and set(rel.codes) <= set(cells)]
    fits = fits_within(hints, cells)
    ordered = sorted(d.readings, key=lambda r: not fits(r))
    shown = "；".join(_show(r) for r in ordered[:MAX_CANDIDATES_SHOWN]) + ("……" if len(ordered) > MAX_CANDIDATES_SHOWN else "")
    params = {"where": where, "raw": d.run.raw, "n": len(d.readings), "candidates": shown}
    if d.by_sums:
        return Note("ambiguous", params, cells)
    rules = [RULES[i] for i in dict.fromkeys(rel.rule.id for rel in hints)]
    hint = {lang: "; ".join(f"{r.id} {r.summary[lang]}" for r in rules) or "—" for lang in ("zh", "en")}
    return Note("ambiguous_digits", {**params, "hinted": sum(1 for r in d.readings if fits(r)), "hint": hint["zh"], "hint_en": hint["en"]},
                cells)


def _show(reading) -> str:
    return " | ".join(map(str, reading))
