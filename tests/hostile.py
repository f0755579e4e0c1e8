"""A corpus of broken and hostile inputs, made by code (nothing binary is committed that a script
can make). Each maker writes one file into a folder and returns its path."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl

from govreport_xl.addin.build.cfb import Entry, write_cfb
from govreport_xl.excel.layout import SHEET_OF_TABLE, VERSION_NAME, VERSION_PROPERTY, address
from helpers import EXAMPLE_XLSX

GB = 1024 ** 3


def _members(path: Path = EXAMPLE_XLSX) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def _sheet_part(members: dict[str, bytes], sheet: str) -> str:
    wb = members["xl/workbook.xml"].decode()
    rid = wb.split(f'name="{sheet}"')[1].split('r:id="')[1].split('"')[0]
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    rel = next(r for r in rels.split("<Relationship ")[1:] if f'Id="{rid}"' in r)
    target = rel.split('Target="')[1].split('"')[0]
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _write(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _bomb_stream(size: int) -> tuple[bytes, int]:
    """The deflate stream of `size` zero bytes, made a megabyte at a time, and its CRC."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block, out, crc = bytes(1 << 20), [], 0
    for _ in range(size >> 20):
        out.append(comp.compress(block))
        crc = zlib.crc32(block, crc)
    out.append(comp.flush())
    return b"".join(out), crc


def _with_raw_member(path: Path, members: dict[str, bytes], name: str, size: int, declared: int | None = None) -> Path:
    """A workbook whose member `name` inflates to `size` bytes (of zeros after a valid start),
    declaring `declared` bytes in its headers (a lying header) or the truth."""
    _write(path, {k: v for k, v in members.items() if k != name})
    stream, crc = _bomb_stream(size)
    declared = size if declared is None else declared
    with zipfile.ZipFile(path, "a") as z:
        info = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size, info.compress_size, info.CRC = declared, len(stream), crc
        z.fp.seek(z.start_dir)
        info.header_offset = z.fp.tell()
        z.fp.write(info.FileHeader(zip64=declared > 0xFFFFFFFF))
        z.fp.write(stream)
        z.start_dir = z.fp.tell()
        z.filelist.append(info)
        z.NameToInfo[name] = info
        z._didModify = True
    return path


def zip_bomb(folder: Path, part: str = "sheet", declared: int | None = None) -> Path:
    """A gigabyte of zeros, deflated to a megabyte, as a part the reader needs (for sharedStrings:
    a workbook whose cover uses a shared string)."""
    members = _members()
    name = {"sheet": _sheet_part(members, SHEET_OF_TABLE["T3"]), "strings": "xl/sharedStrings.xml",
            "workbook": "xl/workbook.xml"}[part]
    if part == "strings":
        sheet = _sheet_part(members, "封面")
        members[sheet] = _put_shared_string(members[sheet], address("META_NAME").split("!")[1])
    return _with_raw_member(folder / f"bomb_{part}{'_lying' if declared else ''}.xlsx", members, name, GB, declared)


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
                  b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>')
EXTERNAL = b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def entities(folder: Path, kind: str, part: str) -> Path:
    """A workbook whose sharedStrings, a sheet or workbook.xml declares entities: the billion
    laughs or an external file, used in a cell the reader needs."""
    members = _members()
    prolog = BILLION_LAUGHS if kind == "laughs" else EXTERNAL
    ref = b"&lol4;" if kind == "laughs" else b"&xxe;"
    if part == "strings":
        members["xl/sharedStrings.xml"] = prolog + b"<sst " + NS + b' count="1" uniqueCount="1"><si><t>' + ref + b"</t></si></sst>"
        sheet = _sheet_part(members, "封面")
        members[sheet] = _put_shared_string(members[sheet], address("META_NAME").split("!")[1])
        if "sharedStrings" not in members["[Content_Types].xml"].decode():
            members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
                b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    elif part == "sheet":
        name = _sheet_part(members, SHEET_OF_TABLE["T3"])
        members[name] = prolog + members[name].split(b"?>", 1)[-1] if members[name].startswith(b"<?xml") else prolog + members[name]
    else:
        members["xl/workbook.xml"] = prolog + members["xl/workbook.xml"].split(b"?>", 1)[-1] \
            if members["xl/workbook.xml"].startswith(b"<?xml") else prolog + members["xl/workbook.xml"]
    return _write(folder / f"{kind}_{part}.xlsx", members)


def _put_shared_string(sheet_xml: bytes, ref: str) -> bytes:
    """Point cell `ref` of a sheet at shared string 0."""
    text = sheet_xml.decode()
    start = text.index(f'<c r="{ref}"')
    end = text.index(">", start)
    if text[end - 1] == "/":
        element_end = end + 1
    else:
        element_end = text.index("</c>", end) + 4
    attrs = text[start:end].rstrip("/")
    attrs = attrs.replace(' t="inlineStr"', "").replace(' t="s"', "")
    return (text[:start] + attrs + ' t="s"><v>0</v></c>' + text[element_end:]).encode()


def renamed(folder: Path, kind: str) -> Path:
    path = folder / f"really_{kind}.xlsx"
    if kind == "xls":  # an old binary workbook: a compound file
        path.write_bytes(write_cfb([Entry("Workbook", b"\x09\x08" + bytes(200))]))
    elif kind == "encrypted":  # what Excel writes for a workbook with an opening password
        path.write_bytes(write_cfb([Entry("EncryptionInfo", struct.pack("<HHI", 4, 4, 0x40) + bytes(100)),
                                    Entry("EncryptedPackage", bytes(5000))]))
    elif kind == "csv":
        path.write_text("name,year\n某局,2022\n", encoding="utf-8")
    elif kind == "ods":
        _write(path, {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
    elif kind == "docx":
        path.write_bytes((EXAMPLE_XLSX.parent / "shizuishan_2022.docx").read_bytes())
    elif kind == "pdf":
        path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(EXAMPLE_XLSX.read_bytes()[:3000])
    elif kind == "junk_zip":
        _write(path, {"hello.txt": b"hi"})
    return path


def edited(folder: Path, name: str, edit) -> Path:
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    edit(wb)
    wb.save(folder / name)
    return folder / name


def _set(code, value):
    def edit(wb):
        sheet, ref = address(code).split("!")
        wb[sheet][ref].value = value
    return edit


def structural(folder: Path) -> list[Path]:
    def drop_sheet(wb):
        del wb[SHEET_OF_TABLE["T3"]]

    def rename(wb):
        wb[SHEET_OF_TABLE["T4"]].title = "表四"

    def drop_names(wb):
        for n in list(wb.defined_names):
            if n.startswith("T2_"):
                del wb.defined_names[n]

    def repoint(wb):
        wb.defined_names["T3_R01_C1"].attr_text = "'三、依申请公开'!$A$1"

    def version(wb):
        for p in wb.custom_doc_props:
            if p.name == VERSION_PROPERTY:
                p.value = "9.9"
        sheet, ref = next(wb.defined_names[VERSION_NAME].destinations)
        wb[sheet][ref.replace("$", "")] = "9.9"

    def unmerge(wb):
        ws = wb[SHEET_OF_TABLE["T3"]]
        for rng in list(ws.merged_cells.ranges)[:5]:
            ws.unmerge_cells(str(rng))

    def odd_cells(wb):
        for code, value in {"T3.R03.C1": "='[1]Sheet1'!A1", "T3.R04.C1": "=1/0", "T3.R05.C1": 2 ** 63,
                            "T3.R06.C1": 1e300, "T3.R07.C1": "#REF!", "T3.R08.C1": "12"}.items():
            _set(code, value)(wb)

    out = [edited(folder, f"{n}.xlsx", e) for n, e in (("no_t3_sheet", drop_sheet), ("renamed_sheet", rename),
                                                       ("names_deleted", drop_names), ("name_elsewhere", repoint),
                                                       ("unknown_version", version), ("unmerged", unmerge),
                                                       ("odd_cells", odd_cells))]
    empty = openpyxl.Workbook()
    empty.save(folder / "empty_workbook.xlsx")
    return [*out, folder / "empty_workbook.xlsx"]


def junk_sheet(folder: Path, cells: int = 1_000_000) -> Path:
    """The example with an extra sheet of a million junk cells (written as XML: openpyxl is slow)."""
    members = _members()
    rows = []
    per_row = 100
    for r in range(1, cells // per_row + 1):
        rows.append(f'<row r="{r}">' + "".join(f'<c r="{_col(c)}{r}"><v>{r * c}</v></c>' for c in range(1, per_row + 1)) + "</row>")
    members["xl/worksheets/junk.xml"] = f'<worksheet {NS.decode()}><sheetData>{"".join(rows)}</sheetData></worksheet>'.encode()
    members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(
        b"</sheets>", b'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                      b'name="junk" sheetId="99" r:id="rIdJunk"/></sheets>')
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdJunk" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/junk.xml"/></Relationships>')
    return _write(folder / "junk_sheet.xlsx", members)


def _col(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def nan_cell(folder: Path) -> Path:
    """A crafted <v>NaN</v> and <v>1e400</v> in input cells (no spreadsheet writes these)."""
    members = _members()
    name = _sheet_part(members, SHEET_OF_TABLE["T3"])
    xml = members[name].decode()
    for code, value in (("T3.R03.C2", "NaN"), ("T3.R04.C2", "1e400")):
        ref = address(code).split("!")[1]
        start = xml.index(f'<c r="{ref}"')
        end = xml.index(">", start)
        element_end = end + 1 if xml[end - 1] == "/" else xml.index("</c>", end) + 4
        attrs = xml[start:end].rstrip("/").replace(' t="n"', "")
        xml = xml[:start] + attrs + f"><v>{value}</v></c>" + xml[element_end:]
    members[name] = xml.encode()
    return _write(folder / "nan_cell.xlsx", members)
