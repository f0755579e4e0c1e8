"""The digit splitter (`importing/solve.py`) against a brute-force enumerator.

The oracle here knows nothing of the splitter or of the catalogue's relation objects: it lists
every way to cut printed pieces into cells (R1–R3 of the module's account, written out with
itertools) and checks the table's sums as written by hand below. Every pruning of the search
(P1–P6) must keep exactly the readings the brute force keeps.
"""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreport_xl.core.standard import T2, T3, T4
from govreport_xl.importing import solve
from govreport_xl.importing.solve import (
    SETTLED, TOO_MANY, UNPLACED, UNSETTLED, Piece, Run, Sums, by_digits, combine, cuttings, decode, fixed_by_digits, is_count,
    readings_of,
)
from govreport_xl.importing.tables import relations_of_table
from published import made_up_report

T3_RELS, T4_RELS, T2_RELS = (relations_of_table(t) for t in (T3, T4, T2))
ROWS = [f"R{i:02d}" for i in range(1, 26)]


def row_cells(row: str, table: str = "T3", n: int = 7) -> tuple[str, ...]:
    return tuple(f"{table}.{row}.C{i}" for i in range(1, n + 1))


T4_CELLS = tuple(f"T4.R{r}.C{c}" for r in (1, 2, 3) for c in range(1, 6))


# --- the oracle --------------------------------------------------------------------------------


def brute_readings(pieces: list[Piece], n: int, counts=None) -> set[tuple]:
    """Every reading of the pieces as n cells: each piece gives one cell or more, in order; a cut
    cell has 1 to 15 digits and no leading zero; a whole piece is its own figure; a cell among
    `counts` (all of them where not given) holds a whole number."""
    counts = [True] * n if counts is None else counts
    ways_of_piece = []
    for p in pieces:
        if not p.cuttable:
            ways_of_piece.append({1: [(p.whole,)]})
            continue
        d = p.raw
        ways: dict[int, list[tuple]] = {}
        for k in range(1, len(d) + 1):
            for cuts in itertools.combinations(range(1, len(d)), k - 1):
                bounds = (0, *cuts, len(d))
                parts = [d[a:b] for a, b in zip(bounds, bounds[1:])]
                if all(len(s) <= 15 and (s == "0" or not s.startswith("0")) for s in parts):
                    ways.setdefault(k, []).append(tuple(int(s) for s in parts))
        ways_of_piece.append(ways)
    out = set()
    for pieces_cells in itertools.product(*[list(w) for w in ways_of_piece]):
        if sum(pieces_cells) != n:
            continue
        for choice in itertools.product(*[w[k] for w, k in zip(ways_of_piece, pieces_cells)]):
            reading = tuple(v for part in choice for v in part)
            if all(v == int(v) for v, count in zip(reading, counts) if count):
                out.add(reading)
    return out


def t3_row_holds(v) -> bool:  # T3-02: 总计 = 自然人 + the five columns under 法人或其他组织
    return v[6] == v[0] + v[1] + v[2] + v[3] + v[4] + v[5]


def t4_holds(v) -> bool:  # T4-01: each group's 总计 is the sum of its four results
    return all(v[g + 4] == v[g] + v[g + 1] + v[g + 2] + v[g + 3] for g in (0, 5, 10))


def t3_holds(t: dict, rows) -> bool:
    """Every equality of table 3 over {(row, column): figure} that involves one of `rows`,
    written out by hand (those among other rows alone are the checks' business, not the cutting's)."""
    handled = [f"R{i:02d}" for i in range(3, 24)]
    for r in rows:
        if t[r, 7] != sum(t[r, c] for c in range(1, 7)):
            return False
    for c in range(1, 8):
        if set(rows) & {*handled, "R24"} and t["R24", c] != sum(t[r, c] for r in handled):
            return False
        if set(rows) & {"R01", "R02", "R24", "R25"} and t["R01", c] + t["R02", c] != t["R24", c] + t["R25", c]:
            return False
    return True


# --- printed pieces from true figures ------------------------------------------------------------


def glue(values, rnd: random.Random, separators: bool = True) -> list[Piece]:
    """Figures as a flattened text prints them: runs of them glued together; a figure of four
    digits or more sometimes with a thousands separator, a 0 sometimes as "/" (whole pieces)."""
    pieces: list[Piece] = []
    digits = ""
    for v in values:
        if separators and v >= 1000 and rnd.random() < 0.4:
            pieces += [Piece(digits)] if digits else []
            pieces.append(Piece(f"{v:,}", Decimal(v)))
            digits = ""
        elif separators and v == 0 and rnd.random() < 0.1:
            pieces += [Piece(digits)] if digits else []
            pieces.append(Piece("/", 0))
            digits = ""
        else:
            digits += str(v)
            if rnd.random() < 0.15:
                pieces.append(Piece(digits))
                digits = ""
    return pieces + ([Piece(digits)] if digits else [])


def small_row(rnd: random.Random) -> list[int]:
    parts = [rnd.choice([0, 0, 0, 1, 2, 3, 5, 10, 12, 40, 101, 1200, 2003]) for _ in range(6)]
    return [*parts, sum(parts)]


def misprint(values, rnd: random.Random) -> list[int]:
    """One figure of the row printed wrong: a digit changed, added or dropped."""
    i = rnd.randrange(len(values))
    s = str(values[i])
    j = rnd.randrange(len(s))
    s = rnd.choice([s[:j] + str(rnd.randrange(10)) + s[j + 1:], s + str(rnd.randrange(10)), s[:j] + s[j + 1:] or "0"])
    out = list(values)
    out[i] = int(s)
    return out


def digit_count(pieces) -> int:
    return sum(len(p.raw) if p.cuttable else 1 for p in pieces)


# --- the properties -----------------------------------------------------------------------------


@pytest.mark.slow  # hundreds of rows against brute force
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.randoms(use_true_random=False), st.sampled_from(["true", "misprinted", "digits"]))
def test_a_row_of_table_3_keeps_exactly_the_readings_the_brute_force_keeps(rnd, kind):
    """Pruned search (P1–P5) = every cut (R1–R3) whose row adds up."""
    if kind == "digits":  # no true row behind it: mostly no reading fits
        pieces = [Piece("".join(rnd.choice("0123456789") for _ in range(rnd.randint(7, 13))))]
    else:
        row = small_row(rnd)
        pieces = glue(misprint(row, rnd) if kind == "misprinted" else row, rnd)
    if digit_count(pieces) > 16 or len(pieces) > 7:
        return
    want = {r for r in brute_readings(pieces, 7) if t3_row_holds(r)}
    got = cuttings(Run(row_cells("R05"), tuple(pieces)), {}, T3_RELS)
    assert got is not None and len(got) == len(set(got))
    assert set(got) == want, pieces


@pytest.mark.slow  # hundreds of rows against brute force
@settings(max_examples=60, deadline=None)
@given(st.randoms(use_true_random=False), st.booleans())
def test_table_4_in_one_run_keeps_exactly_the_readings_the_brute_force_keeps(rnd, printed_wrong):
    groups = []
    for _ in range(3):
        parts = [rnd.choice([0, 0, 0, 1, 2, 3, 12]) for _ in range(4)]
        groups += [*parts, sum(parts)]
    if printed_wrong:
        groups = misprint(groups, rnd)
    pieces = glue(groups, rnd, separators=False)
    if digit_count(pieces) > 19:
        return
    want = {r for r in brute_readings(pieces, 15) if t4_holds(r)}
    assert set(cuttings(Run(T4_CELLS, tuple(pieces)), {}, T4_RELS)) == want


@settings(max_examples=80, deadline=None)
@given(st.randoms(use_true_random=False))
def test_what_the_digits_alone_fix_is_what_every_cut_agrees_on(rnd):
    n = rnd.randint(1, 7)
    pieces = [Piece("".join(rnd.choice("0011234") for _ in range(rnd.randint(1, 6)))) for _ in range(rnd.randint(1, 3))]
    if rnd.random() < 0.3:
        pieces.insert(rnd.randrange(len(pieces) + 1), Piece("1,200", Decimal(1200)))
    every = brute_readings(pieces, n)
    figures, any_reading = by_digits(pieces, [True] * n)
    assert any_reading == bool(every)
    assert figures == [{r[i] for r in every} for i in range(n)]
    agreed = tuple(next(iter(s)) if len(s := {r[i] for r in every}) == 1 else None for i in range(n))
    assert fixed_by_digits(Run(tuple(f"T2.R1.C{i}" for i in range(n)), tuple(pieces))) == (agreed if every else None)


@pytest.mark.slow  # hundreds of rows against brute force
@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.randoms(use_true_random=False), st.booleans())
def test_two_rows_run_together_are_cut_as_the_whole_table_allows(seed, rnd, printed_wrong):
    """Two rows of table 3 glued, the rest printed apart: `decode` keeps, for each row, exactly
    the readings that are part of a reading of the whole table under which every sum holds; where
    there is none, it says so (and reads only what every cut agrees on)."""
    report = made_up_report(seed)
    table = {(r, c): report.value(f"T3.{r}.C{c}") for r in ROWS for c in range(1, 8)}
    # two rows that share a column sum (T3-03: R03–R24; T3-01: R01, R02, R24, R25)
    glued = rnd.sample(rnd.choice([ROWS[2:24], ["R01", "R02", "R24", "R25"]]), 2)
    printed = dict(table)
    if printed_wrong:
        at = (rnd.choice(ROWS), rnd.randint(1, 7))
        printed[at] = misprint([printed[at]], rnd)[0]
    pieces = {r: glue([printed[r, c] for c in range(1, 8)], rnd) for r in glued}
    if any(digit_count(p) > 15 for p in pieces.values()):
        return
    known = {f"T3.{r}.C{c}": Decimal(v) for (r, c), v in printed.items() if r not in glued}
    runs = [Run(row_cells(r), tuple(pieces[r])) for r in glued]
    each = [{x for x in brute_readings(pieces[r], 7) if t3_row_holds(x)} for r in glued]
    whole = [(a, b) for a in each[0] for b in each[1]
             if t3_holds({**printed, **{(glued[0], c): a[c - 1] for c in range(1, 8)}, **{(glued[1], c): b[c - 1] for c in range(1, 8)}},
                         glued)]
    got = decode(runs, known, T3_RELS)
    if whole:
        assert [d.outcome for d in got] == [SETTLED, SETTLED]
        assert set(got[0].readings) == {a for a, _ in whole} and set(got[1].readings) == {b for _, b in whole}
    else:
        assert [d.outcome for d in got] == [UNSETTLED, UNSETTLED]
        for d, r in zip(got, glued):
            every = brute_readings(pieces[r], 7)
            for i in range(7):
                agreed = {x[i] for x in every}
                assert d.options(i) == (agreed if len(agreed) == 1 else set())


@pytest.mark.slow  # hundreds of rows against brute force
@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.randoms(use_true_random=False))
def test_three_rows_run_together_combine_as_brute_force_does(seed, rnd):
    """Three glued rows of table 3 under the same column sums (T3-03): the bound on what the
    rows still to add can bring (P6) must keep every combination a brute force keeps."""
    report = made_up_report(seed)
    printed = {(r, c): report.value(f"T3.{r}.C{c}") for r in ROWS for c in range(1, 8)}
    glued = rnd.sample(ROWS[2:23], 3)
    pieces = {r: [Piece("".join(str(printed[r, c]) for c in range(1, 8)))] for r in glued}
    if any(digit_count(p) > 12 for p in pieces.values()):
        return
    known = {f"T3.{r}.C{c}": Decimal(v) for (r, c), v in printed.items() if r not in glued}
    each = [{x for x in brute_readings(pieces[r], 7) if t3_row_holds(x)} for r in glued]
    whole = [(a, b, c) for a in each[0] for b in each[1] for c in each[2]
             if t3_holds({**printed, **{(r, i): x[i - 1] for r, x in zip(glued, (a, b, c)) for i in range(1, 8)}}, glued)]
    got = decode([Run(row_cells(r), tuple(pieces[r])) for r in glued], known, T3_RELS)
    assert all(d.outcome == SETTLED for d in got) and whole
    for n, d in enumerate(got):
        assert set(d.readings) == {w[n] for w in whole}


def test_combining_stops_where_its_work_runs_out():
    """`combine` gives up (None) once the partial sums it has looked at pass the work it is
    given, and says nothing it has not checked."""
    cells = [row_cells(r) for r in ("R05", "R06")]
    known = {c: Decimal(0) for r in ROWS if r not in ("R05", "R06") for c in row_cells(r)}
    known |= {"T3.R24.C1": Decimal(2), "T3.R24.C7": Decimal(2), "T3.R01.C1": Decimal(2), "T3.R01.C7": Decimal(2)}
    runs = [Run(c, (Piece("1000001"),)) for c in cells]
    sums = Sums(runs, known, T3_RELS)
    options = [[(1, 0, 0, 0, 0, 0, 1)]] * 2
    assert combine(sums, options) == [{(1, 0, 0, 0, 0, 0, 1)}] * 2
    assert combine(sums, options, work=[1]) is None


def test_combining_drops_partial_sums_the_runs_left_cannot_bring_to_zero(monkeypatch):
    """P6, counted by hand: read 2|0|0|0|0|0|2, 1.属于国家秘密 (R05) alone meets the column sums
    of 三、本年度办理结果 (R24 = 2), and R06 still adds 1 to them: that partial sum is dropped.
    So the work spent is one partial sum a run, and the limits are the most kept, not one less."""
    cells = [row_cells(r) for r in ("R05", "R06")]
    known = {c: Decimal(0) for r in ROWS if r not in ("R05", "R06") for c in row_cells(r)}
    known |= {"T3.R24.C1": Decimal(2), "T3.R24.C7": Decimal(2), "T3.R01.C1": Decimal(2), "T3.R01.C7": Decimal(2)}
    sums = Sums([Run(c, (Piece("1000001"),)) for c in cells], known, T3_RELS)
    one, two = (1, 0, 0, 0, 0, 0, 1), (2, 0, 0, 0, 0, 0, 2)
    options = [[one, two], [one]]
    assert combine(sums, options, work=[2]) == [{one}, {one}]
    assert combine(sums, options, work=[1]) is None
    assert combine(sums, [[one, two], []]) == [set(), set()]  # a run with no reading: no reading of all
    monkeypatch.setattr(solve, "MAX_STATES", 1)
    assert combine(sums, options) == [{one}, {one}]
    monkeypatch.setattr(solve, "MAX_STATES", 0)
    assert combine(sums, options) is None
    # where combining stops, decode says the search stopped: not that no reading adds up
    runs = [Run(c, (Piece("1000001"),)) for c in cells]
    assert [d.outcome for d in decode(runs, known, T3_RELS)] == [TOO_MANY, TOO_MANY]


# --- the cases the issue reported ------------------------------------------------------------------


def test_a_figure_with_a_thousands_separator_counts_its_digits():
    """Issue 17 item 2: "1,200" was counted as one digit by a bound, which then cut the only
    reading; the same figures run together had it."""
    cells = row_cells("R01")
    separated = cuttings(Run(cells, (Piece("1,200", Decimal(1200)), Piece("300001203"))), {}, T3_RELS)
    together = cuttings(Run(cells, (Piece("1200300001203"),)), {}, T3_RELS)
    assert separated == together == [(1200, 3, 0, 0, 0, 0, 1203)]


@settings(max_examples=80, deadline=None)
@given(st.randoms(use_true_random=False))
def test_a_fraction_is_no_counts_figure(rnd):
    """R4: a whole piece that is a fraction ("3.5") fills an amount cell, never a count, in what
    the digits alone fix and in the cutting by the sums (against brute force)."""
    fraction = Piece("3.5", Decimal("3.5"))
    n = rnd.randint(1, 6)
    cells = tuple(rnd.choice(["T2.R6.C1", "T2.R5.C1"]) for _ in range(n))  # an amount, a count
    counts = [c == "T2.R5.C1" for c in cells]
    pieces = [Piece("".join(rnd.choice("0112") for _ in range(rnd.randint(1, 4)))) for _ in range(rnd.randint(0, 2))]
    pieces.insert(rnd.randrange(len(pieces) + 1), fraction)
    every = brute_readings(pieces, n, counts)
    figures, any_reading = by_digits(pieces, counts)
    assert any_reading == bool(every)
    assert figures == [{r[i] for r in every} for i in range(n)]
    assert fixed_by_digits(Run(cells, tuple(pieces))) == (
        tuple(next(iter(s)) if len(s := {r[i] for r in every}) == 1 else None for i in range(n)) if every else None)
    row = small_row(rnd)  # table 3: counts only, so the fraction takes no cell and no reading is left
    glued = glue(row, rnd, separators=False)
    glued.insert(rnd.randrange(len(glued) + 1), fraction)
    if digit_count(glued) <= 16:
        assert cuttings(Run(row_cells("R05"), tuple(glued)), {}, T3_RELS) == []
        assert not {r for r in brute_readings(glued, 7) if t3_row_holds(r)}


def test_a_fraction_among_glued_figures_is_never_read_into_a_count():
    """A figure with a decimal point among table 3's digits run together: no count cell is given
    a fraction (the row is not read), and the report is not blamed for it."""
    fraction = Piece("3.5", Decimal("3.5"))
    # 1 + 2.5 + 0 + 0 + 0 + 0 = 3.5 would make the row's sum hold
    [d] = decode([Run(row_cells("R05"), (Piece("1"), Piece("2.5", Decimal("2.5")), Piece("0000"), fraction))], {}, T3_RELS)
    assert d.outcome == UNPLACED and all(not d.options(i) for i in range(7))
    assert fixed_by_digits(Run(row_cells("R05"), (Piece("1"), fraction, Piece("00003")))) is None
    # two fractions could make the row add up (1.5 + 2.5 = 4): still no count takes one
    halves = (Piece("1.5", Decimal("1.5")), Piece("2.5", Decimal("2.5")), Piece("00004"))
    assert cuttings(Run(row_cells("R05"), halves), {}, T3_RELS) == []
    assert by_digits([Piece("1"), fraction], [True, True]) == ([set(), set()], False)  # no cell has a figure
    assert by_digits([Piece("1"), fraction], [True, False]) == ([{1}, {Decimal("3.5")}], True)
    [d] = decode([Run(("T2.R5.C1", "T2.R6.C1"), (Piece("12"), fraction))], {}, [])  # an amount takes it
    assert d.options(1) == {Decimal("3.5")} and d.options(0) == {12}
    # the sum of cells printed only together (（六）其他处理 as one row) is a count too
    assert is_count("T3.R21+R22+R23.C1") and is_count("T3.R05.C1") and not is_count("T2.R6.C1")
    assert not is_count("T2.R6+R7.C1") and not is_count("X1")


def test_readings_given_outright_fix_what_they_agree_on():
    """A row whose empty cells may sit more than one way comes as its readings, not as pieces."""
    run = Run(("T2.R1.C1", "T2.R1.C2", "T2.R1.C3"), (), given=((1, 0, 2), (1, 2, 0)))
    assert fixed_by_digits(run) == (1, None, None)


def test_readings_given_outright_are_weighed_by_their_own_sums_alone():
    """Two ways an empty cell may sit in 1.属于国家秘密: only 1|0|0|0|0|0|1 adds up (T3-02), with
    or without the rest of the table known; a misprint among the other rows (一、本年新收 whose
    total is 2, its parts 1) breaks no sum of this row, so it does not unsettle it."""
    right, wrong = (1, 0, 0, 0, 0, 0, 1), (1, 0, 0, 0, 0, 1, 0)
    run = Run(row_cells("R05"), (), given=(right, wrong))
    [alone] = decode([run], {}, T3_RELS)
    assert alone.outcome == SETTLED and alone.readings == [right]
    known = {c: Decimal(0) for r in ROWS if r != "R05" for c in row_cells(r)}
    known |= {"T3.R24.C1": Decimal(1), "T3.R24.C7": Decimal(1), "T3.R01.C1": Decimal(1), "T3.R01.C7": Decimal(2),
              "T3.R25.C7": Decimal(1)}
    [d] = decode([run], known, T3_RELS)
    assert d.outcome == SETTLED and d.readings == [right]


@pytest.mark.parametrize("digits, readings", [
    ("9000009", [(9, 0, 0, 0, 0, 0, 9)]),
    ("0900009", [(0, 9, 0, 0, 0, 0, 9)]),
    ("990000099", [(9, 90, 0, 0, 0, 0, 99), (99, 0, 0, 0, 0, 0, 99)]),
])
def test_a_part_as_large_as_its_digits_allow_is_cut(digits, readings):
    """The largest figure the digits left can give (P3) is all nines: a row whose last part to cut
    is exactly that is read (by hand, every cut of the digits into 7 cells that adds up)."""
    assert sorted(cuttings(Run(row_cells("R05"), (Piece(digits),)), {}, T3_RELS)) == readings


def test_a_row_that_fits_two_ways_is_ambiguous_alone():
    alone = cuttings(Run(row_cells("R01"), (Piece("120010013"),)), {}, T3_RELS)
    assert sorted(alone) == [(1, 2, 0, 0, 10, 0, 13), (12, 0, 0, 1, 0, 0, 13)]
    [d] = decode([Run(row_cells("R01"), (Piece("120010013"),))], {}, T3_RELS)
    assert d.outcome == SETTLED and d.options(6) == {13} and d.options(0) == {1, 12}


def test_no_reading_that_fits_means_only_what_the_digits_fix():
    """Issue 17 item 1: printed 1255 4627 1303 432 5 965 8487 (the total misprinted, 8587) also
    fits its row as 12 55462 71 303 43 2596 58487. Neither is read: no reading makes the sums
    hold, so the text has a misprint somewhere and any cut could be the printed one."""
    run = Run(row_cells("R05"), (Piece("1255462713034325965" + "8487"),))
    assert (12, 55462, 71, 303, 43, 2596, 58487) in cuttings(run, {}, T3_RELS)  # the row alone would take it
    known = {c: Decimal(0) for r in ROWS if r != "R05" for c in row_cells(r)}  # the other rows: all 0
    [d] = decode([run], known, T3_RELS)
    assert d.outcome == UNSETTLED and all(not d.options(i) for i in range(7))


def test_a_run_too_long_to_cut_stops_and_reads_only_what_the_digits_fix():
    run = Run(tuple(f"X{i}" for i in range(15)), (Piece("1234567890" * 4),))  # no sum: C(39, 14) cuts
    [d] = decode([run], {}, T3_RELS)
    assert d.outcome == TOO_MANY and d.readings == [] and all(not d.options(i) for i in range(15))
    assert fixed_by_digits(Run(row_cells("R05"), (Piece("1234567"),))) == (1, 2, 3, 4, 5, 6, 7)


def test_runs_no_sum_links_are_decoded_apart():
    """With every other cell of table 3 printed apart, 一、本年新收 (T3-01) and 1.属于国家秘密
    (T3-03) share no sum: a misprint in the one does not unsettle the other."""
    known = {c: Decimal(0) for r in ROWS if r not in ("R01", "R05") for c in row_cells(r)}
    known |= {"T3.R24.C1": Decimal(1), "T3.R24.C7": Decimal(1), "T3.R02.C1": Decimal(1), "T3.R02.C7": Decimal(1)}
    wrong = Run(row_cells("R01"), (Piece("10000002"),))  # one cut, 10|0|0|0|0|0|2, and its row breaks
    right = Run(row_cells("R05"), (Piece("1000001"),))
    d_wrong, d_right = decode([wrong, right], known, T3_RELS)
    assert d_wrong.outcome == UNSETTLED and d_right.outcome == SETTLED and d_right.readings == [(1, 0, 0, 0, 0, 0, 1)]
    unplaced = Run(row_cells("R1", "T2", 3), (Piece("00"),))  # two digits, three cells: no reading at all
    assert decode([unplaced], {}, T2_RELS)[0].outcome == UNPLACED


def test_new_requests_glued_are_cut_by_t3_01_with_a_carried_over_part():
    """一、本年新收 (R01) run together, the rest of table 3 printed apart. Alone, 120010013 reads
    two ways (see above); T3-01 (R01 + R02 = R24 + R25, checked with the known rows) keeps
    12|0|0|1|0|0|13 (12 + 0 = 10 + 2), although 12 is more than R24's 10 alone: a relation with
    two figures on each side bounds no cut as a sum would."""
    known = {c: Decimal(0) for r in ROWS if r != "R01" for c in row_cells(r)}
    for r, row in (("R05", (10, 0, 0, 1, 0, 0, 11)), ("R24", (10, 0, 0, 1, 0, 0, 11)), ("R25", (2, 0, 0, 0, 0, 0, 2))):
        known |= {c: Decimal(v) for c, v in zip(row_cells(r), row)}
    [d] = decode([Run(row_cells("R01"), (Piece("120010013"),))], known, T3_RELS)
    assert d.outcome == SETTLED and d.readings == [(12, 0, 0, 1, 0, 0, 13)]


def test_a_glued_row_is_cut_by_its_column_sums_with_the_other_rows_known():
    """1.属于国家秘密 (R05) run together, 2.其他法律行政法规禁止公开 (R06: 2) and 三、本年度办理结果's
    total (R24: 3) printed apart: T3-03 leaves R05 exactly 3 - 2 = 1 in 自然人 and 总计."""
    known = {c: Decimal(0) for r in ROWS if r != "R05" for c in row_cells(r)}
    for c in ("C1", "C7"):
        known |= {f"T3.R06.{c}": Decimal(2), f"T3.R24.{c}": Decimal(3), f"T3.R01.{c}": Decimal(3)}
    [d] = decode([Run(row_cells("R05"), (Piece("1000001"),))], known, T3_RELS)
    assert d.outcome == SETTLED and d.readings == [(1, 0, 0, 0, 0, 0, 1)]


def test_the_steps_given_are_the_most_a_search_takes():
    """A table's runs share one budget of steps (`shared`): a search given fewer steps than it
    needs stops and says nothing (None), with exactly enough it finds every reading."""
    run = Run(row_cells("R01"), (Piece("120010013"),))
    left = [10**6]
    both = cuttings(run, {}, T3_RELS, shared=left)
    used = 10**6 - left[0]
    assert sorted(both) == [(1, 2, 0, 0, 10, 0, 13), (12, 0, 0, 1, 0, 0, 13)] and used > 0
    assert sorted(cuttings(run, {}, T3_RELS, shared=[used])) == sorted(both)
    assert cuttings(run, {}, T3_RELS, shared=[used - 1]) is None
    # every way of a run (here: a digit of the next label's numbering glued on) spends the same budget
    with_variant = Run(row_cells("R01"), (Piece("1200100132"),), variants=((Piece("120010013"),),))
    assert readings_of(with_variant, {}, T3_RELS, shared=[used]) is None


def test_a_run_with_other_endings_is_read_as_the_sums_allow():
    """Digits of the next label's numbering ("2.") glued on: a variant without them is read too."""
    cells = row_cells("R16")
    run = Run(cells, (Piece("10000012"),), variants=((Piece("1000001"),),))
    [d] = decode([run], {}, T3_RELS)
    assert d.outcome == SETTLED and d.readings == [(1, 0, 0, 0, 0, 0, 1)]


@pytest.mark.parametrize("pieces", [["0"], ["12"], ["1,200"], ["/"]])
def test_too_few_figures_give_no_reading(pieces):
    ps = [Piece(p) if p.isdigit() else Piece(p, Decimal(0) if p == "/" else Decimal(1200)) for p in pieces]
    assert cuttings(Run(row_cells("R01"), tuple(ps)), {}, T3_RELS) == [] == sorted(brute_readings(ps, 7))
