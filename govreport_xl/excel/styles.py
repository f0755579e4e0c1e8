"""Cell styles of the template (official tables use 宋体; titles 黑体)."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

BODY_FONT = "宋体"
TITLE_FONT = "黑体"

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow: type here
TOTAL_FILL = PatternFill("solid", fgColor="D9D9D9")  # grey: computed
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FAIL_FILL = PatternFill("solid", fgColor="FF9999", bgColor="FF9999")  # conditional formats use bgColor
WARN_FILL = PatternFill("solid", fgColor="FFD966", bgColor="FFD966")

# "General" shows what was typed: 2.5 stays 2.5, not a rounded 3 that hides why the cell is red
COUNT_FORMAT = "General"
AMOUNT_FORMAT = "General"

LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)

# style name -> (font, alignment, border?, fill)
TEXT_STYLES = {
    "title": (Font(name=TITLE_FONT, size=16), Alignment(horizontal="center", vertical="center"), False, None),
    "summary": (Font(name=BODY_FONT, size=11, bold=True), Alignment(horizontal="left", vertical="center"), False, None),
    "header": (Font(name=BODY_FONT, size=10, bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True), True, HEADER_FILL),
    "group": (Font(name=BODY_FONT, size=10, bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True), True, None),
    "note": (Font(name=BODY_FONT, size=9), Alignment(horizontal="center", vertical="center", wrap_text=True), True, None),
    "label": (Font(name=BODY_FONT, size=10), Alignment(horizontal="left", vertical="center", wrap_text=True), True, None),
    "hint": (Font(name=BODY_FONT, size=9, italic=True, color="7F7F7F"), Alignment(vertical="center", wrap_text=True), False, None),
    "instruction": (Font(name=BODY_FONT, size=10), Alignment(horizontal="left", vertical="center", wrap_text=True), False, None),
}
VALUE_FONT = Font(name=BODY_FONT, size=11)
TOTAL_FONT = Font(name=BODY_FONT, size=11, bold=True)
VALUE_ALIGNMENT = Alignment(horizontal="center", vertical="center")
COVER_ALIGNMENT = Alignment(horizontal="left", vertical="center")
SMALL_FONT = Font(name=BODY_FONT, size=9, color="595959")
CHECK_FONT = Font(name=BODY_FONT, size=10)
FAIL_FONT = Font(color="C00000", bold=True)
UNFILLED_FONT = Font(color="C65911", bold=True)  # amber-brown: not filled in yet
