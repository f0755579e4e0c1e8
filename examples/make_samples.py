"""Makes the sample inputs for `audit` from the published report's text, as a web page and a Word
file carry it: paragraphs, and the tables (the lines whose cells are tab-separated) as real tables;
and as web archives often keep such a page: flattened to one line, every space and break gone.

    python examples/make_samples.py

Writes examples/shizuishan_2022.html, .docx and _flat.txt (committed; tests check that they are
current).
"""

from __future__ import annotations

import html
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEXT = HERE / "shizuishan_2022.txt"


def blocks(text: str) -> list[tuple[str, object]]:
    """("p", line) for a paragraph, ("table", rows) for consecutive tab-separated lines."""
    out: list[tuple[str, object]] = []
    for line in text.splitlines():
        if "\t" in line:
            cells = line.rstrip("\t").split("\t")
            if out and out[-1][0] == "table":
                out[-1][1].append(cells)
            else:
                out.append(("table", [cells]))
        elif line.strip():
            out.append(("p", line.strip()))
    return out


def to_html(text: str) -> str:
    body = []
    title = next(b for kind, b in blocks(text) if kind == "p")
    for kind, content in blocks(text):
        if kind == "p":
            tag = "h1" if content == title else "p"
            body.append(f"<{tag}>{html.escape(content)}</{tag}>")
        else:
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in content)
            body.append(f'<table border="1" cellspacing="0">{rows}</table>')
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def to_docx(text: str) -> bytes:
    import datetime as dt

    import docx

    document = docx.Document()
    # fixed, so that making the file again gives the same document
    document.core_properties.created = document.core_properties.modified = dt.datetime(2023, 1, 31)
    document.core_properties.title = document.paragraphs[0].text if document.paragraphs else "政府信息公开工作年度报告"
    for kind, content in blocks(text):
        if kind == "p":
            document.add_paragraph(content)
        else:
            width = max(len(r) for r in content)
            table = document.add_table(rows=len(content), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(content):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def to_flat(text: str) -> str:
    return "".join(text.split()) + "\n"


def main() -> None:
    text = TEXT.read_text(encoding="utf-8")
    (HERE / "shizuishan_2022.html").write_text(to_html(text), encoding="utf-8")
    (HERE / "shizuishan_2022.docx").write_bytes(to_docx(text))
    (HERE / "shizuishan_2022_flat.txt").write_text(to_flat(text), encoding="utf-8")


if __name__ == "__main__":
    main()
