"""The three tables as grids of cells with their merges, taken from the template's layout (which
is taken from the standard): the Word and web renderers draw the same grid, and the labels they
print are the very labels the importer looks for."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.findings import plain
from ..core.model import Report
from ..core.standard import CELLS, TABLES, Table
from ..excel.layout import FIRST_TABLE_ROW, SheetLayout, sheet_of

_KIND = {"header": "header", "note": "header", "group": "group", "label": "label"}


@dataclass(frozen=True)
class GridCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    kind: str = "label"  # header | group | label | value | total
    code: str | None = None


@dataclass(frozen=True)
class Grid:
    table: Table
    rows: list[list[GridCell | None]]  # None where a merged cell covers the position
    header_rows: int  # rows at the top that repeat on every page

    @property
    def columns(self) -> int:
        return max(len(r) for r in self.rows)


def figure(value) -> str:
    """A figure as it is published: counts as whole numbers, the amount exactly, 0 written as 0."""
    if value is None:
        return ""
    shown = plain(value)
    return str(shown)


def grid(table: Table, report: Report) -> Grid:
    layout: SheetLayout = sheet_of(table.id)
    texts = [t for t in layout.texts if t.style not in ("title", "summary")]
    first_row = FIRST_TABLE_ROW
    last_row = max([*(t.last[0] for t in texts), *(r for r, _ in layout.cells.values())])
    width = layout.last_col
    rows: list[list[GridCell | None]] = [[None] * width for _ in range(last_row - first_row + 1)]
    covered: set[tuple[int, int]] = set()

    def place(first, last, cell: GridCell) -> None:
        r0, c0 = first[0] - first_row, first[1] - 1
        rows[r0][c0] = cell
        for r in range(first[0], last[0] + 1):
            for c in range(first[1], last[1] + 1):
                if (r, c) != first:
                    covered.add((r - first_row, c - 1))

    for t in texts:
        kind = _KIND.get(t.style, "label")
        place(t.first, t.last, GridCell(t.text, t.last[0] - t.first[0] + 1, t.last[1] - t.first[1] + 1, kind))
    for code, (r, c) in layout.cells.items():
        last = layout.cell_spans.get(code, (r, c))
        kind = "total" if CELLS[code].is_total else "value"
        place((r, c), last, GridCell(figure(report.value(code)), 1, last[1] - c + 1, kind, code))
    for r, c in covered:
        rows[r][c] = None
    header_rows = min(r for r, _ in layout.cells.values()) - first_row
    if table.id == "T2":  # table 2's blocks each have their own header: only the first repeats
        header_rows = 2
    return Grid(table, rows, header_rows)


def grids(report: Report) -> list[Grid]:
    return [grid(t, report) for t in TABLES]

