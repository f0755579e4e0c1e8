"""Workbooks written as raw SpreadsheetML, part by part, so that the tests can make what other
writers make (cells without r=, parts under other names, shared formulas, inline and rich strings,
dates by style, the 1904 calendar) and what no writer makes (hostile values and structures).
Nothing here uses openpyxl: it is the reference the reader is compared with."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = {
    "workbook": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "sheet": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
    "strings": "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
    "styles": "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
}


@dataclass
class C:
    """One <c>: attributes as written (None: left out) and its children as raw XML."""

    r: str | None = None
    t: str | None = None
    s: str | None = None
    v: str | None = None  # the <v> text (escaped here)
    f: str | None = None  # the <f> text (escaped here)
    f_attrs: dict = field(default_factory=dict)
    inner: str = ""  # raw XML children, e.g. <is>…</is>

    def xml(self) -> str:
        attrs = "".join(f" {k}={quoteattr(v)}" for k, v in (("r", self.r), ("t", self.t), ("s", self.s)) if v is not None)
        body = ""
        if self.f is not None:
            fa = "".join(f" {k}={quoteattr(v)}" for k, v in self.f_attrs.items())
            body += f"<f{fa}>{escape(self.f)}</f>" if self.f else f"<f{fa}/>"
        if self.v is not None:
            body += f"<v>{escape(self.v)}</v>"
        body += self.inner
        return f"<c{attrs}>{body}</c>" if body else f"<c{attrs}/>"


@dataclass
class Row:
    cells: list[C]
    r: int | None = None

    def xml(self) -> str:
        r = f' r="{self.r}"' if self.r is not None else ""
        return f"<row{r}>{''.join(c.xml() for c in self.cells)}</row>"


@dataclass
class Sheet:
    name: str
    rows: list[Row] = field(default_factory=list)
    part: str = ""  # where the part is; "" → xl/worksheets/sheetN.xml
    target: str = ""  # the relationship's Target as written; "" → relative to the workbook part
    raw: bytes | None = None  # the whole part as given (hostile structures)

    def xml(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
                + "".join(r.xml() for r in self.rows) + "</sheetData></worksheet>").encode()


@dataclass
class Book:
    sheets: list[Sheet]
    strings: list[str] | None = None  # raw XML of each <si>'s children; None: no sharedStrings part
    numfmts: dict[int, str] = field(default_factory=dict)  # custom number formats
    xfs: list[int] | None = None  # numFmtId of each cell style; None: no styles part
    names: list[tuple[str, str]] = field(default_factory=list)  # workbook-scoped defined names
    date1904: bool = False
    workbook_part: str = "xl/workbook.xml"
    strings_part: str = "xl/sharedStrings.xml"
    extra: dict[str, bytes] = field(default_factory=dict)  # more members, as they are
    styles_raw: bytes | None = None
    strings_raw: bytes | None = None


def _rel(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def members(book: Book) -> dict[str, bytes]:
    wb_part = book.workbook_part
    folder, name = posixpath.split(wb_part)
    out: dict[str, bytes] = {}
    overrides = [(wb_part, CT["workbook"])]
    rels = []
    sheets_xml = []
    for i, sheet in enumerate(book.sheets, start=1):
        part = sheet.part or f"xl/worksheets/sheet{i}.xml"
        target = sheet.target or _rel(wb_part, part)
        rels.append((f"rId{i}", "worksheet", target))
        sheets_xml.append(f'<sheet name={quoteattr(sheet.name)} sheetId="{i}" r:id="rId{i}"/>')
        overrides.append((part, CT["sheet"]))
        out[part] = sheet.xml()
    if book.strings is not None or book.strings_raw is not None:
        out[book.strings_part] = book.strings_raw or (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{len(book.strings)}" uniqueCount="{len(book.strings)}">'
            + "".join(f"<si>{si}</si>" for si in book.strings) + "</sst>").encode()
        overrides.append((book.strings_part, CT["strings"]))
        rels.append(("rIdS", "sharedStrings", _rel(wb_part, book.strings_part)))
    if book.xfs is not None or book.styles_raw is not None:
        fmts = "".join(f"<numFmt numFmtId={quoteattr(str(k))} formatCode={quoteattr(v)}/>" for k, v in book.numfmts.items())
        xfs = "".join(f'<xf numFmtId="{n}" fontId="0" fillId="0" borderId="0" xfId="0"/>' for n in book.xfs or [0])
        out["xl/styles.xml"] = book.styles_raw or (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
            + (f'<numFmts count="{len(book.numfmts)}">{fmts}</numFmts>' if fmts else "")
            + '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            + '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            + f'<cellXfs count="{len(book.xfs or [0])}">{xfs}</cellXfs></styleSheet>').encode()
        overrides.append(("xl/styles.xml", CT["styles"]))
        rels.append(("rIdT", "styles", _rel(wb_part, "xl/styles.xml")))
    names = "".join(f"<definedName name={quoteattr(n)}>{escape(t)}</definedName>" for n, t in book.names)
    out[wb_part] = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        + ('<workbookPr date1904="1"/>' if book.date1904 else "<workbookPr/>")
        + f"<sheets>{''.join(sheets_xml)}</sheets>" + (f"<definedNames>{names}</definedNames>" if names else "")
        + "</workbook>").encode()
    out[posixpath.join(folder, "_rels", name + ".rels")] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
        + "".join(f'<Relationship Id="{i}" Type="{REL}/{t}" Target={quoteattr(x)}/>' for i, t, x in rels)
        + "</Relationships>").encode()
    out["_rels/.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="{wb_part}"/></Relationships>').encode()
    out["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in overrides) + "</Types>").encode()
    out.update(book.extra)
    return out


def write(book: Book, path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members(book).items():
            z.writestr(name, data)
    return path


def rewrite(path: Path, out: Path, edit) -> Path:
    """A copy of a workbook with edit(name, data) -> data (or None to leave the member out)."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = edit(info.filename, src.read(info.filename))
            if data is not None:
                dst.writestr(info.filename, data)
    return out
