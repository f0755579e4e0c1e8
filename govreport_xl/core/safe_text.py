"""Text that came from an input (a file name, a body's name, a title, a cell) is data in every
output: shown escaped on a terminal, stored as text (never a formula) in workbooks and CSV, kept
exact in JSON, and shortened where it becomes a file name.

Pure functions over `str`; the writers call them at the point where text leaves the program.
"""

from __future__ import annotations

import re
import unicodedata

# What must not reach a terminal or an XML part as it is: C0 controls (newline and tab are
# allowed only where a whole line of ours is printed), DEL, C1 controls, lone surrogates (a file
# name in a legacy encoding, decoded with surrogateescape) and the bidirectional overrides that
# reorder what a reader sees.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufeff]")
_UNSAFE_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match) -> str:
    c = m.group()
    if c in _NAMED:
        return _NAMED[c]
    n = ord(c)
    if 0xDC80 <= n <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        return f"\\x{n - 0xDC00:02x}"
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def shown(text: object) -> str:
    """Input text as it may be shown or stored anywhere: every control character, lone surrogate
    and bidirectional override written as a visible escape (`\\x1b`, `\\xb9`), the rest as is."""
    return _UNSAFE.sub(_escape, str(text))


def terminal_line(text: str) -> str:
    """A line (or lines) of ours for the terminal: the same escapes, newlines and tabs kept."""
    return _UNSAFE_IN_LINES.sub(_escape, text)


def json_safe(text: str) -> str:
    """JSON made with ensure_ascii=False, with any lone surrogate as its \\uXXXX escape: valid
    UTF-8 that reads back as the same string (a file name keeps its exact bytes)."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# OWASP's list for CSV injection: a cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text)


def csv_text(text: str) -> str:
    """A text cell of a CSV: escaped as `shown`, and a leading formula character neutralised
    with an apostrophe (spreadsheets show it as text and hide the apostrophe)."""
    text = shown(text)
    return "'" + text if starts_like_formula(text) else text


_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
_NOT_IN_FILE_NAMES = str.maketrans({c: "_" for c in '<>:"/\\|?*'})
NAME_BYTES = 120  # a stem derived from a name: room for a suffix, "_2" and the temporary prefix


def file_stem(text: str, max_bytes: int = NAME_BYTES) -> str:
    """A file name stem made from a name: no control or reserved characters, no trailing dots or
    spaces (Windows), not a reserved device name, at most `max_bytes` bytes of UTF-8, cut
    between characters. "" where nothing usable is left."""
    stem = unicodedata.normalize("NFC", _UNSAFE.sub("_", text)).translate(_NOT_IN_FILE_NAMES).strip(" .")
    if len(stem.encode("utf-8")) > max_bytes:
        stem = stem.encode("utf-8")[:max_bytes].decode("utf-8", "ignore").rstrip(" .")
    if _WINDOWS_RESERVED.match(stem):
        stem = "_" + stem
    return stem


def as_text(cell, value: object):
    """Put `value` into a spreadsheet cell (an openpyxl cell) as text, never as a formula: escaped
    as `shown`, typed as a string, and marked with Excel's quote prefix where it starts like a
    formula, so that editing the cell keeps it text too."""
    text = shown(value)
    cell.value = text
    cell.data_type = "s"
    if starts_like_formula(text):
        cell.quotePrefix = True
    return cell
