"""Reading a published report from PDF and from flattened text, measured in one run:

    python benchmarks/pdf.py [--pages 20] [--repeat 5]

Renders the example as a Word report with a narrative long enough for about 20 pages, prints it
to PDF with LibreOffice, then times `import` of the PDF (tables rebuilt from the page geometry)
and of the example flattened to one line (cells split by the sums; targets: under 2 s and
under 50 ms), both against the read limit: pdfplumber extracting the same PDF's text alone.
The same report printed without ruling lines, cells top-aligned and label columns narrowed
(rows found by their labels, pdf_rows.py), is timed against the same limit.
A made-up report with large figures flattened the same way shows the splitting's harder case.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

import pdfplumber  # noqa: E402

import govreport_xl  # noqa: E402
from govreport_xl.importing.importer import import_report  # noqa: E402
from govreport_xl.render import render  # noqa: E402
from libreoffice import convert  # noqa: E402
from published import made_up_report, render_flat  # noqa: E402
from word_layouts import Layout, reshape  # noqa: E402
from run import best  # noqa: E402

PARAGRAPH = "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，不断完善公开制度、扩大公开领域、加强平台建设，全面推进政务公开工作。" * 4


def text_only(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    narrative = tmp / "n.md"
    narrative.write_text("# 一、总体情况\n" + "\n".join(PARAGRAPH for _ in range(int(3.4 * (args.pages - 2)))), encoding="utf-8")
    doc = render(govreport_xl.validate(ROOT / "examples" / "shizuishan_2022.xlsx"), tmp / "report.docx", narrative)
    top = reshape(doc, tmp / "top.docx", Layout(borders=False, align="top", label_scale=0.55))
    pdf, borderless = convert([doc, top], tmp, "pdf")
    with pdfplumber.open(pdf) as p:
        pages = len(p.pages)
    for printed in (pdf, borderless):
        got = import_report(printed)
        assert all(t.status == "complete" for t in got.tables.values()), got.notes
    flat = tmp / "flat.txt"
    flat.write_text("".join((ROOT / "examples" / "shizuishan_2022.txt").read_text(encoding="utf-8").split()), encoding="utf-8")
    hard = tmp / "hard.txt"
    hard.write_text(render_flat(made_up_report(13)), encoding="utf-8")
    for page in (flat, hard):
        got = import_report(page)
        assert got.layout == "flattened" and got.tables["T3"].status == "complete", got.notes
    ours, limit = best(lambda: import_report(pdf), args.repeat), best(lambda: text_only(pdf), args.repeat)
    top_time = best(lambda: import_report(borderless), args.repeat)
    flat_time, hard_time = best(lambda: import_report(flat), args.repeat), best(lambda: import_report(hard), args.repeat)
    print(f"{'path':58} {'ms':>9} {'ratio':>7}")
    print(f"{'import of a ' + str(pages) + '-page PDF (tables from the geometry)':58} {ours * 1000:9.0f} {ours / limit:6.2f}x")
    print(f"{'the same without ruling lines, top-aligned, narrow labels':58} {top_time * 1000:9.0f} {top_time / limit:6.2f}x")
    print(f"{'import of the example flattened to one line':58} {flat_time * 1000:9.1f} {flat_time / limit:6.2f}x")
    print(f"{'import of a made-up report with large figures, flattened':58} {hard_time * 1000:9.1f} {hard_time / limit:6.2f}x")
    print(f"{'read limit: pdfplumber extract_text of every page':58} {limit * 1000:9.0f} {1:6.2f}x")


if __name__ == "__main__":
    main()
