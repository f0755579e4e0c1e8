"""The collecting office's summary of a batch: a workbook with a row per file and a row per rule,
written as the results come (memory stays flat), and the same totals for the terminal."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ..atomic import atomic_path
from ..core.result import Result
from ..core.rules import RULES, Severity
from ..core.safe_text import as_text
from ..formats.export import STATUS_ZH, abandon

FILE_COLUMNS = (("机关名称", 28), ("统一社会信用代码", 22), ("行政区划代码", 12), ("机关层级", 16), ("年度", 8),
                ("结果", 10), ("错误", 8), ("警告", 8), ("主要问题", 70), ("文件", 50))
RULE_COLUMNS = (("规则", 10), ("级别", 8), ("说明", 60), ("不通过的报告数", 16), ("涉及的问题数", 14))
FIRST_PROBLEMS = 3
_BOLD, _HEADER = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")


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

    def add(self, result: Result) -> None:
        self.statuses[result.status] += 1
        self.with_findings += bool(result.findings)
        for rule in {f.rule for f in result.findings}:
            self.files_failing_rule[rule] += 1
        self.findings_of_rule.update(f.rule for f in result.findings)
        if result.status != "valid":
            self.failing.append((result.source, result.status))

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


class SummaryWriter:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.tally = Tally()
        self.wb = Workbook(write_only=True)
        self.files = self.wb.create_sheet("报告")
        self.rules = self.wb.create_sheet("规则")
        for ws, columns in ((self.files, FILE_COLUMNS), (self.rules, RULE_COLUMNS)):
            for i, (_, width) in enumerate(columns, start=1):
                ws.column_dimensions[get_column_letter(i)].width = width
            ws.freeze_panes = "A2"
            ws.append([self._styled(ws, name) for name, _ in columns])

    @staticmethod
    def _styled(ws, value, bold=True):
        cell = WriteOnlyCell(ws, value)
        if bold:
            cell.font, cell.fill = _BOLD, _HEADER
        return cell

    def _text(self, value: str, code: bool = False):
        """Text from a report or a file name: text in the workbook, never a formula."""
        cell = as_text(WriteOnlyCell(self.files), value)
        if code:
            cell.number_format = "@"
        return cell

    def add(self, result: Result) -> None:
        self.tally.add(result)
        meta = result.report.meta if result.report is not None else None
        self.files.append([
            self._text((meta and meta.name) or ""), self._text((meta and meta.uscc) or "", True),
            self._text((meta and meta.region) or "", True), meta.level.value if meta and meta.level else "",
            meta.year if meta and meta.year else "", STATUS_ZH[result.status], result.errors, result.warnings,
            self._text(first_problems(result)), self._text(result.source),
        ])

    def save(self, notes: list[str] = ()) -> Path:
        t = self.tally
        self.files.auto_filter.ref = f"A1:{get_column_letter(len(FILE_COLUMNS))}{t.total + 1}"
        counts = "，".join(f"{STATUS_ZH[s]} {t.statuses[s]} 份" for s in ("valid", "invalid", "incomplete", "unreadable"))
        self.files.append([self._styled(self.files, f"合计：{t.total} 份（{counts}）")])
        for note in notes:
            self.files.append([self._text(note)])
        for rule in RULES.values():
            severity = "错误" if rule.severity is Severity.ERROR else "警告"
            self.rules.append([rule.id, severity, rule.summary["zh"], t.files_failing_rule[rule.id], t.findings_of_rule[rule.id]])
        self.rules.auto_filter.ref = f"A1:{get_column_letter(len(RULE_COLUMNS))}{len(RULES) + 1}"
        self.rules.append([self._styled(self.rules, "合计"), "", "有问题的报告", t.with_findings, sum(t.findings_of_rule.values())])
        with atomic_path(self.path) as tmp:
            self.wb.save(tmp)
        return self.path

    def discard(self) -> None:
        """A run stopped before the end: nothing is written (the previous summary stays)."""
        abandon(self.wb)
