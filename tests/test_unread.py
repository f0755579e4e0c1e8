"""Never a 0 for what could not be read, for every rule: a cell made unread (absent from the
source, or refused with no number in it) gives no finding that uses it as 0 — this year's cells,
last year's (X-01, X-02) and the tables a narrative is compared with (N-01).

The oracle is independent of how each rule is written: a finding made while cell c was unread
must be one that c's value cannot change, so it must also be made with c set to any figure."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreport_xl.core.checks import NarrativeBalance, NarrativeFigure
from govreport_xl.core.evaluate import evaluate
from govreport_xl.core.findings import Reason
from govreport_xl.core.reading import read
from govreport_xl.core.source import MappingSource, meta_values
from govreport_xl.core.standard import CELLS
from helpers import TODAY
from published import made_up_report

CODES = list(CELLS)
WAYS = ("absent", "refused", "ambiguous", "text", "none_word")
FIGURES = (0, 3, 1001)


def _values(report, changes: dict) -> dict:
    return {**meta_values(report.meta), **report.values(), **changes}


def _reading(values: dict, cell: str | None = None, way: str | None = None, figure=None):
    """A reading of `values` with `cell` unread in `way`, or set to `figure`."""
    values, absent, reasons, unread = dict(values), set(), {}, {}
    if figure is not None:
        values[cell] = figure
    elif way == "absent":
        absent.add(cell)
    elif way == "refused":  # the source could not take the value (too large …): its own finding
        values[cell], reasons[cell] = None, Reason("too_large", "1e20")
    elif way == "ambiguous":  # the reader could not tell what the cell holds: its uncertainty
        values[cell], unread[cell] = None, Reason("ambiguous", "12 3")
    elif way == "text":
        values[cell] = "见附件"
    elif way == "none_word":
        values[cell] = "/"
    return read(MappingSource("t", values, absent=frozenset(absent), reasons=reasons, unread=unread))


def _narrative(this: dict) -> list:
    received = (this["T3.R01.C7"] or 0) + 1  # stated one more than the table: an N-01 finding when read
    return [NarrativeFigure("收到申请", "applications received", received, ("T3.R01.C7", "T3.R02.C7"),
                            (("T3.R01.C7",), ("T3.R01.C7", "T3.R02.C7"))),
            NarrativeFigure("行政复议", "reviews", 5, ("T4.R1.C5",), (("T4.R1.C5",),)),
            NarrativeBalance(received=30, carried=4, handled=33, forward=2)]


def _own(finding, cell: str) -> bool:
    """The unread cell's own finding (V-01/V-02 saying what it holds) reports it; it does not use it."""
    return finding.rule in ("V-01", "V-02") and finding.codes == (cell,)


@st.composite
def batch(draw):
    seed = draw(st.integers(1, 500))
    this = made_up_report(seed)
    this = this.model_copy(update={"meta": this.meta.model_copy(update={"year": 2023, "name": "某局"})})
    last = made_up_report(seed + 1)
    last = last.model_copy(update={"meta": last.meta.model_copy(update={"year": 2022, "name": "某局"})})
    bumps = draw(st.dictionaries(st.sampled_from(CODES), st.integers(1, 7), max_size=4))  # some rules fail
    this_changes = {c: (this.value(c) or 0) + d for c, d in bumps.items() if c != "T2.R6.C1"}
    cell = draw(st.sampled_from(CODES))
    way = draw(st.sampled_from(WAYS))
    last_year = draw(st.booleans())
    return _values(this, this_changes), _values(last, {}), cell, way, last_year


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch())
def test_no_finding_uses_an_unread_cell_as_zero(case):
    this, last, cell, way, last_year = case
    narrative = _narrative(this)

    def findings(this_reading, last_reading):
        result = evaluate(this_reading, previous=last_reading, narrative=narrative, today=TODAY)
        return result.findings

    if last_year:
        unread = findings(_reading(this), _reading(last, cell, way))
        variants = [findings(_reading(this), _reading(last, cell, figure=x)) for x in FIGURES]
    else:
        unread = findings(_reading(this, cell, way), _reading(last))
        variants = [findings(_reading(this, cell, figure=x), _reading(last)) for x in FIGURES]
    for finding in unread:
        if not last_year and _own(finding, cell):
            continue
        for x, found in zip(FIGURES, variants):
            assert finding in found, (cell, way, "last year" if last_year else "this year", x, finding)


def test_last_years_unread_carry_over_is_not_compared_as_zero():
    """The case from the issue: last year's 结转下年度 could not be read; X-01 is not checkable."""
    this = made_up_report(3)
    this = this.model_copy(update={"meta": this.meta.model_copy(update={"year": 2023, "name": "某局"})})
    this = this.with_values({"T3.R02.C1": 5})
    last = made_up_report(4)
    last = last.model_copy(update={"meta": last.meta.model_copy(update={"year": 2022, "name": "某局"})})
    result = evaluate(_reading(_values(this, {})), previous=_reading(_values(last, {}), "T3.R25.C1", "text"), today=TODAY)
    assert not [f for f in result.findings if f.rule == "X-01" and "T3.R02.C1" in f.codes]
    [why] = [u for u in result.unchecked if u.rule == "X-01" and "T3.R02.C1" in u.codes]
    assert why.reason.key == "previous_unread" and "T3.R25.C1" in why.reason.render("zh")
    # a bare Report cannot tell blank from unread: its None is not compared either
    bare = last.with_values({"T3.R25.C1": None})
    result = evaluate(_reading(_values(this, {})), previous=bare, today=TODAY)
    assert [u.reason.key for u in result.unchecked if u.rule == "X-01" and "T3.R02.C1" in u.codes] == ["previous_blank"]


def test_a_narrative_figure_against_a_table_not_read_is_not_checkable(tmp_path):
    """"收到 34 件" against a table 3 that was not read at all: N-01 is not checkable, never a 0."""
    import govreport_xl
    from published import narrative, render_text

    report = made_up_report(5)
    text = render_text(report)
    start = text.index("三、收到和处理政府信息公开申请情况")
    end = text.index("四、政府信息公开行政复议、行政诉讼情况")
    path = tmp_path / "no_t3.txt"
    path.write_text(text[:start] + "\n".join(narrative(report, 2022)) + "\n本年共收到政府信息公开申请34件。\n" + text[end:], encoding="utf-8")
    result = govreport_xl.audit(path)
    assert result.error is None
    assert not [f for f in result.findings if f.rule in ("N-01", "N-02")]
    assert any(u.rule == "N-01" and u.for_want_of_cells for u in result.unchecked)


def test_a_cell_the_reader_could_not_settle_is_no_error_of_the_report():
    """Issue 19 item 1: the importer's uncertainty is not the report's error. An ambiguous cell
    has no finding of its own (no V-01), the checks that need it are not checkable, and the
    report is incomplete; a value the source refused (too large) stays a V-01 finding."""
    values = _values(made_up_report(7), {})
    result = evaluate(_reading(values, "T3.R05.C1", "ambiguous"), today=TODAY)
    assert not [f for f in result.findings if "T3.R05.C1" in f.codes] and result.status == "incomplete"
    assert {u.rule for u in result.unchecked if "T3.R05.C1" in u.codes} >= {"V-01", "T3-02", "T3-03"}
    assert all(u.reason.key == "cells_unread" for u in result.unchecked)
    refused = evaluate(_reading(values, "T3.R05.C1", "refused"), today=TODAY)
    assert [f.rule for f in refused.findings if f.codes == ("T3.R05.C1",)] == ["V-01"] and refused.status == "invalid"
