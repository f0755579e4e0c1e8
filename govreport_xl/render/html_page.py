"""The report as one self-contained web page: inline CSS, no script, tables with rowspan and
colspan as the official layout has them (pasteable into a website's content system)."""

from __future__ import annotations

from html import escape

from .document import Document
from .grid import Grid

CSS = """
body { font-family: "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "SimSun", "宋体", serif; max-width: 60em; margin: 2em auto; color: #000; }
h1 { text-align: center; font-family: "SimHei", "黑体", sans-serif; font-size: 1.6em; }
h2 { font-family: "SimHei", "黑体", sans-serif; font-size: 1.15em; margin-top: 1.5em; }
p { text-indent: 2em; line-height: 1.8; }
p.warning { color: #c00000; font-weight: bold; text-indent: 0; border: 2px solid #c00000; padding: .5em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1.5em; font-size: .9em; }
th, td { border: 1px solid #000; padding: .25em .4em; }
th { font-weight: bold; text-align: center; vertical-align: middle; }
td.group { font-weight: bold; text-align: center; vertical-align: middle; }
td.label { text-align: left; }
td.value, td.total { text-align: right; white-space: nowrap; }
td.total { font-weight: bold; }
""".strip()


def _table(g: Grid) -> str:
    rows = []
    for i, row in enumerate(g.rows):
        cells = []
        for cell in row:
            if cell is None:
                continue
            tag = "th" if cell.kind == "header" else "td"
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            klass = "" if tag == "th" else f' class="{cell.kind}"'
            cells.append(f"<{tag}{span}{klass}>{escape(cell.text)}</{tag}>")
        rows.append(("  <tr>" if i >= g.header_rows else "  <tr class=\"head\">") + "".join(cells) + "</tr>")
    head, body = rows[:g.header_rows], rows[g.header_rows:]
    return "<table>\n <thead>\n" + "\n".join(head) + "\n </thead>\n <tbody>\n" + "\n".join(body) + "\n </tbody>\n</table>"


def html_page(doc: Document) -> str:
    parts = [f"<h1>{escape(doc.title)}</h1>"]
    if doc.warning:
        parts.append(f'<p class="warning">{escape(doc.warning)}</p>')
    for section in doc.before:
        parts += [f"<h2>{escape(section.heading)}</h2>", *(f"<p>{escape(p)}</p>" for p in section.paragraphs)]
    for g in doc.tables:
        parts += [f"<h2>{escape(g.table.heading)}</h2>", _table(g)]
    for section in doc.after:
        parts += [f"<h2>{escape(section.heading)}</h2>", *(f"<p>{escape(p)}</p>" for p in section.paragraphs)]
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(doc.title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n"
            + "\n".join(parts) + "\n</body>\n</html>\n")
