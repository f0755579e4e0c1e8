"""Turns what a cell holds into a model value or a reason why not: the one set of value rules.

Spreadsheet cells (openpyxl, xlwings, report JSON) follow spreadsheet semantics: text is not a
number, even "12". Printed cells (a published table's text) are read as the figures they show:
"1,234", "12件", "８７１５．９６万元". No file access here.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal

from .findings import Reason

# Words clerks write for "none"; the official tables write 0.
NONE_WORDS = frozenset({"/", "／", "-", "－", "—", "——", "--", "－－", "无", "不适用", "没有", "空"})
FULL_WIDTH = ("０１２３４５６７８９．，－", "0123456789.,-")  # also compiled into the template's formulas
_FULL_WIDTH = str.maketrans(*FULL_WIDTH)
_NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?$")  # excel/formulas.numeric_text is its formula form
# What a blank cell may hold, and how a year may be written: defined once here, and compiled into
# the template's formulas (excel/formulas.py) so that the sheet and the engine agree on every cell.
BLANK_CHARACTERS = " \t\n\r\u00a0\u3000"  # spaces, tabs, line breaks, no-break and ideographic spaces
YEAR_DIGITS = "0123456789０１２３４５６７８９"  # a digit's value is its index mod 10
YEAR_SUFFIXES = ("", "年", "年度")  # after the four digits, blank characters anywhere left out
# A printed figure: thousands separators, decimals, and the units clerks type after it.
_PRINTED = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:件|个|次|万元|万)?$")


@dataclass(frozen=True)
class Parsed:
    value: int | Decimal | None  # the model value; None when blank or refused
    reason: Reason | None = None  # why it was refused
    numeric: Decimal | None = None  # what a spreadsheet SUM adds for a refused number

    @property
    def refused(self) -> bool:
        return self.reason is not None


BLANK = Parsed(None)


def float_to_decimal(x: float) -> Decimal:
    """A spreadsheet number as the decimal a person typed: spreadsheets keep 15 significant digits,
    so the 15-digit rendering is exact for every value Excel or WPS can hold."""
    d = Decimal(format(x, ".15g"))
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def _as_decimal(raw) -> Decimal:
    return float_to_decimal(raw) if isinstance(raw, float) else Decimal(raw)


def _show(d: Decimal) -> str:
    return format(d, "f")


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip(BLANK_CHARACTERS) == "")


def _refuse_text(text: str) -> Parsed:
    s = text.strip(BLANK_CHARACTERS)
    if s in NONE_WORDS:
        return Parsed(None, Reason("none_word", s))
    if _NUMBER.match(s.translate(_FULL_WIDTH).replace(" ", "")):
        return Parsed(None, Reason("numeric_text", s))
    return Parsed(None, Reason("text", s))


def _non_number(raw, is_error: bool) -> Parsed | None:
    """The reason for anything that is not a number at all, or None for a number."""
    if is_blank(raw):
        return BLANK
    if is_error:
        return Parsed(None, Reason("error", str(raw)))
    if isinstance(raw, bool):
        return Parsed(None, Reason("bool", "TRUE" if raw else "FALSE"))
    if isinstance(raw, (_dt.datetime, _dt.date, _dt.time)):
        return Parsed(None, Reason("date", raw.isoformat()))
    if isinstance(raw, _dt.timedelta):  # a number formatted as [h]:mm
        return Parsed(None, Reason("duration", str(raw)))
    if isinstance(raw, str):
        return _refuse_text(raw)
    if not isinstance(raw, (int, float, Decimal)):
        return Parsed(None, Reason("unreadable", str(raw)))
    return None


# A spreadsheet keeps 15 significant digits: a figure from 10^15 up cannot be held exactly, and
# no count or amount in these tables comes near it (a hostile file may hold 10^400 or NaN).
LIMIT = Decimal(10) ** 15


def _out_of_range(raw) -> Parsed | None:
    try:
        d = _as_decimal(raw)
    except (ValueError, OverflowError, ArithmeticError):
        return Parsed(None, Reason("not_finite", str(raw)[:40]))
    if not d.is_finite():
        return Parsed(None, Reason("not_finite", str(raw)[:40]))
    if abs(d) >= LIMIT:
        return Parsed(None, Reason("too_large", f"{d:.6E}" if d.adjusted() > 20 else _show(d)))
    return None


def _figure(raw, is_error: bool) -> Parsed | Decimal:
    """A number ≥ 0 within range as a Decimal, else the Parsed that refuses it."""
    if (refused := _non_number(raw, is_error) or _out_of_range(raw)) is not None:
        return refused
    d = _as_decimal(raw)
    return Parsed(None, Reason("negative", _show(d)), d) if d < 0 else d


def parse_count(raw, is_error: bool = False) -> Parsed:
    if isinstance(d := _figure(raw, is_error), Parsed):
        return d
    if d != d.to_integral_value():
        return Parsed(None, Reason("fraction", _show(d)), d)
    return Parsed(int(d))


def parse_amount(raw, is_error: bool = False) -> Parsed:
    return d if isinstance(d := _figure(raw, is_error), Parsed) else Parsed(d)


def printed_number(text: str) -> Decimal | None:
    """The figure a printed cell shows, or None where it shows none."""
    m = _PRINTED.match(text.strip().translate(_FULL_WIDTH))
    return Decimal(m.group(1).replace(",", "") + (m.group(2) or "")) if m else None


def parse_printed(raw, kind_is_amount: bool = False) -> Parsed:
    """A cell of a published table: a printed figure, a word for none (read as 0), or unreadable."""
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        if (refused := _out_of_range(raw)) is not None:
            return refused
        number = Decimal(raw)  # already decoded (digits run together, split by the sums)
    elif is_blank(raw):
        return BLANK
    elif (text := str(raw).strip()) in NONE_WORDS:
        return Parsed(0)
    elif (number := printed_number(text)) is None:
        return Parsed(None, Reason("unreadable", text[:40]))
    elif (refused := _out_of_range(number)) is not None:
        return refused
    if number < 0:  # a decoded figure handed over as a number: below 0 as in any other cell
        return Parsed(None, Reason("negative", _show(number)), number)
    if kind_is_amount:
        return Parsed(number)
    if number != number.to_integral_value():
        return Parsed(None, Reason("fraction", _show(number)), number)
    return Parsed(int(number))


def written_year(text: str) -> int | None:
    """The year of a text such as 2022, 2022年, ２０２２年度 or "2022 年": four digits and a suffix
    of YEAR_SUFFIXES once blank characters are left out."""
    s = "".join(ch for ch in text if ch not in BLANK_CHARACTERS)
    if len(s) < 4 or s[4:] not in YEAR_SUFFIXES or any(ch not in YEAR_DIGITS for ch in s[:4]):
        return None
    return int("".join(str(YEAR_DIGITS.index(ch) % 10) for ch in s[:4]))


def parse_year(raw, is_error: bool = False) -> Parsed:
    if is_blank(raw):
        return BLANK
    if is_error:
        return Parsed(None, Reason("meta_error", str(raw)))
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        try:
            if raw == int(raw):
                return Parsed(int(raw))
        except (ValueError, OverflowError, ArithmeticError):  # NaN, infinity
            pass
    if isinstance(raw, str) and (year := written_year(raw)) is not None:
        return Parsed(year)
    return Parsed(None, Reason("bad_year", str(raw)))


def parse_text(raw) -> str | None:
    """Metadata text; a code typed into a number cell comes back without a trailing .0."""
    if is_blank(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip(BLANK_CHARACTERS) or None
