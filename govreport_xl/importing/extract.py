"""Text out of published files: plain text, saved web pages (HTML) and Word (.docx).

Table rows come out as one line with cells separated by tabs, so that every format reaches the
table parser in the shape a copy from a web page gives.
"""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
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


class _HtmlText(HTMLParser):
    BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "title", "table", "tr"}
    SKIP = {"script", "style", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.skip = 0

    def _flush(self):
        text = "".join(self.current).strip()
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "tr":
            self._flush()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag in self.BLOCKS and self.cell is None:
            self._flush()

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if any(self.row):
                self.lines.append("\t".join(self.row))
            self.row = None
        elif tag in self.BLOCKS and self.cell is None:
            self._flush()

    def handle_data(self, data):
        if self.skip:
            return
        (self.cell if self.cell is not None else self.current).append(data)


def html_lines(html: str) -> list[str]:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.lines


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{_W}t"))


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
    lines: list[str] = []

    def walk(element):
        for child in element:
            if child.tag == f"{_W}p":
                lines.append(_paragraph_text(child))
            elif child.tag == f"{_W}tbl":
                for tr in child.iter(f"{_W}tr"):
                    cells = [" ".join(_paragraph_text(p) for p in tc.iter(f"{_W}p")).strip() for tc in tr.iter(f"{_W}tc")]
                    lines.append("\t".join(cells))
            elif child.tag == f"{_W}sdt":
                walk(child.find(f"{_W}sdtContent") or [])

    walk(body if body is not None else [])
    return lines


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
        return "html", html_lines(text)
    return "text", text.splitlines()
