"""Figures whose digits ran together, split by the table's own sums.

A table flattened to text ("一、本年新收…数量120010013") loses the boundaries between its cells.
Each run of digits is cut every way that gives its row the right number of cells (no number is
written with a leading zero); the catalogue's equalities (T3-01/02/03, T4-01) then keep the
cuttings under which every row and column adds up. A cell is read only where every surviving
reading agrees on it; otherwise it is ambiguous and the readings are listed. Nothing is picked.

Where no reading makes every sum hold, the report's own figures do not reconcile. Then the
readings that set the fewest sums aside are kept, all of them side by side: the printed figures
with their error, and any cut that would "repair" them at the same cost. A wrong total is thus
reported as wrong, never repaired by a different cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from math import comb

from ..core.cell_values import LIMIT, printed_number
from ..core.checks import total
from ..core.rules import Relation

Value = int | Decimal
Reading = tuple[Value, ...]
MAX_DIGITS = len(str(int(LIMIT))) - 1  # the most digits a figure the tables can hold has (15)
MAX_READINGS = 20_000  # cuttings of one run; beyond that the run is left unread (never guessed)
MAX_STEPS = 20_000  # steps of cutting one run (a real row takes tens, large made-up ones a few thousand)
MAX_TABLE_STEPS = 60_000  # steps for all the runs of a table
MAX_STATES = 20_000  # partial sums kept while combining runs
MAX_WORK = 100_000  # partial sums looked at in all, however many ways are tried
MAX_RELAXED = 2_000  # cuttings of a run looked at with its own sum set aside


@dataclass(frozen=True)
class Piece:
    """A printed piece of a run: digits (cut into one or more cells), or one whole cell."""

    raw: str
    whole: Value | None = None  # a none word (0) or a decimal: exactly one cell

    @property
    def cuttable(self) -> bool:
        return self.whole is None

    @property
    def size(self) -> int:
        """The most cells the piece can give: one a digit, or one in all."""
        return len(self.raw) if self.cuttable else 1


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

    @property
    def raw(self) -> str:
        return " ".join(p.raw for p in self.pieces)

    @property
    def run_together(self) -> bool:
        return len(self.pieces) < len(self.cells)


def _is_sum(rel: Relation) -> bool:
    """total = part + part + …: no part can exceed the total, so a partial sum bounds the cuts."""
    return rel.op == "=" and len(rel.actual) == 1 and all(t.sign == 1 for t in (*rel.actual, *rel.expected))


def cuttings(run: Run, known: Mapping[str, Value], relations: Sequence[Relation],
             shared: list[int] | None = None) -> list[Reading] | None:
    """The readings of `run` under which every equality within it (and the known cells) holds;
    None where there are more than MAX_READINGS to look at.

    Numbers are cut from the right, so a row's total comes before its parts; then each part is
    at most what the total still lacks, and the last part must be exactly that. This keeps even
    a long run of large figures quick to cut. `shared`: steps left for all the runs of a table."""
    n, pieces = len(run.cells), run.pieces
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
    vals: list[Value | None] = [None] * n
    out: list[Reading] = []
    budget = [MAX_STEPS if shared is None else min(MAX_STEPS, shared[0])]
    allowed_steps = budget[0]

    def value(c: str) -> Value | None:
        return known[c] if c in known else vals[where[c]]

    def lacking(rel: Relation) -> tuple[Value, int] | None:
        """What the sum's total still lacks, and how many of its parts are not cut yet."""
        whole = value(rel.actual[0].code)
        if whole is None:
            return None
        parts = [value(t.code) for t in rel.expected]
        return whole - sum(p for p in parts if p is not None), sum(1 for p in parts if p is None)

    def allowed(at: int, v: Value) -> int:
        """0 where cell `at` may be v; 1 where v is more than a total lacks; -1 where a last part
        must be exactly what its total lacks and v is less."""
        for rel in part_of.get(at, ()):
            if (lack := lacking(rel)) is not None:
                if v > lack[0]:
                    return 1
                if lack[1] == 1 and v != lack[0]:
                    return -1
        return 0

    def fits(at: int, digits_left: int) -> bool:
        for rel in closing.get(at, ()):
            given = {c: value(c) for c in rel.codes}
            if not rel.holds(total(given, rel.actual), total(given, rel.expected)):
                return False
        for rel in sums:  # what a total lacks must fit in the digits left (each cell left takes one)
            lack = lacking(rel)
            if lack is not None and lack[1] and lack[0] >= lack[1] * 10 ** (digits_left - at + 1):
                return False
        room = 0  # the cells still to cut must have room for the digits left: no part outgrows its total
        for k in range(at):
            lacks = [lack[0] for rel in part_of.get(k, ()) if (lack := lacking(rel)) is not None]
            if not lacks:
                return True
            room += len(str(min(lacks)))
        return room >= digits_left

    def cells_room(i: int, left: int) -> tuple[int, int]:
        """The fewest and the most cells pieces[:i] and `left` digits of piece i can still give."""
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
            steps = [(p.whole, 0)]
        else:
            digits = p.raw[:left]
            steps = [(int(digits[-k:]), left - k) for k in range(1, min(left, MAX_DIGITS) + 1) if k == 1 or digits[-k] != "0"]
        for v, rest in steps:
            if (verdict := allowed(at, v)) > 0 and p.cuttable:
                break  # longer cuts of the same digits are only larger
            if verdict:
                continue
            ni, nleft = (i, rest) if rest else (i - 1, pieces[i - 1].size if i else 0)
            fewest, most = cells_room(ni, nleft) if ni >= 0 else (0, 0)
            if fewest <= at <= most:
                vals[at] = v
                if fits(at, most):
                    walk(ni, nleft, at - 1)
                vals[at] = None

    walk(len(pieces) - 1, pieces[-1].size if pieces else 0, n - 1)
    if shared is not None:
        shared[0] -= allowed_steps - budget[0]
    return None if budget[0] < 0 or len(out) > MAX_READINGS else out


class Sums:
    """The equalities across runs, and what each reading of a run adds to each (kept once, as
    one decoding tries many ways of combining the same readings)."""

    def __init__(self, runs: Sequence[Run], known: Mapping[str, Value], relations: Sequence[Relation]):
        where = {c: (r, i) for r, run in enumerate(runs) for i, c in enumerate(run.cells)}
        self.runs = runs
        self.across = [rel for rel in relations
                       if rel.op == "=" and all(c in where or c in known for c in rel.codes)
                       and len({where[c][0] for c in rel.codes if c in where}) > 1]
        self.start = tuple(total(known, rel.actual) - total(known, rel.expected) for rel in self.across)
        # for each run, each sum: the (sign, position) of the run's cells in it
        self.terms = [[[(t.sign * side, where[t.code][1]) for side, terms in ((1, rel.actual), (-1, rel.expected))
                        for t in terms if t.code in where and where[t.code][0] == r] for rel in self.across]
                      for r in range(len(runs))]
        self.cache: dict[tuple[int, Reading], tuple[Value, ...]] = {}

    def shift(self, r: int, reading: Reading) -> tuple[Value, ...]:
        k = (r, reading)
        if k not in self.cache:
            self.cache[k] = tuple(sum(s * reading[i] for s, i in terms) for terms in self.terms[r])
        return self.cache[k]


def combine(sums: Sums, options: Sequence[Sequence[Reading]], aside: frozenset = frozenset(),
            work: list[int] | None = None) -> list[set[Reading]] | None:
    """For each run, its readings that take part in at least one reading of all the runs under
    which every equality across them holds, but those whose key is set `aside` (empty sets:
    there is none). None: too many to tell, or the `work` left (partial sums to look at, shared
    by the caller's tries) ran out."""
    keep = [j for j, rel in enumerate(sums.across) if rel.key not in aside]
    start = tuple(sums.start[j] for j in keep)
    shifts = [[(o, tuple(full[j] for j in keep)) for o in opts for full in (sums.shift(r, o),)] for r, opts in enumerate(options)]
    # what the runs from r on can still add to each sum: a partial sum they cannot bring to zero is dropped
    low, high = [tuple(0 for _ in keep)], [tuple(0 for _ in keep)]
    for row in reversed(shifts):
        lo = tuple(min((sh[j] for _, sh in row), default=0) for j in range(len(keep)))
        hi = tuple(max((sh[j] for _, sh in row), default=0) for j in range(len(keep)))
        low.insert(0, tuple(a + b for a, b in zip(lo, low[0])))
        high.insert(0, tuple(a + b for a, b in zip(hi, high[0])))
    work = work if work is not None else [MAX_WORK]
    layers = [{start}]
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
    good = {tuple(0 for _ in keep)} & layers[-1]
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
    readings: list[Reading]  # those left; one: read; none: no reading fits the sums
    reconciles: bool | None  # False: no reading makes every sum hold (the report's own error); None: not known
    too_many: bool = False  # more readings than can be looked at: none is taken
    by_sums: bool = True  # False: the digits split one way only, whatever the sums


def _at_most(run: Run, limit: int) -> bool:
    """Whether the run's digits can be cut at most `limit` ways (before any sum is checked)."""
    digits = sum(p.size for p in run.pieces)
    return comb(max(digits - 1, 0), max(len(run.cells) - 1, 0)) <= limit


def decode(runs: Sequence[Run], known: Mapping[str, Value], relations: Sequence[Relation]) -> list[Decoded]:
    """Each run with the readings the sums leave it (see the module's account)."""
    steps = [MAX_TABLE_STEPS]
    own = [cuttings(run, known, relations, steps) for run in runs]
    # a run no cut fits and too long to be cut any way is left out: no reading of the others
    # could include it, and its cells are unknown to their sums, as a row not found would be
    hopeless = {r for r, o in enumerate(own) if o == [] and not _at_most(runs[r], MAX_RELAXED)}
    usable = [r for r, o in enumerate(own) if o is not None and r not in hopeless]
    result = {r: Decoded(run, [], False, too_many=own[r] is None) for r, run in enumerate(runs) if r not in usable}
    sub, options = [runs[r] for r in usable], [own[r] for r in usable]
    sums = Sums(sub, known, relations)
    feasible = combine(sums, options)
    reconciles: bool | None = feasible is not None and all(feasible)
    unsure: set[int] = set()
    if feasible is None:  # too many ways to combine: each run keeps the readings its own sums allow
        feasible, reconciles = [set(o) for o in options], None
    elif not reconciles:
        feasible, exhausted = _fewest_set_aside(sums, options, known)
        unsure = {r for r, f in enumerate(feasible) if not f} if exhausted else set()
    touched = {c for rel in relations if rel.op == "=" for c in rel.codes}
    for n, (r, readings) in enumerate(zip(usable, feasible)):
        result[r] = Decoded(runs[r], sorted(readings, key=_order), reconciles, too_many=n in unsure,
                            by_sums=bool(touched & set(runs[r].cells)))
    return [result[r] for r in range(len(runs))]


def _fewest_set_aside(sums: Sums, options: Sequence[Sequence[Reading]],
                      known: Mapping[str, Value]) -> tuple[list[set[Reading]], bool]:
    """Where no reading makes every sum hold: the readings under which every sum holds but the
    fewest set aside, one or two of: a run's own sum (its digits then cut any way), or the sums
    of one column (a relation's key). All such readings are kept: the printed figures with
    their error, and any reading that would "repair" them at the same cost, side by side.

    Beyond two, or where not every way could be tried (then True is returned with it), each run
    keeps what its own sums allow."""
    runs = sums.runs
    steps = [MAX_TABLE_STEPS]
    loose = [cuttings(run, known, (), steps) if _at_most(run, MAX_RELAXED) else None for run in runs]
    moves = [("run", r) for r, lo in enumerate(loose) if lo is not None and len(lo) != len(options[r])]
    moves += [("key", k) for k in dict.fromkeys(rel.key for rel in sums.across)]
    work = [MAX_WORK]
    for size in (1, 2):
        found: list[set[Reading]] | None = None
        for combo in combinations(moves, size):
            opts = [loose[r] if ("run", r) in combo else o for r, o in enumerate(options)]
            feasible = combine(sums, opts, frozenset(m[1] for m in combo if m[0] == "key"), work)
            if work[0] < 0:
                break
            if feasible is not None and all(feasible):
                found = feasible if found is None else [a | b for a, b in zip(found, feasible)]
        if work[0] < 0:
            break  # not every way was tried: what was found may not be all there is
        if found is not None:
            return found, False
    # past that, each run keeps the readings its own sums allow (a cell they all agree on is
    # read), or where none does, the one cut its digits have
    return [set(o) if o else set(lo) if lo is not None and len(lo) == 1 else set()
            for o, lo in zip(options, loose)], work[0] < 0


def _order(reading: Reading) -> tuple:
    return tuple(Decimal(v) for v in reading)
