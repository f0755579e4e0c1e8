"""The collecting office's summary of a batch: a workbook with a row per file and a row per rule,
and the same totals for the terminal. Rows are kept small as the results come and written at the
end, sorted as an office lists its bodies: by 行政区划代码, then level, then name (pinyin order);
the sheet prints landscape, one page wide, its header on every page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import atomic_path
from ..core.result import Result
from ..core.rules import RULES, Severity
from ..core.safe_text import as_text
from ..core.standard import Level
from ..formats.export import STATUS_ZH
from .history import previous_check

FILE_COLUMNS = (("机关名称", 24), ("结果", 8), ("错误", 6), ("警告", 6), ("上年核对", 12), ("主要问题", 50), ("年度", 6),
                ("行政区划代码", 12), ("机关层级", 14), ("统一社会信用代码", 20), ("文件", 30))
_CODES = {"行政区划代码", "统一社会信用代码"}  # kept as text: leading zeros, 18 digits
RULE_COLUMNS = (("规则", 10), ("级别", 8), ("说明", 60), ("不通过的报告数", 16), ("涉及的问题数", 14))
FIRST_PROBLEMS = 3


def first_problems(result: Result) -> str:
    if result.error is not None:
        return result.error["zh"]
    shown = [f"{f.rule} {f.message('zh')}" for f in result.findings[:FIRST_PROBLEMS]]
    more = len(result.findings) - len(shown)
    return "；".join(shown) + (f"；另有 {more} 项" if more > 0 else "")


@dataclass
class Tally:
    """Counts over a batch, kept small: the files that fail are named, the others only counted."""

    statuses: Counter = field(default_factory=Counter)
    files_failing_rule: Counter = field(default_factory=Counter)
    findings_of_rule: Counter = field(default_factory=Counter)
    failing: list[tuple[str, str]] = field(default_factory=list)  # (source, status) of invalid, incomplete, unreadable
    with_findings: int = 0
    previous: Counter = field(default_factory=Counter)  # how many were compared with last year, and why not

    def add(self, result: Result) -> None:
        self.statuses[result.status] += 1
        if check := previous_check(result):
            self.previous[check] += 1
        self.with_findings += bool(result.findings)
        for rule in {f.rule for f in result.findings}:
            self.files_failing_rule[rule] += 1
        self.findings_of_rule.update(f.rule for f in result.findings)
        if result.status != "valid":
            self.failing.append((result.source, result.status))

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


LEVEL_ORDER = {level: i for i, level in enumerate(Level)}


def office_order(result: Result) -> tuple:
    """How an office lists its bodies: region code, level (国务院部门 … 其他), name in pinyin order
    (GB 2312 orders its common characters by pinyin: 丙 丁 壬 乙), then the file."""
    meta = result.figures.meta if result.figures is not None else None
    region = (meta and meta.region) or "\uffff"  # those without a code last
    level = LEVEL_ORDER.get(meta.level, len(LEVEL_ORDER)) if meta and meta.level else len(LEVEL_ORDER)
    name = ((meta and meta.name) or "\uffff").encode("gb18030", "replace")
    return region, level, name, result.source


class SummaryWriter:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.tally = Tally()
        self.rows: list[tuple[tuple, list]] = []  # (order, values): a few short fields a file

    def add(self, result: Result) -> None:
        self.tally.add(result)
        meta = result.figures.meta if result.figures is not None else None
        self.rows.append((office_order(result), [
            (meta and meta.name) or "", STATUS_ZH[result.status], result.errors, result.warnings, previous_check(result),
            first_problems(result),
            meta.year if meta and meta.year else "", (meta and meta.region) or "", meta.level.value if meta and meta.level else "",
            (meta and meta.uscc) or "", result.source,
        ]))

    @staticmethod
    def _styled(ws, value, bold=True):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font, PatternFill

        cell = WriteOnlyCell(ws, value)
        if bold:
            cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        return cell

    @staticmethod
    def _cell(ws, value, column: str = ""):
        """Text from a report or a file name is text in the workbook, never a formula; codes keep
        their leading zeros; the problems wrap."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment

        if not isinstance(value, str) or value == "":
            return value
        cell = as_text(WriteOnlyCell(ws), value)
        if column in _CODES:
            cell.number_format = "@"
        if column == "主要问题":
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    def _sheets(self):
        from openpyxl import Workbook  # loaded when a summary is written, not for every run
        from openpyxl.utils import get_column_letter

        wb = Workbook(write_only=True)
        files, rules = wb.create_sheet("报告"), wb.create_sheet("规则")
        for ws, columns in ((files, FILE_COLUMNS), (rules, RULE_COLUMNS)):
            for i, (_, width) in enumerate(columns, start=1):
                ws.column_dimensions[get_column_letter(i)].width = width
            ws.freeze_panes = "A2"
            ws.print_title_rows = "1:1"  # the header on every printed page
            ws.page_setup.orientation = "landscape"
            ws.page_setup.paperSize = 9  # A4
            ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.append([self._styled(ws, name) for name, _ in columns])
        return wb, files, rules

    def save(self, notes: list[str] = ()) -> Path:
        from openpyxl.utils import get_column_letter

        t = self.tally
        wb, files, rules = self._sheets()
        for _, values in sorted(self.rows, key=lambda row: row[0]):
            files.append([self._cell(files, v, name) for v, (name, _) in zip(values, FILE_COLUMNS)])
        files.auto_filter.ref = f"A1:{get_column_letter(len(FILE_COLUMNS))}{t.total + 1}"
        counts = "，".join(f"{STATUS_ZH[s]} {t.statuses[s]} 份" for s in ("valid", "invalid", "incomplete", "unreadable"))
        files.append([self._styled(files, f"合计：{t.total} 份（{counts}）")])
        for note in notes:
            files.append([self._cell(files, note)])
        for rule in RULES.values():
            severity = "错误" if rule.severity is Severity.ERROR else "警告"
            rules.append([rule.id, severity, rule.summary["zh"], t.files_failing_rule[rule.id], t.findings_of_rule[rule.id]])
        rules.auto_filter.ref = f"A1:{get_column_letter(len(RULE_COLUMNS))}{len(RULES) + 1}"
        rules.append([self._styled(rules, "合计"), "", "有问题的报告", t.with_findings, sum(t.findings_of_rule.values())])
        with atomic_path(self.path) as tmp:
            wb.save(tmp)
        return self.path

    def discard(self) -> None:
        """A run stopped before the end: nothing was written yet (the previous summary stays)."""
        self.rows.clear()
