"""The rendered Word report reshaped as offices print theirs (python-docx edits, then printed by
LibreOffice): borders removed, cells aligned top, centre or bottom, label or figure columns
narrowed, other page sizes. Only the layout changes: the figures stay the report's own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

@dataclass(frozen=True)
class Layout:
    """How a report is printed. `label_scale` narrows the label columns of tables 2 and 3 (labels
    wrap over more lines), `figure_scale` every figure column (at about 0.6 a four-digit figure
    no longer fits and wraps: "12" over "34")."""

    borders: bool = True
    align: str | None = None  # top | center | bottom; None keeps the renderer's (centre)
    label_scale: float = 1.0
    figure_scale: float = 1.0
    page_mm: tuple[float, float] | None = None  # portrait width, height; None keeps A4
    margin_mm: float = 12
    portrait: bool = False  # table 4's landscape page made portrait too

    @property
    def name(self) -> str:
        page = "x".join(map(str, self.page_mm)) if self.page_mm else "a4"
        return f"{'ruled' if self.borders else 'borderless'}-{self.align or 'centre'}-l{self.label_scale}-f{self.figure_scale}-{page}"


def _nil_borders(parent, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = parent.find(qn(tag))
    if borders is None:
        borders = OxmlElement(tag)
        parent.append(borders)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = borders.find(qn("w:" + side))
        if edge is None:
            edge = OxmlElement("w:" + side)
            borders.append(edge)
        edge.set(qn("w:val"), "nil")


def _figure_columns(grid: list) -> int:
    """How many of a table's grid columns hold figures: table 3 has 7 after its label columns,
    table 4 all 15, table 2 every column after its first (its label)."""
    if len(grid) >= 15:
        return len(grid)
    if len(grid) >= 9:
        return 7
    return len(grid) - 1


def reshape(src: Path, dst: Path, layout: Layout) -> Path:
    """`src` (a rendered report) printed as `layout` says, saved as `dst`."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    doc = docx.Document(src)
    if layout.page_mm:
        for section in doc.sections:
            wide = section.page_width > section.page_height and not layout.portrait
            section.orientation = 1 if wide else 0
            width, height = (Mm(layout.page_mm[1]), Mm(layout.page_mm[0])) if wide else map(Mm, layout.page_mm)
            section.page_width, section.page_height = width, height
            section.left_margin = section.right_margin = Mm(layout.margin_mm)
    for table in doc.tables:
        grid = table._tbl.tblGrid.gridCol_lst
        figures = _figure_columns(grid)
        for i, col in enumerate(grid):
            col.w = int(col.w * (layout.figure_scale if i >= len(grid) - figures else layout.label_scale))
        if not layout.borders:
            _nil_borders(table._tbl.tblPr, "w:tblBorders")
        for row in table.rows:
            for cell in row.cells:
                tc_pr = cell._tc.get_or_add_tcPr()
                if (width := tc_pr.find(qn("w:tcW"))) is not None:
                    tc_pr.remove(width)  # the grid decides, as Word does once a column is dragged
                if not layout.borders:
                    _nil_borders(tc_pr, "w:tcBorders")
                if layout.align:
                    align = tc_pr.find(qn("w:vAlign"))
                    if align is None:
                        align = OxmlElement("w:vAlign")
                        tc_pr.append(align)
                    align.set(qn("w:val"), layout.align)
    doc.save(dst)
    return dst
