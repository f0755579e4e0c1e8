"""A filled template on disk as a cell source (one pass over the sheets a report lives in).

Cells are found by their defined names, else at their template position (the engine then
reports the missing name). Nothing here judges a value: the engine does.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from ..core.source import RawCell, WorkbookFacts, refuse
from .layout import VERSION_NAME, VERSION_PROPERTY, a1, defined_name, positions
from .spec import TEMPLATE_SPEC, locate_sheets
from .ooxml import Package, position

OLD_FORMATS = (".xls", ".et")


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
            version_cell = self._find(VERSION_NAME, fallback=False)
            stamp = self.package.custom_props.get(VERSION_PROPERTY)
            cell_stamp = None if version_cell is None else self.package.cell(*version_cell[:3]).value
            located = locate_sheets({n: sheet for n, (sheet, _) in self.package.names.items()}, self.package.sheet_parts)
            # the formula cells of the version the workbook says it is (sheets found by their names)
            formulas = TEMPLATE_SPEC.formulas.get(str(cell_stamp)) or TEMPLATE_SPEC.formulas.get(stamp) or {}
            self.workbook = WorkbookFacts(
                TEMPLATE_SPEC, self.package.sheet_names, stamp, cell_stamp,
                constants=tuple(f"{sheet}!{ref}" for sheet, refs in ((located.get(s, s), r) for s, r in formulas.items())
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

    def _find(self, code: str, fallback: bool = True) -> tuple[str, int, int, bool] | None:
        """(sheet, row, col, found by position) of a named cell that is in the workbook."""
        dest = self.package.names.get(defined_name(code))
        if dest is not None:
            (sheet, ref), by_position = dest, False
            row, col = position(ref)
        elif fallback:
            (sheet, row, col), by_position = positions()[code], True
        else:
            return None
        return (sheet, row, col, by_position) if sheet in self.package.sheet_parts else None

    def cell(self, code: str) -> RawCell | None:
        where = self._find(code)
        if where is None:
            return None
        sheet, row, col, by_position = where
        c = self.package.cell(sheet, row, col)
        return RawCell(c.value, c.formula, c.is_error, f"{sheet}!{a1(row, col)}", by_position)

