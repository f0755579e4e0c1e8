"""Text out of a saved web page, read as a tree (lxml's HTML parser: libxml2, in C, linear on
any input; the standard library's parser is quadratic on unclosed tags on some Pythons).

Most government CMS pages put the whole article, breadcrumbs and navigation in layout tables;
the report's own tables sit inside them. A table is read as a data table (one line per row, its
cells separated by tabs, as a copy from the page gives) only when no cell holds another table or
running text; any other table is layout, and its cells are read as blocks of text, in order.
Rowspan and colspan are laid out on the table's grid: a merged cell's text is in its first row
and column and the places it covers are empty, as pdfplumber gives a ruled PDF table.
"""

from __future__ import annotations

import re

from ..core.source import SourceError

MAX_DEPTH = 256  # libxml2's own bound on nesting (without XML_PARSE_HUGE)
MAX_GRID_CELLS = 1_000_000  # places on all the data tables' grids of a page (a report's: about 500)
MAX_COLSPAN, MAX_ROWSPAN = 1000, 65534  # the HTML standard's own bounds
LONG_CELL = 200  # characters: a cell with more text, or with several paragraphs, is running text

BLOCKS = frozenset("p div br h1 h2 h3 h4 h5 h6 li ul ol dl dt dd section article header footer nav main aside "
                   "title table tr td th caption thead tbody tfoot blockquote pre form center hr address figure "
                   "figcaption fieldset legend details summary".split())
PARAGRAPHS = frozenset("p div br h1 h2 h3 h4 h5 h6 li".split())
SKIP = frozenset("script style noscript template iframe object embed svg math select option button".split())


class PageError(Exception):
    """The page is past a bound: (zh, en)."""


def _parse(html: str):
    import lxml.html
    from lxml import etree

    # bytes with the encoding given: the page was decoded already, and a str with an XML
    # declaration is refused by lxml
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, ValueError):  # an empty or all-blank page
        return None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in e.message for e in parser.error_log):
        raise PageError(f"网页的标签嵌套超过 {MAX_DEPTH} 层，不予读取", f"the page nests tags more than {MAX_DEPTH} deep; not read")
    return root


def _tag(el) -> str | None:
    return el.tag.lower() if isinstance(el.tag, str) else None  # comments and entities have callables


def _text(el) -> str:
    """An element's visible text, scripts and styles left out, whitespace collapsed (iterative)."""
    parts: list[str] = []
    stack = [(el, False)]
    while stack:
        node, done = stack.pop()
        if done:
            if node.tail and node is not el:
                parts.append(node.tail)
            continue
        tag = _tag(node)
        if tag in SKIP:
            if node.tail and node is not el:
                parts.append(node.tail)
            continue
        if tag in PARAGRAPHS:
            parts.append(" ")
        if tag is not None and node.text:
            parts.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _rows(table) -> list:
    """The table's own rows (not a nested table's), in document order."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(tr for tr in child if _tag(tr) == "tr")
    return rows


def _cells(tr) -> list:
    return [c for c in tr if _tag(c) in ("td", "th")]


def _holding_tables(root) -> set:
    """The tables that hold another table: each found by walking up from the tables inside it,
    stopping at one already found, so the page is walked once whatever its nesting."""
    holding: set = set()
    for table in root.iter("table"):
        for up in table.iterancestors("table"):
            if up in holding:
                break
            holding.add(up)
    return holding


def _is_data(table, holding: set) -> bool:
    """No cell holds a table or running text (several paragraphs, or a long one)."""
    if table in holding:
        return False
    for tr in _rows(table):
        for cell in _cells(tr):
            text = _text(cell)
            blocks = sum(1 for el in cell.iter() if _tag(el) in PARAGRAPHS and el is not cell)
            if len(text) > LONG_CELL or (blocks >= 3 and len(text) > 60):
                return False
    return True


def _span(cell, name: str, bound: int) -> int:
    try:
        return max(0, min(int(re.match(r"\s*(\d{1,9})", cell.get(name, "1")).group(1)), bound))
    except (AttributeError, ValueError):
        return 1


class _Grid:
    def __init__(self):
        self.cells = 0

    def lay_out(self, table) -> list[str]:
        """The table's rows as tab-separated lines, merged cells laid out on the grid."""
        rows = _rows(table)
        grid: list[list[str | None]] = [[] for _ in rows]
        for r, tr in enumerate(rows):
            c = 0
            for cell in _cells(tr):
                while c < len(grid[r]) and grid[r][c] is not None:
                    c += 1
                colspan = max(1, _span(cell, "colspan", MAX_COLSPAN))
                rowspan = _span(cell, "rowspan", MAX_ROWSPAN) or len(rows) - r  # 0: to the end
                rowspan = min(max(rowspan, 1), len(rows) - r)
                self.cells += colspan * rowspan
                if self.cells > MAX_GRID_CELLS:
                    raise PageError(f"网页表格的格子超过 {MAX_GRID_CELLS} 个，不予读取",
                                    f"the page's tables have more than {MAX_GRID_CELLS} places; not read")
                for dr in range(rowspan):
                    row = grid[r + dr]
                    if len(row) < c + colspan:
                        row.extend([None] * (c + colspan - len(row)))
                    for dc in range(colspan):
                        row[c + dc] = ""
                grid[r][c] = _text(cell)
                c += colspan
        lines = []
        for row in grid:
            cells = [cell or "" for cell in row]
            if any(cells):
                lines.append("\t".join(cells))
        return lines


def html_lines(html: str) -> list[str]:
    """The page's lines in reading order: blocks of text, and each data-table row as cells."""
    root = _parse(html)
    if root is None:
        return []
    lines: list[str] = []
    current: list[str] = []
    grid = _Grid()
    holding = _holding_tables(root)

    def flush():
        text = re.sub(r"\s+", " ", "".join(current)).strip()
        if text:
            lines.append(text)
        current.clear()

    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        tag = _tag(node)
        if done:  # leaving an element: end its block, then its tail text follows
            if tag in BLOCKS:
                flush()
            if node.tail:
                current.append(node.tail)
            continue
        if tag in SKIP or tag is None:
            if node.tail:
                current.append(node.tail)
            continue
        if tag in BLOCKS:
            flush()
        if tag == "table" and _is_data(node, holding):
            lines.extend(grid.lay_out(node))
            stack.append((node, True))
            continue
        if node.text:
            current.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    flush()
    return lines


def page_lines(path, html: str) -> list[str]:
    try:
        return html_lines(html)
    except PageError as exc:
        zh, en = exc.args
        raise SourceError(path, {"zh": zh, "en": en}) from None
