"""The importer's promise as a property (issue 19): any generated report, flattened to one line or
laid out row by row, with one figure misprinted or one stray number inserted, gives either the
exact printed figures or unread cells — never a wrong figure, never a cell blank that is not
printed empty — and no error finding unless the printed figures themselves fail a sum.

The oracle is independent of the importer and of the catalogue's relation objects: the printed
figures are those the renderer was given, and the sums are written out by hand below.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreport_xl.core.standard import CELLS, CellKind
from govreport_xl.importing.audit import audit_imported
from govreport_xl.importing.importer import import_report
from published import made_up_report, render_flat, render_text

pytestmark = pytest.mark.slow  # many generated reports, flattened ones with large figures
LAYOUTS = ("flat", "tabs", "pipes", "spaces", "per_line")
HANDLED = [f"R{i:02d}" for i in range(3, 24)]


def sum_fails(rule: str, codes, v) -> bool:
    """Whether the printed figures `v` fail the instance of a sum rule a finding names, by hand."""
    table, row, col = codes[0].split(".")
    if rule == "T3-02":
        return v[f"T3.{row}.C7"] != sum(v[f"T3.{row}.C{i}"] for i in range(1, 7))
    if rule == "T3-03":
        return v[f"T3.R24.{col}"] != sum(v[f"T3.{r}.{col}"] for r in HANDLED)
    if rule == "T3-01":
        return v[f"T3.R01.{col}"] + v[f"T3.R02.{col}"] != v[f"T3.R24.{col}"] + v[f"T3.R25.{col}"]
    if rule == "T4-01":
        return v[f"T4.{row}.C5"] != sum(v[f"T4.{row}.C{i}"] for i in range(1, 5))
    return False


def misprinted(value: int, rnd: random.Random) -> int:
    """The figure printed wrong: a digit changed, one added, or one dropped."""
    s = str(value)
    i = rnd.randrange(len(s))
    for _ in range(20):
        out = rnd.choice([s[:i] + str(rnd.randrange(10)) + s[i + 1:], s[:i] + str(rnd.randrange(10)) + s[i:], s[:i] + s[i + 1:] or "0"])
        if int(out) != value:
            return int(out)
    return value + 1


def with_stray(text: str, layout: str, rnd: random.Random) -> str:
    """One number that is no figure of the report put among the tables' figures, as such numbers
    come: a page number or a year of the next section on a line of its own, or a label's own
    numbering ("2.") glued to the figures before it. In a flattened text it follows a row's
    figures. (Digits glued to a figure with nothing to set them apart are no stray number but a
    misprint of that figure, and a table without sums cannot tell them from it.)"""
    stray = rnd.choice([2, 5, 12, 2024, 2025])
    start = text.index("二、主动公开政府信息情况", text.index("本报告由"))
    if layout == "flat":
        places = [m.start() for m in re.finditer(r"(?<=\d)[^\d.,（(一二三四五六七八]", text[start:])]
        at = start + rnd.choice(places)
        return text[:at] + rnd.choice([f"\n{stray}\n", f"{stray % 10 or 2}."]) + text[at:]
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("二、主动公开"))
    last = next(i for i, line in enumerate(lines) if line.startswith("五、"))
    at = rnd.randrange(first + 1, last)
    return "\n".join(lines[:at] + [str(stray)] + lines[at:]) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10_000), st.sampled_from(LAYOUTS), st.sampled_from(["misprint", "stray"]), st.randoms(use_true_random=False))
def test_one_fault_never_gives_a_wrong_figure_nor_blames_the_report(tmp_path, seed, layout, fault, rnd):
    report = made_up_report(seed)
    if fault == "misprint":
        cell = rnd.choice([c for c in CELLS if c != "T2.R6.C1"])
        report = report.with_values({cell: misprinted(report.value(cell), rnd)})
    text = render_flat(report) if layout == "flat" else render_text(report, layout)
    if fault == "stray":
        text = with_stray(text, layout, rnd)
    path = tmp_path / f"r{seed}.txt"
    path.write_text(text, encoding="utf-8")
    got = import_report(path)
    v = {c: report.value(c) for c in CELLS}
    for c in CELLS:
        read = got.report.value(c)
        assert read is None or Decimal(read) == Decimal(v[c]), (c, read, v[c])
    assert not any(r.blank for r in got.tables.values())  # nothing is printed empty here
    counts = [v for r in got.tables.values() for c, v in r.values.items() if c in CELLS and CELLS[c].kind is CellKind.COUNT]
    assert all(type(v) is int for v in counts)  # a count is an int: never a fraction, nor a Decimal
    for f in audit_imported(got).findings:
        if f.is_error:
            assert f.rule in ("T3-01", "T3-02", "T3-03", "T4-01") and sum_fails(f.rule, f.codes, v), (f.rule, f.codes[:3])
