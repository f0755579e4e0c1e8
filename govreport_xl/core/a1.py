"""A1 references as the rules meet them: "三、依申请公开!D6" and the ranges inside =SUM(…).

Enough of the A1 grammar to compare a total's formula with the cells it must add up; no
spreadsheet library is needed for that (and the core imports none).
"""

from __future__ import annotations

import re

Ref = tuple[str, int, int]  # (sheet, column index, row)

_CELL = r"\$?([A-Z]{1,3})\$?(\d{1,7})"
_REF = re.compile(rf"^(?:('(?:[^']|'')+'|[^'!:]+)!)?{_CELL}(?::{_CELL})?$", re.I)
_SUM = re.compile(r"^=?SUM\((.*)\)$", re.S | re.I)


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _sheet(quoted: str | None, default: str) -> str:
    if quoted is None:
        return default
    return quoted[1:-1].replace("''", "'") if quoted.startswith("'") else quoted


def split_address(address: str) -> Ref:
    """"sheet!A1" (or "'sheet'!A1") -> (sheet, column, row)."""
    sheet, _, cell = address.rpartition("!")
    [(ref_sheet, col, row)] = refs(cell, _sheet(sheet, sheet) if sheet.startswith("'") else sheet)
    return ref_sheet, col, row


def refs(text: str, sheet: str) -> list[Ref] | None:
    """Every cell of one reference ("D6", "D6:I6", "'x'!D6"); None where it is not one."""
    m = _REF.match(text)
    if not m:
        return None
    where = _sheet(m.group(1), sheet)
    c1, r1 = column_index(m.group(2).upper()), int(m.group(3))
    c2, r2 = (column_index(m.group(4).upper()), int(m.group(5))) if m.group(4) else (c1, r1)
    return [(where, c, r) for r in range(min(r1, r2), max(r1, r2) + 1) for c in range(min(c1, c2), max(c1, c2) + 1)]


def sum_cells(formula: str, sheet: str) -> list[Ref] | None:
    """The cells a =SUM(…) formula adds up, in order (a cell listed twice counts twice); None for
    any other formula."""
    m = _SUM.match(re.sub(r"\s+", "", formula))
    if not m:
        return None
    out: list[Ref] = []
    for arg in _split_args(m.group(1)):
        cells = refs(arg, sheet)
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
