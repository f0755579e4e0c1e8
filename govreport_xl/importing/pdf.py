"""Text out of a PDF (pdfplumber, on pdfminer.six): the report's tables rebuilt from the page
geometry (ruling lines, and where a table has none, the words' positions), not from the text's
order, so that labels wrapped inside a cell ("三、 / 本年 / 度办 / 理结 / 果"), stacked header words
and cells merged over rows come out as one row of cells, as a web page gives them.

Tables continue across pages with the header repeated: the header rows have no figures, so the
table parser passes over them. A PDF with no text layer (a scan) is said to be one.
"""

from __future__ import annotations

from pathlib import Path

from ..core.source import SourceError, refuse

MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_PAGES = 300  # a report is a few pages to a few dozen
_LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_TEXT = {"vertical_strategy": "text", "horizontal_strategy": "lines"}


def _cell(text: str | None) -> str:
    """A cell's text with the line breaks of its wrapping taken out (Chinese wraps anywhere)."""
    return "".join((text or "").split("\n")).strip()


def _inside(obj, boxes) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def page_lines(page) -> list[str]:
    """The page's lines in reading order: text lines, and each table row as tab-separated cells."""
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
    for line in rest.extract_text_lines(layout=False, strip=True):
        items.append((line["top"], line["text"]))
    items.sort(key=lambda item: item[0])
    return [text for _, text in items]


def pdf_lines(path: Path) -> list[str]:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    if path.stat().st_size > MAX_PDF_BYTES:
        raise refuse(path, f"PDF 文件有 {path.stat().st_size // 1048576} MB，不像一份年度报告", "the PDF is too large for an annual report")
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise refuse(path, f"PDF 有 {len(pdf.pages)} 页，不像一份年度报告", f"the PDF has {len(pdf.pages)} pages: not an annual report")
            lines: list[str] = []
            has_text = False
            for page in pdf.pages:
                has_text = has_text or bool(page.chars)
                lines += page_lines(page)
                page.flush_cache()  # keep memory flat over long documents
    except SourceError:
        raise
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AssertionError, OSError, RecursionError) as exc:
        raise refuse(path, f"无法读取这个 PDF（文件损坏或加密）：{exc!r}"[:200], f"the PDF cannot be read (damaged or encrypted): {exc!r}"[:200]) from None
    except Exception as exc:  # pdfminer raises its own kinds for damaged files; none may stop a batch
        raise refuse(path, f"无法读取这个 PDF：{type(exc).__name__}", f"the PDF cannot be read: {type(exc).__name__}") from None
    if not has_text:
        raise refuse(path, "是扫描件，没有文字层：请找原始的 Word 或网页版本，或先做文字识别（OCR）",
                     "a scanned PDF with no text layer: find the Word or web version, or run OCR first")
    return lines
