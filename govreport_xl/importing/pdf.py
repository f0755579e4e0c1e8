"""Text out of a PDF (pdfplumber, on pdfminer.six): the report's tables rebuilt from the page
geometry (ruling lines, and where a table has none, the words' positions), not from the text's
order, so that labels wrapped inside a cell ("三、 / 本年 / 度办 / 理结 / 果"), stacked header words
and cells merged over rows come out as one row of cells, as a web page gives them.

Tables continue across pages with the header repeated: the header rows have no figures, so the
table parser passes over them. Tables without ruling lines are rebuilt in pdf_rows.py. A PDF with
no text layer (a scan) is said to be one.
"""

from __future__ import annotations

from pathlib import Path

from ..core.source import SourceError, refuse
from ..extras import require
from . import pdf_bounds
from .pdf_rows import borderless_lines

MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_PAGES = 300  # a report is a few pages to a few dozen
_LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def _cell(text: str | None) -> str:
    """A cell's text with the line breaks of its wrapping taken out (Chinese wraps anywhere)."""
    return "".join((text or "").split("\n")).strip()


def _inside(obj, boxes) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def page_lines(page, section: str | None = None) -> tuple[list[str], str | None]:
    """The page's lines in reading order: text lines, and each table row as tab-separated cells;
    `section`: the table section the page starts in (and the one it ends in, returned)."""
    tables = page.find_tables(_LINES) or []
    boxes = [t.bbox for t in tables]
    items: list[tuple[float, str]] = []
    for table in tables:
        top = table.bbox[1]
        for i, row in enumerate(table.extract()):
            cells = [_cell(c) for c in row]
            if any(cells):
                items.append((top + i * 0.001, "\t".join(cells)))
    rest = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    lines, section = borderless_lines(rest.extract_words(keep_blank_chars=False), section)
    items += lines
    items.sort(key=lambda item: item[0])
    return [text for _, text in items], section


_OVER = {  # what pdf_bounds.LIMITS[what] bounds, said to the user: (zh, en), {n} the bound
    "stream": ("PDF 中有数据流解压后超过 {mb} MB（可能是“压缩炸弹”）", "a stream of the PDF decodes past {mb} MB (a decompression bomb?)"),
    "decoded": ("PDF 的数据流解压后合计超过 {mb} MB（可能是“压缩炸弹”）", "the PDF's streams decode past {mb} MB in all (a decompression bomb?)"),
    "tokens": ("PDF 的绘制指令超过 {n} 条（可能是相互引用的表单对象）", "the PDF draws more than {n} operations (forms drawing each other?)"),
    "page_tokens": ("PDF 的一页绘制指令超过 {n} 条（可能是相互引用的表单对象）", "a page of the PDF draws more than {n} operations (forms drawing each other?)"),
    "glyphs": ("PDF 全文超过 {n} 个字符", "the PDF draws more than {n} characters"),
    "page_glyphs": ("PDF 的一页超过 {n} 个字符", "a page of the PDF draws more than {n} characters"),
    "drawings": ("PDF 全文超过 {n} 个图形", "the PDF draws more than {n} shapes and images"),
    "page_drawings": ("PDF 的一页超过 {n} 个图形", "a page of the PDF draws more than {n} shapes and images"),
    "map": ("PDF 字体的字符映射表超过 {n} 项", "the PDF's font character maps have more than {n} entries"),
    "depth": ("PDF 的表单对象嵌套超过 {n} 层", "the PDF's forms are nested more than {n} deep"),
    "nesting": ("PDF 绘制指令的数组或字典嵌套超过 {n} 层", "the PDF's drawing operands nest more than {n} deep"),
    "seconds": ("读取 PDF 超过 {n} 秒", "reading the PDF took more than {n} seconds"),
}


def _over(path: Path, budget) -> SourceError:
    n = budget.limits[budget.over]
    zh, en = (text.format(n=n, mb=n // 1048576) for text in _OVER[budget.over])
    return refuse(path, zh + "，不像一份年度报告，不予读取", en + ": not an annual report; not read")


def _pages(path: Path, pdf) -> list:
    """The document's pages, refused past MAX_PAGES before pdfplumber makes a page of each."""
    from itertools import islice

    from pdfminer.pdfpage import PDFPage

    if sum(1 for _ in islice(PDFPage.create_pages(pdf.doc), MAX_PAGES + 1)) > MAX_PAGES:
        raise refuse(path, f"PDF 超过 {MAX_PAGES} 页，不像一份年度报告", f"the PDF has more than {MAX_PAGES} pages: not an annual report")
    return pdf.pages


def pdf_lines(path: Path) -> list[str]:
    require("pdfplumber", path)  # the [pdf] extra
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    if path.stat().st_size > MAX_PDF_BYTES:
        raise refuse(path, f"PDF 文件有 {path.stat().st_size // 1048576} MB，不像一份年度报告", "the PDF is too large for an annual report")
    with pdf_bounds.reading() as budget:
        try:
            # not pdfplumber's own close(): it makes a page of every page the document lists
            with open(path, "rb") as stream:
                pdf = pdfplumber.open(stream)
                lines: list[str] = []
                has_text, section = False, None
                for page in _pages(path, pdf):
                    pdf_bounds.page_layout(page, budget)
                    has_text = has_text or bool(page.chars)
                    page_text, section = page_lines(page, section)
                    lines += page_text
                    page.flush_cache()  # keep memory flat over long documents
                    if budget.over:  # went past a bound where pdfminer swallowed the exception
                        raise _over(path, budget)
        except SourceError:
            raise
        except (PDFSyntaxError, ValueError, KeyError, TypeError, AssertionError, OSError, RecursionError) as exc:
            if budget.over:
                raise _over(path, budget) from None
            raise refuse(path, f"无法读取这个 PDF（文件损坏或加密）：{exc!r}"[:200], f"the PDF cannot be read (damaged or encrypted): {exc!r}"[:200]) from None
        except Exception as exc:  # pdfminer raises its own kinds for damaged files; none may stop a batch
            if budget.over:
                raise _over(path, budget) from None
            raise refuse(path, f"无法读取这个 PDF：{type(exc).__name__}", f"the PDF cannot be read: {type(exc).__name__}") from None
    if budget.over:
        raise _over(path, budget)
    if not has_text:
        raise refuse(path, "是扫描件，没有文字层：请找原始的 Word 或网页版本，或先做文字识别（OCR）",
                     "a scanned PDF with no text layer: find the Word or web version, or run OCR first")
    return lines
