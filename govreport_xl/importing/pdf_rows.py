"""The rows of tables printed without ruling lines, rebuilt from the words' positions.

Nothing on such a page says where one row ends and the next begins: labels wrap over several
lines, Word puts no extra gap between rows, cells are aligned top, centre or bottom, and a figure
too wide for its column wraps ("12" over "34"). The labels are known in advance, so a row is found
by its label: consecutive lines whose last words, read down the page, spell the label of a row of
the table, the rows in the table's order (the characters of a group label stacked to their left
are passed over). The most rows that can be read so, in every such reading, are the table's rows.

A figure beside a row's label lines is that row's. A figure between two rows' labels (a cell
taller than its label: a figure wrapped, or a short label in a tall row) goes to one of them only
where there is one way to give it, or where the table's alignment (top, centre or bottom, read
from the rows that show it) gives one, and then only when the figure fills its column, no
unexplained words stand next to it and, in table 3, the row's total still adds up.

The promise is the importer's: a row is put out only when every one of its figures is placed with
certainty; otherwise it is left out (its cells unread), never filled with a neighbour's figures.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from ..core.cell_values import parse_printed
from ..core.rules import relations_of
from ..core.standard import T2, T3, T4, code
from .tables import RowSpec, fits_within, row_specs
from .tokens import END_HEADING, Kind, classify, is_furniture, key, normalize

LINE_TOLERANCE = 2.5  # points: words this close in height are on one line
ADJACENT = 1.6  # line heights: lines this close are consecutive lines of one cell
ALIGNED = 0.35  # line heights: tops this close are on one line (less than half a line apart)
MAX_READINGS = 16  # ways to cut one column into cells, beyond which the column is not read
MAX_STEPS = 4000  # and the work spent looking for them
MAX_LABELS = 400  # labels spelled on one page: a table has a few dozen rows
ALIGNMENTS = ("top", "center", "bottom")
_LABELLED = {t.id: t for t in (T2, T3)}  # tables whose rows are known by their labels
_SPECS = {t: row_specs(table) for t, table in _LABELLED.items()}
_LONGEST = max(len(k) for specs in _SPECS.values() for spec in specs for k in spec.keys)
# what else the label columns hold: group labels stacked beside the rows' labels, the header's
# note, table 2's block headings
_BESIDE = {t: tuple(k for k in dict.fromkeys([*(key(g) for row in table.rows for g in row.group), key(table.note or ""),
                                              *(key(b.heading or "") for b in table.blocks)]) if k)
           for t, table in _LABELLED.items()}


def section_of(text: str, current: str | None) -> str | None:
    """The table section a line opens ("T2", "T3", "T4"; None after the tables), else `current`."""
    k = key(normalize(text))
    for table in (T2, T3, T4):
        if k.startswith(key(table.heading)):
            return table.id
    return None if END_HEADING.match(k) else current


# --- lines ------------------------------------------------------------------------------------


@dataclass
class Line:
    """A line of the page: its words left to right, the figures it ends with told apart."""

    top: float
    height: float
    words: list[dict]
    figures_from: int  # len(words) where it does not end in figures

    @property
    def text(self) -> list[dict]:
        return self.words[:self.figures_from]

    @property
    def pieces(self) -> list[dict]:
        return self.words[self.figures_from:]


def visual_lines(words: list[dict]) -> list[Line]:
    """Words grouped into lines by height, each left to right."""
    groups: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if groups and abs(w["top"] - groups[-1][0]["top"]) <= LINE_TOLERANCE:
            groups[-1].append(w)
        else:
            groups.append([w])
    out = []
    for group in groups:
        group.sort(key=lambda w: w["x0"])
        first = _first_figure(group)
        out.append(Line(group[0]["top"], max(group[0]["bottom"] - group[0]["top"], 1.0), group, len(group) if first is None else first))
    return out


def _first_figure(line: list[dict]) -> int | None:
    """Where a line's figures start, if it ends in figures and nothing else."""
    figure = [classify(w["text"]).kind in (Kind.NUMBER, Kind.NONE) for w in line]
    if not figure[-1] or is_furniture(" ".join(w["text"] for w in line)):  # "- 3 -" is a page number
        return None
    i = len(figure)
    while i and figure[i - 1]:
        i -= 1
    return i


def _overlap(a: dict, b: dict) -> bool:
    return a["x0"] < b["x1"] and b["x0"] < a["x1"]


def _text(words) -> str:
    return "".join(w["text"] for w in words)


# --- labels -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """A row's label found on the page: the lines it takes (first and last index), the words
    spelling it and the group label characters beside them, where it ends at the right."""

    spec: int
    first: int
    last: int
    words: tuple[int, ...]  # id() of the label's words, group characters first
    text: str
    right: float


def _suffixes(line: Line) -> list[tuple[int, str, str]]:
    """The ways a line can end in a piece of a row's label: (word it starts in, the characters
    before it, its key), the shortest first. Words close together run into one ("本（二）部分公开":
    a group label's character and the label), so a piece may start inside a word."""
    texts = [normalize(w["text"]) for w in line.text]
    joined = "".join(texts)
    word_of = [i for i, t in enumerate(texts) for _ in t]
    kept = [(pos, ch) for pos, ch in enumerate(joined) if key(ch)]
    out = []
    for m in reversed(range(max(len(kept) - _LONGEST, 0), len(kept))):  # a piece longer than every label is none
        pos = kept[m][0]
        out.append((word_of[pos], joined[:pos], "".join(ch for _, ch in kept[m:])))
    return out


def _starts_at(line: Line, word: int, before: str) -> float:
    """Where a piece of a label starts on its line, its opening marks included ("（二）…"), inside
    a word where the word runs a group label's character into it (measured by characters)."""
    w = line.text[word]
    while before and unicodedata.category(before[-1]) in ("Ps", "Pi"):
        before = before[:-1]
    skipped = max(len(before) - len("".join(normalize(v["text"]) for v in line.text[:word])), 0)
    return w["x0"] + (w["x1"] - w["x0"]) * skipped / max(len(normalize(w["text"])), 1)


def _right_of(line: Line, left: float) -> str:
    """The characters of a line's text whose middle is right of `left`, measured by characters
    inside a word that runs a group label's character into the label column ("）”")."""
    out = []
    for w in line.text:
        text = w["text"]
        step = (w["x1"] - w["x0"]) / max(len(text), 1)
        out += [ch for n, ch in enumerate(text) if w["x0"] + (n + 0.5) * step >= left]
    return "".join(out)


def _lone_punctuation(line: Line, left: float, side: str) -> bool:
    """A line holding nothing but punctuation in the label column (not a group label's bracket):
    closing marks end the label above, opening ones start the label below."""
    marks = _right_of(line, left)
    return (bool(marks) and not key(marks)
            and all((unicodedata.category(ch) in ("Ps", "Pi")) == (side == "opening") for ch in marks if not ch.isspace()))


def find_labels(lines: list[Line], specs: list[RowSpec]) -> list[Label]:
    """Every way the labels of `specs` are spelled by the ends of consecutive lines."""
    labelled = [i for i, line in enumerate(lines) if line.text]
    # the next lines of a label (a group label centred beside it may put its characters on lines
    # between), and those before it; lines come down the page
    after: dict[int, list[int]] = {a: [] for a in labelled}
    before: dict[int, list[int]] = {a: [] for a in labelled}
    for n, a in enumerate(labelled):
        for b in labelled[n + 1:]:
            if lines[b].top - lines[a].top > ADJACENT * lines[a].height:
                break
            if lines[b].top > lines[a].top:
                after[a].append(b)
                before[b].append(a)
    suffixes: dict[int, dict[str, list]] = {}
    for i in labelled:
        for word, skipped, k in _suffixes(lines[i]):
            suffixes.setdefault(i, {}).setdefault(k[0], []).append((word, skipped, k))
    found: dict[tuple[int, int, int], Label] = {}
    tried: set[tuple] = set()  # (row, label start, line, characters left): each way on is tried once

    def extend(s: int, first: int, i: int, rest: str, taken: tuple) -> None:
        if (s, first, i, rest) in tried:
            return
        tried.add((s, first, i, rest))
        for word, skipped, k in suffixes.get(i, {}).get(rest[0], ()):
            if not rest.startswith(k):
                continue
            now = (*taken, (i, word, skipped, k))
            if k == rest:
                spelled = [w for j, word, *_ in now for w in lines[j].text[word:]]
                # a bracket wrapped onto a line of its own ("……不计其他情形" / "）") is the label's too
                left = min(_starts_at(lines[j], word, b) for j, word, b, _ in now) - LINE_TOLERANCE
                lone = [j for j in after[i] if _lone_punctuation(lines[j], left, "closing")]
                lone += [j for j in before[first] if _lone_punctuation(lines[j], left, "opening")]
                start, end = min([first, *(j for j in lone if j < first)]), max([i, *(j for j in lone if j > i)])
                found.setdefault((s, first, i), Label(
                    s, start, end, tuple(id(w) for j, *_ in now for w in lines[j].text) + tuple(id(w) for j in lone for w in lines[j].text),
                    "".join(b for *_, b, _ in now) + "".join(normalize(_text(lines[j].text))[len(b):] for j, _, b, _ in now),
                    max(w["x1"] for w in spelled)))
            else:
                for j in after[i]:
                    extend(s, first, j, rest[len(k):], now)

    full: list[Label] = []
    for n in range(max(len(spec.keys) for spec in specs)):  # full labels, then bare ones where the full is not there
        found.clear()
        tried.clear()
        for i in labelled:
            for s, spec in enumerate(specs):
                if n < len(spec.keys):
                    extend(s, i, i, spec.keys[n], ())
        full += [b for b in found.values() if not any(a.spec == b.spec and a.first <= b.last and b.first <= a.last for a in full)]
    return full


def _beside_figures(label: Label, lines: list[Line]) -> bool:
    """A row's label has figures at its right, on its lines or the line next to them."""
    top, bottom = lines[label.first].top, lines[label.last].top
    reach = ADJACENT * lines[label.first].height
    return any(top - reach <= line.top <= bottom + reach and any(w["x0"] > label.right for w in line.pieces) for line in lines)


def _labels_beside_figures(lines: list[Line], specs: list[RowSpec]) -> list[Label]:
    """The labels found with figures at their right; none where a page spells labels past any
    report's count (a page made to, not a table)."""
    if not any(line.pieces for line in lines):  # a page of prose: no label has figures beside it
        return []
    labels = find_labels(lines, specs)
    if len(labels) > MAX_LABELS:
        return []
    return [b for b in labels if _beside_figures(b, lines)]


def table_rows(labels: list[Label]) -> tuple[list[Label], list[Label]]:
    """The labels read as rows: the most that can be read in order (down the page and in the
    table), those of them in every such reading; and those in some readings but not all."""
    labels = sorted(labels, key=lambda b: (b.first, b.last, b.spec))
    n = len(labels)
    follows = [[a.last < b.first and a.spec < b.spec for b in labels] for a in labels]

    def longest(order, before):
        best, ways = [1] * n, [1] * n
        for j in order:
            for i in order:
                if i == j:
                    break
                if before(i, j):
                    if best[i] + 1 > best[j]:
                        best[j], ways[j] = best[i] + 1, ways[i]
                    elif best[i] + 1 == best[j]:
                        ways[j] += ways[i]
        return best, ways

    best_to, ways_to = longest(list(range(n)), lambda i, j: follows[i][j])
    best_from, ways_from = longest(list(reversed(range(n))), lambda i, j: follows[j][i])
    most = max(best_to, default=0)
    total = sum(w for b, w in zip(best_to, ways_to) if b == most)
    on_best = [i for i in range(n) if best_to[i] + best_from[i] - 1 == most]
    every = [labels[i] for i in on_best if ways_to[i] * ways_from[i] == total]
    some = [labels[i] for i in on_best if ways_to[i] * ways_from[i] != total]
    return every, some


# --- figures ----------------------------------------------------------------------------------


@dataclass
class Row:
    label: Label
    spec: RowSpec
    top: float  # the label's first line
    bottom: float  # the label's last line
    tolerance: float
    cells: dict[int, list[dict] | None] = field(default_factory=dict)  # column stack -> the row's figure pieces; None: not certain
    across_gap: bool = False  # a cell reaches past the label's lines

    def point(self, align: str) -> float:
        return {"top": self.top, "bottom": self.bottom, "center": (self.top + self.bottom) / 2}[align]

    def holds(self, y: float) -> bool:
        return self.top - self.tolerance <= y <= self.bottom + self.tolerance


def _stacks(pieces: list[dict], height: float) -> list[list[dict]]:
    """Figures stacked in one column, each on the line after the one above: a column of rows
    with no gap between them, or the lines of one wrapped figure."""
    stacks: list[list[dict]] = []
    open_: list[list[dict]] = []  # stacks whose last figure is close enough above to go on
    for w in sorted(pieces, key=lambda w: (w["top"], w["x0"])):
        open_ = [s for s in open_ if w["top"] - s[-1]["top"] <= ADJACENT * height]
        near = [s for s in open_ if 0 < w["top"] - s[-1]["top"] and _overlap(w, s[-1])]
        if len(near) == 1:
            near[0].append(w)
        else:
            stacks.append([w])
            open_.append(stacks[-1])
    return stacks


Reading = tuple[tuple[int, int, int], ...]  # (row, first piece, last piece) per cell


def _owners(stack: list[dict], rows: list[Row]) -> list[tuple[int, ...]]:
    """The rows each figure can belong to: the row beside whose label it stands, else the rows
    whose labels are just above and just below it."""
    owners = []
    for w in stack:
        y = w["top"]
        inside = next((k for k, r in enumerate(rows) if r.holds(y)), None)
        if inside is not None:
            owners.append((inside,))
            continue
        above = next((k for k in reversed(range(len(rows))) if rows[k].bottom < y), None)
        below = next((k for k, r in enumerate(rows) if r.top > y), None)
        owners.append(tuple(k for k in (above, below) if k is not None))
    return owners


def readings(stack: list[dict], rows: list[Row], allowed: dict[int, set[str]] | str | None,
             owners: list[tuple[int, ...]] | None = None) -> list[Reading] | None:
    """The ways to cut a column's stacked figures into cells of rows in order. A figure beside a
    row's label is that row's; one between two labels goes to either (`owners`). Each cell is
    aligned with its row's label as `allowed` says, for every row or row by row (None: it only
    reaches the label's lines). None where there are too many ways to list."""
    owners = owners or _owners(stack, rows)

    def fits(k: int, i: int, j: int) -> bool:
        r = rows[k]
        if any(w["x0"] <= r.label.right for w in stack[i:j + 1]):
            return False
        first, last = stack[i]["top"], stack[j]["top"]
        if allowed is None:
            return first <= r.bottom + r.tolerance and last >= r.top - r.tolerance
        at = {"top": first, "bottom": last, "center": (first + last) / 2}
        return any(abs(at[a] - r.point(a)) <= r.tolerance for a in ((allowed,) if isinstance(allowed, str) else allowed[k]))

    out: list[Reading] = []
    steps = [0]

    def walk(i: int, done: Reading) -> bool:
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            return False
        if i == len(stack):
            out.append(done)
            return len(out) <= MAX_READINGS
        common = set(owners[i])
        for j in range(i, len(stack)):
            common &= set(owners[j])
            for k in sorted(common):
                if (not done or k > done[-1][0]) and fits(k, i, j) and not walk(j + 1, (*done, (k, i, j))):
                    return False
            if not common:
                break
        return True

    return out if walk(0, ()) else None


def _fills_column(piece: dict, widest: float) -> bool:
    """A figure goes on to the next line only when the next digit would not fit: no figure of
    its column is wider by a digit or more."""
    width = piece["x1"] - piece["x0"]
    return widest - width < width / max(len(piece["text"]), 1)


def _wraps(cell: list[dict], widest: float) -> bool:
    """Pieces one above another make one figure: all but the last fill the column, and the figure
    does not start with 0 ("0" over "5" are two figures, never 05)."""
    text = _text(cell)
    return len(cell) == 1 or (not text.startswith("0") and all(_fills_column(w, widest) for w in cell[:-1]))


def place_figures(lines: list[Line], rows: list[Row], unexplained: set[int]) -> None:
    """Each row's cells (Row.cells), column stack by column stack. `unexplained`: rows next to
    words no label explains, whose figures are never taken from between labels."""
    pieces = [w for line in lines for w in line.pieces]
    if not rows or not pieces:
        return
    stacks = _stacks(pieces, min(line.height for line in lines if line.pieces))
    widest = _widest(pieces)
    owners = {id(s[0]): _owners(s, rows) for s in stacks}
    loose = {id(s[0]): readings(s, rows, None, owners[id(s[0])]) for s in stacks}
    alignment = _alignments(stacks, rows, loose, owners)
    for s in stacks:
        sid, ways = id(s[0]), loose[id(s[0])]
        if ways == []:  # beside no row's label: not the table's, or a row not recognised
            for k in _next_to(s, rows):
                rows[k].cells[sid] = None
            continue
        if ways is None or len(ways) > 1:  # several ways: the alignment tells, where the table shows it
            ways = readings(s, rows, alignment, owners[sid])
        for k in {k for candidates in owners[sid] for k in candidates}:
            cells = {next(((i, j) for k2, i, j in w if k2 == k), None) for w in ways or [()]}
            if cells == {None} and ways is not None:
                continue  # the row has no figure in this stack, whichever way it is cut
            if ways is None or len(cells) != 1 or None in cells:
                rows[k].cells[sid] = None
                continue
            i, j = cells.pop()
            cell = s[i:j + 1]
            # a figure between two labels in the cell or next to it: where the cell ends was decided
            # by the alignment, not by the labels
            gap = not all(any(r.holds(w["top"]) for r in rows) for w in s[max(i - 1, 0):j + 2])
            rows[k].across_gap |= gap
            rows[k].cells[sid] = None if not _wraps(cell, widest[id(cell[0])]) or (gap and k in unexplained) else cell


def _alignments(stacks, rows: list[Row], loose, owners) -> dict[int, set[str]]:
    """How each row's cells are aligned with its label, as the table shows it: the alignments
    that explain every column stack that some alignment explains; where the table shows more
    than one (a row aligned otherwise at a page break), for each row those that explain every
    such stack reaching it."""
    explains = {}
    for s in stacks:
        if loose[id(s[0])] != []:
            explains[id(s[0])] = (s, {a for a in ALIGNMENTS if readings(s, rows, a, owners[id(s[0])]) != []})
    table = set(ALIGNMENTS).intersection(*(e for _, e in explains.values() if e))
    if table:
        return {k: table for k in range(len(rows))}
    by_row = {k: set(ALIGNMENTS) for k in range(len(rows))}
    for s, e in explains.values():
        if e:
            for k in {k for candidates in owners[id(s[0])] for k in candidates}:
                by_row[k] &= e
    return by_row


def _widest(pieces: list[dict]) -> dict[int, float]:
    """For each figure, the widest figure of its column (figures overlapping in x, in turn)."""
    out: dict[int, float] = {}
    column: list[dict] = []
    for w in sorted(pieces, key=lambda w: w["x0"]) + [None]:
        if column and (w is None or w["x0"] >= max(v["x1"] for v in column)):
            widest = max(v["x1"] - v["x0"] for v in column)
            out.update((id(v), widest) for v in column)
            column = []
        if w is not None:
            column.append(w)
    return out


def _next_to(stack: list[dict], rows: list[Row]) -> set[int]:
    """The rows beside whose labels stand figures that cannot be cut into cells."""
    return {k for w in stack for k, r in enumerate(rows) if r.holds(w["top"])}


def _unexplained(lines: list[Line], rows: list[Row], used: set[int], doubtful: list[Label], table: str) -> set[int]:
    """Rows next to words in the label columns that no label explains (a label misprinted, a
    row the table does not have) or next to a label read in some readings only."""
    if not rows:
        return set()
    doubt = {i for b in doubtful for i in range(b.first, b.last + 1)}
    figures = min((w["x0"] for line in lines for w in line.pieces if any(r.holds(line.top) for r in rows)), default=0)
    out: set[int] = set()
    for i, line in enumerate(lines):
        if line.top < rows[0].top - rows[0].tolerance:
            continue  # the header, above the first row
        stray = [w for w in line.text if id(w) not in used and w["x1"] < figures
                 and not any(key(normalize(w["text"])) in g for g in _BESIDE[table])]
        if stray or i in doubt:
            above = [k for k, r in enumerate(rows) if r.top <= line.top + r.tolerance]
            below = [k for k, r in enumerate(rows) if r.bottom >= line.top - r.tolerance]
            out.update(above[-1:] + below[:1])
    return out


def _row_text(row: Row, table: str) -> str | None:
    """A row as label and figures separated by tabs, or None where a figure is not certain, a
    column has none, or (table 3) figures taken from between labels leave its total wrong."""
    if any(cell is None for cell in row.cells.values()):
        return None
    cells = sorted((c for c in row.cells.values() if c), key=lambda c: min(w["x0"] for w in c))
    if len(cells) != len(row.spec.columns) or any(_overlap(a[0], b[0]) for a, b in zip(cells, cells[1:])):
        return None
    figures = [_text(c) for c in cells]
    if table == T3.id and row.across_gap:
        values = [parse_printed(f).value for f in figures]
        codes = [code(table, row.spec.code, col) for col in row.spec.columns]
        if None in values or not fits_within(relations_of("T3-02"), codes)(values):
            return None
    return "\t".join([row.label.text, *figures])


def _label_columns(lines: list[Line]) -> list[Line]:
    """The lines with words for none left of every figure column taken as text: "无" of
    （四）无法提供 stacked a character a line is a group label's, not a cell's."""
    numbers = [w["x0"] for line in lines if sum(classify(w["text"]).kind is Kind.NUMBER for w in line.pieces) > 1
               for w in line.pieces if classify(w["text"]).kind is Kind.NUMBER]
    if not numbers:
        return lines
    edge = min(numbers)
    out = []
    for line in lines:
        first = line.figures_from
        while first < len(line.words) and line.words[first]["x1"] <= edge:
            first += 1
        out.append(Line(line.top, line.height, line.words, first))
    return out


def table_lines(lines: list[Line], table: str) -> list[tuple[float, str]]:
    """The lines of table 2's or 3's section: the rows read for certain as label and figures, the
    other words as text. Figures not placed in a row are left out: a figure beside no label, or
    an uncertain one, is never read as a line the table parser could give to some other row."""
    lines = _label_columns(lines)
    specs = _SPECS[table]
    every, some = table_rows(_labels_beside_figures(lines, specs))
    rows = [Row(b, specs[b.spec], lines[b.first].top, lines[b.last].top, ALIGNED * lines[b.first].height) for b in every]
    used = {i for b in every for i in b.words}
    place_figures(lines, rows, _unexplained(lines, rows, used, some, table))
    out = [(row.top, text) for row in rows if (text := _row_text(row, table)) is not None]
    for line in lines:  # the other words as text, none of them read as a cell ("无" stacked beside a label)
        if rest := [w for w in line.text if id(w) not in used and classify(w["text"]).kind is Kind.TEXT]:
            out.append((line.top, " ".join(w["text"] for w in rest)))
    return out


# --- the page ---------------------------------------------------------------------------------


def _plain(line: Line) -> str:
    """A line outside the labelled tables: text, or its label and figures separated by tabs."""
    if not line.pieces:
        return " ".join(w["text"] for w in line.words)
    return "\t".join([_text(line.text), *(w["text"] for w in line.pieces)])


def _figure_block(block: list[Line]) -> str | None:
    """Table 4's one row of figures, its wide figures wrapped over the lines above or below: each
    column's pieces one figure, top first; None where a column's pieces are not one figure."""
    cells: list[list[dict]] = []
    for w in sorted((w for line in block for w in line.pieces), key=lambda w: w["x0"]):
        for cell in cells:
            if any(_overlap(w, other) for other in cell):
                cell.append(w)
                break
        else:
            cells.append([w])
    cells = [sorted(c, key=lambda w: w["top"]) for c in sorted(cells, key=lambda c: c[0]["x0"])]
    height = block[0].height
    for cell in cells:
        if any(b["top"] - a["top"] > ADJACENT * height or b["top"] - a["top"] < LINE_TOLERANCE for a, b in zip(cell, cell[1:])):
            return None
        if not _wraps(cell, max(w["x1"] - w["x0"] for w in cell)):
            return None
    return "\t".join(["", *(_text(c) for c in cells)])


def other_lines(lines: list[Line], section: str | None) -> list[tuple[float, str]]:
    """Lines outside tables 2 and 3 as they are; in table 4's section, its row of figures with
    the pieces of wrapped figures put back together (or left out where they cannot be)."""
    out: list[tuple[float, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        block = [line]
        if section == T4.id and line.pieces and not line.text:
            while (i + len(block) < len(lines) and (nxt := lines[i + len(block)]).pieces and not nxt.text
                   and nxt.top - block[-1].top <= ADJACENT * line.height):
                block.append(nxt)
        if len(block) > 1:
            if (row := _figure_block(block)) is not None:
                out.append((line.top, row))
        else:
            out.append((line.top, _plain(line)))
        i += len(block)
    return out


def _unheaded(lines: list[Line]) -> list[tuple[float, str]]:
    """Lines no table heading opened (before the tables, after them, or a table whose heading
    was not found): where rows of table 2 or 3 are found by their labels, from the first such
    row to the last, read as that table's section; the rest as it is."""
    for table in _LABELLED:
        every, _ = table_rows(_labels_beside_figures(_label_columns(lines), _SPECS[table]))
        if len(every) >= 2:  # one label beside a figure may be a sentence; two in order are a table
            first, last = min(b.first for b in every), max(b.last for b in every)
            reach = ADJACENT * lines[first].height
            # the table goes on as long as its lines do, one under the other (its header, a row
            # whose label was not recognised): a paragraph around it is further away
            while first and lines[first].top - lines[first - 1].top <= reach:
                first -= 1
            while last + 1 < len(lines) and lines[last + 1].top - lines[last].top <= reach:
                last += 1
            return _unheaded(lines[:first]) + table_lines(lines[first:last + 1], table) + _unheaded(lines[last + 1:])
    return other_lines(lines, None)


def borderless_lines(words: list[dict], section: str | None = None) -> tuple[list[tuple[float, str]], str | None]:
    """The page's words (outside ruled tables) as lines, each with its top on the page, the rows of
    tables 2 and 3 as label and figures separated by tabs; `section` is the table section the
    page starts in, and the one it ends in is returned with the lines."""
    lines = visual_lines(words)
    out: list[tuple[float, str]] = []
    start = 0
    for i in range(len(lines) + 1):
        opens = section_of(_text(lines[i].words), section) if i < len(lines) else section
        if i < len(lines) and opens == section:
            continue
        part = lines[start:i]
        if section in _LABELLED:
            out += table_lines(part, section)
        elif section is None:
            out += _unheaded(part)
        else:
            out += other_lines(part, section)
        if i < len(lines):
            out.append((lines[i].top, " ".join(w["text"] for w in lines[i].words)))
        start, section = i + 1, opens
    return out, section
