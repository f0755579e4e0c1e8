"""Hypothesis strategies per rule (after pandera's per-check strategies): for every rule of the
catalogue, reports that just pass it, and reports that fail it at the boundary together with the
exact findings they must give.

The oracle is independent of the code under test: the sums are written out here by hand from the
official tables (table 3's totals, the note under it, table 4's totals, table 2's documents), not
taken from the standard's `total_of`, the rule catalogue's relations or the engine's
`complete_totals`; each failing case states by hand which findings it gives (rule, cells, expected,
actual) and that no other rule fires.

A case is what the engine takes: raw cell values (as any source hands them over), and where the
rule needs them, last year's report, narrative figures, the detected format or workbook facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from hypothesis import strategies as st

from govreport_xl.core import uscc
from govreport_xl.core.checks import NarrativeBalance, NarrativeFigure
from govreport_xl.core.model import Report
from govreport_xl.core.source import MappingSource, RawCell, TemplateSpec, WorkbookFacts
from govreport_xl.core.standard import CELLS, FORMAT_2019, FORMAT_2021, FORMAT_PRE_2019, Level

TODAY = dt.date(2026, 11, 26)
SPEC = TemplateSpec(("封面", "表"), ("2021.1",))

# --- the official tables, written out --------------------------------------------------------
T3_ROWS = [f"R{i:02d}" for i in range(1, 26)]
RESULT_ROWS = [f"R{i:02d}" for i in range(3, 24)]  # （一）…（六）, summed by （七）总计 R24
APPLICANTS = [f"C{i}" for i in range(1, 7)]  # C7 is 总计
T3_COLUMNS = [*APPLICANTS, "C7"]
T4_ROWS, T4_PARTS = ["R1", "R2", "R3"], ["C1", "C2", "C3", "C4"]  # C5 is 总计
DOCUMENT_ROWS = ["R1", "R2"]  # 规章, 行政规范性文件: C1 made, C2 repealed, C3 in force


def t3(row: str, col: str) -> str:
    return f"T3.{row}.{col}"


def t4(row: str, col: str) -> str:
    return f"T4.{row}.{col}"


def t3_inputs() -> list[str]:
    return [t3(r, c) for r in T3_ROWS if r != "R24" for c in APPLICANTS]


def with_totals(values: dict) -> dict:
    """Every computed total of tables 3 and 4, summed here by hand."""
    out = dict(values)
    for c in APPLICANTS:
        out[t3("R24", c)] = sum(out[t3(r, c)] for r in RESULT_ROWS)
    for r in T3_ROWS:
        out[t3(r, "C7")] = sum(out[t3(r, c)] for c in APPLICANTS)
    for r in T4_ROWS:
        out[t4(r, "C5")] = sum(out[t4(r, c)] for c in T4_PARTS)
    return out


def t3_01_codes(col: str) -> tuple[str, ...]:
    """A T3-01 finding's cells: received, carried over, then （七）总计, carried forward."""
    return tuple(t3(r, col) for r in ("R01", "R02", "R24", "R25"))


@dataclass
class Case:
    values: dict
    previous: Report | None = None
    narrative: list | None = None
    format: str | None = None
    workbook: WorkbookFacts | None = None
    formulas: dict = field(default_factory=dict)  # code -> formula text (a workbook source)
    expected: list = field(default_factory=list)  # the findings a failing case gives: (rule, codes, expected, actual)


class CaseSource(MappingSource):
    """A workbook-like source over a case: values, and where given, formulas and workbook facts."""

    def __init__(self, case: Case):
        super().__init__("case", case.values, kind="workbook" if case.workbook else "json",
                         workbook=case.workbook, format=case.format)
        self.formulas = case.formulas

    def cell(self, c):
        raw = super().cell(c)
        if self.workbook is None:
            return raw
        # a workbook source names where each cell is: one column per code, in catalogue order
        address = f"表!{_column(c)}1"
        if c in self.formulas:
            formula = self.formulas[c]  # None: a constant where the formula was
        elif c in CELLS and CELLS[c].is_total:
            formula = "=SUM(" + ",".join(f"表!{_column(p)}1" for p in CELLS[c].total_of) + ")"
        else:
            formula = None
        return RawCell(raw.value, formula, address=address)


def _column(c: str) -> str:
    n = list(CELLS).index(c) + 1 if c in CELLS else 250
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


counts = st.integers(0, 50) | st.integers(0, 10**6)
amounts = st.decimals(0, 10**6, places=6, allow_nan=False, allow_infinity=False)
names = st.text(st.characters(codec="utf-8", categories=("Lo", "L")), min_size=1, max_size=12)


@st.composite
def valid_values(draw) -> dict:
    """A report that passes every rule: inputs drawn freely, carried over fitted to the note under
    table 3 (一 + 二 = 三（七） + 四), documents in force no fewer than made − repealed."""
    values = {c: draw(counts) for c in t3_inputs()}
    values |= {t4(r, c): draw(counts) for r in T4_ROWS for c in T4_PARTS}
    for r in DOCUMENT_ROWS:
        made, repealed = draw(counts), draw(counts)
        values |= {f"T2.{r}.C1": made, f"T2.{r}.C2": repealed, f"T2.{r}.C3": max(made - repealed, 0) + draw(st.integers(0, 5))}
    values |= {f"T2.{r}.C1": draw(counts) for r in ("R3", "R4", "R5")}
    values["T2.R6.C1"] = draw(amounts)
    for c in APPLICANTS:
        handled = sum(values[t3(r, c)] for r in RESULT_ROWS) + values[t3("R25", c)]
        values[t3("R01", c)] = min(values[t3("R01", c)], handled)
        values[t3("R02", c)] = handled - values[t3("R01", c)]
    values = with_totals(values)
    assert set(values) == set(CELLS)
    meta = {"META_NAME": draw(names), "META_YEAR": draw(st.integers(2021, TODAY.year)),
            "META_LEVEL": Level.CITY_WITH_DISTRICTS.value, "META_USCC": None, "META_REGION": None}
    return {**meta, **values}


def _report(values: dict) -> Report:
    return Report.build({}, {c: v for c, v in values.items() if c in CELLS})


def _bump(values: dict, changes: dict) -> dict:
    return {**values, **{c: values[c] + d for c, d in changes.items()}}


# --- per rule: passing cases, and failing ones with their findings written out ------------------

def _breaking(fn):
    """The cases of a rule whose passing case is any valid report: fn(draw, values) breaks it."""
    def cases_of(fail: bool):
        @st.composite
        def case(draw):
            values = draw(valid_values())
            return fn(draw, values) if fail else Case(values)
        return case()
    return cases_of


@_breaking
def _t3_01(draw, values):
    c = draw(st.sampled_from(APPLICANTS))
    values = _bump(values, {t3("R01", c): 1, t3("R01", "C7"): 1})  # one more received; its row still adds up
    expected = [("T3-01", t3_01_codes(col), values[t3("R01", col)] + values[t3("R02", col)],
                  values[t3("R24", col)] + values[t3("R25", col)]) for col in (c, "C7")]
    return Case(values, expected=expected)


@_breaking
def _t3_02(draw, values):
    c = draw(st.sampled_from(APPLICANTS))
    r, other = draw(st.lists(st.sampled_from(RESULT_ROWS), min_size=2, max_size=2, unique=True))
    if values[t3(other, c)] == 0:  # one moved from `other` to `r` in column c: the column still adds up
        values = with_totals({**values, t3(other, c): 1, t3("R02", c): values[t3("R02", c)] + 1})
    values = _bump(values, {t3(r, c): 1, t3(other, c): -1})
    expected = [("T3-02", (*(t3(x, a) for a in APPLICANTS), t3(x, "C7")),
                 sum(values[t3(x, a)] for a in APPLICANTS), values[t3(x, "C7")]) for x in (r, other)]
    return Case(values, expected=expected)


@_breaking
def _t3_03(draw, values):
    c = draw(st.sampled_from(APPLICANTS))
    if values[t3("R25", c)] == 0:  # one more carried forward, received the year before
        values = with_totals({**values, t3("R25", c): 1, t3("R02", c): values[t3("R02", c)] + 1})
    # （七）总计 one more in column c and in 总计, carried forward one less: only the column sums break
    values = _bump(values, {t3("R24", c): 1, t3("R24", "C7"): 1, t3("R25", c): -1, t3("R25", "C7"): -1})
    expected = [("T3-03", (*(t3(r, col) for r in RESULT_ROWS), t3("R24", col)),
                 sum(values[t3(r, col)] for r in RESULT_ROWS), values[t3("R24", col)]) for col in (c, "C7")]
    return Case(values, expected=expected)


@_breaking
def _t4_01(draw, values):
    r = draw(st.sampled_from(T4_ROWS))
    values = _bump(values, {t4(r, "C5"): 1})
    return Case(values, expected=[("T4-01", (*(t4(r, c) for c in T4_PARTS), t4(r, "C5")),
                                   sum(values[t4(r, c)] for c in T4_PARTS), values[t4(r, "C5")])])


def _p01(fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        r = draw(st.sampled_from(DOCUMENT_ROWS))
        made, repealed = draw(st.integers(1, 100)), draw(st.integers(0, 100))
        made_all = made + repealed
        in_force = made - (1 if fail else 0)  # at the boundary: equal passes, one less fails
        values |= {f"T2.{r}.C1": made_all, f"T2.{r}.C2": repealed, f"T2.{r}.C3": in_force}
        expected = [("P-01", (f"T2.{r}.C1", f"T2.{r}.C2", f"T2.{r}.C3"), made, in_force)] if fail else []
        return Case(values, expected=expected)
    return case()


# V-01 refusals, each with what the finding's actual shows
BAD_COUNTS = [(-1, "-1"), (Decimal("0.5"), "0.5"), ("0", "0"), ("/", "/"), (True, "TRUE")]


def _cell_case(rule_id, fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        if rule_id == "V-02":
            code = "T2.R6.C1"
        else:
            code = draw(st.sampled_from([*t3_inputs(), *(t4(r, c) for r in T4_ROWS for c in T4_PARTS),
                                         *(f"T2.{r}.C{i}" for r in ("R1", "R2") for i in (1, 2)), "T2.R3.C1"]))
        if code.startswith("T2.R1") or code.startswith("T2.R2"):
            row = code.split(".")[1]  # keep P-01 holding whatever the cell becomes
            values |= {f"T2.{row}.C1": 0, f"T2.{row}.C2": 0}
        values = with_totals({**values, code: 0}) if code != "T2.R6.C1" else values
        if code.startswith("T3"):  # with the cell at 0, table 3's note holds again: refit received / carried over
            _, row, c = code.split(".")
            handled = values[t3("R24", c)] + values[t3("R25", c)]
            if row == "R02":
                values[t3("R01", c)] = handled
            else:
                values[t3("R01", c)] = min(values[t3("R01", c)], handled)
                values[t3("R02", c)] = handled - values[t3("R01", c)]
            values = with_totals(values)
        if not fail:
            return Case(values)
        if rule_id == "V-01":
            bad, shown = draw(st.sampled_from(BAD_COUNTS))
            return Case({**values, code: bad}, expected=[("V-01", (code,), None, shown)])
        if rule_id == "V-02":
            return Case({**values, code: Decimal("-0.000001")}, expected=[("V-02", (code,), None, "-0.000001")])
        return Case({**values, code: None}, expected=[("V-03", (code,), None, None)])  # blank where 0 was: sums hold
    return case()


def _meta_case(rule_id, fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        if rule_id == "M-01":
            field_ = draw(st.sampled_from(["META_NAME", "META_YEAR"]))
            if not fail:
                return Case({**values, field_: "某" if field_ == "META_NAME" else draw(st.sampled_from(["2022年", "2022 年度", 2022]))})
            bad = draw(st.sampled_from([None, "  ", "\u3000", "去年" if field_ == "META_YEAR" else ""]))
            return Case({**values, field_: bad}, expected=[("M-01", (field_,), None, None)])
        if rule_id == "M-02":
            year = draw(st.sampled_from([2020, TODAY.year + 1] if fail else [2021, TODAY.year]))
            return Case({**values, "META_YEAR": year}, expected=[("M-02", ("META_YEAR",), None, year)] if fail else [])
        good = draw(st.from_regex(r"[0-9A-HJ-NPQRTUWXY]{17}", fullmatch=True))
        good += uscc.CHARSET[(31 - sum(uscc.CHARSET.index(ch) * 3 ** i % 31 for i, ch in enumerate(good)) % 31) % 31]
        if not fail:
            return Case({**values, "META_USCC": draw(st.sampled_from([good, good.lower()]))})
        bad = draw(st.sampled_from([good[:-1], good + "0", good[:-1] + ("0" if good[-1] != "0" else "1")]))
        return Case({**values, "META_USCC": bad}, expected=[("M-03", ("META_USCC",), None, bad)])
    return case()


def _p02(fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        may = [lv for lv in Level if lv in (Level.STATE_COUNCIL_DEPARTMENT, Level.PROVINCE, Level.CITY_WITH_DISTRICTS,
                                            Level.AUTONOMOUS_PREFECTURE)]  # 立法法 第九十三条
        may_not = [lv for lv in Level if lv not in may]
        if fail:
            level, made = draw(st.sampled_from(may_not)), draw(st.integers(1, 9))
        else:
            level = draw(st.sampled_from(list(Level)))
            made = draw(st.integers(1, 9)) if level in may else 0
        values |= {"META_LEVEL": level.value, "T2.R1.C1": made, "T2.R1.C2": 0, "T2.R1.C3": made}
        return Case(values, expected=[("P-02", ("T2.R1.C1",), None, made)] if fail else [])
    return case()


def _previous(rule_id, fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        last = draw(valid_values())
        # both rules hold, whichever is under test: this year's carried over = last year's carried
        # forward, per column; in force = last year's in force + made − repealed (last year's own
        # made and repealed differ, so that reading the wrong year shows)
        for c in T3_COLUMNS:
            last[t3("R25", c)] = values[t3("R02", c)]
        for r in DOCUMENT_ROWS:
            made, repealed, in_force = (values[f"T2.{r}.C{i}"] for i in (1, 2, 3))
            last[f"T2.{r}.C1"], last[f"T2.{r}.C2"] = made + draw(st.integers(1, 9)), repealed + draw(st.integers(1, 9))
            last[f"T2.{r}.C3"] = in_force - made + repealed
            if last[f"T2.{r}.C3"] < 0:
                values[f"T2.{r}.C3"] -= last[f"T2.{r}.C3"]
                last[f"T2.{r}.C3"] = 0
        if not fail:
            return Case(values, previous=_report(last))
        if rule_id == "X-01":
            c = draw(st.sampled_from(T3_COLUMNS))
            last[t3("R25", c)] += 1
            expected = [("X-01", (t3("R02", c),), last[t3("R25", c)], values[t3("R02", c)])]
        else:
            r = draw(st.sampled_from(DOCUMENT_ROWS))
            last[f"T2.{r}.C3"] += 1
            made, repealed, in_force = (values[f"T2.{r}.C{i}"] for i in (1, 2, 3))
            expected = [("X-02", (f"T2.{r}.C3", f"T2.{r}.C1", f"T2.{r}.C2"), last[f"T2.{r}.C3"] + made - repealed, in_force)]
        return Case(values, previous=_report(last), expected=expected)
    return case()


def _n01(fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        received, carried = t3("R01", "C7"), t3("R02", "C7")
        options = ((received,), (received, carried))
        sums = [values[received], values[received] + values[carried]]
        stated = max(sums) + 1 if fail else draw(st.sampled_from(sums))
        expected = [("N-01", (received, carried), sums[0], stated)] if fail else []
        return Case(values, narrative=[NarrativeFigure("收到申请", "applications", stated, (received, carried), options)],
                    format=FORMAT_2021, expected=expected)
    return case()


def _n02(fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        received, carried, forward = (draw(st.integers(0, 500)) for _ in range(3))
        both = draw(st.booleans())  # "received" counted with or without those carried over
        handled = received + (carried if both else 0) - forward + (draw(st.integers(1, 50)) if fail else 0)
        if handled < 0:
            handled, forward = 0, received + (carried if both else 0) + (1 if fail else 0)
        if fail and handled + forward in (received, received + carried):
            handled += max(carried, 1) + 1
        expected = [("N-02", (), received + carried, handled + forward)] if fail else []
        return Case(values, narrative=[NarrativeBalance(received, carried, handled, forward)], format=FORMAT_2021,
                    expected=expected)
    return case()


def _f01(fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        if fail:
            values["META_YEAR"] = draw(st.integers(2021, TODAY.year))
            fmt = draw(st.sampled_from(["2019", "pre-2019", "mixed"]))
            return Case(values, format=fmt, expected=[("F-01", (), None, fmt)])
        fmt = draw(st.sampled_from([FORMAT_2021, FORMAT_2019, FORMAT_PRE_2019]))
        if fmt != FORMAT_2021:
            values["META_YEAR"] = draw(st.integers(2015, 2020))
        return Case(values, format=fmt)
    return case()


def _s01(fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        facts = WorkbookFacts(SPEC, SPEC.sheets, "2021.1", "2021.1")
        if not fail:
            return Case(values, workbook=facts)
        kind = draw(st.sampled_from(["version", "mismatch", "formula", "constant", "sheet"]))
        total = draw(st.sampled_from([t3(r, "C7") for r in T3_ROWS] + [t3("R24", c) for c in APPLICANTS]
                                     + [t4(r, "C5") for r in T4_ROWS]))
        formulas, expected = {}, None
        if kind == "version":
            facts, expected = WorkbookFacts(SPEC, SPEC.sheets, "2021.2", "2021.2"), ("S-01", (), None, "2021.2")
        elif kind == "mismatch":
            facts, expected = WorkbookFacts(SPEC, SPEC.sheets, "2021.1", "2020.9"), ("S-01", (), None, "2020.9 / 2021.1")
        elif kind == "sheet":
            facts, expected = WorkbookFacts(SPEC, SPEC.sheets[:1], "2021.1", "2021.1"), ("S-01", (), None, "表")
        elif kind == "formula":  # one part left out of the sum: one finding, the sums it feeds wait
            parts = CELLS[total].total_of[:-1]
            formulas[total] = "=SUM(" + ",".join(f"表!{_column(p)}1" for p in parts) + ")"
            expected = ("S-01", (total,), None, formulas[total])
        else:  # overwritten by the very value it had
            formulas[total] = None
            expected = ("S-01", (total,), None, str(values[total]))
        return Case(values, workbook=facts, formulas=formulas, expected=[expected])
    return case()


def cases(rule_id: str, fail: bool):
    if rule_id in ("V-01", "V-02", "V-03"):
        return _cell_case(rule_id, fail)
    if rule_id in ("M-01", "M-02", "M-03"):
        return _meta_case(rule_id, fail)
    if rule_id in ("X-01", "X-02"):
        return _previous(rule_id, fail)
    return {"T3-01": _t3_01, "T3-02": _t3_02, "T3-03": _t3_03, "T4-01": _t4_01, "P-01": _p01, "P-02": _p02,
            "N-01": _n01, "N-02": _n02, "F-01": _f01, "S-01": _s01}[rule_id](fail)
