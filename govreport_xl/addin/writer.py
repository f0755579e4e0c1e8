"""Draws a mark plan into an open workbook through xlwings: fills as few same-coloured
rectangles (one write each), the 校验结果 sheet in one write of values."""

from __future__ import annotations

from ..excel.marks import (HEADER_ROW, RESULTS_HEADER, RESULTS_HEADER_COLOUR, RESULTS_SHEET, RESULTS_WIDTHS,
                           rectangles)


def write_fills(book, fills: dict[str, dict[tuple[int, int], str]]) -> int:
    writes = 0
    for sheet, cells in fills.items():
        ws = book.sheets[sheet]
        for colour, (r1, c1, r2, c2) in rectangles(cells):
            ws.range((r1, c1), (r2, c2)).color = colour
            writes += 1
    return writes


def _results_sheet(book):
    if RESULTS_SHEET in [s.name for s in book.sheets]:
        ws = book.sheets[RESULTS_SHEET]
        ws.clear()
        return ws
    return book.sheets.add(RESULTS_SHEET, after=book.sheets[len(book.sheets) - 1])


def write_results(book, rows: list[list[object]]) -> None:
    ws = _results_sheet(book)
    width = max(len(r) for r in rows)
    ws["A1"].value = [[*r, *[""] * (width - len(r))] for r in rows]
    ws.range((HEADER_ROW, 1), (HEADER_ROW, len(RESULTS_HEADER))).color = RESULTS_HEADER_COLOUR
    for i, w in enumerate(RESULTS_WIDTHS, start=1):
        ws.range((1, i)).column_width = w
    ws.activate()


def remove_results(book) -> bool:
    if RESULTS_SHEET not in [s.name for s in book.sheets]:
        return False
    book.sheets[RESULTS_SHEET].delete()
    return True
