"""The JSON an xlwings client (Office Scripts, xlwings Lite, xlwings Server) sends with a call,
built from a real workbook's cached values, so that the add-in runs through xlwings itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import xlwings as xw

SKIPPED_SHEETS = ("校验",)  # as the add-in's scripts exclude it: its values are not sent


def _value(cell):
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.isoformat(timespec="milliseconds") + "Z"  # Office Scripts sends dates as ISO text
    return v


def payload(path: Path, skipped=SKIPPED_SHEETS) -> dict:
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [[""]] if ws.title in skipped else [
            [_value(c) for c in row] for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column)
        ]
        sheets.append({"name": ws.title, "values": values, "pictures": [], "tables": [], "charts": [], "shapes": [], "notes": []})
    names = []
    for name, dn in wb.defined_names.items():
        for sheet, ref in dn.destinations:
            names.append({"name": name, "sheet_index": wb.sheetnames.index(sheet), "address": ref.replace("$", ""),
                          "scope_sheet_name": None, "scope_sheet_index": None, "book_scope": True})
    return {
        "client": "Microsoft Office Scripts", "version": xw.__version__,
        "book": {"name": Path(path).name, "active_sheet_index": 0, "selection": "A1"},
        "names": names, "sheets": sheets,
    }


def book(path: Path, **kw) -> xw.Book:
    return xw.Book(json=payload(path, **kw))
