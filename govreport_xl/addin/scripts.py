"""The same three buttons for xlwings Lite and xlwings Server (Excel on the web and on the Mac):
register these scripts there (`import govreport_xl.addin.scripts`). The check sheet is left out
of the data sent with each click: nothing reads it, and it is the largest sheet."""

from __future__ import annotations

import xlwings as xw

from ..excel.layout import SHEET_CHECKS
from . import actions


@xw.script(name="校验", exclude=SHEET_CHECKS)
def govreport_validate(book: xw.Book):
    actions.validate(book)


@xw.script(name="清除标记", exclude=SHEET_CHECKS)
def govreport_clear(book: xw.Book):
    actions.clear(book)


@xw.script(name="导出JSON", exclude=SHEET_CHECKS)
def govreport_export_json(book: xw.Book):
    actions.export_json(book)
