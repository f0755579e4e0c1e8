"""Rows of tables printed without ruling lines, over layouts made by the thousand (laid_out.py):
every figure read is the one printed in its cell; a row not certain is unread, never filled
with a neighbour's figures."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import govreport_xl
import laid_out
import pdfgen
from govreport_xl.core.standard import T3
from govreport_xl.importing.importer import import_report, read_tables, sections
from govreport_xl.importing.pdf_rows import borderless_lines
from govreport_xl.importing.tokens import normalize
from published import made_up_report

LABELS = {row.code: row.label for row in T3.rows}


def read(words: list[dict]):
    """Table 3 as the importer reads it from these words (by its section, or without its heading
    by the rows' labels)."""
    items, _ = borderless_lines(words)
    lines = [normalize(text) for _, text in sorted(items, key=lambda item: item[0])]
    tables, *_ = read_tables("\n".join(lines), sections(lines), flatten=False)
    return tables["T3"]


def wrong(report, got) -> dict:
    return {c: (v, report.value(c)) for c, v in got.values.items() if v != report.value(c)}


shapes = st.builds(
    laid_out.Shape,
    align=st.sampled_from(["top", "center", "bottom"]),
    label_chars=st.integers(3, 24),
    group_chars=st.integers(1, 3),
    figure_digits=st.integers(1, 6),
    merged=st.booleans(),
    heading=st.booleans(),
)


@pytest.mark.slow  # hundreds of layouts
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 40), shape=shapes)
# a label's closing quote wrapped onto a line of its own, run into the group label's "）" beside it
@example(seed=0, shape=laid_out.Shape(align="center", label_chars=11, group_chars=1, figure_digits=5, merged=True, heading=False))
# a label's closing bracket alone on its last line, under the label's opening bracket
@example(seed=32, shape=laid_out.Shape(align="center", label_chars=24, group_chars=3, figure_digits=5, merged=True, heading=False))
def test_a_figure_is_read_as_printed_or_not_at_all(seed, shape):
    report = made_up_report(seed)
    got = read(laid_out.words(report, shape))
    assert not wrong(report, got)
    widest = max(len(str(report.value(c.code))) for c in T3.cells)
    if shape.figure_digits >= widest:  # no figure wraps: every figure stands beside its label
        assert got.status == "complete" and not got.unread, got.notes


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 40), shape=shapes, row=st.sampled_from([r.code for r in T3.rows]), at=st.integers(0, 40),
       typo=st.sampled_from("止其它口"))
def test_a_label_not_recognised_leaves_rows_unread_never_shifted(seed, shape, row, at, typo):
    """A misprinted label ("2.其他法律行政止公开") is no row's: its figures, and any figure that
    could be its or a neighbour's, are unread; no figure goes to another row."""
    label = LABELS[row]
    at = at % len(label)
    assume(label[at] != typo)
    report = made_up_report(seed)
    shape = laid_out.Shape(**{**shape.__dict__, "misprint": (row, label[:at] + typo + label[at + 1:])})
    got = read(laid_out.words(report, shape))
    assert not wrong(report, got)


def test_top_aligned_rows_with_wrapped_figures_read_exactly():
    """The issue's case and the narrow columns at once: no gap between rows, labels wrapped below
    their figures, four-digit figures in two pieces; the table's alignment, shown by the rows whose
    labels wrap, says which row each piece belongs to."""
    report = made_up_report(3)
    words = laid_out.words(report, laid_out.Shape(align="top", label_chars=6, figure_digits=2))
    assert {"12", "34"} <= {w["text"] for w in words} and "1234" not in {w["text"] for w in words}
    got = read(words)
    assert got.status == "complete" and not wrong(report, got)


def _word(text: str, x: float, top: float) -> dict:
    return {"text": text, "x0": x, "x1": x + 5 * len(text), "top": top, "bottom": top + 9}


def test_pages_made_to_be_costly_are_read_in_bounded_work():
    """A page's worth of glyphs (pdf_bounds allows 20,000) as a grid of digits on lines closer than
    a line's height, and as hundreds of lines each starting every label: the labels found are
    capped, each column's ways of cutting are bounded, and nothing is read into a row."""
    heading = [_word(T3.heading, 50, 10)]
    grid = heading + [_word(str((r + c) % 10), 200 + 6 * c, 30 + 3 * r) for r in range(200) for c in range(100)]
    grid += [_word(row.label[:4], 10, 30 + 21 * k) for k, row in enumerate(T3.rows)]
    labels = "".join(row.label for row in T3.rows)
    spelled = heading + [_word(labels[k * 7 % 300:k * 7 % 300 + 30], 10, 30 + 2.6 * k) for k in range(700)]
    spelled += [_word("1", 400, 30 + 2.6 * k) for k in range(700)]
    for words in (grid, spelled):
        lines, _ = borderless_lines(words)
        assert not [text for _, text in lines if "\t" in text]  # no row: nothing here is a table's


def _document(report, shape) -> list[dict]:
    """A page with the report's title and its table 3 laid out in `shape`."""
    title = f"{report.meta.name}{report.meta.year}年政府信息公开工作年度报告"
    return [laid_out.line(title, 60, 40), *laid_out.words(report, shape)]


def _with_stray(words: list[dict], stray) -> list[dict]:
    """The page with a number that is no cell's put among the table's words (at fractions of its
    width and height, on a line of the table or between lines), where it overlaps no word."""
    if stray is None:
        return words
    text, fx, fy, on_line = stray
    table = words[1:]  # not the title
    left, right = min(w["x0"] for w in table), max(w["x1"] for w in table) + 30
    tops = sorted({w["top"] for w in table})
    top = tops[round(fy * (len(tops) - 1))] if on_line else tops[0] + fy * (tops[-1] - tops[0])
    x0 = left + fx * (right - left)
    new = {"text": text, "x0": x0, "x1": x0 + laid_out.DIGIT * len(text), "top": top, "bottom": top + laid_out.HEIGHT}
    if any(new["x0"] < w["x1"] + 2 and w["x0"] < new["x1"] + 2 and new["top"] < w["bottom"] + 1 and w["top"] < new["bottom"] + 1
           for w in words):
        return words
    return [*words, new]


def _touching_t3(findings) -> set:
    t3 = {c.code for c in T3.cells}
    return {(f.rule, f.codes) for f in findings if set(f.codes) & t3}


@pytest.mark.slow  # a PDF written and audited per case
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 40), shape=shapes.filter(lambda s: s.figure_digits <= 4), misprint=st.booleans(),
       cell=st.sampled_from([c.code for c in T3.cells]),
       stray=st.none() | st.tuples(st.sampled_from(["1", "7", "12", "305", "2024"]), st.floats(0, 1), st.floats(0, 1), st.booleans()))
def test_a_printed_pdf_audit_reads_as_printed_and_blames_only_the_report(tmp_path_factory, seed, shape, misprint, cell, stray):
    """The promise end to end: table 3 laid out (top, centre or bottom aligned, labels wrapped,
    four-digit figures wrapped in narrow columns), written as a PDF and audited. Every figure read
    is the one printed, and every finding on table 3 is the printed report's own: a figure
    printed one too high (`misprint`) may be found wrong, a misread never, nor a stray number
    (`stray`) taken for a cell."""
    report = made_up_report(seed)
    if misprint:
        report = report.with_values({cell: report.value(cell) + 1})
    pdf = pdfgen.words(tmp_path_factory.mktemp("laid") / "report.pdf", _with_stray(_document(report, shape), stray))
    got = import_report(pdf)
    assert got.layout == "pdf"
    assert {c: (v, report.value(c)) for c, v in got.report.values().items() if v is not None and v != report.value(c)} == {}
    # errors and warnings alike (a printed figure said blank, V-03, would be a misread too)
    assert _touching_t3(govreport_xl.audit(pdf).findings) <= _touching_t3(govreport_xl.validate(report).findings)
