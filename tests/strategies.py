"""Hypothesis strategies per rule (after pandera's per-check strategies): for every rule of the
catalogue, cases that just pass and cases that fail it exactly at the boundary.

A case is what the engine takes: raw cell values (as any source hands them over), and where the
rule needs them, last year's report, narrative figures, the detected format or workbook facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from hypothesis import strategies as st

from govreport_xl.core.checks import NarrativeBalance, NarrativeFigure
from govreport_xl.core.model import Report
from govreport_xl.core.reading import complete_totals
from govreport_xl.core.rules import RULES_MADE, previous_year_relations, relations_of
from govreport_xl.core.source import MappingSource, RawCell, TemplateSpec, WorkbookFacts, meta_values
from govreport_xl.core.standard import (
    CELLS, FORMAT_2019, FORMAT_2021, FORMAT_PRE_2019, INPUT_CODES, T2, T2_DOCUMENT_ROWS, T2_IN_FORCE, T2_MADE, T2_REPEALED,
    CellKind, Level, code,
)
from govreport_xl.core import uscc

TODAY = dt.date(2026, 11, 26)
SPEC = TemplateSpec(("封面", "表"), ("2021.1",))


@dataclass
class Case:
    values: dict
    previous: Report | None = None
    narrative: list | None = None
    format: str | None = None
    workbook: WorkbookFacts | None = None
    formulas: dict = field(default_factory=dict)  # code -> formula text (a workbook source)


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
    """A report that passes every rule: inputs drawn freely, totals and carried-forward fitted."""
    values = {c: draw(amounts if CELLS[c].kind is CellKind.AMOUNT else counts) for c in INPUT_CODES}
    for row in (r.code for r in T2.rows if r.code in T2_DOCUMENT_ROWS):
        made, repealed = values[code("T2", row, T2_MADE)], values[code("T2", row, T2_REPEALED)]
        values[code("T2", row, T2_IN_FORCE)] = max(made - repealed, 0) + draw(st.integers(0, 5))
    values = complete_totals(values, [c for c in CELLS if CELLS[c].is_total])
    for rel in relations_of("T3-01"):  # carried over fitted so that the official note holds
        carried = next(t.code for t in rel.expected if ".R02." in t.code)
        received = next(t.code for t in rel.expected if t.code != carried)
        handled = sum(values[t.code] for t in rel.actual)
        values[received] = min(values[received], handled)
        values[carried] = handled - values[received]
    values = complete_totals(values, [c for c in CELLS if CELLS[c].is_total])
    meta = {"name": draw(names), "year": draw(st.integers(2021, TODAY.year)), "level": Level.CITY_WITH_DISTRICTS.value}
    return {**meta_values(Report.build(meta).meta), **values}


def _retotal(values: dict, which=None) -> dict:
    """The case with its computed totals (all, or `which`) fitted to its inputs again."""
    cells = {c: v for c, v in values.items() if c in CELLS}
    return values | complete_totals(cells, which if which is not None else [c for c in CELLS if CELLS[c].is_total])


def _report(values: dict) -> Report:
    return Report.build({}, {c: v for c, v in values.items() if c in CELLS})


def _relation_case(rule_id, fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        if fail:
            rel = draw(st.sampled_from(relations_of(rule_id)))
            target = draw(st.sampled_from([t.code for t in (*rel.actual, *rel.expected)]))
            values[target] += 1  # one past what holds
        return Case(values)
    return case()


def _p01(fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        rel = draw(st.sampled_from(relations_of("P-01")))
        made, repealed = draw(st.integers(1, 100)), draw(st.integers(0, 100))
        [in_force] = rel.actual
        values[rel.expected[0].code], values[rel.expected[1].code] = made + repealed, repealed
        values[in_force.code] = made - (1 if fail else 0)  # at the boundary: equal passes, one less fails
        return Case(values)
    return case()


def _cell_case(rule_id, fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        cells = [c for c in INPUT_CODES if (CELLS[c].kind is CellKind.AMOUNT) == (rule_id == "V-02")]
        c = draw(st.sampled_from(cells if rule_id != "V-03" else INPUT_CODES))
        if rule_id == "V-01":
            values[c] = draw(st.sampled_from([-1, Decimal("0.5"), "0", "/", True])) if fail else 0
        elif rule_id == "V-02":
            values[c] = Decimal("-0.000001") if fail else Decimal(0)
        else:
            values[c] = None if fail else 0
        if not fail:
            values = _retotal(values, [t for t in CELLS if CELLS[t].is_total and c in CELLS[t].total_of])
        return Case(values)
    return case()


def _meta_case(rule_id, fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        if rule_id == "M-01":
            field_ = draw(st.sampled_from(["META_NAME", "META_YEAR"]))
            values[field_] = draw(st.sampled_from([None, "  ", "" if field_ == "META_NAME" else "去年"])) if fail else (
                "某" if field_ == "META_NAME" else "2022年")
        elif rule_id == "M-02":
            values["META_YEAR"] = draw(st.sampled_from([2020, TODAY.year + 1] if fail else [2021, TODAY.year]))
        else:
            good = draw(st.from_regex(r"[0-9A-HJ-NPQRTUWXY]{17}", fullmatch=True))
            good += uscc.check_character(good)
            bad = draw(st.sampled_from([good[:-1], good + "0", good[:-1] + ("0" if good[-1] != "0" else "1")]))
            values["META_USCC"] = bad if fail else draw(st.sampled_from([good, good.lower()]))
        return Case(values)
    return case()


def _p02(fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        may = [lv for lv in Level if lv.may_make_rules]
        may_not = [lv for lv in Level if not lv.may_make_rules]
        if fail:
            values["META_LEVEL"], made = draw(st.sampled_from(may_not)).value, 1
        else:
            level = draw(st.sampled_from(may + may_not))
            values["META_LEVEL"], made = level.value, (draw(st.integers(1, 9)) if level.may_make_rules else 0)
        values[RULES_MADE] = made
        values = _retotal(values)
        return Case(values)
    return case()


def _previous(rule_id, fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        last = dict(draw(valid_values()))
        for check in previous_year_relations():
            if check.rule.id != rule_id:
                continue
            # last year's made/repealed differ from this year's, so reading the wrong year shows
            for t in check.expected:
                last[t.code] = values[t.code] + draw(st.integers(1, 9))
            [target] = check.actual
            [last_cell] = check.expected_last
            want = sum(t.sign * values[t.code] for t in check.expected)
            last[last_cell.code] = values[target.code] - want
            if last[last_cell.code] < 0:
                values[target.code] -= last[last_cell.code]
                last[last_cell.code] = 0
        if fail:
            check = draw(st.sampled_from([c for c in previous_year_relations() if c.rule.id == rule_id]))
            last[check.expected_last[0].code] += 1
        return Case(values, previous=_report(last))
    return case()


def _n01(fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        received, carried = "T3.R01.C7", "T3.R02.C7"
        options = ((received,), (received, carried))
        sums = [sum(values[c] for c in o) for o in options]
        stated = max(sums) + 1 if fail else draw(st.sampled_from(sums))
        return Case(values, narrative=[NarrativeFigure("收到申请", "applications", stated, (received, carried), options)],
                    format=FORMAT_2021)
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
        return Case(values, narrative=[NarrativeBalance(received, carried, handled, forward)], format=FORMAT_2021)
    return case()


def _f01(fail):
    @st.composite
    def case(draw):
        values = draw(valid_values())
        if fail:
            values["META_YEAR"] = draw(st.integers(2021, TODAY.year))
            fmt = draw(st.sampled_from(["2019", "pre-2019", "mixed"]))
        else:
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
        formulas = {}
        if fail:
            kind = draw(st.sampled_from(["version", "mismatch", "formula", "constant", "sheet"]))
            total = draw(st.sampled_from([c for c in CELLS if CELLS[c].is_total]))
            parts = CELLS[total].total_of
            if kind == "version":
                facts = WorkbookFacts(SPEC, SPEC.sheets, "2021.2", "2021.2")
            elif kind == "mismatch":
                facts = WorkbookFacts(SPEC, SPEC.sheets, "2021.1", "2020.9")
            elif kind == "sheet":
                facts = WorkbookFacts(SPEC, SPEC.sheets[:1], "2021.1", "2021.1")
            elif kind == "formula":  # one part left out of the sum
                formulas[total] = "=SUM(" + ",".join(f"表!{_column(p)}1" for p in parts[:-1]) + ")"
            else:  # overwritten by the very value it had
                formulas[total] = None
        return Case(values, workbook=facts, formulas=formulas)
    return case()


def cases(rule_id: str, fail: bool):
    if rule_id in ("T3-01", "T3-02", "T3-03", "T4-01"):
        return _relation_case(rule_id, fail)
    if rule_id in ("V-01", "V-02", "V-03"):
        return _cell_case(rule_id, fail)
    if rule_id in ("M-01", "M-02", "M-03"):
        return _meta_case(rule_id, fail)
    if rule_id in ("X-01", "X-02"):
        return _previous(rule_id, fail)
    return {"P-01": _p01, "P-02": _p02, "N-01": _n01, "N-02": _n02, "F-01": _f01, "S-01": _s01}[rule_id](fail)
