"""Reads a filled template with openpyxl into the report model plus cell-level problems.

Never raises on bad content: every odd cell becomes a CellProblem or an S-01 finding that names
the sheet and cell. Only a file that cannot be opened as a workbook raises SourceError.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import coordinate_from_string, column_index_from_string
from openpyxl.utils.exceptions import InvalidFileException

from .cell_values import Parsed, parse_amount, parse_count, parse_text, parse_year
from .evaluate import spreadsheet_values, total_value
from .findings import CellProblem, Finding, Reason
from .formulas import total_formula
from .layout import KNOWN_TEMPLATE_VERSIONS, VERSION_NAME, VERSION_PROPERTY, a1, defined_name, positions
from .model import Report
from .sources import ReadResult, SourceError
from .standard import CELLS, META_FIELDS, TOTAL_CODES, CellKind, Level


def _open(path: Path):
    if not path.exists():
        raise SourceError(path, {"zh": "文件不存在", "en": "no such file"})
    if path.suffix.lower() in (".xls", ".et"):
        raise SourceError(path, {"zh": "是旧的 .xls/.et 格式，请在 Excel 或 WPS 中另存为 .xlsx", "en": "old .xls/.et format; save it as .xlsx"})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
            # read-only: only the sheets asked for are parsed (not the long check sheet)
            formulas = _Sheets(openpyxl.load_workbook(path, read_only=True))
            try:
                return formulas, _Sheets(openpyxl.load_workbook(path, read_only=True, data_only=True))
            except BaseException:
                formulas.close()
                raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SourceError(
            path,
            {"zh": f"无法作为 .xlsx 工作簿打开（文件损坏、已加密或不是 .xlsx）：{exc}",
             "en": f"cannot be opened as an .xlsx workbook (damaged, encrypted or not .xlsx): {exc}"},
        ) from exc


class _Sheets:
    """A read-only workbook whose sheets are parsed once, when first asked for."""

    def __init__(self, wb):
        self.wb = wb
        self.sheetnames = wb.sheetnames
        self.defined_names = wb.defined_names
        self.custom_doc_props = wb.custom_doc_props
        self._cells: dict[str, dict[tuple[int, int], tuple[object, str]]] = {}

    def cell(self, sheet: str, row: int, col: int) -> tuple[object, str]:
        """(value, openpyxl data type) of one cell; (None, "n") for an empty one."""
        if sheet not in self._cells:
            ws = self.wb[sheet]
            ws.reset_dimensions()  # some writers leave a wrong <dimension>; read every row there is
            self._cells[sheet] = {
                (c.row, c.column): (c.value, c.data_type)
                for cells in ws.iter_rows() for c in cells if c.value is not None
            }
        return self._cells[sheet].get((row, col), (None, "n"))

    def close(self) -> None:
        self.wb.close()  # read-only workbooks keep the file open (and locked on Windows)


def _s01(reason: str, raw: str, codes=(), cells=()) -> Finding:
    return Finding("S-01", {"reason": Reason(reason, raw)}, tuple(codes), tuple(cells), actual=raw or None)


def _version(wb) -> str | None:
    for prop in wb.custom_doc_props:
        if prop.name == VERSION_PROPERTY:
            return str(prop.value)
    return None


def _formula_key(formula: str) -> str:
    return re.sub(r"[\s$]", "", formula.lstrip("=")).upper()


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.wb, self.cached = _open(path)
        self.result = ReadResult(path, Report(), locations={})
        self.missing_sheets: set[str] = set()

    def structure(self, finding: Finding) -> None:
        self.result.structure.append(finding)

    def destination(self, name: str) -> tuple[str, int, int] | None:
        """The first cell a workbook-scoped defined name points at."""
        dn = self.wb.defined_names.get(name)
        dest = next(iter(dn.destinations), None) if dn is not None else None
        if dest is None:
            return None
        sheet, ref = dest
        col, row = coordinate_from_string(ref.replace("$", "").split(":")[0])
        return sheet, row, column_index_from_string(col)

    def locate(self, code: str) -> tuple[str, int, int] | None:
        """Where a named cell is: by its defined name, else the template position (with S-01)."""
        name = defined_name(code)
        where = self.destination(name)
        if where is None:
            where = positions()[code]
            self.structure(_s01("missing_name", name, [code] if code in CELLS else []))
        sheet = where[0]
        if sheet not in self.wb.sheetnames:
            if sheet not in self.missing_sheets:
                self.missing_sheets.add(sheet)
                self.structure(_s01("missing_sheet", sheet))
            return None
        self.result.locations[code] = f"{sheet}!{a1(*where[1:])}"
        return where

    def raw(self, where) -> tuple[object, object, str]:
        """(content as written, cached value, openpyxl data type: "f" formula, "e" error, …)."""
        content, data_type = self.wb.cell(*where)
        return content, self.cached.cell(*where)[0], data_type

    def read(self) -> ReadResult:
        self._check_version()
        meta = self._read_meta()
        values: dict[str, object] = {}
        uncached: list[str] = []
        for code, cell in CELLS.items():
            where = self.locate(code)
            if where is None:
                self.result.problems.append(CellProblem(code, Reason("unreadable", ""), missing=True))
                values[code] = None
                continue
            content, cached, data_type = self.raw(where)
            if cell.is_total and data_type == "f":
                if _formula_key(content) != _formula_key(total_formula(code)):
                    self.structure(_s01("total_formula_changed", content, [code], [self.result.locate(code)]))
                if cached is None:
                    uncached.append(code)  # written by a script: we compute it as the formula would
                    values[code] = None
                    continue
                content = cached
            elif data_type == "f":
                if cached is None:
                    self.result.problems.append(CellProblem(code, Reason("no_cached_value", content)))
                    values[code] = None
                    continue
                content = cached
            elif cell.is_total:
                self.structure(
                    _s01("total_cleared" if content is None else "total_overwritten",
                         "" if content is None else str(content), [code], [self.result.locate(code)])
                )
            self._accept(code, (parse_amount if cell.kind is CellKind.AMOUNT else parse_count)(content, data_type == "e"), values)
        self._compute_totals(uncached, values)
        self.result.report = Report.build(meta, values)
        return self.result

    def _accept(self, code: str, parsed: Parsed, values: dict) -> None:
        values[code] = parsed.value
        if parsed.refused:
            self.result.problems.append(CellProblem(code, parsed.reason, parsed.numeric))

    def _compute_totals(self, uncached: list[str], values: dict) -> None:
        """Totals whose formula has no cached result get the value the formula computes: from what
        SUM adds (a refused negative included), then checked like any cell."""
        numeric = spreadsheet_values(values, self.result.problems)
        for code in TOTAL_CODES:  # parts before the totals that add them up
            if code in uncached:
                numeric[code] = total_value(code, numeric)
                self._accept(code, parse_count(numeric[code]), values)

    def _check_version(self) -> None:
        """Both stamps, the document property and the hidden cell, must name one known version."""
        where = self.destination(VERSION_NAME)
        in_cell = parse_text(self.raw(where)[0]) if where is not None and where[0] in self.wb.sheetnames else None
        stamps = {v for v in (_version(self.wb), in_cell) if v is not None}
        if not stamps:
            self.structure(_s01("no_version", ""))
        elif len(stamps) > 1:
            self.structure(_s01("version_mismatch", " / ".join(sorted(stamps))))
        elif (version := stamps.pop()) not in KNOWN_TEMPLATE_VERSIONS:
            self.structure(_s01("unknown_version", version))

    def _read_meta(self) -> dict:
        meta: dict[str, object] = {}
        for f in META_FIELDS:
            raw = self._content(self.locate(f.name))
            if f.key == "year":
                parsed = parse_year(raw)
                meta["year"] = parsed.value
                if parsed.refused:
                    self.result.problems.append(CellProblem(f.name, parsed.reason))
            elif f.key == "level":
                text = parse_text(raw)
                meta["level"] = next((lv for lv in Level if lv.value == text), None)
            else:
                text = parse_text(raw)
                meta[f.key] = text.upper() if f.key == "uscc" and text else text
        return meta

    def _content(self, where) -> object:
        """What a cell shows: its constant, or its formula's cached result."""
        if where is None:
            return None
        content, cached, data_type = self.raw(where)
        return cached if data_type == "f" else content


def read_workbook(path: str | Path) -> ReadResult:
    reader = _Reader(Path(path))
    try:
        return reader.read()
    finally:
        reader.wb.close()
        reader.cached.close()
