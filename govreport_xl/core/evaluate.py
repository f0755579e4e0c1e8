"""The evaluator: runs the catalogue's registered checks over one reading and returns a Result.

Pure logic. Arithmetic follows spreadsheet SUM semantics so that the Python validator and the
in-sheet formulas agree: a blank or text cell adds 0, a negative or fractional number adds itself.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .checks import CHECKS, Context, NarrativeBalance, NarrativeFigure
from .findings import Finding, Reason
from .reading import Reading, spreadsheet_values, total_value
from .result import Result, Unchecked
from .rules import RULES, Need
from .standard import CELLS, OLDER_FORMATS

if TYPE_CHECKING:
    from .model import Report

# Findings are listed as a clerk fixes them: the file's structure, then its cover, then values
# that are not numbers, then the sums those values feed, then what only needs a look.
REPORT_ORDER = ("S-01", "F-01", "M-01", "M-02", "M-03", "V-01", "V-02",
                "T3-01", "T3-02", "T3-03", "T4-01", "P-01", "V-03", "P-02", "X-01", "X-02", "N-01", "N-02")
assert sorted(REPORT_ORDER) == sorted(RULES)


def unknown_rules(ids: Iterable[str]) -> list[str]:
    return [r for r in ids if r not in RULES]


def _scope(reading: Reading, previous, narrative, no_previous_because) -> dict[Need, Reason | None]:
    """Each need, with None where it is met, else why not."""
    return {
        Need.REPORT: (Reason("older_format") if reading.format in OLDER_FORMATS
                      else Reason("not_a_template") if reading.not_template else None),
        Need.WORKBOOK: None if reading.workbook is not None else Reason("not_a_workbook"),
        Need.PREVIOUS: None if previous is not None else no_previous_because or Reason("no_previous"),
        Need.NARRATIVE: None if narrative is not None else Reason("not_imported"),
        Need.FORMAT: None if reading.format is not None else Reason("not_imported"),
    }


def evaluate(
    reading: Reading,
    *,
    previous: Report | Reading | None = None,
    narrative: Sequence[NarrativeFigure | NarrativeBalance] | None = None,
    rules: Iterable[str] | None = None,
    skip: Iterable[str] | None = None,
    today: _dt.date | None = None,
    no_previous_because: Reason | None = None,
) -> Result:
    """Every rule of the catalogue that is in scope and selected, as one Result. Where last
    year's report was looked for and not found, `no_previous_because` says why."""
    selected = set(RULES if rules is None else rules) - set(skip or ())
    scope = _scope(reading, previous, narrative, no_previous_because)
    ctx = Context(reading, previous, narrative, today)
    findings: list[Finding] = []
    unchecked: list[Unchecked] = []
    checked, skipped = [], {}
    for rule in RULES.values():
        why_not = next((scope[n] for n in rule.needs if scope[n] is not None), None) if rule.id in selected else Reason("not_selected")
        if why_not is not None:
            skipped[rule.id] = why_not
            continue
        checked.append(rule.id)
        for outcome in CHECKS[rule.id](rule, ctx):
            (findings if isinstance(outcome, Finding) else unchecked).append(outcome)
    findings.sort(key=lambda f: REPORT_ORDER.index(f.rule))
    result = Result(
        reading.name, reading.kind, reading.figures,
        [f if f.cells else f.located(reading.locate) for f in findings],
        [Unchecked(u.rule, u.codes, u.reason, tuple(a for c in u.codes if (a := reading.locate(c)))) for u in unchecked],
        tuple(checked), skipped,
    )
    result.refused = typed_in_refused(reading)
    result.unread = {**{c: Reason("not_found") for c in CELLS if c in reading.absent}, **reading.unread}
    return result


def typed_in_refused(reading: Reading) -> dict[str, object]:
    """The refused cells and what they held, less the totals that only add up refused parts (a
    formula's result, not something typed: written back, it would replace the formula)."""
    numbers = spreadsheet_values(reading.figures.values(), reading.problems.values())
    return {code: as_typed(p) for code, p in reading.problems.items()
            if not (code in CELLS and CELLS[code].is_total and p.numeric is not None and p.numeric == total_value(code, numbers))}


def as_typed(problem) -> object:
    """What a refused cell held, as near as JSON keeps it: the number a spreadsheet would add
    (a negative, a fraction), else the text the reason quotes ("/", "无", "35", a formula)."""
    if problem.numeric is not None:
        n = problem.numeric
        return int(n) if n == n.to_integral_value() else float(n)
    return problem.reason.raw
