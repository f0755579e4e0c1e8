"""The JSON the Office.js add-in's page sends with a click, built here from a real workbook's cached
values, key for key as the page builds it (`govreport_xl/server/officejs_pages/addin.js`, checked
against this in Chromium), which is the shape of xlwings Server's own Office.js client: getBookData
in xlwings_server/static/js/custom-scripts/index.js at commit
88620030ee48643d4eff789728cc3aecf302be38 (client "Office.js"; every sheet listed; a sheet not sent
has values [[]]; names with sheet_index and a $-less address; values from A1 to the last used cell,
"" for an empty cell)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import xlwings as xw

from govreport_xl.server.officejs import client_config


def _value(v):
    if v is None:
        return ""
    if isinstance(v, dt.datetime):  # a date-formatted cell, as the client converts it
        return v.isoformat(timespec="milliseconds") + "Z"
    return v


def _used(ws) -> list[list]:
    """A1 to the last cell holding a value (getUsedRange(valuesOnly=true))."""
    cells = [(c.row, c.column) for row in ws.iter_rows() for c in row if c.value is not None]
    if not cells:
        return [[""]]
    rows, cols = max(r for r, _ in cells), max(c for _, c in cells)
    return [[_value(c.value) for c in row] for row in ws.iter_rows(min_row=1, max_row=rows, max_col=cols)]


def payload(path: Path, config: dict | None = None) -> dict:
    config = config or client_config()
    wb = openpyxl.load_workbook(path, data_only=True)
    wanted = set(config["sheets"])
    names = []
    for name, dn in wb.defined_names.items():
        for sheet, ref in dn.destinations:
            if sheet in wb.sheetnames:
                names.append({"name": name, "sheet_index": wb.sheetnames.index(sheet), "address": ref.replace("$", ""),
                              "scope_sheet_name": None, "scope_sheet_index": None, "book_scope": True})
                if name in config["names"]:
                    wanted.add(sheet)
    sheets = [{"name": ws.title, "values": _used(ws) if ws.title in wanted else [[]], "pictures": [], "tables": []}
              for ws in wb.worksheets]
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": Path(path).name, "active_sheet_index": 0, "selection": None},
            "names": names, "sheets": sheets}
