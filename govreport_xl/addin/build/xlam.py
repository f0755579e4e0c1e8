"""`govreport-xl addin build`: the .xlam add-in, built from text.

The parts: our VBA module and ribbon from `addin/macros/`, the VBA module of the *installed* xlwings
(so that RunPython always matches the Python package it calls) with its Dictionary class, and a
workbook with one hidden-by-being-an-add-in sheet. The zip is deterministic: same inputs, same
bytes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from ... import __version__
from ...atomic import atomic_write
from .vba_project import WORKBOOK_BASE, WORKSHEET_BASE, Module, class_module, document_module, standard_module, vba_project

MACROS = Path(__file__).resolve().parents[1] / "macros"  # package data: a wheel carries it
PROJECT_NAME = "GovReportXL"  # the VBA project's name
CONFIG_NAME = "govreport_xl"  # xlwings reads %USERPROFILE%\.govreport_xl\govreport_xl.conf
_PLACEHOLDER = re.compile(r"\{\{zh:([^}]*)\}\}")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def chrw(text: str) -> str:
    """Text as a VBA expression of ASCII only: ChrW(&H6821&) & ChrW(&H9A8C&) …"""
    return " & ".join(f"ChrW(&H{ord(ch):04X}&)" for ch in text) if text else '""'


def expand_text(source: str) -> str:
    return _PLACEHOLDER.sub(lambda m: chrw(m.group(1)), source)


XLWINGS_FILES = ("xlwings_custom_addin.bas", "addin/Dictionary.cls")  # what the add-in takes from xlwings
XlwingsFiles = Callable[[str], str]  # a file of the xlwings package (a name above) -> its text


def installed_xlwings() -> XlwingsFiles:
    """The xlwings installed beside this package (`addin install` builds against it)."""
    import xlwings

    folder = Path(xlwings.__file__).parent
    return lambda name: (folder / name).read_text(encoding="ascii")


def wheel_xlwings(wheel: Path) -> XlwingsFiles:
    """The xlwings of a wheel file (`addin kit` builds against the wheel it ships)."""
    def read(name: str) -> str:
        with zipfile.ZipFile(wheel) as z:
            return z.read(f"xlwings/{name}").decode("ascii")
    return read


def xlwings_module(xlwings: XlwingsFiles | None = None) -> Module:
    """xlwings' VBA module for custom add-ins, with its config named for us."""
    source = (xlwings or installed_xlwings())("xlwings_custom_addin.bas")
    source, n = re.subn(r'(Public Const PROJECT_NAME As String = )"[^"]*"', rf'\1"{CONFIG_NAME}"', source)
    if n != 1:
        raise RuntimeError("the xlwings VBA module has no PROJECT_NAME constant to set")
    return standard_module(source)


def vba_xlwings_version(module: Module) -> str:
    """The xlwings version a VBA module was taken from: its RunPython calls that version's
    AppleScript on the Mac, and its UDF server loads that version's DLL on Windows."""
    m = re.search(r'Public Const XLWINGS_VERSION As String = "([^"]+)"', module.code)
    if not m:
        raise RuntimeError("the xlwings VBA module has no XLWINGS_VERSION constant")
    return m.group(1)


def dictionary_class(xlwings: XlwingsFiles | None = None) -> Module:
    """xlwings' Dictionary class, which its VBA module needs on the Mac."""
    return class_module((xlwings or installed_xlwings())("addin/Dictionary.cls"))


def our_module(macros: Path = MACROS) -> Module:
    return standard_module(expand_text((macros / "GovReport.bas").read_text(encoding="utf-8")))


def modules(macros: Path = MACROS, xlwings: XlwingsFiles | None = None) -> list[Module]:
    xlwings = xlwings or installed_xlwings()
    return [document_module("ThisWorkbook", WORKBOOK_BASE), document_module("Sheet1", WORKSHEET_BASE),
            our_module(macros), xlwings_module(xlwings), dictionary_class(xlwings)]


# --- the package ---------------------------------------------------------------------------------

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
UI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
ADDIN_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"


def _rels(*rels: tuple[str, str, str]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, t, target in rels)
    return _HEAD + f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'


_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the format id of user-defined properties
VERSION_PROPERTIES = ("govreport-xl", "xlwings")  # File > Properties > Custom in Excel; read by `addin doctor`


def custom_properties(values: dict[str, str]) -> str:
    body = "".join(f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(k)}"><vt:lpwstr>{escape(v)}</vt:lpwstr></property>'
                   for pid, (k, v) in enumerate(values.items(), start=2))
    return _HEAD + f'<Properties xmlns="{_CUSTOM}" xmlns:vt="{_VT}">{body}</Properties>'


def built_versions(xlam: str | Path) -> dict[str, str]:
    """The versions an add-in was built with, from its custom properties ({} if it has none)."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(xlam) as z:
            root = ElementTree.fromstring(z.read("docProps/custom.xml"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    return {p.get("name"): "".join(p.itertext()) for p in root if p.get("name") in VERSION_PROPERTIES}


def parts(ribbon: str, vba: bytes, versions: dict[str, str] | None = None) -> dict[str, bytes | str]:
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ADDIN_TYPE}"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
        "</Types>"
    )
    return {
        "[Content_Types].xml": _HEAD + types,
        "_rels/.rels": _rels(
            ("rId1", f"{_REL}/officeDocument", "xl/workbook.xml"),
            ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"),
            ("rId3", f"{_REL}/extended-properties", "docProps/app.xml"),
            ("rId4", UI_REL, "customUI/customUI14.xml"),
            ("rId5", f"{_REL}/custom-properties", "docProps/custom.xml"),
        ),
        "docProps/core.xml": _HEAD + (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>政务公开年报 校验</dc:title>'
            "<dc:creator>govreport-xl</dc:creator></cp:coreProperties>"),
        "docProps/app.xml": _HEAD + (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>Microsoft Excel</Application></Properties>"),
        "docProps/custom.xml": custom_properties(versions or {}),
        "xl/workbook.xml": _HEAD + (
            f'<workbook {_NS} {_R}><workbookPr codeName="ThisWorkbook"/>'
            '<bookViews><workbookView/></bookViews>'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": _rels(
            ("rId1", f"{_REL}/worksheet", "worksheets/sheet1.xml"),
            ("rId2", f"{_REL}/styles", "styles.xml"),
            ("rId3", "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin"),
        ),
        "xl/worksheets/sheet1.xml": _HEAD + f'<worksheet {_NS}><sheetPr codeName="Sheet1"/><sheetData/></worksheet>',
        "xl/styles.xml": _HEAD + (
            f'<styleSheet {_NS}><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
        "xl/vbaProject.bin": vba,
        "customUI/customUI14.xml": ribbon,
    }


def build_bytes(path: Path, macros: Path = MACROS, xlwings: XlwingsFiles | None = None) -> tuple[str, ...]:
    ribbon = (macros / "customUI14.xml").read_text(encoding="utf-8")
    mods = modules(macros, xlwings)
    versions = {"govreport-xl": __version__, "xlwings": vba_xlwings_version(next(m for m in mods if m.name == "xlwings"))}
    vba = vba_project(PROJECT_NAME, mods)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts(ribbon, vba, versions).items():
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return tuple(m.name for m in mods)


@dataclass(frozen=True)
class Built:
    path: Path
    modules: tuple[str, ...]


def build(output: str | Path, macros: Path = MACROS, xlwings: XlwingsFiles | None = None) -> Built:
    """Write the add-in; the output is replaced atomically."""
    names: list[tuple[str, ...]] = []
    atomic_write(output, lambda tmp: names.append(build_bytes(tmp, macros, xlwings)))
    return Built(Path(output), names[0])
