"""A small, safe, single-pass reader of the parts of an .xlsx a report lives in.

openpyxl gives either the formulas or their cached results, so reading both meant parsing every
sheet twice; this reader gets both from one pass over the sheets asked for, and nothing else
(the long check sheet is never parsed). Every XML part goes through defusedxml with DTDs
forbidden (the Open Packaging Conventions forbid them), and every zip member's declared size
and compression ratio are checked before it is inflated. Tests prove it gives exactly what
openpyxl gives on the same files.
"""

from __future__ import annotations

import datetime as _dt
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from ..core.source import SourceError, refuse

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"

MAX_PART_BYTES = 64 * 1024 * 1024  # a report's sheet is kilobytes; anything this large is not one
MAX_RATIO = 200  # deflate rarely beats 100:1 on real sheets; bombs reach 1000:1
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_SI = re.compile(rb"<si\s*/>|<si>(.*?)</si>", re.S)
_ROOT_TAG = re.compile(rb"<(\w+:)?sst\b")
# a cell element that holds a formula: <c r="I5" …><f>…  (whatever order its attributes come in)
_CELL_WITH_FORMULA = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3}\d+)"[^>]*(?<!/)>\s*<(?:\w+:)?f\b')


class PartError(Exception):
    """A part of the package that is missing, too large or not safe XML."""


@dataclass(frozen=True)
class Cell:
    value: object  # constant or cached result; None when empty or nothing is cached
    formula: str | None  # "=SUM(D6:I6)" where the cell holds a formula
    data_type: str  # openpyxl's codes: n, s, b, e, d, f (str result) …

    @property
    def is_error(self) -> bool:
        return self.data_type == "e"


EMPTY = Cell(None, None, "n")


class Package:
    """An .xlsx opened for reading. Use as a context manager; the file is closed on exit."""

    def __init__(self, path, name: str | None = None):
        self.path = name or path  # what messages call it
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise _not_a_workbook(self.path, _head(path), exc) from None
        try:
            if "xl/workbook.xml" not in self.zip.namelist():
                raise _other_package(self.path, self.zip)
            self._load_workbook()
        except BaseException:
            self.zip.close()
            raise
        self._strings: list | None = None  # items as parsed text, or raw bytes until asked for
        self._dates: list[bool] | None = None
        self._sheets: dict[str, dict[tuple[int, int], Cell]] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.zip.close()

    # --- parts -----------------------------------------------------------------------------

    def part(self, name: str, required: bool = True) -> bytes | None:
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            if required:
                raise PartError(f"missing part {name}") from None
            return None
        if info.file_size > MAX_PART_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1024):
            raise PartError(f"part {name} declares {info.file_size} bytes ({info.compress_size} compressed)")
        try:
            with self.zip.open(info) as fh:
                data = fh.read(MAX_PART_BYTES + 1)  # the declared size may lie
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise PartError(f"part {name}: {exc}") from None
        if len(data) > MAX_PART_BYTES:
            raise PartError(f"part {name} inflates past {MAX_PART_BYTES} bytes")
        return data

    def xml(self, name: str, required: bool = True):
        data = self.part(name, required)
        if data is None:
            return None
        try:
            return SafeET.fromstring(data, forbid_dtd=True)
        except (DefusedXmlException, SafeET.ParseError) as exc:
            raise PartError(f"part {name}: {exc}") from None

    def _rels(self, part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", name + ".rels"), required=False)
        out = {}
        for rel in root if root is not None else ():
            target = rel.get("Target", "")
            out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        return out

    def _load_workbook(self) -> None:
        try:
            root = self.xml("xl/workbook.xml")
            rels = self._rels("xl/workbook.xml")
            self.sheet_parts = {s.get("name"): rels.get(s.get(f"{_REL_NS}id")) for s in root.iter(f"{_NS}sheet")}
            self.names: dict[str, tuple[str, str]] = {}
            for dn in root.iter(f"{_NS}definedName"):
                if dn.get("localSheetId") is None and (dest := _destination(dn.text or "")):
                    self.names.setdefault(dn.get("name"), dest)
            pr = root.find(f"{_NS}workbookPr")
            self.epoch = CALENDAR_MAC_1904 if pr is not None and pr.get("date1904") in ("1", "true") else CALENDAR_WINDOWS_1900
            self.custom_props = {}
            custom = self.xml("docProps/custom.xml", required=False)
            for prop in custom.iter(f"{_CUSTOM}property") if custom is not None else ():
                self.custom_props[prop.get("name")] = "".join(prop.itertext()).strip()
        except PartError as exc:
            raise _unreadable(self.path, exc) from None

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return tuple(self.sheet_parts)

    # --- shared strings and styles ---------------------------------------------------------

    def string(self, index: int) -> str:
        """One shared string. A workbook's strings include every label of the long check sheet, so
        only the items the report's sheets use are parsed (the whole part is still checked for a
        DTD, and read as a whole where its items cannot be told apart by their tags)."""
        if self._strings is None:
            self._strings = self._string_items()
        item = self._strings[index]
        if isinstance(item, bytes):
            try:
                item = self._strings[index] = _text(SafeET.fromstring(b'<si xmlns="' + _NS[1:-1].encode() + b'">' + item + b"</si>", forbid_dtd=True))
            except (DefusedXmlException, SafeET.ParseError) as exc:
                raise PartError(f"shared string {index}: {exc}") from None
        return item

    def _string_items(self) -> list:
        data = self.part("xl/sharedStrings.xml", required=False)
        if data is None:
            return []
        root_tag = _ROOT_TAG.search(data)
        if root_tag is None or root_tag.group(1):  # not plain <sst> (a namespace prefix): read it whole
            root = self.xml("xl/sharedStrings.xml")
            return [_text(si) for si in root.iter(f"{_NS}si")]
        if b"<!DOCTYPE" in data[:root_tag.start()] or b"<!ENTITY" in data[:root_tag.start()]:
            raise PartError("part xl/sharedStrings.xml declares a DTD")
        return [m.group(1) or b"" for m in _SI.finditer(data, root_tag.end())]

    def date_styles(self) -> list[bool]:
        """For each cell style index, whether its number format shows a date or time."""
        if self._dates is None:
            root = self.xml("xl/styles.xml", required=False)
            self._dates = []
            if root is not None:
                custom = {int(f.get("numFmtId")): f.get("formatCode", "") for f in root.iter(f"{_NS}numFmt")}
                xfs = root.find(f"{_NS}cellXfs")
                for xf in xfs if xfs is not None else ():
                    fmt_id = int(xf.get("numFmtId", 0))
                    code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, "General"))
                    self._dates.append(is_date_format(code))
        return self._dates

    # --- sheets ----------------------------------------------------------------------------

    def cells(self, sheet: str) -> dict[tuple[int, int], Cell]:
        """Every non-empty cell of a sheet, by (row, column)."""
        if sheet not in self._sheets:
            try:
                self._sheets[sheet] = self._parse_sheet(self.sheet_parts[sheet])
            except PartError as exc:
                raise _unreadable(self.path, exc, sheet) from None
        return self._sheets[sheet]

    def without_formula(self, sheet: str, refs: tuple[str, ...]) -> list[str]:
        """Which of `refs` on a sheet hold no formula. A sheet already parsed is looked up; the
        long check sheet is scanned for its <c> elements instead of parsed (it has 4,000 cells)."""
        if sheet in self._sheets:
            cells = self._sheets[sheet]
            return [r for r in refs if cells.get(position(r), EMPTY).formula is None]
        try:
            data = self.part(self.sheet_parts[sheet])
        except PartError as exc:
            raise _unreadable(self.path, exc, sheet) from None
        start = data.find(b"<sheetData")
        if b"<!DOCTYPE" in data[:max(start, 0)] or b"<!ENTITY" in data[:max(start, 0)]:
            raise _unreadable(self.path, PartError("declares a DTD"), sheet)
        with_formula = {m.group(1).decode() for m in _CELL_WITH_FORMULA.finditer(data, max(start, 0))}
        return [r for r in refs if r not in with_formula]

    def cell(self, sheet: str, row: int, col: int) -> Cell:
        return self.cells(sheet).get((row, col), EMPTY)

    def _parse_sheet(self, part: str | None) -> dict[tuple[int, int], Cell]:
        if part is None:
            raise PartError("a sheet without its part")
        root = self.xml(part)
        data = root.find(f"{_NS}sheetData")
        out: dict[tuple[int, int], Cell] = {}
        masters: dict[str, tuple[str, str]] = {}  # shared formula index -> (formula, origin)
        for c in data.iter(f"{_NS}c") if data is not None else ():
            ref = c.get("r")
            m = _CELL_REF.match(ref or "")
            if not m:
                continue  # a writer that leaves out references: not one of ours
            row, col = int(m.group(2)), column_index_from_string(m.group(1))
            cell = self._cell(c, ref, masters)
            if cell.value is not None or cell.formula is not None:
                out[(row, col)] = cell
        return out

    def _cell(self, c, ref: str, masters: dict) -> Cell:
        t = c.get("t", "n")
        f = c.find(f"{_NS}f")
        v = c.find(f"{_NS}v")
        formula = None
        if f is not None:
            text = f.text or ""
            if f.get("t") == "shared":
                si = f.get("si")
                if text:
                    masters[si] = (text, ref)
                elif si in masters:
                    text = Translator("=" + masters[si][0], masters[si][1]).translate_formula(ref)[1:]
            formula = "=" + text
        raw = v.text if v is not None else None
        if t == "inlineStr":
            node = c.find(f"{_NS}is")
            return Cell(_text(node) if node is not None else None, formula, "s")
        if raw is None:
            return Cell(None, formula, "f" if formula else "n")
        if t == "s":
            return Cell(self.string(int(raw)), formula, "s")
        if t == "str":
            return Cell(raw, formula, "s")
        if t == "b":
            return Cell(raw.strip() in ("1", "true"), formula, "b")
        if t == "e":
            return Cell(raw, formula, "e")
        if t == "d":
            return Cell(_dt.datetime.fromisoformat(raw.rstrip("Z")), formula, "d")
        try:
            number = int(raw) if raw.lstrip("-").isdigit() else float(raw)
        except ValueError:  # not a number where one is due: a damaged or crafted file
            return Cell(raw, formula, "s")
        style = int(c.get("s", 0))
        dates = self.date_styles()
        if style < len(dates) and dates[style]:
            return Cell(from_excel(number, self.epoch), formula, "d")
        return Cell(number, formula, "n")


def _text(node) -> str:
    """The text of a string item: its <t>, or its runs' <t>s; phonetic readings left out."""
    parts = []
    for child in node:
        if child.tag == f"{_NS}t":
            parts.append(child.text or "")
        elif child.tag == f"{_NS}r":
            parts += [t.text or "" for t in child.iter(f"{_NS}t")]
    return "".join(parts)


def _destination(text: str) -> tuple[str, str] | None:
    """"'sheet'!$D$6" (or a range: its first cell) -> (sheet, "D6"); None for anything else."""
    sheet, bang, ref = text.strip().rpartition("!")
    if not bang or not sheet:
        return None
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    first = ref.replace("$", "").split(":")[0]
    try:
        coordinate_from_string(first)
    except ValueError:
        return None
    return sheet, first


def _unreadable(path: Path, exc: Exception, sheet: str | None = None) -> SourceError:
    where = f"工作表「{sheet}」" if sheet else ""
    where_en = f"sheet '{sheet}': " if sheet else ""
    return refuse(path, f"{where}无法读取（文件损坏或不安全）：{exc}", f"{where_en}cannot be read (damaged or unsafe): {exc}")


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


def _other_package(path, z: zipfile.ZipFile) -> SourceError:
    """A zip that is not a workbook: say what it is where that is plain."""
    names = set(z.namelist())
    if "word/document.xml" in names:
        return refuse(path, "是 Word 文档（.docx），不是 .xlsx 工作簿", "a Word document (.docx), not an .xlsx workbook")
    if "mimetype" in names and b"opendocument" in z.read("mimetype")[:100]:
        return refuse(path, "是 OpenDocument 文件（如 .ods），请另存为 .xlsx", "an OpenDocument file (.ods?): save it as .xlsx")
    return refuse(path, "是压缩包，但不是 .xlsx 工作簿（没有 xl/workbook.xml）", "a zip archive, but not an .xlsx workbook")


def position(ref: str) -> tuple[int, int]:
    col, row = coordinate_from_string(ref)
    return row, column_index_from_string(col)
