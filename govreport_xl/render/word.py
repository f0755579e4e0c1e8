"""The report as a Word document (python-docx): A4 portrait, table 4's fifteen columns on a
landscape page, header rows repeated on a page break, no row broken across pages, figures
right-aligned, fonts that every Chinese Windows has (宋体 in tables, 仿宋 in text, 黑体 in headings)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from docx import Document as new_document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..atomic import atomic_path
from .document import Document, Section
from .grid import Grid

BODY_FONT, TABLE_FONT, HEADING_FONT = "仿宋", "宋体", "黑体"
LATIN_FONT = "Times New Roman"
A4 = (Mm(210), Mm(297))
MARGIN = Mm(22)
# column widths in mm, by table: label columns, then figures (each table fills the page's width)
WIDTHS = {"T2": (54, 36, 36, 36), "T3": (9, 17, 46, *([13.2] * 7)), "T4": tuple([16.4] * 15)}
_STAMP = _dt.datetime(2021, 9, 26)  # fixed, so that the same report gives the same document


def _font(run, name: str, size: float | None = None, bold: bool | None = None) -> None:
    run.font.name = LATIN_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def _paragraph(doc, text: str, font: str = BODY_FONT, size: float = 14, bold: bool = False, align=None, indent: bool = True):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = 1.5
    _font(p.add_run(text), font, size, bold)
    return p


def _row_property(row, tag: str) -> None:
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _page(section, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN


def _table(doc, g: Grid) -> None:
    table = doc.add_table(rows=len(g.rows), cols=g.columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = WIDTHS[g.table.id]
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths):  # what Word and LibreOffice lay out by
        col.w = Mm(width)
    # every cell once, before any merge: table.cell() walks the whole table on each call
    grid = [table._cells[r * g.columns:(r + 1) * g.columns] for r in range(len(g.rows))]
    for r, row in enumerate(g.rows):
        _row_property(table.rows[r], "w:cantSplit")  # a row is never broken across pages
        if r < g.header_rows:
            _row_property(table.rows[r], "w:tblHeader")  # repeated at the top of each page
        for c in range(g.columns):
            grid[r][c].width = Mm(widths[c])
    for r, row in enumerate(g.rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            target = grid[r][c]
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(grid[r + cell.rowspan - 1][c + cell.colspan - 1])
            target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = target.paragraphs[0]
            paragraph.alignment = {"header": WD_ALIGN_PARAGRAPH.CENTER, "group": WD_ALIGN_PARAGRAPH.CENTER,
                                   "value": WD_ALIGN_PARAGRAPH.RIGHT, "total": WD_ALIGN_PARAGRAPH.RIGHT}.get(cell.kind, WD_ALIGN_PARAGRAPH.LEFT)
            _font(paragraph.add_run(cell.text), TABLE_FONT, 9, cell.kind in ("header", "group", "total"))


def _sections(doc, sections: list[Section]) -> None:
    for section in sections:
        _paragraph(doc, section.heading, HEADING_FONT, 14, indent=True)
        for text in section.paragraphs:
            _paragraph(doc, text)


def word_document(doc: Document, path: str | Path) -> Path:
    word = new_document()
    word.core_properties.title = doc.title[:255]  # the property holds at most 255 characters
    word.core_properties.author = "govreport-xl"
    word.core_properties.created = word.core_properties.modified = _STAMP
    _page(word.sections[0], landscape=False)
    _paragraph(word, doc.title, HEADING_FONT, 18, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    if doc.warning:
        p = _paragraph(word, doc.warning, HEADING_FONT, 12, True, indent=False)
        p.runs[0].font.color.rgb = RGBColor(0xC0, 0, 0)
    _sections(word, doc.before)
    landscape = False
    for g in doc.tables:
        wide = g.columns > 10  # table 4's fifteen columns do not fit a portrait page
        if wide != landscape:
            _page(word.add_section(WD_SECTION.NEW_PAGE), landscape=wide)
            landscape = wide
        _paragraph(word, g.table.heading, HEADING_FONT, 14)
        _table(word, g)
    if doc.after and landscape:
        _page(word.add_section(WD_SECTION.NEW_PAGE), landscape=False)
    _sections(word, doc.after)
    with atomic_path(path) as tmp:
        word.save(tmp)
    return Path(path)
