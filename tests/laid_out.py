"""Table 3 laid out without ruling lines as a word processor lays it out, as the words a PDF
reader finds (text and box), so that layouts can be varied by the thousand without printing:
labels wrapped at a column's width, group labels stacked in merged cells, figures too wide for
their column wrapped ("12" over "34"), every cell aligned top, centre or bottom in its row, rows
as tall as their tallest cell, no gap between rows.

Independent of the importer: it knows the standard's labels and the figures, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from govreport_xl.core.model import Report
from govreport_xl.core.standard import T3, code

HEIGHT, PITCH = 9.0, 10.5  # a 9-point font on lines 10.5 points apart, as Word prints a table
CHAR, DIGIT = 9.0, 5.0  # widths of a Chinese character and of a digit
GAP = 6.0  # between columns (the cells' margins)
NOTE = T3.note or ""
FIGURE_HEADERS = [c.label for block in T3.blocks for c in block.columns]


@dataclass(frozen=True)
class Shape:
    """How the table is printed. Widths are in characters (labels) and digits (figures)."""

    align: str = "center"  # top | center | bottom, every cell alike
    label_chars: int = 12  # the rows' own label column
    group_chars: int = 1  # each of the two group label columns
    figure_digits: int = 6
    merged: bool = False  # a group character and the label beside it read as one word (narrow gap)
    heading: bool = True  # the table's heading printed above it (else its rows are found by their labels alone)
    misprint: tuple[str, str] | None = None  # (row code, label printed instead): a label not recognised
    top: float = 100.0


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def _offset(lines: int, height: int, align: str) -> float:
    """Where a cell of `lines` lines starts, in lines from its row's top, in a row `height` tall."""
    return {"top": 0.0, "center": (height - lines) / 2, "bottom": float(height - lines)}[align]


def _word(text: str, x0: float, x1: float, top: float) -> dict:
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": top + HEIGHT}


def line(text: str, x0: float, top: float) -> dict:
    """A line of text (a title) as a word."""
    return _word(text, x0, x0 + len(text) * CHAR, top)


def _groups() -> list[tuple[int, str, list[str]]]:
    """(group column, group label, its rows), in order: 三、本年度办理结果 over R03–R24 in the
    first column, （三）不予公开 and the others in the second."""
    out: dict[tuple[int, str], list[str]] = {}
    for row in T3.rows:
        for depth, label in enumerate(row.group):
            out.setdefault((depth, label), []).append(row.code)
    return [(depth, label, rows) for (depth, label), rows in out.items()]


def words(report: Report, shape: Shape) -> list[dict]:
    """The words of table 3's heading, header and rows as printed in `shape`."""
    x_group = [100.0, 100.0 + shape.group_chars * CHAR + GAP]
    x_label = x_group[1] + shape.group_chars * CHAR + (1.0 if shape.merged else GAP)
    x_figures = x_label + shape.label_chars * CHAR + GAP
    width = shape.figure_digits * DIGIT
    columns = [(x_figures + i * (width + GAP), x_figures + i * (width + GAP) + width) for i in range(7)]
    out = [_word(T3.heading, 60, 60 + len(T3.heading) * CHAR, shape.top)] if shape.heading else []
    y = shape.top + 2 * PITCH
    note = _wrap(NOTE, shape.label_chars + 2 * shape.group_chars)
    for i, line in enumerate(note):
        out.append(_word(line, x_group[0], x_group[0] + len(line) * CHAR, y + i * PITCH))
    for (x0, x1), label in zip(columns, FIGURE_HEADERS):
        for i, line in enumerate(_wrap(label, max(1, int(width // CHAR)))):
            out.append(_word(line, x0, x0 + len(line) * CHAR, y + i * PITCH))
    y += max(len(note), *(len(_wrap(h, max(1, int(width // CHAR)))) for h in FIGURE_HEADERS)) * PITCH

    labels, indent = {}, {}
    for row in T3.rows:
        printed = shape.misprint[1] if shape.misprint and shape.misprint[0] == row.code else row.label
        depth = len(row.group)  # the label spans the group columns its row is not under
        indent[row.code] = [x_group[0], x_group[1], x_label][depth]
        room = shape.label_chars + (2 - depth) * shape.group_chars
        labels[row.code] = _wrap(printed, room)
    figures = {r.code: [_wrap(str(report.value(code(T3.id, r.code, f"C{c}"))), shape.figure_digits) for c in range(1, 8)]
               for r in T3.rows}
    heights = {r: max(len(labels[r]), *(len(f) for f in figures[r])) for r in labels}
    for depth, label, rows in _groups():  # a group label taller than its rows makes its last row taller
        need = len(_wrap(label, shape.group_chars)) - sum(heights[r] for r in rows)
        if need > 0:
            heights[rows[-1]] += need
    tops, at = {}, y
    for row in T3.rows:
        tops[row.code] = at
        at += heights[row.code] * PITCH

    cells: list[tuple[float, float, list[str], float, str]] = []  # x0, x1, lines, top, row height (lines)
    for row in T3.rows:
        r = row.code
        cells.append((indent[r], 0, labels[r], tops[r] + _offset(len(labels[r]), heights[r], shape.align) * PITCH, "left"))
        for (x0, x1), lines in zip(columns, figures[r]):
            cells.append((x0, x1, lines, tops[r] + _offset(len(lines), heights[r], shape.align) * PITCH, "right"))
    for depth, label, rows in _groups():
        lines = _wrap(label, shape.group_chars)
        height = sum(heights[r] for r in rows)
        cells.append((x_group[depth], 0, lines, tops[rows[0]] + _offset(len(lines), height, shape.align) * PITCH, "left"))
    for x0, x1, lines, top, side in cells:
        for i, line in enumerate(lines):
            w = len(line) * (DIGIT if side == "right" else CHAR)
            out.append(_word(line, x1 - w if side == "right" else x0, x1 if side == "right" else x0 + w, top + i * PITCH))
    if shape.merged:  # a group character run into the label beside it, as pdfplumber joins close characters
        out = _merge(out, x_label)
    return out


def _merge(out: list[dict], x_label: float) -> list[dict]:
    by_line: dict[float, list[dict]] = {}
    for w in out:
        by_line.setdefault(round(w["top"], 1), []).append(w)
    merged = []
    for line in by_line.values():
        line.sort(key=lambda w: w["x0"])
        for w in line:
            if merged and merged[-1]["top"] == w["top"] and merged[-1]["x1"] < x_label <= w["x0"] and w["x0"] - merged[-1]["x1"] < 3:
                merged[-1] = {**merged[-1], "text": merged[-1]["text"] + w["text"], "x1": w["x1"]}
            else:
                merged.append(dict(w))
    return merged
