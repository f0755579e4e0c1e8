"""Text out of published files: plain text, saved web pages (HTML) and Word (.docx).

Table rows come out as one line with cells separated by tabs, so that every format reaches the
table parser in the shape a copy from a web page gives.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..core.source import SourceError

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
DOCX_SUFFIXES = (".docx",)
PDF_SUFFIXES = (".pdf",)
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + DOCX_SUFFIXES + PDF_SUFFIXES
_ENCODINGS = ("utf-8-sig", "gb18030", "big5")  # what Chinese pages and exports are saved in
MAX_TEXT_BYTES = 20 * 1024 * 1024  # a report is tens of kilobytes; a page with its furniture a few megabytes


def _decode(path: Path, data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Notepad's "Unicode": UTF-16 with its byte order mark
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096]:
        raise SourceError(path, {"zh": "不是文本文件（含有二进制数据）", "en": "not a text file (binary data)"})
    for enc in _ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise SourceError(path, {"zh": "无法识别文本编码（试过 UTF-8、GB18030、Big5）", "en": "unknown text encoding (tried UTF-8, GB18030, Big5)"})


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


_ROW_WRAPPERS = (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml")  # content controls around rows and cells


def _cell_text(tc) -> str:
    """A data cell's text: its paragraphs joined by spaces (one pass over the cell)."""
    parts = []
    for el in tc.iter():
        if el.tag == f"{_W}p":
            parts.append(" ")
        elif el.tag == f"{_W}t" and el.text:
            parts.append(el.text)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _own(element, tag: str) -> list:
    """Children with `tag`, looking through content controls (w:sdt) but not into other elements."""
    out, stack = [], list(reversed(element))
    while stack:
        el = stack.pop()
        if el.tag == tag:
            out.append(el)
        elif el.tag in _ROW_WRAPPERS:
            stack.extend(reversed(el))
    return out


def document_lines(body) -> list[str]:
    """A Word body's lines in order: each paragraph, and each row of a data table as cells
    separated by tabs. A table holding another table is layout: its paragraphs are read as text.
    One pass over the tree with an explicit stack, so any nesting (tables in tables, content
    controls in content controls) costs its size, never a recursion or a walk per level."""
    parents = {child: parent for parent in body.iter() for child in parent}
    holding: set = set()
    for table in body.iter(f"{_W}tbl"):
        up = parents.get(table)
        while up is not None:
            if up.tag == f"{_W}tbl":
                if up in holding:
                    break
                holding.add(up)
            up = parents.get(up)
    lines: list[str] = []
    paragraphs: list[list[str]] = []
    stack: list[tuple[object, bool]] = [(child, False) for child in reversed(body)]
    while stack:
        el, leaving = stack.pop()
        if leaving:  # only paragraphs are revisited
            text = "".join(paragraphs.pop())
            lines.append(text)
            continue
        if el.tag == f"{_W}p":
            paragraphs.append([])
            stack.append((el, True))
        elif el.tag == f"{_W}t":
            if paragraphs and el.text:
                paragraphs[-1].append(el.text)
            continue
        elif el.tag == f"{_W}tbl" and el not in holding:
            for tr in _own(el, f"{_W}tr"):
                lines.append("\t".join(_cell_text(tc) for tc in _own(tr, f"{_W}tc")))
            continue
        stack.extend((child, False) for child in reversed(el))
    return lines


def docx_lines(path: Path) -> list[str]:
    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_TEXT_BYTES * 4 or info.file_size > 200 * max(info.compress_size, 1024):
                raise SourceError(path, {"zh": f"Word 文档的正文声称有 {info.file_size} 字节，过大或压缩比异常，不予读取",
                                         "en": f"the document part declares {info.file_size} bytes: too large or compressed suspiciously"})
            with z.open(info) as fh:
                data = fh.read(MAX_TEXT_BYTES * 4 + 1)
            if len(data) > MAX_TEXT_BYTES * 4:
                raise SourceError(path, {"zh": "Word 文档的正文过大", "en": "the document part is too large"})
            root = SafeET.fromstring(data, forbid_dtd=True)
    except (zipfile.BadZipFile, KeyError, SafeET.ParseError, DefusedXmlException, OSError) as exc:
        raise SourceError(path, {"zh": f"无法作为 .docx 打开：{exc}", "en": f"cannot be opened as .docx: {exc}"}) from None
    body = root.find(f"{_W}body")
    return document_lines(body) if body is not None else []


def read_lines(path: Path) -> tuple[str, list[str]]:
    """(kind, lines) of a published report file."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise SourceError(path, {"zh": "文件不存在", "en": "no such file"})
    if path.is_dir():
        raise SourceError(path, {"zh": "是文件夹，不是报告文件", "en": "a folder, not a report file"})
    if suffix in DOCX_SUFFIXES:
        return "docx", docx_lines(path)
    if suffix in PDF_SUFFIXES:
        from .pdf import pdf_lines

        return "pdf", pdf_lines(path)
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise SourceError(path, {"zh": f"文件有 {path.stat().st_size // 1048576} MB，超过 {MAX_TEXT_BYTES // 1048576} MB，不像一份年度报告",
                                 "en": f"{path.stat().st_size // 1048576} MB, over {MAX_TEXT_BYTES // 1048576} MB: not an annual report"})
    text = _decode(path, path.read_bytes())
    if suffix in HTML_SUFFIXES or re.search(r"<(html|table|body)\b", text[:2000], re.I):
        from .html import page_lines

        return "html", page_lines(path, text)
    return "text", text.splitlines()
