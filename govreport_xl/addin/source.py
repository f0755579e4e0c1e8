"""An open xlwings Book as a cell source: each sheet a report lives on is read in one Range read
(every read is a round trip to Excel), its formulas in one more where the engine can give them.

Works the same on desktop Excel (COM / AppleScript) and on xlwings' remote engine (xlwings Lite,
xlwings Server), which sees values only: there the total formulas cannot be checked and the
engine lists them as not checkable.
"""

from __future__ import annotations

import re

from ..core.source import RawCell, WorkbookFacts
from ..excel.layout import VERSION_NAME, VERSION_PROPERTY, a1, defined_name, positions
from ..excel.spec import TEMPLATE_SPEC

ERROR_VALUES = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!", "#SPILL!", "#CALC!"})
_REF = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)$")


def _destination(refers_to: str | None) -> tuple[str, int, int] | None:
    m = _REF.match((refers_to or "").strip())
    if not m:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    col = 0
    for ch in m.group(3):
        col = col * 26 + ord(ch) - 64
    return sheet, int(m.group(4)), col


def book_names(book) -> dict[str, tuple[str, int, int]]:
    """Workbook-scoped names of single cells -> (sheet, row, col)."""
    out = {}
    for name in book.names:
        full = name.name
        if "!" in full:  # a sheet-scoped name
            continue
        dest = _destination(name.refers_to)
        if dest is not None:
            out[full] = dest
    return out


def _custom_property(book) -> str | None:
    """The version stamp in the document properties, where the engine can read them (COM)."""
    try:
        return str(book.api.CustomDocumentProperties(VERSION_PROPERTY).Value)
    except Exception:  # remote engines have no such API; a workbook may lack the property
        return None


class BookSource:
    kind = "book"
    format = None

    def __init__(self, book):
        self.book = book
        self.name = book.name
        self.names = book_names(book)
        sheets = [s.name for s in book.sheets]
        wanted: dict[str, list] = {}  # the sheets a report's cells are on, and those cells
        for code, (sheet, row, col) in positions().items():
            where = self.names.get(defined_name(code), (sheet, row, col))
            if where[0] in sheets:
                wanted.setdefault(where[0], []).append(where[1:])
        self.values: dict[str, list[list]] = {}
        self.formulas: dict[str, list[list] | None] = {}
        self.reads = 0
        reads_formulas = True
        for sheet, cells in wanted.items():
            last = (max(r for r, _ in cells), max(c for _, c in cells))
            rng = book.sheets[sheet].range((1, 1), last)
            self.values[sheet] = rng.options(ndim=2, err_to_str=True).value
            self.reads += 1
            try:
                formulas = rng.formula
                self.reads += 1
            except NotImplementedError:  # the remote engine sends values only
                formulas, reads_formulas = None, False
            self.formulas[sheet] = [list(r) for r in formulas] if formulas is not None else None
        version = self._located(VERSION_NAME, fallback=False)
        self.workbook = WorkbookFacts(
            TEMPLATE_SPEC, tuple(sheets), _custom_property(book),
            None if version is None else self._raw(*version[:3]).value, reads_formulas,
        )

    def _located(self, code: str, fallback: bool = True) -> tuple[str, int, int, bool] | None:
        where = self.names.get(defined_name(code))
        by_position = where is None
        if by_position:
            if not fallback:
                return None
            where = positions()[code]
        return (*where, by_position) if where[0] in self.values else None

    def _raw(self, sheet: str, row: int, col: int, by_position: bool = False) -> RawCell:
        values = self.values[sheet]
        try:
            value = values[row - 1][col - 1]
        except IndexError:  # a name pointing past what was read
            value = None
        formula = None
        formulas = self.formulas.get(sheet)
        if formulas is not None:
            try:
                text = formulas[row - 1][col - 1]
            except IndexError:
                text = None
            formula = text if isinstance(text, str) and text.startswith("=") else None
        is_error = isinstance(value, str) and value in ERROR_VALUES
        return RawCell(value, formula, is_error, f"{sheet}!{a1(row, col)}", by_position)

    def cell(self, code: str) -> RawCell | None:
        where = self._located(code)
        return None if where is None else self._raw(*where)
