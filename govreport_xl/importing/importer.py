"""A published report (text, HTML, .docx) into the report model, with what could not be read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.checks import NarrativeFigure
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
from .extract import read_lines
from .notes import Note
from .tables import TableRead, read_table
from .tokens import is_furniture, key, normalize, tokens

__all__ = ["FORMAT_2019", "FORMAT_2021", "FORMAT_MIXED", "FORMAT_PRE_2019", "FORMAT_UNKNOWN", "ImportedReport", "import_report"]

# Header words that only one format has (compared as keys, within the table sections).
MARKERS = {
    FORMAT_2021: ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "危及三安全一稳定", "申请人逾期未按收费通知要求缴纳费用"),
    FORMAT_2019: ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "其他对外管理服务事项", "采购总金额"),
}
PRE_2019_MARKERS = ("同意公开答复", "否决公开答复", "依申请公开信息", "主动公开政府信息数")
_END_HEADING = re.compile(r"^五(?:.*问题|.*改进)")
_TITLE = re.compile(r"政府信息公开(?:工作)?年度报告")
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
    kind: str  # text | html | docx
    format: str
    report: Report
    tables: dict[str, TableRead] = field(default_factory=dict)
    narrative: list[NarrativeFigure] = field(default_factory=list)
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
            for c, (reason, raw) in read.unreadable.items():
                cells[c] = RawCell(raw, printed=True, reason=Reason(reason, raw))
        return TextSource(str(self.path), self.format, meta_values(self.report.meta), cells)


@dataclass
class TextSource:
    """An imported text as a cell source: a cell the text does not have is absent (not 0)."""

    name: str
    format: str
    meta: dict[str, object]
    cells: dict[str, RawCell]
    kind: str = "text"
    workbook: None = None

    def cell(self, c: str) -> RawCell | None:
        if c in self.meta:
            return RawCell(self.meta[c])
        return self.cells.get(c)


def _heading_index(lines: list[str], table: Table) -> int | None:
    want = key(table.heading)
    return next((i for i, line in enumerate(lines) if key(line).startswith(want)), None)


def sections(lines: list[str]) -> dict[str, list[str]]:
    """The lines of each table section, and the narrative around them."""
    starts = {t.id: _heading_index(lines, t) for t in (T2, T3, T4)}
    found = sorted((i, t) for t, i in starts.items() if i is not None)
    end = next((i for i, line in enumerate(lines) if found and i > found[-1][0] and _END_HEADING.match(key(line))), len(lines))
    out: dict[str, list[str]] = {t: [] for t in starts}
    for n, (i, t) in enumerate(found):
        stop = found[n + 1][0] if n + 1 < len(found) else end
        out[t] = lines[i + 1:stop]
    first = found[0][0] if found else len(lines)
    out["narrative"] = lines[:first] + lines[end:]
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


def title_meta(lines: list[str]) -> dict:
    """The body's name and the report year, from the title (or the first lines of the preamble)."""
    head = [line.strip() for line in lines[:40] if line.strip()]
    title = next((line for line in head if _TITLE.search(line)), head[0] if head else "")
    meta: dict = {}
    if m := _YEAR.search(title):
        meta["year"] = int(m.group(1))
    name = _TITLE.split(title)[0]
    name = re.sub(r"\s+", "", _YEAR.sub("", name)).strip("《》\"“”")
    if name:
        text = "".join(head)
        if not name.endswith(_BODY_ENDINGS) and f"{name}人民政府" in text:
            name += "人民政府"  # "石嘴山市 2022 年…报告" by 石嘴山市人民政府
        meta["name"] = name
    if "year" not in meta and (m := _YEAR.search(" ".join(head[:5]))):
        meta["year"] = int(m.group(1))
    return meta


def narrative_figures(lines: list[str]) -> list[NarrativeFigure]:
    text = " ".join(lines)
    out = []
    for subject, subject_en, pattern, accepted in NARRATIVE_PATTERNS:
        if m := re.search(pattern, text):
            codes = tuple(dict.fromkeys(c for option in accepted for c in option))
            out.append(NarrativeFigure(subject, subject_en, int(m.group(1)), codes, accepted))
    return out


def import_report(path: str | Path) -> ImportedReport:
    path = Path(path)
    kind, raw_lines = read_lines(path)
    lines = [normalize(line) for line in raw_lines if not is_furniture(line)]
    parts = sections(lines)
    table_lines = [line for t in ("T2", "T3", "T4") for line in parts[t]]
    fmt = detect_format("\n".join(table_lines) if table_lines else "\n".join(lines))
    meta = title_meta(lines)
    imported = ImportedReport(path, kind, fmt, Report.build(meta))
    if fmt in OLDER_FORMATS:
        imported.notes.append(Note("older_format"))
        return imported
    values = {}
    for table in (T2, T3, T4):
        read = read_table(table, tokens(parts[table.id]))
        imported.tables[table.id] = read
        values |= read.values
        imported.notes += read.notes
    if all(read.status == "missing" for read in imported.tables.values()):
        raise SourceError(path, {"zh": "没有找到政府信息公开年度报告的统计表", "en": "no tables of an annual report were found"})
    imported.report = Report.build(meta, {c: v for c, v in values.items() if c in CELLS})
    imported.narrative = narrative_figures(parts["narrative"])
    return imported
