"""A1 references, the one parser of the package: a cell's own `r="D6"`, a defined name's target
("'三、依申请公开'!$D$6", "=封面!$B$3:$B$4" as xlwings gives it) and the ranges inside =SUM(…).

Rows and columns are bounded as a spreadsheet bounds them (1,048,576 rows, XFD columns), and a
range is never expanded past what its caller can use: `=SUM(A:XFD)` is 17 billion cells.
Pure: no spreadsheet library is needed (and the core imports none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

Ref = tuple[str, int, int]  # (sheet, column index, row)

MAX_ROW, MAX_COL = 1_048_576, 16_384

_SHEET = r"(?:('(?:[^']|'')+')|([^'!:\[\]]+))!"
_COL, _ROW = r"\$?([A-Za-z]{1,3})", r"\$?(\d{1,7})"
_AREA = re.compile(
    rf"^(?:{_SHEET})?(?:{_COL}{_ROW}(?::{_COL}{_ROW})?"  # D6, D6:I6
    rf"|{_COL}:{_COL}"  # D:D
    rf"|{_ROW}:{_ROW})$"  # 6:6
)
_CELL = re.compile(rf"^{_COL}{_ROW}$")
_SUM = re.compile(r"^=?SUM\((.*)\)$", re.S | re.I)


@lru_cache(maxsize=4096)
def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


@dataclass(frozen=True)
class Area:
    """A rectangle of cells on one sheet (None: the sheet of whatever holds the reference)."""

    sheet: str | None
    first: tuple[int, int]  # (column, row), the top left
    last: tuple[int, int]  # (column, row), the bottom right

    @property
    def is_cell(self) -> bool:
        return self.first == self.last

    @property
    def size(self) -> int:
        return (self.last[0] - self.first[0] + 1) * (self.last[1] - self.first[1] + 1)

    def cells(self, sheet: str) -> list[Ref]:
        """Every cell, row by row (call only where the size is known to be small)."""
        where = self.sheet if self.sheet is not None else sheet
        return [(where, c, r) for r in range(self.first[1], self.last[1] + 1) for c in range(self.first[0], self.last[0] + 1)]


def _unquote(quoted: str | None, plain: str | None) -> str | None:
    if quoted is not None:
        return quoted[1:-1].replace("''", "'")
    return plain.strip() if plain is not None else None


def _col(letters: str | None, default: int) -> int | None:
    if letters is None:
        return default
    n = column_index(letters)
    return n if n <= MAX_COL else None


def _row(digits: str | None, default: int) -> int | None:
    if digits is None:
        return default
    n = int(digits)
    return n if 1 <= n <= MAX_ROW else None


def area(text: str) -> Area | None:
    """One reference ("D6", "$D$6:$I$6", "'x'!D6", "=x!D:D", "x!$6:$6") as an Area; None where the
    text is anything else: #REF!, a constant, a formula, several areas, another workbook's cell."""
    return _area(text) if len(text) <= 300 else None  # a sheet name has at most 31 characters


@lru_cache(maxsize=4096)
def _area(text: str) -> Area | None:
    m = _AREA.match(text.strip().removeprefix("=").strip())
    if not m:
        return None
    sheet = _unquote(m.group(1), m.group(2))
    c1, r1, c2, r2, cc1, cc2, rr1, rr2 = m.groups()[2:]
    if c1 is not None:  # cells
        a = (_col(c1, 0), _row(r1, 0))
        b = (_col(c2, 0), _row(r2, 0)) if c2 is not None else a
    elif cc1 is not None:  # whole columns
        a, b = (_col(cc1, 0), 1), (_col(cc2, 0), MAX_ROW)
    else:  # whole rows
        a, b = (1, _row(rr1, 0)), (MAX_COL, _row(rr2, 0))
    if None in a or None in b:
        return None
    return Area(sheet, (min(a[0], b[0]), min(a[1], b[1])), (max(a[0], b[0]), max(a[1], b[1])))


def cell(text: str) -> tuple[int, int] | None:
    """(row, column) of a plain cell reference such as a cell's own r="D6"; None for anything else."""
    return _cell(text) if len(text) <= 12 else None


@lru_cache(maxsize=16384)
def _cell(text: str) -> tuple[int, int] | None:
    m = _CELL.match(text)
    if not m:
        return None
    col, row = _col(m.group(1), 0), _row(m.group(2), 0)
    return None if col is None or row is None else (row, col)


def name_target(text: str | None) -> Area | None:
    """Where a defined name points, when it points at cells of a named sheet; None otherwise
    (#REF!, a constant, a formula, several areas). A range is an Area that is not one cell: the
    caller says so rather than reading its first cell."""
    a = area(text or "")
    return a if a is not None and a.sheet else None


def split_address(address: str) -> Ref:
    """"sheet!A1" (or "'sheet'!A1") -> (sheet, column, row). The sheet is taken as written
    unless quoted: the package writes addresses of its own sheets unquoted."""
    sheet, _, ref = address.rpartition("!")
    where = cell(ref)
    if where is None:
        raise ValueError(f"not a cell address: {address!r}")
    if len(sheet) > 1 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, where[1], where[0]


def refs(text: str, sheet: str, at_most: int | None = None) -> list[Ref] | None:
    """Every cell of one reference ("D6", "D6:I6", "'x'!D6"); None where it is not one, or where
    it holds more than `at_most` cells."""
    a = area(text)
    if a is None or (at_most is not None and a.size > at_most):
        return None
    return a.cells(sheet)


def sum_cells(formula: str, sheet: str, at_most: int | None = None) -> list[Ref] | None:
    """The cells a =SUM(…) formula adds up, in order (a cell listed twice counts twice); None for
    any other formula, and for one that adds up more than `at_most` cells."""
    m = _SUM.match(re.sub(r"\s+", "", formula))
    if not m:
        return None
    out: list[Ref] = []
    for arg in _split_args(m.group(1)):
        cells = refs(arg, sheet, None if at_most is None else at_most - len(out))
        if cells is None:
            return None
        out += cells
    return out


def _split_args(text: str) -> list[str]:
    """Arguments separated by commas outside quoted sheet names."""
    args, current, quoted = [], [], False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        if ch == "," and not quoted:
            args.append("".join(current))
            current = []
        else:
            current.append(ch)
    args.append("".join(current))
    return args
