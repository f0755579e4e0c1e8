"""A published report (text, HTML, .docx) into the report model, with what could not be read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.checks import NarrativeBalance, NarrativeFigure
from ..core.findings import Reason
from ..core.model import Report
from ..core.source import RawCell, SourceError, meta_values
from ..core.standard import (
    CELLS,
    FIRST_YEAR,
    FORMAT_2019,
    FORMAT_2021,
    FORMAT_MIXED,
    FORMAT_PRE_2019,
    FORMAT_UNKNOWN,
    META_FIELDS,
    OLDER_FORMATS,
    T2,
    T3,
    T3_CARRIED_OVER,
    T3_RECEIVED,
    T3_ROW_TOTAL,
    T4,
    T4_ROW_TOTAL,
    Table,
    code,
)
from ..extras import require
from .extract import read_lines
from .flat import inside, outside, read_flat, regions
from .labels import best_heading
from .notes import Note
from .tables import TableRead, read_table
from .tokens import END_HEADING, is_furniture, key, normalize, tokens

__all__ = ["FORMAT_2019", "FORMAT_2021", "FORMAT_MIXED", "FORMAT_PRE_2019", "FORMAT_UNKNOWN", "ImportedReport", "import_report"]

# Header words that only one format has (compared as keys, within the table sections).
MARKERS = {
    # 危及“三安全一稳定” is in both formats' table 3: not a marker of either
    FORMAT_2021: ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "申请人逾期未按收费通知要求缴纳费用"),
    FORMAT_2019: ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "其他对外管理服务事项", "采购总金额"),
}
PRE_2019_MARKERS = ("同意公开答复", "否决公开答复", "依申请公开信息", "主动公开政府信息数")
META_LABELS = {f.key: f.label for f in META_FIELDS}
_TITLE = re.compile(r"政府信息公开(?:工作)?年度报告")
_PREFIX = re.compile(r"^(?:标题|题目)\s*[:：]\s*")  # a page's "标题：" before the title
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_BODY_ENDINGS = ("政府", "局", "委员会", "委", "办公室", "办公厅", "厅", "部", "院", "署", "会", "中心", "处", "所", "室", "队", "站")
_RECEIVED, _CARRIED = code(T3.id, T3_RECEIVED, T3_ROW_TOTAL), code(T3.id, T3_CARRIED_OVER, T3_ROW_TOTAL)
_REVIEWS, *_LAWSUITS = (code(T4.id, row.code, T4_ROW_TOTAL) for row in T4.rows)
NARRATIVE_PATTERNS = (
    # (subject, English subject, pattern, accepted sums): reports count applications both ways
    ("收到政府信息公开申请", "applications received",
     r"(?:收到|受理|接收|新收)[^。；;,，]{0,15}?申请[^。；;,，\d]{0,6}?(\d+)\s*件",
     ((_RECEIVED,), (_RECEIVED, _CARRIED))),
    ("行政复议", "administrative reconsiderations", r"行政复议[^。；;,，\d]{0,6}?(\d+)\s*件", ((_REVIEWS,),)),
    ("行政诉讼", "administrative lawsuits", r"行政诉讼[^。；;,，\d]{0,6}?(\d+)\s*件", (tuple(_LAWSUITS),)),
)


@dataclass
class ImportedReport:
    path: Path
    kind: str  # text | html | docx | pdf
    format: str
    report: Report
    layout: str = "rows"  # how the tables were recognised: rows | pdf | flattened
    tables: dict[str, TableRead] = field(default_factory=dict)
    narrative: list[NarrativeFigure | NarrativeBalance] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def older(self) -> bool:
        """Older reports are recognised, not forced into the 2021 tables."""
        return self.format in OLDER_FORMATS and (self.report.meta.year or FIRST_YEAR) < FIRST_YEAR

    def source(self) -> "TextSource":
        cells: dict[str, RawCell] = {}
        for read in self.tables.values():
            for c, value in read.values.items():
                cells[c] = RawCell(value, printed=True)
            for c, raw in read.printed.items():
                cells[c] = RawCell(raw, printed=True)
            for c, (reason, raw) in read.unread.items():
                cells[c] = RawCell(raw, printed=True, unread=Reason(reason, raw))
            for c in read.blank:
                cells[c] = RawCell("", printed=True)
        combined = {g: v for read in self.tables.values() for g, v in read.combined.items()}
        return TextSource(str(self.path), self.format, meta_values(self.report.meta), cells, combined=combined)


@dataclass
class TextSource:
    """An imported text as a cell source: a cell the text does not have is absent (not 0)."""

    name: str
    format: str
    meta: dict[str, object]
    cells: dict[str, RawCell]
    kind: str = "text"
    workbook: None = None
    combined: dict[tuple[str, ...], object] = field(default_factory=dict)  # cells printed only as their sum

    def cell(self, c: str) -> RawCell | None:
        if c in self.meta:
            return RawCell(self.meta[c])
        return self.cells.get(c)


def _heading_index(lines: list[str], table: Table) -> int | None:
    """The line of the table's heading: of the lines that start with it, the one the table's
    labels follow (a table of contents or a preamble may print the headings too)."""
    want = key(table.heading)
    places = [i for i, line in enumerate(lines) if key(line).startswith(want)]
    spans = [(i, key("".join(lines[i + 1:places[n + 1] if n + 1 < len(places) else len(lines)])))
             for n, i in enumerate(places)]
    return best_heading(spans, table)


def sections(lines: list[str]) -> dict[str, list[str]]:
    """The lines of each table section, and the narrative around them; "cut" names the table the
    text ends inside (no 五、 heading after it), where there is one."""
    starts = {t.id: _heading_index(lines, t) for t in (T2, T3, T4)}
    found = sorted((i, t) for t, i in starts.items() if i is not None)
    end = next((i for i, line in enumerate(lines) if found and i > found[-1][0] and END_HEADING.match(key(line))), len(lines))
    out: dict[str, list[str]] = {t: [] for t in starts}
    for n, (i, t) in enumerate(found):
        stop = found[n + 1][0] if n + 1 < len(found) else end
        out[t] = lines[i + 1:stop]
    first = found[0][0] if found else len(lines)
    out["narrative"] = lines[:first] + lines[end:]
    out["cut"] = [found[-1][1]] if found and end == len(lines) else []
    return out


def detect_format(table_text: str) -> str:
    k = key(table_text)
    has = {fmt: any(m in k for m in marks) for fmt, marks in MARKERS.items()}
    if has[FORMAT_2021] and has[FORMAT_2019]:
        return FORMAT_MIXED
    if has[FORMAT_2021]:
        return FORMAT_2021
    if has[FORMAT_2019]:
        return FORMAT_2019
    if "第二十条" not in k and any(m in k for m in PRE_2019_MARKERS):
        return FORMAT_PRE_2019
    return FORMAT_UNKNOWN


def _cover_fields(lines: list[str]) -> dict:
    """The template's own cover, printed or copied: 报告机关名称 and 报告年度 beside their values."""
    out: dict = {}
    for line in lines[:60]:
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if len(cells) >= 2 and key(cells[0]).startswith(key(META_LABELS["name"])) and "name" not in out:
            out["name"] = cells[1]
        elif len(cells) >= 2 and key(cells[0]).startswith(key(META_LABELS["year"])) and (m := re.match(r"(\d{4})", cells[1])):
            out.setdefault("year", int(m.group(1)))
    return out


def title_meta(lines: list[str]) -> dict:
    """The body's name and the report year, from the title (or the first lines of the preamble),
    or from the template's cover where the text is a printed workbook."""
    if cover := _cover_fields(lines):
        return cover
    head = [_PREFIX.sub("", line.strip()) for line in lines[:40] if line.strip()]
    meta: dict = {}
    title, before = _title(head)
    if title is not None:
        if m := _YEAR.search(title):
            meta["year"] = int(m.group(1))
        name = re.sub(r"\s+", "", _YEAR.sub("", _TITLE.split(title)[0]))
        name = re.sub(r"^.*?现(?:发布|公布)", "", name).strip("《》\"“”")  # "现公布《XX2022年度…报告》"
        name = re.split(r"[>›»|]", name)[-1]  # a page's breadcrumbs run into the title
        if not name and before and before.endswith(_BODY_ENDINGS) and len(before) <= 30:
            name = before  # the body's name on the line above the title
        if name:
            text = "".join(head)
            if not name.endswith(_BODY_ENDINGS) and f"{name}人民政府" in text:
                name += "人民政府"  # "石嘴山市 2022 年…报告" by 石嘴山市人民政府
            meta["name"] = name
    if "year" not in meta and (m := _YEAR.search(" ".join(head[:5]))):
        meta["year"] = int(m.group(1))
    return meta  # no title, no name: M-01 says so rather than a guess


def _title(head: list[str]) -> tuple[str | None, str | None]:
    """The title line (joined with the next where it wraps: "…工作年度报" / "告"), and the line above."""
    for i, line in enumerate(head):
        wraps = i + 1 < len(head) and not _TITLE.search(head[i + 1])  # not a line above the title, as a page's index block
        for title in (line, line + head[i + 1] if wraps else None):
            if title and _TITLE.search(title) and len(_TITLE.split(title)[0]) <= 40:
                return title, head[i - 1] if i else None
    return None, None


# the narrative's own account of applications (N-02): what each side of the balance is called
BALANCE_PATTERNS = {
    "received": NARRATIVE_PATTERNS[0][2],
    "carried": r"上年(?:度)?结转[^。；;,，\d]{0,10}?(\d+)\s*件",
    "handled": r"(?:办结|办理完毕|办理完成)[^。；;,，\d]{0,6}?(\d+)\s*件",
    "forward": r"结转(?:至)?下(?:一)?年度?(?:继续办理)?[^。；;,，\d]{0,6}?(\d+)\s*件",
}


def narrative_figures(lines: list[str]) -> list[NarrativeFigure | NarrativeBalance]:
    text = " ".join(lines)
    out: list[NarrativeFigure | NarrativeBalance] = []
    for subject, subject_en, pattern, accepted in NARRATIVE_PATTERNS:
        if m := re.search(pattern, text):
            codes = tuple(dict.fromkeys(c for option in accepted for c in option))
            out.append(NarrativeFigure(subject, subject_en, int(m.group(1)), codes, accepted))
    stated = {side: int(m.group(1)) for side, pattern in BALANCE_PATTERNS.items() if (m := re.search(pattern, text))}
    if len(stated) == len(BALANCE_PATTERNS):  # both sides stated in full: compared with each other
        out.append(NarrativeBalance(**stated))
    return out


def _headless(table: Table, lines: list[str]) -> list[str]:
    """Where a fragment's rows have no heading above them: table 2 and 3 rows are known by their
    labels anywhere; table 4 has none, so only what follows its column header (复议后起诉)."""
    if table is T4:
        after = [i for i, line in enumerate(lines) if key(T4.rows[-1].label) in key(line)]
        lines = lines[after[-1] + 1:] if after else []
    return [line for line in lines if _row_like(line)]


def _row_like(line: str) -> bool:
    """A line as a table row prints it: labels, then figures, nothing after them (a sentence
    with a figure in it, "全年受理行政许可 318 件。", is not a row)."""
    kinds = [t.is_value for t in tokens([line])]
    first = next((i for i, v in enumerate(kinds) if v), len(kinds))
    return all(kinds[first:])


def read_tables(text: str, parts: dict[str, list[str]], flatten: bool = True) -> tuple[dict[str, TableRead], str | None, set[str]]:
    """The three tables: row by row where the text keeps its rows, else (where `flatten`) from
    the flattened text; ("flattened" when any table came from it), and the tables found under
    their heading."""
    tables: dict[str, TableRead] = {}
    for table in (T2, T3, T4):
        if parts[table.id]:
            tables[table.id] = read_table(table, tokens(parts[table.id]), cut_off=table.id in parts["cut"])
        else:  # no heading: a fragment's rows, known by their labels only where they fit exactly
            read = read_table(table, tokens(_headless(table, parts["narrative"])), strict=False)
            if read.status != "missing":
                read.notes.insert(0, Note("no_heading", {"where": table.id}))
            tables[table.id] = read
    headed = {t for t in tables if parts[t]}
    if not flatten or all(read.status == "complete" for read in tables.values()):
        return tables, None, headed
    layout = None
    flat_headed = {t for t, (_, _, h) in regions(text).items() if h}
    for t, read in read_flat(text).items():
        if _better(read, tables[t]):
            tables[t], layout = read, "flattened"
            headed = headed - {t} | ({t} & flat_headed)
    return tables, layout, headed


def _better(one: TableRead, other: TableRead) -> bool:
    """Whether one reading of a table has more of it: cells read (figures, or seen empty) first,
    then cells found at all."""
    return (len(one.values) + len(one.blank), one.found) > (len(other.values) + len(other.blank), other.found)


def is_report(lines: list[str], headed: set[str], tables: dict[str, TableRead]) -> bool:
    """A document is taken for an annual report where it has the report's title (naming its
    year, or a line of its own: not a sentence that mentions such reports) or the template's
    cover, or one of its tables under its heading, its labels following."""
    head = [_PREFIX.sub("", line.strip()) for line in lines[:40] if line.strip()]
    title, _ = _title(head)
    if _cover_fields(lines) or (title is not None and (_YEAR.search(title) or len(_TITLE.split(title, 1)[1]) <= 6)):
        return True
    return any(t in headed and tables[t].status != "missing" for t in tables)


def _not_a_report(path: Path) -> SourceError:
    return SourceError(path, {"zh": "不是政府信息公开工作年度报告（没有报告的标题，也没有按格式排列的统计表）",
                              "en": "not a government information disclosure annual report (no report title, no tables in the format)"})


def import_report(path: str | Path) -> ImportedReport:
    path = Path(path)
    for module in ("opencc", "lxml"):  # the [import] extra
        require(module, path)
    kind, raw_lines = read_lines(path)
    lines = [normalize(line) for line in raw_lines if not is_furniture(line)]
    parts = sections(lines)
    text = "\n".join(lines)
    table_lines = [line for t in ("T2", "T3", "T4") for line in parts[t]]
    fmt = detect_format("\n".join(table_lines) if table_lines else inside(text))  # not the narrative's words
    meta = title_meta(lines)
    imported = ImportedReport(path, kind, fmt, Report.build(meta))
    if fmt in OLDER_FORMATS:
        if not is_report(lines, {t for t in ("T2", "T3", "T4") if parts[t]}, {}):
            raise _not_a_report(path)
        imported.notes.append(Note("older_format"))
        return imported
    # a PDF is read by its geometry or its rows are unread: never re-read as one flattened line
    imported.tables, flattened, headed = read_tables(text, parts, flatten=kind != "pdf")
    if not is_report(lines, headed, imported.tables):
        raise _not_a_report(path)
    imported.layout = flattened or ("pdf" if kind == "pdf" else "rows")
    values = {}
    for read in imported.tables.values():
        values |= read.values
        imported.notes += read.notes
    narrative = narrative_figures([outside(text)] if flattened else parts["narrative"])
    if all(read.status == "missing" for read in imported.tables.values()):
        imported.notes.append(Note("tables_missing"))  # a narrative-only text: what it does give
    imported.report = Report.build(meta, {c: v for c, v in values.items() if c in CELLS})
    imported.narrative = narrative
    return imported
