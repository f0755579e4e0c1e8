"""A small, safe, linear reader of the parts of an .xlsx a report lives in.

openpyxl gives either the formulas or their cached results, so reading both meant parsing every
sheet twice; this reader gets both from one pass over the sheets asked for, and nothing else
(another sheet is never opened; the check sheet is only scanned for which cells hold formulas).
It reads what openpyxl reads, by openpyxl's own rules (where a cell without `r=` sits, how a
shared formula or a date-formatted number reads; the tests compare the two cell by cell on
generated workbooks), and where openpyxl would stop with an exception it says what is wrong
with that cell instead.

Bounded per file, whatever the file holds (SECURITY.md has the figures):
- a zip whose central directory is at most MAX_DIRECTORY bytes (sized before zipfile reads it)
  and MAX_MEMBERS members; each part at most MAX_PART_BYTES inflated and MAX_RATIO times its
  compressed size, checked on the declared sizes before inflating and while inflating; at most
  MAX_READ_BYTES read from one file in all;
- each XML part parsed in one pass by expat (linear; DTDs refused, as the Open Packaging
  Conventions forbid them), and only if it has at most MAX_TAGS tags: memory holds what is kept
  (at most MAX_CELLS cells a sheet, MAX_ELEMENTS elements of a small part), never a tree;
- a cell's text at most MAX_TEXT characters and a formula at most MAX_FORMULA (Excel's own
  limits), a number format at most MAX_FORMAT (openpyxl's date test is quadratic past it);
- a shared formula is translated for a cell only when that cell's formula is asked for.
"""

from __future__ import annotations

import posixpath
import pyexpat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from openpyxl.formula.tokenizer import TokenizerError
from openpyxl.formula.translate import Translator, TranslatorError
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601
from openpyxl.xml.constants import SHARED_STRINGS, XLSM, XLSX, XLTM, XLTX

from ..core import a1
from ..core.findings import Reason
from ..core.source import SourceError, refuse

MAX_MEMBERS = 10_000  # a workbook has tens of parts
MAX_DIRECTORY = 2 * 1024 * 1024  # bytes of the zip's central directory (10,000 members take about 1 MB)
MAX_PART_BYTES = 64 * 1024 * 1024  # a report's sheet is kilobytes; anything this large is not one
MAX_READ_BYTES = 64 * 1024 * 1024  # all parts read from one file together (a report reads about 700 KB)
MAX_RATIO = 200  # deflate rarely beats 100:1 on real sheets; bombs reach 1000:1
MAX_TAGS = 1_000_000  # per XML part; the long check sheet has 27,000
MAX_ELEMENTS = 100_000  # kept from a small part: defined names, cell styles, relationships …
MAX_TEXT = 32_767  # characters in a cell (Excel's limit)
MAX_FORMULA = 8_192  # characters in a formula (Excel's limit)
MAX_FORMAT = 255  # characters in a number format code (Excel's limit)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships}"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types}"
_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_OFFICE_DOCUMENT = _REL_TYPES + "officeDocument"
_WORKBOOK_TYPES = (XLTM, XLTX, XLSM, XLSX)  # in openpyxl's order of preference
_ROW, _C, _F, _V, _IS, _SI, _T, _R = (_MAIN + t for t in ("row", "c", "f", "v", "is", "si", "t", "r"))


class PartError(Exception):
    """A part of the package that is missing, too large or not safe XML (`part`: which, once known)."""

    def __init__(self, message: str, part: str | None = None):
        super().__init__(message)
        self.part = part


class Cell:
    """One cell as stored: its constant or cached result, its formula, and what is wrong with it
    where it cannot be read (then `value` is None)."""

    __slots__ = ("value", "_formula", "data_type", "problem")

    def __init__(self, value, formula, data_type: str, problem: Reason | None = None):
        self.value = value  # constant or cached result; None when empty or nothing is cached
        self._formula = formula  # "=SUM(D6:I6)", or a shared formula not yet translated
        self.data_type = data_type  # openpyxl's codes: n, s, b, e, d, f (a formula without a result) …
        self.problem = problem

    @property
    def formula(self) -> str | None:
        if isinstance(self._formula, _SharedFormula):
            self._formula = self._formula.text()
        return self._formula

    @property
    def is_error(self) -> bool:
        return self.data_type == "e"

    def __repr__(self):
        return f"Cell({self.value!r}, {self.formula!r}, {self.data_type!r}, {self.problem!r})"


EMPTY = Cell(None, None, "n")


class _Master:
    """The text of a shared formula and the cell it is written for; translated to another cell
    with openpyxl's Translator (tokenised once, on first use)."""

    def __init__(self, text: str, origin: str):
        self.text, self.origin = text, origin
        self._translator: Translator | bool | None = None  # False: its text cannot be tokenised

    def translate(self, ref: str) -> str:
        """The formula at `ref`; the master's own text where openpyxl cannot translate it (a
        formula Excel would not have written, or one that would leave the sheet)."""
        try:
            if self._translator is None:
                self._translator = Translator(self.text, self.origin)
            return self._translator.translate_formula(ref) if self._translator else self.text
        except TokenizerError:
            self._translator = False
        except (TranslatorError, ValueError):
            pass
        return self.text


@dataclass(frozen=True)
class _SharedFormula:
    master: _Master
    ref: str

    def text(self) -> str:
        return self.master.translate(self.ref)


class _TooLong:
    """Text past MAX_TEXT characters: its length is kept, not the text."""

    __slots__ = ("length",)

    def __init__(self, length: int):
        self.length = length


# --- XML, one pass ---------------------------------------------------------------------------

def _no_dtd(*_):
    raise PartError("declares a DTD")


def _expat(data: bytes, name: str, start, end=None, text=None, namespaces: bool = True) -> None:
    """Run expat over a whole part with these handlers (tag names as "namespace}local", or as
    written without `namespaces`)."""
    if data.count(b"<") > MAX_TAGS:  # every element needs one: this bounds the work below
        raise PartError(f"part {name} has more than {MAX_TAGS} tags", name)
    parser = pyexpat.ParserCreate(namespace_separator="}") if namespaces else pyexpat.ParserCreate()
    parser.StartDoctypeDeclHandler = _no_dtd  # entities can only be declared in a DTD
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.buffer_text = True
        parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)  # whole: expat before 2.6 rescans a token fed in pieces
    except pyexpat.ExpatError as exc:
        raise PartError(f"part {name}: {exc}", name) from None
    except PartError as exc:
        if exc.part is not None:  # from another part read on the way (the shared strings)
            raise
        raise PartError(f"part {name}: {exc}", name) from None


@dataclass
class _Element:
    tag: str
    attrs: dict
    parent: str | None
    text: str = ""  # all the text inside it (as itertext), at most MAX_TEXT + 1 characters


def _elements(data: bytes, name: str, wanted: frozenset[str]) -> list[_Element]:
    """The elements of a small part whose tags are wanted, in document order (at most MAX_ELEMENTS)."""
    out: list[_Element] = []
    stack: list[str] = []
    open_: list[_Element] = []

    def start(tag, attrs):
        if tag in wanted:
            if len(out) >= MAX_ELEMENTS:
                raise PartError(f"more than {MAX_ELEMENTS} elements {tag.rpartition('}')[2]}")
            element = _Element(tag, attrs, stack[-1] if stack else None)
            out.append(element)
            open_.append(element)
        stack.append(tag)

    def end(tag):
        stack.pop()
        if open_ and open_[-1].tag == tag and tag in wanted:
            open_.pop()

    def text(data):
        for element in open_:
            if len(element.text) <= MAX_TEXT:
                element.text += data[:MAX_TEXT + 1 - len(element.text)]

    _expat(data, name, start, end, text)
    return out


class _TextCollector:
    """The text directly inside an element, before its first child (as ElementTree's .text),
    kept up to MAX_TEXT characters."""

    __slots__ = ("parts", "length", "open")

    def __init__(self):
        self.parts, self.length, self.open = [], 0, True

    def add(self, data: str) -> None:
        if self.open:
            self.length += len(data)
            if self.length <= MAX_TEXT:
                self.parts.append(data)

    def value(self):
        if self.length > MAX_TEXT:
            return _TooLong(self.length)
        return "".join(self.parts) if self.parts else None


class _Item:
    """A string item (<si>, <is>) built from the events inside it, as openpyxl reads one: its own
    <t> (the last) and the <t> of each of its runs; phonetic readings left out. Depths are
    relative to the item (1: its children)."""

    __slots__ = ("plain", "runs", "text", "slot", "in_run")

    def __init__(self):
        self.plain, self.runs, self.text, self.slot, self.in_run = None, [], None, 0, False

    def start(self, tag: str, depth: int) -> None:
        if self.text is not None:
            self.text.open = False
        if depth == 1:
            self.in_run = tag == _R
            if tag == _T:
                self.text, self.slot = _TextCollector(), 1
            elif tag == _R:
                self.runs.append(None)
        elif depth == 2 and self.in_run and tag == _T:
            self.text, self.slot = _TextCollector(), 2

    def end(self, depth: int) -> None:
        if self.text is not None and depth == self.slot:
            if depth == 1:
                self.plain = self.text.value()
            else:
                self.runs[-1] = self.text.value()
            self.text = None

    def chars(self, data: str) -> None:
        if self.text is not None:
            self.text.add(data)

    def value(self):
        parts = ([self.plain] if self.plain is not None else []) + [r for r in self.runs if r is not None]
        length = sum(p.length if isinstance(p, _TooLong) else len(p) for p in parts)
        return _TooLong(length) if length > MAX_TEXT else "".join(parts)


class _StringsReader:
    """Every item of sharedStrings.xml: the <si> children of its root, as openpyxl counts them."""

    def __init__(self):
        self.items: list = []
        self.depth = 0
        self.item: _Item | None = None

    def start(self, tag, attrs):
        self.depth += 1
        if self.item is not None:
            self.item.start(tag, self.depth - 2)
        elif self.depth == 2 and tag == _SI:
            self.item = _Item()

    def end(self, tag):
        if self.item is not None:
            if self.depth == 2:
                value = self.item.value()
                self.items.append(value.replace("x005F_", "") if isinstance(value, str) else value)  # as openpyxl does
                self.item = None
            else:
                self.item.end(self.depth - 2)
        self.depth -= 1

    def chars(self, data):
        if self.item is not None:
            self.item.chars(data)


MAX_CELLS = 100_000  # cells holding something, per sheet: a report sheet has hundreds


def _shared_formula_cost(data: bytes, part: str) -> int:
    """How many characters of formula openpyxl translates loading this sheet: each cell of a
    shared formula re-translates its master's text (a 50 KB master under 100,000 cells is 5 GB)."""
    masters: dict[str | None, int] = {}
    cost, current, length = 0, None, 0  # the <f t="shared"> being read: its index, its text so far

    def start(tag, attrs):
        nonlocal current, length
        if tag == _F and attrs.get("t") == "shared":
            current, length = (attrs.get("si"),), 0

    def end(tag):
        nonlocal current, cost
        if tag == _F and current is not None:
            si = current[0]
            if si in masters:
                cost += masters[si]
            elif length:
                masters[si] = length
            current = None

    def chars(text):
        nonlocal length
        if current is not None:
            length += len(text)

    _expat(data, part, start, end, chars)
    return cost


class _SheetReader:
    """One pass over a worksheet, placing cells by openpyxl's rules: a row without r= follows the
    row before; a cell without r= follows the cell before it in its row (any child of a row
    counts), and a cell's own r= never moves the row counter."""

    def __init__(self, package: "Package", part: str):
        self.package, self.part = package, part
        self.cells: dict[tuple[int, int], Cell] = {}
        self.masters: dict[str | None, _Master | None] = {}  # shared formula index -> master (None: too long)
        self.depth = 0
        self.row_depth = self.cell_depth = -1  # depth of the row and the cell being read; -1: none
        self.row = self.col = 0
        self.pos: tuple[int, int] | None = None
        self.attrs: dict = {}
        self.f_attrs: dict | None = None
        self.f_text = self.v_text = None
        self.v_seen = self.in_inline = False
        self.inline: _Item | None = None
        self.text: _TextCollector | None = None

    def read(self, data: bytes) -> dict[tuple[int, int], Cell]:
        _expat(data, self.part, self.start, self.end, self.chars)
        return self.cells

    def start(self, tag, attrs):
        self.depth = depth = self.depth + 1
        if self.text is not None:
            self.text.open = False
        if depth == self.row_depth + 1:  # a child of the row: a cell
            self.col, pos = _place(attrs.get("r"), self.row, self.col)
            if tag == _C:
                self.pos, self.cell_depth, self.attrs = pos, depth, attrs
                self.f_attrs = self.f_text = self.v_text = self.inline = None
                self.v_seen = self.in_inline = False
        elif tag == _ROW:
            self.row, self.col, self.row_depth = _row_number(attrs.get("r"), self.row), 0, depth
        elif self.pos is not None:
            depth -= self.cell_depth
            if self.in_inline:
                self.inline.start(tag, depth - 1)
            elif depth == 1:
                if tag == _F and self.f_attrs is None:
                    self.f_attrs, self.text = attrs, _TextCollector()
                elif tag == _V and not self.v_seen:
                    self.v_seen, self.text = True, _TextCollector()
                elif tag == _IS and self.inline is None:
                    self.inline, self.in_inline = _Item(), True

    def end(self, tag):
        depth = self.depth
        self.depth -= 1
        if self.pos is not None:
            depth -= self.cell_depth
            if self.in_inline:
                if depth == 1:
                    self.in_inline = False
                else:
                    self.inline.end(depth - 1)
            elif depth == 1 and self.text is not None:
                text = self.text.value()
                if tag == _F:
                    self.f_text = "" if text is None else text
                else:
                    self.v_text = text
                self.text = None
            elif depth == 0:
                self._finish()
                self.pos, self.cell_depth = None, -1
        elif depth == self.row_depth:
            self.row_depth = -1

    def chars(self, data):
        if self.in_inline:
            self.inline.chars(data)
        elif self.text is not None:
            self.text.add(data)

    def _finish(self) -> None:
        formula = problem = None
        if self.f_attrs is not None:
            formula, problem = self._formula()
        value, data_type, value_problem = self.package.cell_value(self.attrs, self.v_text, self.inline)
        problem = problem or value_problem
        if value is None and formula is None and problem is None:
            return
        if len(self.cells) >= MAX_CELLS:
            raise PartError(f"more than {MAX_CELLS} cells hold something")
        if problem is not None:
            value = None
        self.cells[self.pos] = Cell(value, formula, "f" if value is None and formula is not None else data_type, problem)

    def _formula(self):
        text, shared = self.f_text, self.f_attrs.get("t") == "shared"
        si = self.f_attrs.get("si")
        if isinstance(text, _TooLong) or len(text) > MAX_FORMULA:
            if shared:
                self.masters.setdefault(si, None)
            return None, Reason("too_long", str(text.length if isinstance(text, _TooLong) else len(text)))
        formula = "=" + text
        if shared:  # as openpyxl: a known index is translated, else the cell is its master
            ref = f"{get_column_letter(self.pos[1])}{self.pos[0]}"
            if si in self.masters:
                master = self.masters[si]
                if master is None:
                    return None, Reason("too_long", f"> {MAX_FORMULA}")
                return _SharedFormula(master, ref), None
            if formula != "=":
                self.masters[si] = _Master(formula, ref)
        return formula, None


def _place(ref: str | None, row: int, col: int) -> tuple[int, tuple[int, int]]:
    """(the row's column counter after a cell, the cell's (row, column))."""
    if ref:
        pos = a1.cell(ref)
        if pos is None:
            raise PartError(f"a cell at '{_shown(ref)}'")
        return pos[1], pos
    if col >= a1.MAX_COL:
        raise PartError(f"row {row} has more than {a1.MAX_COL} cells")
    return col + 1, (row, col + 1)


def _formula_cells(data: bytes, part: str, wanted: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of the `wanted` cells hold a formula, from the start tags alone (the long check sheet:
    only whether its cells still hold their formulas is asked). Tags are matched by their local
    names (expat without namespace processing: a sixth quicker here). Valid sheets hold <c> only
    in <row>, <f> only in <c>, and no other namespace's c, f or row; where a crafted one does, a
    cell may be taken for a formula cell that openpyxl would not, never the other way."""
    found: list[tuple[int, str | None, int]] = []  # (row counter, the cell's r= or the last before it, cells since)
    state = [0, None, 0, False]  # the row counter, the last r= in the row, the cells since, in a cell without <f> yet

    def start(tag, attrs):
        if tag == "c":
            ref = attrs.get("r")
            if ref:
                state[1], state[2] = ref, 0
            else:
                state[2] += 1
            state[3] = True
        elif tag == "f":
            if state[3]:
                found.append((state[0], state[1], state[2]))
                state[3] = False
        elif tag == "row":
            state[:] = _row_number(attrs.get("r"), state[0]), None, 0, False
        elif ":" in tag:
            start(tag.rpartition(":")[2], attrs)

    _expat(data, part, start, namespaces=False)
    out = set()
    for row, ref, after in found:
        pos = a1.cell(ref) if ref else (row, 0)
        if pos is None:
            raise PartError(f"part {part}: a cell at '{_shown(ref)}'", part)
        if after:
            pos = (row, pos[1] + after)
        if pos in wanted:
            out.add(pos)
    return out


def _row_number(text: str | None, before: int) -> int:
    if text is None:
        return before + 1
    try:
        n = int(text)
    except ValueError:
        try:
            f = float(text)
        except ValueError:
            f = 0.5
        if not f.is_integer():
            raise PartError(f"a row numbered '{text[:20]}'") from None
        n = int(f)
    if not 1 <= n <= a1.MAX_ROW:
        raise PartError(f"a row numbered '{text[:20]}'")
    return n


def _number(raw: str) -> int | float | None:
    """openpyxl's reading of a number ("1.5", "2E3" as float, else int), and where it would stop,
    what Python makes of it (NaN and infinity: numbers the rules can name); None if nothing."""
    try:
        return float(raw) if "." in raw or "E" in raw or "e" in raw else int(raw)
    except ValueError:
        try:
            return float(raw)
        except ValueError:
            return None


def _shown(raw: str) -> str:
    return raw if len(raw) <= 40 else raw[:40] + "…"


# --- the package -----------------------------------------------------------------------------

@dataclass(frozen=True)
class LoadCost:
    inflated: int  # bytes, every part
    tags: int  # in every sheet and the shared strings
    translated: int  # characters of shared formulas re-translated cell by cell
    unreadable_format: bool  # a number format past MAX_FORMAT characters (openpyxl's date test is quadratic)


class Package:
    """An .xlsx opened for reading. Use as a context manager; the file is closed on exit."""

    def __init__(self, path, name: str | None = None):
        self.path = name or path  # what messages call it
        self._read = 0
        directory = _directory_size(path)
        if directory is not None and directory > MAX_DIRECTORY:
            raise refuse(self.path, f"压缩包的目录有 {directory} 字节，部件过多，不像一个工作簿",
                         f"the zip's directory has {directory} bytes: too many parts for a workbook")
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise _not_a_workbook(self.path, _head(path), exc) from None
        try:
            if len(self.zip.infolist()) > MAX_MEMBERS:
                raise refuse(self.path, f"含有 {len(self.zip.infolist())} 个部件，超过 {MAX_MEMBERS} 个，不像一个工作簿",
                             f"has {len(self.zip.infolist())} parts, more than {MAX_MEMBERS}: not a workbook")
            self.workbook_part = self._workbook_part()
            if self.workbook_part is None:
                raise _other_package(self.path, self)
            self._load_workbook()
        except BaseException:
            self.zip.close()
            raise
        self._strings: list | None = None
        self._styles: list | None = None  # per cell style: "date", "timedelta", "" or None (cannot tell)
        self._sheets: dict[str, dict[tuple[int, int], Cell]] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.zip.close()

    # --- parts -----------------------------------------------------------------------------

    def part(self, name: str, required: bool = True, at_most: int = MAX_PART_BYTES) -> bytes | None:
        """A member inflated, within the bounds (`at_most` bytes: fewer to sniff)."""
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            if required:
                raise PartError(f"missing part {name}", name) from None
            return None
        if info.file_size > MAX_PART_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1024):
            raise PartError(f"part {name} declares {info.file_size} bytes ({info.compress_size} compressed)", name)
        try:
            with self.zip.open(info) as fh:
                data = fh.read(min(at_most, MAX_PART_BYTES) + 1)  # the declared size may lie
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise PartError(f"part {name}: {exc}", name) from None
        if len(data) > MAX_PART_BYTES:
            raise PartError(f"part {name} inflates past {MAX_PART_BYTES} bytes", name)
        self._read += len(data)
        if self._read > MAX_READ_BYTES:
            raise PartError(f"the parts read come to more than {MAX_READ_BYTES} bytes (at {name})", name)
        return data[:at_most]

    def elements(self, name: str, wanted: set[str], required: bool = True) -> list[_Element] | None:
        data = self.part(name, required)
        return None if data is None else _elements(data, name, frozenset(wanted))

    def rels(self, part: str, types: bool = False) -> dict:
        """Relationship id -> the part it targets (or with `types`, (type, part)); external
        targets left out. Targets resolved as openpyxl resolves them. `part` is the source part,
        or "_rels/.rels" for the package's own."""
        if part == "_rels/.rels":
            folder, rels_part = "", part
        else:
            folder, name = posixpath.split(part)
            rels_part = posixpath.join(folder, "_rels", name + ".rels")
        out = {}
        for rel in self.elements(rels_part, {_PKG_REL + "Relationship"}, required=False) or ():
            target = rel.attrs.get("Target", "")
            if rel.attrs.get("TargetMode") == "External":
                continue
            target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.attrs.get("Id")] = (rel.attrs.get("Type"), target) if types else target
        return out

    def _find(self, content_types: tuple[str, ...], rels: list[tuple[str, str]], rel_type: str, usual: str) -> str | None:
        """A part as openpyxl finds it (the first override of its content type), else where the
        relationships point, else where every writer puts it; None if it is in none of them."""
        for wanted in content_types:
            part = next((p for t, p in self._types if t == wanted), None)
            if part in self._members:
                return part
        declared = {p: t for t, p in self._types}
        for kind, target in rels:  # unless its declared content type is another (a .docx has an officeDocument too)
            if kind == rel_type and target in self._members and (not content_types or declared.get(target, content_types[0]) in content_types):
                return target
        return usual if usual in self._members else None

    def _workbook_part(self) -> str | None:
        self._members = set(self.zip.namelist())
        try:
            types = self.elements("[Content_Types].xml", {_TYPES + "Override"}, required=False) or []
            self._types = [(e.attrs.get("ContentType"), e.attrs.get("PartName", "").lstrip("/")) for e in types]
            return self._find(_WORKBOOK_TYPES, list(self.rels("_rels/.rels", types=True).values()), _OFFICE_DOCUMENT, "xl/workbook.xml")
        except PartError as exc:
            raise _unreadable(self.path, exc) from None

    def _load_workbook(self) -> None:
        try:
            book = self.elements(self.workbook_part, {_MAIN + "sheet", _MAIN + "definedName", _MAIN + "workbookPr"})
            rels = self.rels(self.workbook_part, types=True)
            self.strings_part = self._find((SHARED_STRINGS,), list(rels.values()), _REL_TYPES + "sharedStrings", "xl/sharedStrings.xml")
            self.styles_part = self._find((), list(rels.values()), _REL_TYPES + "styles", "xl/styles.xml")
            self.sheet_parts: dict[str, str | None] = {}  # sheets whose part is missing are left out, as openpyxl does
            self.names: dict[str, str] = {}  # workbook-scoped defined names -> what they refer to
            self.epoch = CALENDAR_WINDOWS_1900
            for e in book:
                if e.tag == _MAIN + "sheet" and e.attrs.get("name") is not None:
                    target = rels.get(e.attrs.get(_DOC_REL + "id"), (None, None))[1]
                    if target in self._members:
                        self.sheet_parts.setdefault(e.attrs["name"], target)
                elif e.tag == _MAIN + "definedName" and e.attrs.get("localSheetId") is None and e.attrs.get("name"):
                    self.names[e.attrs["name"]] = e.text  # the last of a name, as openpyxl keeps it
                elif e.tag == _MAIN + "workbookPr" and e.attrs.get("date1904") not in (None, "", "false", "f", "0"):
                    self.epoch = CALENDAR_MAC_1904  # openpyxl's reading of a boolean attribute
            self.custom_props = {}
            for prop in self.elements("docProps/custom.xml", {_CUSTOM + "property"}, required=False) or ():
                self.custom_props[prop.attrs.get("name")] = prop.text.strip()
        except PartError as exc:
            raise _unreadable(self.path, exc) from None

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return tuple(self.sheet_parts)

    def load_cost(self, max_bytes: int, max_tags: int) -> "LoadCost":
        """What loading the whole workbook (openpyxl, for a marked copy) would take, counted
        without loading it: every part within the part bounds (inflated a megabyte at a time:
        a header may lie), the bytes of all parts (counting stops past `max_bytes`), the tags to
        parse (counting stops past `max_tags`) and the shared formulas to translate."""
        inflated = 0
        for info in self.zip.infolist():
            if info.file_size > MAX_PART_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1024):
                raise PartError(f"part {info.filename} declares {info.file_size} bytes ({info.compress_size} compressed)")
            size = 0
            try:
                with self.zip.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        size += len(chunk)
                        if size > MAX_PART_BYTES:
                            raise PartError(f"part {info.filename} inflates past {MAX_PART_BYTES} bytes")
                        if inflated + size > max_bytes:
                            return LoadCost(inflated + size, 0, 0, False)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as exc:
                raise PartError(f"part {info.filename}: {exc}") from None
            inflated += size
        tags = translated = 0
        for part in [*self.sheet_parts.values(), *([self.strings_part] if self.strings_part else [])]:
            data = self.part(part)
            tags += data.count(b"<")
            if tags > max_tags:
                return LoadCost(inflated, tags, translated, False)
            if part != self.strings_part:
                translated += _shared_formula_cost(data, part)
        if self._styles is None:
            self._styles = self._read_styles()
        return LoadCost(inflated, tags, translated, any(kind is None for kind in self._styles))

    # --- shared strings and styles ---------------------------------------------------------

    def string(self, index: int):
        """One shared string (a _TooLong past MAX_TEXT), or None where there is no such item."""
        if self._strings is None:
            data = None if self.strings_part is None else self.part(self.strings_part)
            reader = _StringsReader()
            if data is not None:
                _expat(data, self.strings_part, reader.start, reader.end, reader.chars)
            self._strings = reader.items
        return self._strings[index] if 0 <= index < len(self._strings) else None

    def style_kind(self, style: str | None) -> str | None:
        """How a cell style shows numbers: "date", "timedelta", "" (as numbers); None where it
        cannot be told (no such style, or a number format past MAX_FORMAT characters)."""
        if self._styles is None:
            self._styles = self._read_styles()
        if not style:  # absent or empty: style 0, as openpyxl reads it
            return self._styles[0] if self._styles else ""
        try:
            index = int(style)
        except ValueError:
            return None
        return self._styles[index] if 0 <= index < len(self._styles) else None

    def _read_styles(self) -> list[str | None]:
        found = None if self.styles_part is None else self.elements(self.styles_part, {_MAIN + "numFmt", _MAIN + "xf"})
        if found is None:
            return [""]
        custom: dict[int, str] = {}
        for e in found:
            if e.tag == _MAIN + "numFmt" and e.parent == _MAIN + "numFmts":
                try:
                    custom[int(e.attrs.get("numFmtId"))] = e.attrs.get("formatCode", "")
                except (TypeError, ValueError):
                    continue
        kinds: dict[str | None, str | None] = {}
        out = []
        for e in found:
            if e.tag != _MAIN + "xf" or e.parent != _MAIN + "cellXfs":
                continue
            try:
                fmt_id = int(e.attrs.get("numFmtId", 0))
            except ValueError:
                out.append(None)
                continue
            code = custom[fmt_id] if fmt_id in custom else BUILTIN_FORMATS.get(fmt_id)
            if code not in kinds:
                kinds[code] = None if code is not None and len(code) > MAX_FORMAT else (
                    "timedelta" if is_timedelta_format(code) else "date" if is_date_format(code) else "")
            out.append(kinds[code])
        return out

    # --- cells -----------------------------------------------------------------------------

    def cell_value(self, attrs: dict, raw, inline: _Item | None):
        """(value, openpyxl's data type, problem) of a cell's constant or cached result."""
        t = attrs.get("t", "n")
        if t == "inlineStr":
            if inline is None:
                return None, t, None
            text = inline.value()
            return (None, "s", Reason("too_long", str(text.length))) if isinstance(text, _TooLong) else (text, "s", None)
        if not raw:  # no <v>, or an empty one
            return None, t, None
        if isinstance(raw, _TooLong):
            return None, t, Reason("too_long", str(raw.length))
        if t == "n":
            number = _number(raw)
            if number is None:
                return None, t, Reason("unreadable", _shown(raw))
            kind = self.style_kind(attrs.get("s"))
            if kind is None:
                return None, t, Reason("bad_style", _shown(attrs.get("s", "")))
            if not kind:
                return number, "n", None
            try:
                return from_excel(number, self.epoch, timedelta=kind == "timedelta"), "d", None
            except (OverflowError, ValueError):
                return None, t, Reason("date_out_of_range", _shown(raw))
        if t == "s":
            try:
                text = self.string(int(raw))
            except ValueError:
                text = None
            if text is None:
                return None, t, Reason("bad_shared_string", _shown(raw))
            return (None, t, Reason("too_long", str(text.length))) if isinstance(text, _TooLong) else (text, "s", None)
        if t == "b":
            try:
                return bool(int(raw)), "b", None
            except ValueError:
                return None, t, Reason("unreadable", _shown(raw))
        if t == "str":
            return raw, "s", None
        if t == "d":
            try:
                return from_ISO8601(raw) if len(raw) <= 64 else _bad_date(), "d", None
            except (ValueError, TypeError, OverflowError):
                return None, t, Reason("bad_date", _shown(raw))
        return raw, t, None  # "e", and types openpyxl keeps as they are

    def cells(self, sheet: str) -> dict[tuple[int, int], Cell]:
        """Every cell of a sheet that holds something, by (row, column)."""
        if sheet not in self._sheets:
            self._sheets[sheet] = self._read_sheet(sheet)
        return self._sheets[sheet]

    def _read_sheet(self, sheet: str, formulas_of: set[tuple[int, int]] | None = None):
        """Every cell of a sheet, or (given `formulas_of`) which of those cells hold a formula."""
        part = self.sheet_parts[sheet]
        try:
            data = self.part(part)
            return _SheetReader(self, part).read(data) if formulas_of is None else _formula_cells(data, part, formulas_of)
        except PartError as exc:
            raise _unreadable(self.path, exc, sheet if exc.part in (None, part) else None) from None

    def without_formula(self, sheet: str, refs: tuple[str, ...]) -> list[str]:
        """Which of `refs` on a sheet hold no formula. A sheet already read is looked up; the long
        check sheet is scanned for its formulas only (it has 4,000 cells)."""
        if sheet in self._sheets:
            cells = self._sheets[sheet]
            return [r for r in refs if cells.get(position(r), EMPTY).formula is None]
        wanted = {position(r) for r in refs}
        with_formula = self._read_sheet(sheet, formulas_of=wanted)
        return [r for r in refs if position(r) not in with_formula]

    def cell(self, sheet: str, row: int, col: int) -> Cell:
        return self.cells(sheet).get((row, col), EMPTY)


def _bad_date():
    raise ValueError("too long for a date")


def _unreadable(path: Path, exc: Exception, sheet: str | None = None) -> SourceError:
    where = f"工作表「{sheet}」" if sheet else ""
    where_en = f"sheet '{sheet}': " if sheet else ""
    return refuse(path, f"{where}无法读取（文件损坏或不安全）：{exc}", f"{where_en}cannot be read (damaged or unsafe): {exc}")


def _directory_size(path) -> int | None:
    """The size of the central directory a zip's end record declares, read from its last 64 KB
    before zipfile reads the directory whole; None where there is no end record (zipfile will
    say what is wrong)."""
    try:
        fh = path if hasattr(path, "read") else open(path, "rb")
    except OSError:
        return None
    try:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 65_557))
        tail = fh.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 22:
            return None
        directory = struct.unpack("<I", tail[at + 12:at + 16])[0]
        locator = tail.rfind(b"PK\x06\x07", 0, at)
        if directory == 0xFFFFFFFF and locator >= 0 and len(tail) >= locator + 16:  # zip64: in its own end record
            fh.seek(struct.unpack("<Q", tail[locator + 8:locator + 16])[0])
            record = fh.read(56)
            directory = struct.unpack("<Q", record[40:48])[0] if record[:4] == b"PK\x06\x06" and len(record) == 56 else None
        return directory
    except (OSError, ValueError, OverflowError, struct.error):
        return None
    finally:
        if fh is not path:
            fh.close()
        else:
            fh.seek(0)


def _head(path) -> bytes:
    try:
        if hasattr(path, "read"):
            path.seek(0)
            return path.read(8)
        with open(path, "rb") as fh:
            return fh.read(8)
    except OSError:
        return b""


def _not_a_workbook(path, head: bytes, exc: Exception) -> SourceError:
    """Why a file is not a zip at all, as far as its first bytes tell."""
    if head.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):
        return refuse(path, "是设置了打开密码的工作簿，或旧的 .xls 文件：请在 Excel 或 WPS 中去掉密码并另存为 .xlsx",
                      "a password-protected workbook or an old .xls file: remove the password and save it as .xlsx")
    if head.startswith(b"%PDF"):
        return refuse(path, "是 PDF 文件，不是 .xlsx 工作簿", "a PDF file, not an .xlsx workbook")
    return refuse(path, f"无法作为 .xlsx 工作簿打开（文件损坏或不是 .xlsx）：{exc}",
                  f"cannot be opened as an .xlsx workbook (damaged or not .xlsx): {exc}")


def _other_package(path, package: Package) -> SourceError:
    """A zip that is not a workbook: say what it is where that is plain."""
    names = set(package.zip.namelist())
    if "word/document.xml" in names:
        return refuse(path, "是 Word 文档（.docx），不是 .xlsx 工作簿", "a Word document (.docx), not an .xlsx workbook")
    try:
        mimetype = package.part("mimetype", required=False, at_most=100) or b""
    except PartError:
        mimetype = b""
    if b"opendocument" in mimetype:
        return refuse(path, "是 OpenDocument 文件（如 .ods），请另存为 .xlsx", "an OpenDocument file (.ods?): save it as .xlsx")
    return refuse(path, "是压缩包，但不是 .xlsx 工作簿（没有工作簿部件）", "a zip archive, but not an .xlsx workbook (no workbook part)")


def position(ref: str) -> tuple[int, int]:
    """(row, column) of "D6"."""
    where = a1.cell(ref)
    if where is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    return where
