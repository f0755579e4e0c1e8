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
from ..extras import require
from ..core.standard import T2, T3, T4
from . import pdf_bounds
from .tokens import Kind, classify, is_furniture, key

MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_PAGES = 300  # a report is a few pages to a few dozen
_LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
LINE_TOLERANCE = 2.5  # points: words this close in height are on one line
COLUMN_BUCKET = 24  # points: label fragments this close in x are in one column


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
    items += borderless_lines(rest.extract_words(keep_blank_chars=False))
    items.sort(key=lambda item: item[0])
    return [text for _, text in items]


def _visual_lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped into lines by height, each left to right."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(w["top"] - lines[-1][0]["top"]) <= LINE_TOLERANCE:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _first_figure(line: list[dict]) -> int | None:
    """Where a line's figures start, if it ends in figures and nothing else (a table row)."""
    figure = [classify(w["text"]).kind in (Kind.NUMBER, Kind.NONE) for w in line]
    if not figure[-1] or is_furniture(" ".join(w["text"] for w in line)):  # "- 3 -" is a page number
        return None
    i = len(figure)
    while i and figure[i - 1]:
        i -= 1
    return i


def borderless_lines(words: list[dict]) -> list[tuple[float, str]]:
    """Text lines in reading order, and the rows of tables printed without ruling lines: a row
    is the line that carries its figures, with the label lines wrapped above and below it in
    the label columns, and the pieces of figures too wide for their column wrapped likewise
    ("1008" / "1"), each given to the nearest row; stacked header words are left as text.
    A row comes out as its label and its figures separated by tabs, as from a ruled table."""
    lines = _visual_lines(words)
    starts = [_first_figure(line) for line in lines]
    labelled = [i for i, f in enumerate(starts) if f]  # figures after a label
    attached: dict[int, list[int]] = {i: [] for i, f in enumerate(starts) if f is not None}

    def nearest(i: int, among: list[int]) -> tuple[int, float]:
        """The nearest of `among` to line i (the one below on a tie), and how far in line heights."""
        r = min(among, key=lambda r: (abs(lines[r][0]["top"] - lines[i][0]["top"]), r < i))
        return r, abs(lines[r][0]["top"] - lines[i][0]["top"]) / max(lines[i][0]["bottom"] - lines[i][0]["top"], 1)

    for i in (i for i, f in enumerate(starts) if f == 0 and labelled):  # figures alone on a line
        near, distance = nearest(i, labelled)
        if distance <= 1.6 and not any(_overlap(w, f) for w in lines[i] for f in lines[near][starts[near]:]):
            attached[near].append(i)  # a figure wrapped in its column, beside the row's own
            del attached[i]
    # label lines go to rows of two figures or more: a sentence whose line happens to end in a
    # figure ("…共收到申请 203" / "件。") is not a row to gather the paragraph around
    rows = [i for i in attached if len(lines[i]) - starts[i] + len(attached[i]) > 1]
    for i, line in enumerate(lines):
        if starts[i] is not None or not rows or _is_heading(line):
            continue
        near, distance = nearest(i, rows)
        if distance <= 2.2 and line[-1]["x1"] < lines[near][starts[near]]["x0"]:
            attached[near].append(i)  # a label line wrapped around the row's figures
    taken = {i for parts in attached.values() for i in parts}
    out = []
    for i, line in enumerate(lines):
        if i in taken:
            continue
        if i not in attached:
            out.append((line[0]["top"], " ".join(w["text"] for w in line)))
            continue
        parts = [w for j in (i, *attached[i]) for w in lines[j]]
        figure_x = line[starts[i]]["x0"] if not attached[i] else min(w["x0"] for w in line[starts[i]:])
        label = sorted((w for w in parts if w["x1"] < figure_x), key=lambda w: (round(w["x0"] / COLUMN_BUCKET), w["top"]))
        cells = ["".join(w["text"] for w in label)] + _columns([w for w in parts if w["x1"] >= figure_x])
        out.append((line[0]["top"], "\t".join(cells)))
    return out


def _overlap(a: dict, b: dict) -> bool:
    return a["x0"] < b["x1"] and b["x0"] < a["x1"]


def _columns(figures: list[dict]) -> list[str]:
    """Figure words as cells: pieces one above another in a column are one figure, top first."""
    cells: list[list[dict]] = []
    for w in sorted(figures, key=lambda w: w["x0"]):
        for cell in cells:
            if any(_overlap(w, other) for other in cell):
                cell.append(w)
                break
        else:
            cells.append([w])
    return ["".join(w["text"] for w in sorted(cell, key=lambda w: w["top"])) for cell in sorted(cells, key=lambda c: c[0]["x0"])]


_HEADING_KEYS = tuple(key(t.heading) for t in (T2, T3, T4)) + ("五",)


def _is_heading(line: list[dict]) -> bool:
    """A section heading ("三、收到和处理…", "五、…") is never part of a row's label."""
    return key("".join(w["text"] for w in line)).startswith(_HEADING_KEYS)


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
                has_text = False
                for page in _pages(path, pdf):
                    pdf_bounds.page_layout(page, budget)
                    has_text = has_text or bool(page.chars)
                    lines += page_lines(page)
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
