"""The evaluator: runs the rule catalogue over one report and returns findings.

Pure logic. Arithmetic follows spreadsheet SUM semantics so that the Python validator and the
in-sheet formulas agree: a blank or text cell adds 0, a negative or fractional number adds itself.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from . import uscc
from .findings import CellProblem, Finding, Reason
from .model import Report
from .rules import Relation, Term, cell_checks, previous_year_relations, relations
from .standard import CELLS, FIRST_YEAR, META_FIELDS, TOTAL_CODES, CellKind

Number = Decimal | None
_META_EN = {"name": "the reporting body's name", "year": "the report year"}


def spreadsheet_values(values: Mapping[str, object], problems: Iterable[CellProblem] = ()) -> dict[str, Number]:
    """What a spreadsheet would compute with: valid values, else a refused number, else None."""
    out: dict[str, Number] = {c: (None if v is None else Decimal(v)) for c, v in values.items()}
    for p in problems:
        if p.code in out and out[p.code] is None:
            out[p.code] = p.numeric
    return out


def arithmetic_values(report: Report, problems: Iterable[CellProblem] = ()) -> dict[str, Number]:
    return spreadsheet_values(report.values(), problems)


def total_value(code: str, values: Mapping[str, Number]) -> Decimal:
    """The value the template's formula gives a computed total, from the cells it adds up."""
    return sum((_num(values, c) for c in CELLS[code].total_of), Decimal(0))


def complete_totals(values: Mapping[str, object], which: Iterable[str] | None = None) -> dict[str, object]:
    """Fill the computed totals in `which` (default: those that are None) from their inputs.

    TOTAL_CODES is ordered so that a total's parts come before it (T3.R24.C7 after T3.R24.C1–C6).
    """
    out = dict(values)
    numbers = spreadsheet_values(out)
    todo = set(which) if which is not None else {c for c in TOTAL_CODES if out.get(c) is None}
    for code in TOTAL_CODES:
        if code in todo:
            numbers[code] = total = total_value(code, numbers)
            out[code] = int(total) if CELLS[code].kind is CellKind.COUNT and total == int(total) else total
    return out


def _num(values: Mapping[str, Number], code: str) -> Decimal:
    v = values.get(code)
    return Decimal(0) if v is None else v


def _sum(values: Mapping[str, Number], terms: Sequence[Term]) -> Decimal:
    return sum((t.sign * _num(values, t.code) for t in terms), Decimal(0))


def check_relation(rel: Relation, values: Mapping[str, Number]) -> Finding | None:
    actual, expected = _sum(values, rel.actual), _sum(values, rel.expected)
    if rel.holds(actual, expected):
        return None
    return Finding(rel.rule.id, rel.params, rel.codes, expected=expected, actual=actual)


def _cell_findings(report: Report, problems: Mapping[str, CellProblem]) -> tuple[list[Finding], list[Finding]]:
    invalid, blanks = [], []
    for check in cell_checks():
        problem = problems.get(check.code)
        if problem is not None and problem.missing:
            continue  # S-01 already says the cell could not be found
        if check.rule.id == "V-03":
            if problem is None and report.value(check.code) is None:
                blanks.append(Finding("V-03", check.params, check.codes, actual=None))
        elif problem is not None:
            params = {**check.params, "reason": problem.reason}
            invalid.append(Finding(check.rule.id, params, check.codes, actual=problem.reason.raw))
    return invalid, blanks


def _meta_findings(report: Report, problems: Mapping[str, CellProblem], today: _dt.date) -> list[Finding]:
    out = []
    meta = report.meta
    for f in META_FIELDS:
        if f.required and getattr(meta, f.key) is None:
            p = problems.get(f.name)
            params = {"field": f.label, "field_en": _META_EN[f.key], "reason": p.reason if p else Reason("blank")}
            out.append(Finding("M-01", params, (f.name,)))
    if meta.year is not None and not FIRST_YEAR <= meta.year <= today.year:
        out.append(Finding("M-02", {"year": meta.year, "this_year": today.year}, ("META_YEAR",), actual=meta.year))
    if meta.uscc is not None and (bad := uscc.problem(meta.uscc)):
        out.append(Finding("M-03", {"uscc": meta.uscc, "reason": Reason(*bad)}, ("META_USCC",), actual=meta.uscc))
    return out


def _rule_maker_findings(report: Report, values: Mapping[str, Number]) -> list[Finding]:
    level, made = report.meta.level, _num(values, "T2.R1.C1")
    if level is None or level.may_make_rules or made <= 0:
        return []
    return [Finding("P-02", {"level": level.value, "made": int(made)}, ("T2.R1.C1",), actual=made)]


def _previous_findings(values: Mapping[str, Number], previous: Report) -> list[Finding]:
    last = arithmetic_values(previous)
    out = []
    for check in previous_year_relations():
        got = _sum(values, check.actual)
        want = _sum(values, check.expected) + _sum(last, check.expected_last)
        if got != want:
            out.append(Finding(check.rule.id, check.params, check.codes, expected=want, actual=got))
    return out


@dataclass(frozen=True)
class NarrativeFigure:
    """A figure stated in a report's narrative, with the table values it may equal (N-01)."""

    subject: str
    subject_en: str
    stated: int
    codes: tuple[str, ...]
    accepted: tuple[tuple[str, ...], ...]  # each a set of codes whose sum may equal `stated`


def _narrative_findings(values: Mapping[str, Number], figures: Iterable[NarrativeFigure]) -> list[Finding]:
    out = []
    for fig in figures:
        sums = [_sum(values, [Term(c) for c in option]) for option in fig.accepted]
        if fig.stated not in sums:
            params = {"subject": fig.subject, "subject_en": fig.subject_en, "stated": fig.stated}
            out.append(Finding("N-01", params, fig.codes, expected=sums[0], actual=fig.stated))
    return out


def evaluate(
    report: Report,
    problems: Iterable[CellProblem] = (),
    structure: Iterable[Finding] = (),
    previous: Report | None = None,
    narrative: Iterable[NarrativeFigure] = (),
    today: _dt.date | None = None,
) -> list[Finding]:
    """All findings for one report, errors of structure and metadata first. Cells are not located."""
    problems = list(problems)
    by_code = {p.code: p for p in problems}
    values = arithmetic_values(report, problems)
    invalid, blanks = _cell_findings(report, by_code)
    findings = [*structure, *_meta_findings(report, by_code, today or _dt.date.today()), *invalid]
    findings += [f for rel in relations() if (f := check_relation(rel, values))]
    findings += blanks
    findings += _rule_maker_findings(report, values)
    if previous is not None:
        findings += _previous_findings(values, previous)
    findings += _narrative_findings(values, narrative)
    return findings
