"""Workbooks as cell sources: a filled template on disk (one pass over the sheets a report lives
in), and an openpyxl Workbook in memory (read as it holds, never saved and re-read).

Cells are found by their defined names, else at their template position (the engine then
reports the missing name, or the name that does not point at one cell). Nothing here judges a
value: the engine does.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from openpyxl.cell.rich_text import CellRichText

from ..core import a1
from ..core.source import RawCell, WorkbookFacts, refuse
from .layout import VERSION_NAME, VERSION_PROPERTY, defined_name, positions
from .layout import a1 as a1_ref
from .ooxml import Package, position
from .spec import TEMPLATE_SPEC, locate_sheets

OLD_FORMATS = (".xls", ".et")


@dataclass(frozen=True)
class Location:
    """Where a code's cell was looked for, and how it was found."""

    sheet: str
    row: int
    col: int
    by_position: bool = False  # at the template position: the name is missing or not one cell
    name_target: str | None = None  # "T3_R01_C1（'三、依申请公开'!$D$6:$E$7）": a name that is not one cell

    @property
    def address(self) -> str:
        return f"{self.sheet}!{a1_ref(self.row, self.col)}"

    def raw(self, value=None, formula: str | None = None, is_error: bool = False, reason=None) -> RawCell:
        return RawCell(value, formula, is_error, self.address, self.by_position, reason=reason, name_target=self.name_target)


def locate(code: str, names: Mapping[str, str | None], sheets: Collection[str], fallback: bool = True) -> Location | None:
    """The cell of a code: where its workbook-scoped defined name points, when that is one cell;
    else (with `fallback`) its template position. A name that points at a range, at #REF! or at
    anything but one cell is not read as its first cell: the engine says what it points at.
    None where the sheet is not in the workbook."""
    name = defined_name(code)
    text = names.get(name)
    target = a1.name_target(text) if text is not None else None
    if target is not None and target.is_cell:
        where = Location(target.sheet, target.first[1], target.first[0])
    elif not fallback:
        return None
    else:
        sheet, row, col = positions()[code]
        shown = None if text is None else f"{name}（{' '.join(text.split()).removeprefix('=')[:80]}）"
        where = Location(sheet, row, col, True, shown)
    return where if where.sheet in sheets else None


def name_sheets(names: Mapping[str, str | None]) -> dict[str, str]:
    """Defined name -> the sheet it points at, for names that point at cells of a sheet."""
    return {n: t.sheet for n, text in names.items() if (t := a1.name_target(text)) is not None}


def check_formulas(cell_stamp, stamp: str | None, located: Mapping[str, str]) -> list[tuple[str, tuple[str, ...]]]:
    """(workbook sheet, refs) of the formula cells of the version the workbook says it is, each
    template sheet found by its name where it was renamed."""
    formulas = TEMPLATE_SPEC.formulas.get(str(cell_stamp)) or TEMPLATE_SPEC.formulas.get(stamp) or {}
    return [(located.get(s, s), refs) for s, refs in formulas.items()]


class WorkbookSource:
    kind = "workbook"
    format = None

    def __init__(self, path: str | Path | BinaryIO, name: str | None = None):
        if not hasattr(path, "read"):
            path = Path(path)
            if not path.exists():
                raise refuse(path, "文件不存在", "no such file")
            if path.suffix.lower() in OLD_FORMATS:
                raise refuse(path, "是旧的 .xls/.et 格式，请在 Excel 或 WPS 中另存为 .xlsx", "old .xls/.et format; save it as .xlsx")
        self.name = name or str(path)
        self.package = Package(path, self.name)
        try:
            for sheet in {where[0] for where in positions().values()} & set(self.package.sheet_parts):
                self.package.cells(sheet)  # read whole once; only the check sheet is merely scanned
            version = locate(VERSION_NAME, self.package.names, self.package.sheet_parts, fallback=False)
            stamp = self.package.custom_props.get(VERSION_PROPERTY)
            cell_stamp = None if version is None else self.package.cell(version.sheet, version.row, version.col).value
            located = locate_sheets(name_sheets(self.package.names), self.package.sheet_parts)
            self.workbook = WorkbookFacts(
                TEMPLATE_SPEC, self.package.sheet_names, stamp, cell_stamp,
                constants=tuple(f"{sheet}!{ref}" for sheet, refs in check_formulas(cell_stamp, stamp, located)
                                if sheet in self.package.sheet_parts for ref in self.package.without_formula(sheet, refs)),
                located=located,
            )
        except BaseException:
            self.package.close()
            raise

    def close(self) -> None:
        self.package.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def cell(self, code: str) -> RawCell | None:
        where = locate(code, self.package.names, self.package.sheet_parts)
        if where is None:
            return None
        c = self.package.cell(where.sheet, where.row, where.col)
        return where.raw(c.value, c.formula, c.is_error, c.problem)


class OpenpyxlSource:
    """An openpyxl Workbook as it holds, never saved and re-read. Loaded as openpyxl loads by
    default (or built by a script), it holds formulas and no results: a total is computed from
    its parts, as its formula would; a formula in an input cell has no result to read. Loaded
    with data_only=True, it holds the results and no formulas: whether totals and the in-sheet
    checks still hold their formulas cannot be seen (listed as not checkable), and a blank total
    may be a formula no spreadsheet has calculated, so it is computed from its parts."""

    kind = "workbook"
    format = None

    def __init__(self, wb, name: str = "workbook"):
        self.wb, self.name = wb, name
        self.data_only = bool(getattr(wb, "data_only", False))
        self.names = {n: d.attr_text for n, d in wb.defined_names.items()}
        self._cells: dict[str, Mapping] = {}
        version = locate(VERSION_NAME, self.names, wb.sheetnames, fallback=False)
        prop = next((p.value for p in getattr(wb, "custom_doc_props", ()) if p.name == VERSION_PROPERTY), None)
        stamp = None if prop is None else str(prop)
        cell_stamp = None if version is None else getattr(self._cell(version.sheet, version.row, version.col), "value", None)
        located = locate_sheets(name_sheets(self.names), wb.sheetnames)
        constants = None if self.data_only else tuple(
            f"{sheet}!{ref}" for sheet, refs in check_formulas(cell_stamp, stamp, located) if sheet in wb.sheetnames
            for ref in refs if getattr(self._cell(sheet, *position(ref)), "data_type", None) != "f")
        self.workbook = WorkbookFacts(
            TEMPLATE_SPEC, tuple(wb.sheetnames), stamp, cell_stamp, reads_formulas=not self.data_only,
            constants=constants, located=located, results_may_be_missing=self.data_only,
        )

    def _cell(self, sheet: str, row: int, col: int):
        """The openpyxl cell, or None; without creating one (ws.cell() would add it to the workbook)."""
        if sheet not in self._cells:
            ws = self.wb[sheet]
            cells = getattr(ws, "_cells", None)
            if cells is None:  # a read-only worksheet streams its rows
                cells = {(c.row, c.column): c for r in ws.iter_rows() for c in r if c.value is not None}
            self._cells[sheet] = cells
        return self._cells[sheet].get((row, col))

    def cell(self, code: str) -> RawCell | None:
        where = locate(code, self.names, self.wb.sheetnames)
        if where is None:
            return None
        c = self._cell(where.sheet, where.row, where.col)
        if c is None or c.value is None:
            return where.raw()
        if c.data_type == "f":  # "=…", or an array / data table formula object
            return where.raw(formula=c.value if isinstance(c.value, str) else (getattr(c.value, "text", None) or "="))
        return where.raw(str(c.value) if isinstance(c.value, CellRichText) else c.value, is_error=c.data_type == "e")
