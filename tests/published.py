"""Renders a report as it is published: the layouts met in real texts, web pages and Word files.

Figures are made up by `made_up_report`; the renderer knows nothing of the importer.
"""

from __future__ import annotations

import html
import random
import re
import zipfile
from pathlib import Path

from opencc import OpenCC

from govreport_xl.core.model import Report
from govreport_xl.core.standard import T2, T3, T4, T3_APPLICANT_HEADING, code
from strategies import with_totals

LAYOUTS = ("tabs", "pipes", "spaces", "per_line", "blank_lines")
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def made_up_report(seed: int) -> Report:
    """A reconciling report with figures from a seeded random source (mostly small, many zeros)."""
    rnd = random.Random(seed)
    small = lambda: rnd.choice([0, 0, 0, 1, 2, 3, 5, 8, 13, 40, 120, 1234])  # noqa: E731
    values = {}
    for row in T3.rows:
        if "R03" <= row.code <= "R23":
            for c in range(1, 7):
                values[code("T3", row.code, f"C{c}")] = small()
    for c in range(1, 7):
        handled = sum(values[code("T3", f"R{i:02d}", f"C{c}")] for i in range(3, 24))
        forward = small()
        received = rnd.randint(0, handled + forward)
        values[code("T3", "R01", f"C{c}")] = received
        values[code("T3", "R02", f"C{c}")] = handled + forward - received
        values[code("T3", "R25", f"C{c}")] = forward
    for r in (1, 2, 3):
        for c in range(1, 5):
            values[code("T4", f"R{r}", f"C{c}")] = small()
    for r in ("R1", "R2"):
        made, repealed = small(), small()
        values |= {code("T2", r, "C1"): made, code("T2", r, "C2"): repealed, code("T2", r, "C3"): made + small()}
    for r in ("R3", "R4", "R5"):
        values[code("T2", r, "C1")] = rnd.randint(0, 600000)
    values["T2.R6.C1"] = f"{rnd.randint(0, 99999)}.{rnd.randint(0, 999999):06d}"
    values = with_totals(values)  # the official sums, by hand (strategies.py), not the engine's
    year = 2021 + seed % 4
    return Report.build({"name": f"测试市第{seed}区人民政府", "year": year}, values)


def with_row(report: Report, row: str, values) -> Report:
    """`report` with table 3's row `row` set to `values`, its columns kept reconciling (the
    change made to （七）总计 and to 上年结转 as well)."""
    fix = {}
    for i, v in enumerate(values, 1):
        old = report.value(f"T3.{row}.C{i}")
        fix[f"T3.{row}.C{i}"] = v
        fix[f"T3.R24.C{i}"] = report.value(f"T3.R24.C{i}") - old + v
        fix[f"T3.R02.C{i}"] = report.value(f"T3.R02.C{i}") - old + v
    return report.with_values(fix)


def _fmt(value, opts) -> str:
    if value is None:  # a blank form: nothing printed
        return ""
    s = str(value)
    if value == 0 and "none_word" in opts:  # "" renders none as an empty cell
        s = opts["none_word"]
    if opts.get("unit") and s.isdigit():
        s += opts["unit"]
    if opts.get("fullwidth"):
        s = s.translate(FULL_WIDTH)
    return s


def _break(label: str, opts) -> str:
    """Labels broken by a space (or a line break), as text extraction leaves them; with
    strip_numbering, without their 「1.」「（七）」「一、」 as some reports print them; `labels`
    prints some as given instead (typos, variants)."""
    label = opts.get("labels", {}).get(label, label)
    if opts.get("strip_numbering"):
        label = re.sub(r"^(（[一二三四五六七八九十]+）|\d+\.|[一二三四五六七八九十]+、)", "", label)
    if not opts.get("broken_labels") or len(label) < 6:
        return label
    cut = len(label) // 2
    return label[:cut] + ("\n" if opts.get("layout") == "per_line" else " ") + label[cut:]


def table_rows(report: Report, opts: dict) -> dict[str, list[list[str]]]:
    """Each table as rows of cells (label cells, then values)."""
    v = report.value
    t2 = []
    for block in T2.blocks:
        t2.append([block.heading])
        t2.append(["信息内容", *[c.label for c in block.columns]])
        for row in block.rows:
            t2.append([row.label, *[_fmt(v(code("T2", row.code, c.code)), opts) for c in block.columns]])

    cols = T3.blocks[0].columns
    subtotal_col = opts.get("subtotal_column")
    head = [T3.note, T3_APPLICANT_HEADING]
    t3 = [head, ["自然人", "法人或其他组织", *(["小计"] if subtotal_col else []), "总计"], [c.label for c in cols[1:6]]]
    emitted: set[str] = set()
    other = opts.get("other_as_one_row")  # （六）其他处理 as one row, as the 2019 form prints it
    for row in T3.rows:
        if other and "（六）其他处理" in row.group:
            if row.code == "R21":
                sums = [sum(v(code("T3", r, c.code)) for r in ("R21", "R22", "R23")) for c in cols]
                t3.append([_break("（六）其他处理", opts), *[_fmt(x, opts) for x in _with_subtotal(sums, subtotal_col)]])
            continue
        cells = []
        for g in row.group:
            if g not in emitted:
                emitted.add(g)
                if opts.get("subtotal_rows") and g.startswith("（") and g != "（一）予以公开":
                    members = [r for r in T3.rows if g in r.group]
                    sums = [sum(v(code("T3", r.code, c.code)) for r in members) for c in cols]
                    t3.append([_break(g, opts), *[_fmt(x, opts) for x in _with_subtotal(sums, subtotal_col)]])
                    continue
                cells.append(_break(g, opts))
        cells.append(_break(row.label, opts))
        values = [v(code("T3", row.code, c.code)) for c in cols]
        rendered = [_fmt(x, opts) for x in _with_subtotal(values, subtotal_col)]
        if opts.get("run_together") == row.code:
            rendered = ["".join(str(x) for x in values)]
        t3.append([*cells, *rendered])

    t4 = [
        ["行政复议", "行政诉讼"],
        ["未经复议直接起诉", "复议后起诉"],
        [c.label for c in T4.blocks[0].columns] * 3,
        [_fmt(v(code("T4", r.code, c.code)), opts) for r in T4.rows for c in T4.blocks[0].columns],
    ]
    return {"T2": t2, "T3": t3, "T4": t4}


def _with_subtotal(values, on):
    return [values[0], sum(values[1:6]), *values[1:]] if on else values


def _lines(rows: list[list[str]], layout: str, furniture: bool) -> list[str]:
    out = []
    for i, cells in enumerate(rows):
        if layout == "tabs":
            out.append("\t".join(cells) + "\t")
        elif layout == "pipes":
            out.append("| " + " | ".join(cells) + " |")
        elif layout == "spaces":
            out.append("   ".join(cells))
        elif layout == "per_line":
            out.extend(cells)
        elif layout == "blank_lines":
            for cell in cells:
                out += [cell, ""]
        if furniture and i % 7 == 6:
            out += ["", f"- {i // 7 + 2} -", "首页 > 政务公开 > 政府信息公开年报", f"第 {i // 7 + 2} 页 共 9 页", ""]
    return out


def narrative(report: Report, year: int) -> list[str]:
    if report.value("T3.R01.C7") is None:  # a blank form
        return ["一、总体情况", f"{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。"]
    received = report.value("T3.R01.C7") + report.value("T3.R02.C7")
    lawsuits = report.value("T4.R2.C5") + report.value("T4.R3.C5")
    return [
        "一、总体情况",
        f"{year}年，全区共收到政府信息公开申请 {received} 件，共应对行政复议 {report.value('T4.R1.C5')} 件、行政诉讼 {lawsuits} 件。",
    ]


def render_text(report: Report, layout: str = "tabs", **opts) -> str:
    opts = {**opts, "layout": layout}
    meta = report.meta
    lines = [f"{meta.name.replace('人民政府', '')} {meta.year} 年政府信息公开工作年度报告", ""]
    lines += [f"本报告由{meta.name}编制。"] + narrative(report, meta.year)
    tables = table_rows(report, opts)
    for table in (T2, T3, T4):
        lines += ["", table.heading, ""] + _lines(tables[table.id], layout, opts.get("furniture", False))
    lines += ["", "五、存在的主要问题及改进情况", "一是……。", "六、其他需要报告的事项", "无。"]
    text = "\n".join(lines) + "\n"
    return OpenCC("s2t").convert(text) if opts.get("traditional") else text


def render_html(report: Report, **opts) -> str:
    meta = report.meta
    parts = [f"<html><head><title>{meta.name}{meta.year}年政府信息公开工作年度报告</title><script>var x='1 2 3';</script></head><body>",
             f"<h1>{meta.name.replace('人民政府', '')}{meta.year}年政府信息公开工作年度报告</h1>",
             '<div class="nav">首页 &gt; 政务公开 &gt; 年度报告</div>']
    parts += [f"<p>{html.escape(p)}</p>" for p in [f"本报告由{meta.name}编制。", *narrative(report, meta.year)]]
    for table in (T2, T3, T4):
        parts.append(f"<h2>{table.heading}</h2><table border='1'>")
        for cells in table_rows(report, opts)[table.id]:
            parts.append("<tr>" + "".join(f"<td colspan='1'><p><span>{html.escape(c)}</span></p></td>" for c in cells) + "</tr>")
        parts.append("</table>")
    parts.append("<h2>五、存在的主要问题及改进情况</h2><p>一是……</p></body></html>")
    return "\n".join(parts)


_DOCX_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
               '<Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
               "</Types>")
_DOCX_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
              "</Relationships>")


def write_docx(report: Report, path: Path, **opts) -> Path:
    """A minimal Word document: paragraphs and real tables (w:tbl), as Word writes them."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    para = lambda t: f"<w:p><w:r><w:t xml:space=\"preserve\">{html.escape(t)}</w:t></w:r></w:p>"  # noqa: E731
    meta = report.meta
    body = [para(f"{meta.name.replace('人民政府', '')}{meta.year}年政府信息公开工作年度报告"), para(f"本报告由{meta.name}编制。")]
    body += [para(p) for p in narrative(report, meta.year)]
    for table in (T2, T3, T4):
        body.append(para(table.heading))
        rows = "".join("<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in cells) + "</w:tr>" for cells in table_rows(report, opts)[table.id])
        body.append(f"<w:tbl>{rows}</w:tbl>")
    body.append(para("五、存在的主要问题及改进情况"))
    doc = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {w}><w:body>{"".join(body)}</w:body></w:document>'
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", _DOCX_TYPES)
        z.writestr("_rels/.rels", _DOCX_RELS)
        z.writestr("word/document.xml", doc)
    return path



def render_flat(report: Report, between: str = "", stray_space: str = "", apart: bool = False, headings: bool = True,
                **opts) -> str:
    """The page as web archives keep it: one line, every label and figure glued together.
    `between`: a narrative paragraph put between the tables; `stray_space`: a label that gets a
    space in its middle; `apart`: a row's cells set apart by a space (still one line);
    `headings` off: the tables' headings lost (a fragment, or headings printed as images)."""
    meta = report.meta
    parts = [f"{meta.name}{meta.year}年政府信息公开工作年度报告", f"本报告由{meta.name}编制。", *narrative(report, meta.year)]
    tables = table_rows(report, {**opts, "layout": "flat"})
    for n, table in enumerate((T2, T3, T4)):
        if n and between:
            parts.append(between)
        if headings:
            parts.append(table.heading)
        parts += [(" " if apart else "").join(cells) for cells in tables[table.id]]
    parts.append("五、存在的主要问题及改进情况一是……。六、其他需要报告的事项无。")
    text = "".join(parts)
    if stray_space:
        text = text.replace(stray_space, stray_space[:len(stray_space) // 2] + " " + stray_space[len(stray_space) // 2:])
    return text + "\n"
