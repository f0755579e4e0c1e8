"""Published reports as PDF: documents generated here (the rendered Word report, the filled
template, the web page) printed by LibreOffice, read back through the page geometry."""

from __future__ import annotations

import pytest

import govreport_xl
import pdfgen
from govreport_xl.core.standard import T3
from govreport_xl.excel.filler import fill_workbook
from govreport_xl.importing.importer import import_report
from govreport_xl.render import render
from helpers import example_report
from libreoffice import convert
from published import made_up_report
from word_layouts import Layout, reshape

pytestmark = pytest.mark.slow  # the command line in subprocesses, LibreOffice

LONG_NARRATIVE = "# 一、总体情况\n" + "\n".join(f"第{i}段：本机关认真贯彻落实《中华人民共和国政府信息公开条例》，"
                                                 "不断完善公开制度、扩大公开领域、加强平台建设。" * 3 for i in range(1, 7))


def _exact(path, report):
    got = import_report(path)
    assert got.kind == "pdf" and got.layout == "pdf"
    assert {t: r.status for t, r in got.tables.items()} == {"T2": "complete", "T3": "complete", "T4": "complete"}, got.notes
    assert got.report.to_json_dict()["cells"] == report.to_json_dict()["cells"]
    assert (got.report.meta.name, got.report.meta.year) == (report.meta.name, report.meta.year)
    return got


def _reports():
    out = [example_report()]
    for seed in (1, 6):
        r = made_up_report(seed)
        out.append(r.model_copy(update={"meta": r.meta.model_copy(update={"year": 2022})}))
    return out


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Each report rendered as Word (and one as a web page, one with a narrative that pushes
    table 3 across a page break), and the filled template, all printed to PDF in one batch."""
    src = tmp_path_factory.mktemp("docs")
    narrative = src / "long.md"
    narrative.write_text(LONG_NARRATIVE, encoding="utf-8")
    files, reports = [], []
    for i, report in enumerate(_reports()):
        result = govreport_xl.validate(report)
        files.append(render(result, src / f"word{i}.docx"))
        reports.append(report)
    files.append(render(govreport_xl.validate(example_report()), src / "broken_across.docx", narrative))
    reports.append(example_report())
    files.append(fill_workbook(example_report(), src / "template.xlsx"))
    reports.append(example_report())
    pdfs = convert(files, tmp_path_factory.mktemp("pdf"), "pdf")
    return list(zip(files, pdfs, reports))


def test_printed_documents_read_back_exactly(printed):
    for source, pdf, report in printed:
        _exact(pdf, report)


def test_table_3_across_a_page_break(printed):
    import pdfplumber

    [(_, pdf, report)] = [p for p in printed if p[0].stem == "broken_across"]
    with pdfplumber.open(pdf) as doc:
        pages_with_t3 = [i for i, page in enumerate(doc.pages) if "予以公开" in page.extract_text() or "结转下年度" in page.extract_text()]
        assert len(doc.pages) >= 3 and pages_with_t3[-1] > pages_with_t3[0]  # the table does break
    _exact(pdf, report)


def test_a_scan_is_said_to_be_one(tmp_path):
    """A page with drawing but no text layer, as a scanner's PDF has."""
    path = pdfgen.pages(tmp_path / "scan.pdf", [pdfgen.stream(b"0.5 g 50 50 400 600 re f")])
    result = govreport_xl.audit(path)
    assert result.status == "unreadable" and "扫描件，没有文字层" in result.error["zh"]


def test_a_pdf_bomb_is_refused_before_it_takes_the_memory(tmp_path):
    """A page stream of 200 KB that inflates to 200 MB: inflation stops at the bound, the file is
    refused as a likely bomb, and pdfminer outside a read inflates as it always does."""
    import zlib

    from pdfminer import pdftypes

    packer = zlib.compressobj(9)
    content = b"".join(packer.compress(b" " * (1 << 20)) for _ in range(200)) + packer.flush()
    assert len(content) < 1 << 20
    path = pdfgen.pages(tmp_path / "bomb.pdf", [pdfgen.stream(content, b"/Filter /FlateDecode")])
    result = govreport_xl.audit(path)
    assert result.status == "unreadable" and "压缩炸弹" in result.error["zh"]
    assert len(pdftypes.zlib.decompress(content)) == 200 << 20


def test_a_damaged_pdf_is_unreadable_not_a_crash(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    result = govreport_xl.audit(path)
    assert result.status == "unreadable" and "内部错误" not in result.error["zh"]


def test_several_page_sizes_and_narrow_columns(tmp_path):
    report = made_up_report(11).model_copy(update={"meta": made_up_report(11).meta.model_copy(update={"year": 2023})})
    base = render(govreport_xl.validate(report), tmp_path / "base.docx")
    sizes = {"a5": ((148, 210), 0.5), "b5": ((176, 250), 0.62), "letter": ((216, 279), 0.8)}
    files = [reshape(base, tmp_path / f"{name}.docx", Layout(label_scale=scale, figure_scale=scale, page_mm=page, portrait=True))
             for name, (page, scale) in sizes.items()]
    for pdf in convert(files, tmp_path / "pdf", "pdf"):
        _exact(pdf, report)


def test_a_printed_report_with_its_own_error_is_read_as_printed(tmp_path):
    """A wrong row total in a printed table is read as printed and reported (T3-02 for its row,
    T3-03 for its column), never read as something that would reconcile."""
    report = made_up_report(4).model_copy(update={"meta": made_up_report(4).meta.model_copy(update={"year": 2022})})
    wrong = report.value("T3.R05.C7") + 1
    report = report.with_values({"T3.R05.C7": wrong})
    result = govreport_xl.validate(report)
    assert [f.rule for f in result.findings if f.rule.startswith("T3")] == ["T3-02", "T3-03"]
    docx = render(result, tmp_path / "wrong.docx")
    [pdf] = convert([docx], tmp_path, "pdf")
    audit = govreport_xl.audit(pdf)
    assert audit.report.value("T3.R05.C7") == wrong
    assert sorted((f.rule, f.codes[-1]) for f in audit.findings if f.rule.startswith("T3")) == [
        ("T3-02", "T3.R05.C7"), ("T3-03", "T3.R24.C7")]


def test_tables_without_ruling_lines_are_rebuilt_from_word_positions(tmp_path):
    """No borders: each row is the line with its figures plus the label lines wrapped around it,
    and the pieces of a figure too wide for its column ("1008" / "1") put back together."""
    files, reports = [], []
    for seed in (2, 9):
        report = made_up_report(seed).model_copy(update={"meta": made_up_report(seed).meta.model_copy(update={"year": 2022})})
        base = render(govreport_xl.validate(report), tmp_path / f"base{seed}.docx")
        files.append(reshape(base, tmp_path / f"borderless{seed}.docx", Layout(borders=False)))
        reports.append(report)
    for pdf, report in zip(convert(files, tmp_path / "pdf", "pdf"), reports):
        import pdfplumber

        with pdfplumber.open(pdf) as doc:
            assert not any(page.find_tables() for page in doc.pages)  # nothing ruled to go by
        _exact(pdf, report)


@pytest.fixture(scope="module")
def top_aligned(tmp_path_factory):
    folder = tmp_path_factory.mktemp("top")
    base = render(govreport_xl.validate(example_report()), folder / "base.docx")
    [pdf] = convert([reshape(base, folder / "top.docx", Layout(borders=False, align="top", label_scale=0.55))], folder, "pdf")
    return pdf


def test_top_aligned_borderless_rows_never_read_wrong(top_aligned):
    """Whatever rows are not told apart are unread (the checks needing them not checkable), never
    re-read from the text flattened into one line, never a wrong figure, never an error finding."""
    got = import_report(top_aligned)
    assert got.layout == "pdf"
    truth = example_report().values()
    assert all(truth[c] == v for c, v in got.report.values().items() if v is not None)
    audit = govreport_xl.audit(top_aligned)
    assert audit.status in ("valid", "incomplete") and not [f for f in audit.findings if f.is_error]


def test_top_aligned_borderless_tables_read_exactly(top_aligned):
    _exact(top_aligned, example_report())


# A covering sweep of how offices print (alignment x label widths x figure widths x page sizes),
# each a report whose figures include four and five digits; one with a row total misprinted.
SWEEP = [Layout(borders=False, align=align, label_scale=labels, figure_scale=figures, page_mm=page)
         for align in ("top", "center", "bottom")
         for labels, figures, page in ((0.45, 1.0, None), (0.55, 0.75, None), (0.8, 0.68, None), (0.6, 0.85, (176, 250)))]


def _misprinted(seed: int):
    """A made-up report whose row 1.属于国家秘密 prints a total one too high: its own error."""
    report = made_up_report(seed)
    return report.with_values({"T3.R05.C7": report.value("T3.R05.C7") + 1})


def test_any_layout_reads_each_figure_as_printed_or_leaves_it_unread(tmp_path):
    """Every figure read is the one printed in its cell, whatever the layout; a row not certain is
    unread (its checks not checkable), never filled with a neighbour's figures, and the only
    errors found are the printed report's own."""
    misprinted = _misprinted(12)
    reports = [made_up_report(3), example_report(), made_up_report(7), misprinted]
    files, truths = [], []
    for i, layout in enumerate(SWEEP):
        report = reports[i % len(reports)]
        base = render(govreport_xl.validate(report), tmp_path / f"base{i}.docx")
        files.append(reshape(base, tmp_path / f"{i}-{layout.name}.docx", layout))
        truths.append(report)
    read = cells = 0
    for pdf, report, layout in zip(convert(files, tmp_path / "pdf", "pdf"), truths, SWEEP):
        if layout.align == "top" and report is not misprinted:  # the alignment shows in the wrapped labels
            _exact(pdf, report)  # (a misprinted row's wrapped figures, not confirmed by its total, may be unread)
        got = import_report(pdf)
        assert got.layout == "pdf"
        values, truth = got.report.values(), report.values()
        assert {c: v for c, v in values.items() if v is not None and v != truth[c]} == {}, pdf.name
        own = {(f.rule, f.codes) for f in govreport_xl.validate(report).findings if f.is_error}
        found = {(f.rule, f.codes) for f in govreport_xl.audit(pdf).findings if f.is_error}
        assert found <= own, pdf.name
        t3 = [c.code for c in T3.cells]
        read, cells = read + sum(values[c] is not None for c in t3), cells + len(t3)
    assert read >= 0.9 * cells  # most of each table is read: unread is the exception
