"""A vbaProject.bin written from module sources, in the "interoperable" form of [MS-OVBA]: the
_VBA_PROJECT stream declares version 0xFFFF and carries no performance cache, every module's
text starts at offset 0 and every cookie is 0xFFFF, so the host compiles the project from source
when it first opens it.

Sources must be ASCII: Excel shows VBA literals through the PC's ANSI code page, so any other
character would turn into something else on some PC. Chinese text belongs on the Python side.
"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
from dataclasses import dataclass

from . import ovba
from .cfb import Entry, write_cfb

CODE_PAGE = 1252
LCID = 0x0409
STDOLE = r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation"
HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
_ENCRYPTION_SEED = 0x41  # any seed is valid; a fixed one keeps the build deterministic

# document modules' base classes (Excel's Workbook and Worksheet)
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"


@dataclass(frozen=True)
class Module:
    name: str
    kind: str  # "standard" | "class" | "document"
    code: str  # the source, Attribute lines included, as VBA stores it

    @property
    def text(self) -> bytes:
        return self.code.encode("ascii")


def _lines(code: str) -> str:
    return "\r\n".join(code.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")) + "\r\n"


def _attributes(name: str, base: str | None, predeclared: bool, exposed: bool, extra: tuple[str, ...] = ()) -> list[str]:
    out = [f'Attribute VB_Name = "{name}"']
    if base:
        out.append(f'Attribute VB_Base = "{base}"')
    out += ["Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
            f"Attribute VB_PredeclaredId = {predeclared}", f"Attribute VB_Exposed = {exposed}", *extra]
    return out


def standard_module(source: str) -> Module:
    """A module from a .bas file: its `Attribute VB_Name` names it."""
    code = _lines(source)
    m = re.search(r'^Attribute VB_Name = "([^"]+)"', code, re.M)
    if not m:
        raise ValueError("a .bas source must start with Attribute VB_Name")
    return Module(m.group(1), "standard", code)


def class_module(source: str) -> Module:
    """A class module from a .cls file: the VERSION/BEGIN…END header is the export's, not the module's."""
    code = _lines(source)
    code = re.sub(r"\AVERSION 1\.0 CLASS\r\nBEGIN\r\n(?:.*\r\n)*?END\r\n", "", code)
    m = re.search(r'^Attribute VB_Name = "([^"]+)"\r\n', code, re.M)
    if not m:
        raise ValueError("a .cls source must carry Attribute VB_Name")
    if "Attribute VB_Base" not in code:
        code = code.replace(m.group(0), m.group(0) + f'Attribute VB_Base = "{CLASS_BASE}"\r\n', 1)
    return Module(m.group(1), "class", code)


def document_module(name: str, base: str) -> Module:
    lines = _attributes(name, base, True, True, ("Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"))
    return Module(name, "document", "\r\n".join(lines) + "\r\n")


# --- the dir stream (2.3.4.2) ---------------------------------------------------------------------


def _record(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _mbcs(text: str) -> bytes:
    return text.encode(f"cp{CODE_PAGE}")


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _pair(rid: int, text: str, reserved: int, unicode: str | None = None) -> bytes:
    """A record with an MBCS string, then a Reserved id and the string again in UTF-16."""
    return _record(rid, _mbcs(text)) + _record(reserved, _utf16(text if unicode is None else unicode))


def dir_stream(project_name: str, modules: list[Module]) -> bytes:
    info = b"".join((
        _record(0x0001, struct.pack("<I", 1)),  # SysKind: 32-bit Windows (the host recompiles)
        _record(0x0002, struct.pack("<I", LCID)),
        _record(0x0014, struct.pack("<I", LCID)),
        _record(0x0003, struct.pack("<H", CODE_PAGE)),
        _record(0x0004, _mbcs(project_name)),
        _pair(0x0005, "", 0x0040),  # doc string
        _pair(0x0006, "", 0x003D, ""),  # help file path (two copies)
        _record(0x0007, struct.pack("<I", 0)),  # help context
        _record(0x0008, struct.pack("<I", 0)),  # lib flags
        struct.pack("<HIIH", 0x0009, 4, 1, 0),  # version 1.0 (its size field says 4 for 6 bytes)
        _pair(0x000C, "", 0x003C),  # constants
    ))
    references = _pair(0x0016, "stdole", 0x003E) + struct.pack("<HI", 0x000D, 4 + len(STDOLE) + 6) + \
        struct.pack("<I", len(STDOLE)) + STDOLE.encode("ascii") + struct.pack("<IH", 0, 0)
    body = _record(0x000F, struct.pack("<H", len(modules))) + _record(0x0013, struct.pack("<H", 0xFFFF))
    for m in modules:
        body += _record(0x0019, _mbcs(m.name)) + _record(0x0047, _utf16(m.name))
        body += _pair(0x001A, m.name, 0x0032)  # stream name = module name
        body += _pair(0x001C, "", 0x0048)  # doc string
        body += _record(0x0031, struct.pack("<I", 0))  # text offset: no performance cache before it
        body += _record(0x001E, struct.pack("<I", 0))  # help context
        body += _record(0x002C, struct.pack("<H", 0xFFFF))  # cookie
        body += _record(0x0021 if m.kind == "standard" else 0x0022, b"")  # type; its Reserved is 0
        body += _record(0x002B, b"")  # terminator
    return info + references + body + _record(0x0010, b"")


# --- the PROJECT and PROJECTwm streams (2.3.1, 2.3.3) ----------------------------------------------


def project_id(modules: list[Module]) -> str:
    """A GUID derived from the sources, so that the same sources give the same project."""
    digest = hashlib.sha256(b"\0".join(m.name.encode() + b"\1" + m.text for m in modules)).digest()
    return "{" + str(uuid.UUID(bytes=digest[:16], version=4)).upper() + "}"


def project_stream(project_name: str, modules: list[Module], pid: str) -> bytes:
    lines = [f'ID="{pid}"']
    for m in modules:
        if m.kind == "document":
            lines.append(f"Document={m.name}/&H00000000")
        elif m.kind == "class":
            lines.append(f"Class={m.name}")
        else:
            lines.append(f"Module={m.name}")
    lines += [
        f'Name="{project_name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
        f'CMG="{ovba.encrypt(bytes(4), pid, _ENCRYPTION_SEED)}"',  # no protection
        f'DPB="{ovba.encrypt(bytes(1), pid, _ENCRYPTION_SEED)}"',  # no password
        f'GC="{ovba.encrypt(bytes([0xFF]), pid, _ENCRYPTION_SEED)}"',  # visible
        "", "[Host Extender Info]", HOST_EXTENDER, "", "[Workspace]",
        *(f"{m.name}=0, 0, 0, 0, C" for m in modules),
    ]
    return _mbcs("\r\n".join(lines) + "\r\n")


def project_wm(modules: list[Module]) -> bytes:
    return b"".join(_mbcs(m.name) + b"\x00" + _utf16(m.name) + b"\x00\x00" for m in modules) + b"\x00\x00"


# interoperable: version 0xFFFF and no cache; Reserved3 as Excel writes it (and [MS-OVBA] 3.1.1)
VBA_PROJECT = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)


def vba_project(project_name: str, modules: list[Module]) -> bytes:
    """The bytes of a vbaProject.bin holding `modules`."""
    for m in modules:
        m.text  # noqa: B018  (raises UnicodeEncodeError for a non-ASCII source)
    pid = project_id(modules)
    vba = Entry("VBA", None, [
        Entry("_VBA_PROJECT", VBA_PROJECT),
        Entry("dir", ovba.compress(dir_stream(project_name, modules))),
        *(Entry(m.name, ovba.compress(m.text)) for m in modules),
    ])
    return write_cfb([vba, Entry("PROJECT", project_stream(project_name, modules, pid)), Entry("PROJECTwm", project_wm(modules))])
