"""Figures whose digits ran together, split by the table's own sums.

A table flattened to text ("一、本年新收…数量120010013") loses the boundaries between its cells.
The figures printed for a row (or for table 4) are a *run*: *pieces* in their printed order, each a
string of digits to cut into one or more cells, or a whole figure ("1,200", "3.5", "/") that is
exactly one cell. A *reading* is one way to fill the run's cells from its pieces.

What a reading is (`tests/test_solve.py` enumerates them by brute force):
  R1  pieces keep their order; each gives at least one cell; a cell never spans two pieces;
  R2  a cell cut from digits has 1 to 15 digits (the most a table holds) and no leading zero
      (but "0" itself);
  R3  a whole piece is one cell, the figure it shows;
  R4  a count cell takes only a whole number: a fraction ("3.5") fits an amount cell only.

What is read (the promise: a cell is read only when every reading that could explain the text
agrees on it; nothing is ever picked):
  - where readings exist under which every equality of the table (T3-01/02/03, T4-01) holds, the
    text is that of a report whose figures reconcile: a cell is read where all those readings agree,
    the others are ambiguous and the readings are listed;
  - where no reading makes every equality hold, the text has a misprint or a stray figure
    somewhere, and any cut could be the printed one: a cell is read only where every reading of
    its run (R1–R3, whatever the sums) gives it the same figure. So the report is never blamed for
    a figure the importer chose how to cut; what the digits alone fix is checked as printed;
  - where the search stops at its budget, the same: only what the digits alone fix is read, and
    the note says the search stopped;
  - a run whose pieces cannot fill its cells at all (more digits than its cells hold) is not a
    reading of figures: it is left unread, and the sums through its cells are unknown, as those
    of a row not found would be. Runs that no sum links are decoded apart.

Prunings of the search (each would lose no reading; the tests compare pruned and brute-force
searches on small rows):
  P1  in a sum total = part + part + … (every term positive; figures are ≥ 0) a part is at most
      what its total still lacks, and the last part to be cut is exactly that;
  P2  cutting from the right, a longer cut of the same digits is a larger figure (R2), so the
      first cut too large for P1 ends the longer ones;
  P3  what a total still lacks must fit in its parts still to cut, each at most the largest figure
      the pieces left can give (a cut of their digits, or a whole piece's own figure);
  P4  the digits left must fit in the cells left where each of those is bounded by P1;
  P5  the cells left number between the fewest and the most the pieces left can give (R1);
  P6  across runs, a partial sum that the runs still to add cannot bring to zero (the least and
      the most each can add) is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..core.cell_values import LIMIT, printed_number
from ..core.checks import total
from ..core.rules import Relation
from ..core.standard import CELLS, CellKind

Value = int | Decimal
Reading = tuple[Value, ...]
MAX_DIGITS = len(str(int(LIMIT))) - 1  # the most digits a figure the tables can hold has (15)
MAX_READINGS = 20_000  # readings of one run; beyond that the search stops (nothing guessed)
MAX_STEPS = 20_000  # steps of cutting one run (a real row takes tens, large made-up ones a few thousand)
MAX_TABLE_STEPS = 60_000  # steps for all the runs of a table
MAX_STATES = 20_000  # partial sums kept while combining runs
MAX_WORK = 100_000  # partial sums looked at in all

SETTLED = "settled"  # readings exist under which every sum holds
UNSETTLED = "unsettled"  # no reading makes every sum hold: only what the digits alone fix is read
TOO_MANY = "too_many"  # the search stopped at its budget: only what the digits alone fix is read
UNPLACED = "unplaced"  # the pieces cannot fill the cells at all (R1–R3): the run is not read


@dataclass(frozen=True)
class Piece:
    """A printed piece of a run: digits (cut into one or more cells), or one whole cell."""

    raw: str
    whole: Value | None = None  # a none word (0) or a figure written with a separator: exactly one cell

    @property
    def cuttable(self) -> bool:
        return self.whole is None

    @property
    def size(self) -> int:
        """The most cells the piece can give: one a digit, or one in all."""
        return len(self.raw) if self.cuttable else 1


def is_count(c: str) -> bool:
    """Whether a run's cell is a count: a cell of the standard, or the sum of a group of them
    ("T3.R21+R22+R23.C1", cells printed only together) named by its first."""
    rows, _, col = c.rpartition(".")
    cell = CELLS.get(f"{rows.split('+')[0]}.{col}")
    return cell is not None and cell.kind is CellKind.COUNT


def can_fill(pieces: Sequence[Piece] | None, n: int) -> bool:
    """Whether the pieces have figures enough for n cells: digits run together can be cut into
    them; fewer (a row cut off, a cell dropped) cannot, and are never cut to fit."""
    return pieces is not None and sum(p.size for p in pieces) >= n


def piece(raw: str, none_words: Sequence[str]) -> Piece | None:
    """None where the piece is not a figure at all."""
    if raw in none_words:
        return Piece(raw, 0)
    if raw.isdigit():
        return Piece(raw)
    number = printed_number(raw)
    return None if number is None else Piece(raw, number)


@dataclass(frozen=True)
class Run:
    cells: tuple[str, ...]  # the codes the run fills, in order
    pieces: tuple[Piece, ...]
    # other ways the text around may end the run (digits of the next label's numbering glued
    # on): each is read as well, and the sums choose as between any readings
    variants: tuple[tuple[Piece, ...], ...] = field(default=())
    # readings given outright instead of cut from pieces (where a row's empty cells may sit)
    given: tuple[Reading, ...] = field(default=())

    @property
    def raw(self) -> str:
        return " ".join(p.raw for p in self.pieces)

    @property
    def counts(self) -> tuple[bool, ...]:
        """Which cells are counts (R4: no fraction in them)."""
        return tuple(is_count(c) for c in self.cells)

    @property
    def run_together(self) -> bool:
        return not self.given and (len(self.pieces) < len(self.cells) or bool(self.variants))

    @property
    def all_pieces(self) -> tuple[tuple[Piece, ...], ...]:
        return (self.pieces, *self.variants)


def _is_sum(rel: Relation) -> bool:
    """total = part + part + …: no part can exceed the total, so a partial sum bounds the cuts."""
    return rel.op == "=" and len(rel.actual) == 1 and all(t.sign == 1 for t in (*rel.actual, *rel.expected))


def _digits(x: Value) -> int:
    """Digits of a whole figure ≥ 0 (more than any cell for anything else: a bound never tightened)."""
    return len(str(int(x))) if x >= 0 and x == int(x) else MAX_DIGITS + 1


def _segments(pieces: Sequence[Piece]) -> tuple[list[list[tuple[int, Value]]], int]:
    """Each cell a reading may start at a position: its (end, figure) options (R1–R3). Positions
    count digits of cuttable pieces and one for a whole piece."""
    ends: list[list[tuple[int, Value]]] = []
    pos = 0
    for p in pieces:
        if not p.cuttable:
            ends.append([(pos + 1, p.whole)])
            pos += 1
            continue
        stop = pos + len(p.raw)
        for s in range(pos, stop):
            d = p.raw[s - pos:]
            longest = 1 if d[0] == "0" else min(MAX_DIGITS, len(d))
            ends.append([(s + k, int(d[:k])) for k in range(1, longest + 1)])
        pos = stop
    return ends, pos


def _fits_cell(v: Value, count: bool) -> bool:
    """R4: a count cell takes only a whole number."""
    return not count or v == int(v)


def by_digits(pieces: Sequence[Piece], counts: Sequence[bool]) -> tuple[list[set[Value]], bool]:
    """For each cell (`counts`: whether each is a count), the figures it takes in some reading of
    the pieces (R1–R4, no sum looked at), and whether there is any reading. Exact: a cell's span
    is counted where the cells before it can end where it starts and those after it can start
    where it ends (so every cell's set is empty where there is no reading)."""
    ends, size = _segments(pieces)
    n = len(counts)
    forward = [{0}]  # positions reached after i cells
    for i in range(n):
        forward.append({e for s in forward[-1] if s < size for e, v in ends[s] if _fits_cell(v, counts[i])})
    backward = [{size}]  # positions from which k cells reach the end
    for k in range(n):
        nxt, cell = backward[-1], n - k - 1
        backward.append({s for s in range(size) if any(e in nxt and _fits_cell(v, counts[cell]) for e, v in ends[s])})
    out = [{v for s in forward[i] if s < size for e, v in ends[s] if e in backward[n - i - 1] and _fits_cell(v, counts[i])}
           for i in range(n)]
    return out, size in forward[n]


def fixed_by_digits(run: Run) -> tuple[Value | None, ...] | None:
    """Each cell's figure where every reading of every way of the run gives it the same one;
    None where the run has no reading at all."""
    options: list[set[Value]] = [{r[i] for r in run.given} for i in range(len(run.cells))]
    placed = bool(run.given)
    for pieces in () if run.given else run.all_pieces:
        figures, any_reading = by_digits(pieces, run.counts)
        if any_reading:
            placed, options = True, [a | b for a, b in zip(options, figures)]
    return tuple(next(iter(o)) if len(o) == 1 else None for o in options) if placed else None


def cuttings(run: Run, known: Mapping[str, Value], relations: Sequence[Relation],
             shared: list[int] | None = None, pieces: Sequence[Piece] | None = None) -> list[Reading] | None:
    """The readings of `run` (its `pieces`, else its printed ones) under which every equality
    within it (and the known cells) holds; None where the search stops (more than MAX_READINGS,
    or the steps run out; `shared`: the steps left for all the runs of a table).

    Numbers are cut from the right, so a row's total comes before its parts; then each part is
    at most what the total still lacks (P1–P5 in the module's account)."""
    n = len(run.cells)
    pieces = tuple(run.pieces if pieces is None else pieces)
    if sum(len(p.raw) if p.cuttable else MAX_DIGITS for p in pieces) > n * MAX_DIGITS:
        return []  # more digits than the cells can hold
    where = {c: i for i, c in enumerate(run.cells)}
    mine = [rel for rel in relations
            if rel.op == "=" and set(rel.codes) & set(where) and all(c in where or c in known for c in rel.codes)]
    sums = [rel for rel in mine if _is_sum(rel)]
    closing: dict[int, list[Relation]] = {}  # checked once the first of its cells in the run is cut
    for rel in mine:
        closing.setdefault(min(where[c] for c in rel.codes if c in where), []).append(rel)
    part_of: dict[int, list[Relation]] = {}  # cell -> the sums it is a part of
    for rel in sums:
        for t in rel.expected:
            if t.code in where:
                part_of.setdefault(where[t.code], []).append(rel)
    # what pieces[:i] hold: digits to cut, whole pieces, the largest whole figure
    cut_digits, wholes, largest = [0], [0], [0]
    for p in pieces:
        cut_digits.append(cut_digits[-1] + (len(p.raw) if p.cuttable else 0))
        wholes.append(wholes[-1] + (0 if p.cuttable else 1))
        largest.append(max(largest[-1], 0 if p.cuttable else p.whole))
    vals: list[Value | None] = [None] * n
    counts = run.counts
    out: list[Reading] = []
    budget = [MAX_STEPS if shared is None else min(MAX_STEPS, shared[0])]
    allowed_steps = budget[0]

    def value(c: str) -> Value | None:
        return known[c] if c in known else vals[where[c]]

    # each sum as (its total's position or known figure, its parts' positions, its known parts' sum)
    shape = {id(rel): (where.get(rel.actual[0].code), known.get(rel.actual[0].code),
                       [where[t.code] for t in rel.expected if t.code in where],
                       sum(known[t.code] for t in rel.expected if t.code not in where)) for rel in sums}

    def lacking(rel: Relation) -> tuple[Value, int] | None:
        """What the sum's total still lacks, and how many of its parts are not cut yet."""
        at, whole, parts, given = shape[id(rel)]
        if at is not None:
            whole = vals[at]
        if whole is None:
            return None
        cut = [vals[k] for k in parts if vals[k] is not None]
        return whole - given - sum(cut), len(parts) - len(cut)

    def allowed(at: int, v: Value) -> int:
        """P1: 0 where cell `at` may be v; 1 where v is more than a total lacks; -1 where a last
        part must be exactly what its total lacks and v is less."""
        for rel in part_of.get(at, ()):
            if (lack := lacking(rel)) is not None:
                if v > lack[0]:
                    return 1
                if lack[1] == 1 and v != lack[0]:
                    return -1
        return 0

    def left_over(i: int, left: int) -> tuple[int, int, Value]:
        """What pieces[:i] and the first `left` digits (or the whole) of piece i hold: digits to
        cut, whole pieces, and the largest whole figure."""
        if i < 0:
            return 0, 0, 0
        p = pieces[i]
        return (cut_digits[i] + (left if p.cuttable else 0), wholes[i] + (0 if p.cuttable else 1),
                max(largest[i], 0 if p.cuttable else p.whole))

    def fits(at: int, i: int, left: int) -> bool:
        """Whether cells 0…at-1, still to cut from pieces[:i] and `left` of piece i, can complete
        the reading: every equality closed at `at` holds (exactly), P3 and P4."""
        for rel in closing.get(at, ()):
            given = {c: value(c) for c in rel.codes}
            if not rel.holds(total(given, rel.actual), total(given, rel.expected)):
                return False
        digits, whole_pieces, whole_max = left_over(i, left)
        cut_cells = at - whole_pieces  # cells that must come from digits
        biggest = max(10 ** min(MAX_DIGITS, digits - cut_cells + 1) - 1 if cut_cells > 0 else 0, whole_max)
        lacks = {id(rel): lacking(rel) for rel in sums}
        for lack in lacks.values():  # P3
            if lack is not None and lack[1] and lack[0] > lack[1] * biggest:
                return False
        room = 0  # P4: each digit left needs a cell with room for it
        for k in range(at):
            bounds = [lack[0] for rel in part_of.get(k, ()) if (lack := lacks[id(rel)]) is not None]
            if not bounds:
                return True
            room += _digits(min(bounds))
        return room >= digits + whole_pieces

    def room(i: int, left: int) -> tuple[int, int]:
        """P5: the fewest and the most cells pieces[:i] and `left` of piece i can still give."""
        if i < 0:
            return 0, 0
        rest = [p.size for p in pieces[:i]] + [left]
        return sum(1 for r in rest if r > 0), sum(rest)

    def walk(i: int, left: int, at: int) -> None:
        """Cut cell `at` from the end of piece i's first `left` digits, then the cells before it."""
        budget[0] -= 1
        if budget[0] < 0 or len(out) > MAX_READINGS:
            return
        if at < 0:
            if i < 0:
                out.append(tuple(vals))
            return
        if i < 0:
            return
        p = pieces[i]
        if not p.cuttable:
            steps = [(p.whole, 0)] if _fits_cell(p.whole, counts[at]) else []
        else:
            digits = p.raw[:left]
            steps = [(int(digits[-k:]), left - k) for k in range(1, min(left, MAX_DIGITS) + 1) if k == 1 or digits[-k] != "0"]
        for v, rest in steps:
            if (verdict := allowed(at, v)) > 0 and p.cuttable:
                break  # P2: longer cuts of the same digits are only larger
            if verdict:
                continue
            ni, nleft = (i, rest) if rest else (i - 1, pieces[i - 1].size if i else 0)
            fewest, most = room(ni, nleft)
            if fewest <= at <= most:
                vals[at] = v
                if fits(at, ni, nleft):
                    walk(ni, nleft, at - 1)
                vals[at] = None

    walk(len(pieces) - 1, pieces[-1].size if pieces else 0, n - 1)
    if shared is not None:
        shared[0] -= allowed_steps - budget[0]
    return None if budget[0] < 0 or len(out) > MAX_READINGS else out


def readings_of(run: Run, known: Mapping[str, Value], relations: Sequence[Relation],
                shared: list[int] | None = None) -> list[Reading] | None:
    """`cuttings` of every way of the run, together (None where any search stops); of readings
    given outright, those under which every equality within the run holds."""
    if run.given:
        where = dict(zip(run.cells, range(len(run.cells))))
        mine = [rel for rel in relations if rel.op == "=" and set(rel.codes) <= set(where) | set(known) and set(rel.codes) & set(where)]
        values = [{**known, **dict(zip(run.cells, r))} for r in run.given]
        return list(dict.fromkeys(r for r, v in zip(run.given, values)
                                  if all(rel.holds(total(v, rel.actual), total(v, rel.expected)) for rel in mine)))
    out: dict[Reading, None] = {}
    for pieces in run.all_pieces:
        found = cuttings(run, known, relations, shared, pieces)
        if found is None:
            return None
        out.update(dict.fromkeys(found))
    return list(out)


class Sums:
    """The equalities across runs, and what each reading of a run adds to each."""

    def __init__(self, runs: Sequence[Run], known: Mapping[str, Value], relations: Sequence[Relation]):
        where = {c: (r, i) for r, run in enumerate(runs) for i, c in enumerate(run.cells)}
        self.across = [rel for rel in relations
                       if rel.op == "=" and all(c in where or c in known for c in rel.codes)
                       and len({where[c][0] for c in rel.codes if c in where}) > 1]
        self.start = tuple(total(known, rel.actual) - total(known, rel.expected) for rel in self.across)
        # for each run, each sum: the (sign, position) of the run's cells in it
        self.terms = [[[(t.sign * side, where[t.code][1]) for side, terms in ((1, rel.actual), (-1, rel.expected))
                        for t in terms if t.code in where and where[t.code][0] == r] for rel in self.across]
                      for r in range(len(runs))]

    def shift(self, r: int, reading: Reading) -> tuple[Value, ...]:
        return tuple(sum(s * reading[i] for s, i in terms) for terms in self.terms[r])


def combine(sums: Sums, options: Sequence[Sequence[Reading]], work: list[int] | None = None) -> list[set[Reading]] | None:
    """For each run, its readings that take part in at least one reading of all the runs under
    which every equality across them holds (empty sets: there is none). None where the search
    stops (too many partial sums, or the `work` left runs out)."""
    shifts = [[(o, sums.shift(r, o)) for o in opts] for r, opts in enumerate(options)]
    width = len(sums.across)
    # P6: what the runs from r on can still add to each sum
    low, high = [(0,) * width], [(0,) * width]
    for row in reversed(shifts):
        lo = tuple(min((sh[j] for _, sh in row), default=0) for j in range(width))
        hi = tuple(max((sh[j] for _, sh in row), default=0) for j in range(width))
        low.insert(0, tuple(a + b for a, b in zip(lo, low[0])))
        high.insert(0, tuple(a + b for a, b in zip(hi, high[0])))
    work = work if work is not None else [MAX_WORK]
    layers = [{sums.start}]
    for r, row in enumerate(shifts):
        nxt = set()
        for state in layers[-1]:
            for _, shift in row:
                new = tuple(a + b for a, b in zip(state, shift))
                if all(lo <= -x <= hi for x, lo, hi in zip(new, low[r + 1], high[r + 1])):
                    nxt.add(new)
        work[0] -= len(nxt)
        if len(nxt) > MAX_STATES or work[0] < 0:
            return None
        layers.append(nxt)
    good = {(0,) * width} & layers[-1]
    feasible: list[set[Reading]] = [set() for _ in options]
    for r in range(len(options) - 1, -1, -1):  # back from the end: the states that can still reach zero
        reach = set()
        for state in layers[r]:
            for o, shift in shifts[r]:
                if tuple(a + b for a, b in zip(state, shift)) in good:
                    feasible[r].add(o)
                    reach.add(state)
        good = reach
    return feasible


@dataclass
class Decoded:
    run: Run
    outcome: str  # SETTLED, UNSETTLED or TOO_MANY
    readings: list[Reading]  # SETTLED: every reading under which the sums hold (one: read)
    fixed: tuple[Value | None, ...]  # what the digits alone give each cell, whatever the sums
    by_sums: bool = True  # False: no equality touches the run (its digits alone decide)

    def options(self, i: int) -> set[Value]:
        """The figures cell i may have: one is a reading of it."""
        if self.outcome == SETTLED:
            return {r[i] for r in self.readings}
        return set() if self.fixed[i] is None else {self.fixed[i]}


def decode(runs: Sequence[Run], known: Mapping[str, Value], relations: Sequence[Relation]) -> list[Decoded]:
    """Each run with what can be read of it (see the module's account). Runs no equality links
    are decoded apart: a misprint in one does not unsettle the other."""
    steps = [MAX_TABLE_STEPS]
    relations = [rel for rel in relations if rel.op == "="]
    fixed = [fixed_by_digits(run) for run in runs]
    placed = [r for r in range(len(runs)) if fixed[r] is not None]
    own = [readings_of(run, known, relations, steps) if fixed[r] is not None else [] for r, run in enumerate(runs)]
    touched = {c for rel in relations for c in rel.codes}

    def outcome(r: int, state: str, readings: Sequence[Reading] = ()) -> Decoded:
        return Decoded(runs[r], state, sorted(readings, key=_order), fixed[r] or (None,) * len(runs[r].cells),
                       bool(touched & set(runs[r].cells)))

    result: dict[int, Decoded] = {}
    result |= {r: outcome(r, UNPLACED) for r in range(len(runs)) if r not in placed}
    for group in _linked([runs[r] for r in placed], known, relations):
        group = [placed[r] for r in group]
        if any(own[r] == [] for r in group):  # a run no cut fits: the sums cannot all hold
            result |= {r: outcome(r, UNSETTLED) for r in group}
            continue
        usable = [r for r in group if own[r] is not None]
        result |= {r: outcome(r, TOO_MANY) for r in group if own[r] is None}
        # the sums through an unplaced run's cells are unknown: Sums leaves out those whose cells are not all given
        feasible = combine(Sums([runs[r] for r in usable], known, relations), [own[r] for r in usable])
        if feasible is None:
            result |= {r: outcome(r, TOO_MANY) for r in usable}
        elif not all(feasible):
            result |= {r: outcome(r, UNSETTLED) for r in usable}
        else:
            result |= {r: outcome(r, SETTLED, f) for r, f in zip(usable, feasible)}
    return [result[r] for r in range(len(runs))]


def _linked(runs: Sequence[Run], known: Mapping[str, Value], relations: Sequence[Relation]) -> list[list[int]]:
    """The runs in groups that equalities link (each run with itself at least)."""
    where = {c: r for r, run in enumerate(runs) for c in run.cells}
    group = list(range(len(runs)))

    def root(r: int) -> int:
        while group[r] != r:
            r = group[r]
        return r

    for rel in relations:
        if rel.op == "=" and all(c in where or c in known for c in rel.codes):
            linked = {root(where[c]) for c in rel.codes if c in where}
            for r in linked:
                group[r] = min(linked)
    out: dict[int, list[int]] = {}
    for r in range(len(runs)):
        out.setdefault(root(r), []).append(r)
    return list(out.values())


def _order(reading: Reading) -> tuple:
    return tuple(Decimal(v) for v in reading)
