"""An open xlwings Book as a cell source: each sheet a report lives on is read in one Range read
(every read is a round trip to Excel), its formulas in one more where the engine can give them.

Works the same on desktop Excel (COM / AppleScript) and on xlwings' remote engine (xlwings Lite,
xlwings Server), which sees values only: there the total formulas cannot be checked and the
engine lists them as not checkable.
"""

from __future__ import annotations

from ..core.source import RawCell, WorkbookFacts
from ..excel.layout import VERSION_NAME, VERSION_PROPERTY, positions
from ..excel.reader import Location, locate
from ..excel.spec import TEMPLATE_SPEC

ERROR_VALUES = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!", "#SPILL!", "#CALC!"})


def book_names(book) -> dict[str, str]:
    """Workbook-scoped names -> what they refer to ("='封面'!$B$3"), read by the package's one
    A1 parser (`excel.reader.locate`)."""
    out = {}
    for name in book.names:
        full = name.name
        if "!" in full:  # a sheet-scoped name
            continue
        out[full] = name.refers_to or ""
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
        for code in positions():
            if (where := locate(code, self.names, sheets)) is not None:
                wanted.setdefault(where.sheet, []).append((where.row, where.col))
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
        version = locate(VERSION_NAME, self.names, self.values, fallback=False)
        self.workbook = WorkbookFacts(
            TEMPLATE_SPEC, tuple(sheets), _custom_property(book),
            None if version is None else self._raw(version).value, reads_formulas,
        )

    def _raw(self, where: Location) -> RawCell:
        row, col = where.row, where.col
        try:
            value = self.values[where.sheet][row - 1][col - 1]
        except IndexError:  # a name pointing past what was read
            value = None
        formula = None
        formulas = self.formulas.get(where.sheet)
        if formulas is not None:
            try:
                text = formulas[row - 1][col - 1]
            except IndexError:
                text = None
            formula = text if isinstance(text, str) and text.startswith("=") else None
        is_error = isinstance(value, str) and value in ERROR_VALUES
        return where.raw(value, formula, is_error)

    def cell(self, code: str) -> RawCell | None:
        where = locate(code, self.names, self.values)
        return None if where is None else self._raw(where)
