"""Consolidation: the reports of many bodies added cell by cell into one report for the area
(全市, 全省), with the account of who is in it and who was left out and why.

Only valid reports of the year asked for are added, each body once; a blank cell of a valid
report adds 0. Amounts are added exactly. The rules are linear, so a sum of valid reports is
valid, and the result can itself be consolidated again (district → city → province).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..core.model import Report
from ..core.reading import complete_totals
from ..core.result import Result
from ..core.safe_text import as_text
from ..core.standard import CELLS, INPUT_CODES, TOTAL_CODES, CellKind
from .history import body_keys, body_label
from .saved import latest

ACCOUNT_SHEET = "汇总范围"


@dataclass(frozen=True)
class Member:
    source: str
    name: str
    uscc: str
    year: int | None
    reason: str | dict[str, str] = ""  # why it was left out ({"zh": …, "en": …}, or one text); "" when included

    def why(self, lang: str = "zh") -> str:
        return self.reason if isinstance(self.reason, str) else self.reason[lang]


@dataclass
class Consolidation:
    report: Report
    included: list[Member] = field(default_factory=list)
    left_out: list[Member] = field(default_factory=list)


def _member(result: Result, reason: str = "") -> Member:
    meta = result.report.meta if result.report is not None else None
    return Member(result.source, body_label(meta) if meta else "", (meta and meta.uscc) or "", meta and meta.year, reason)


LEFT_OUT = {
    "unreadable": ("无法读取：{error}", "unreadable: {error}"),
    "errors": ("校验不通过（{n} 个错误），请改正后重新汇总", "invalid ({n} errors): fix it and consolidate again"),
    "incomplete": ("校验不通过（报告不完整），请改正后重新汇总", "incomplete: complete it and consolidate again"),
    "year": ("年度为 {got}，不是 {year}", "its year is {got}, not {year}"),
    "same_body": ("与 {other} 是同一机关的报告（重复）", "the same body as {other} (a duplicate)"),
    "later_saved": ("与 {winner} 是同一机关同一年度的报告（重复）：采用后者（{why}：后者{winner_saved}，本文件{saved}）",
                    "the same body and year as {winner} (a duplicate): that one is taken ({why}: {winner_saved}; this one {saved})"),
}


def _reason(key: str, **values) -> dict[str, str]:
    """A reason for leaving a report out, in zh and en (values given per language where they differ)."""
    zh, en = LEFT_OUT[key]
    pick = lambda lang: {k: (v[lang] if isinstance(v, dict) else v) for k, v in values.items()}  # noqa: E731
    return {"zh": zh.format(**pick("zh")), "en": en.format(**pick("en"))}


def _why_not(result: Result, year: int, seen: dict[str, str]) -> dict[str, str] | None:
    if result.error is not None:
        return _reason("unreadable", error=result.error)
    if not result.valid:
        return _reason("errors", n=result.errors) if result.errors else _reason("incomplete")
    if result.report.meta.year != year:
        return _reason("year", got=result.report.meta.year, year=year)
    for key in body_keys(result.report.meta):
        if key in seen:
            return _reason("same_body", other=seen[key])
    return None


def _chosen(results: list[Result], year: int) -> dict[str, dict[str, str]]:
    """For each source that loses to another report of its body for `year`: why (the later saved
    one is taken, as an office would take a corrected submission)."""
    groups: dict[str, list[str]] = {}
    for r in results:
        if r.error is None and r.valid and r.report.meta.year == year and (keys := body_keys(r.report.meta)):
            groups.setdefault(keys[0], []).append(r.source)
    losers = {}
    for sources in (g for g in groups.values() if len(g) > 1):
        winner, times, why = latest(sources)
        for s in sources:
            if s != winner:
                losers[s] = _reason("later_saved", winner=winner, why=why,
                                    winner_saved={lang: times[winner].shown(lang) for lang in ("zh", "en")},
                                    saved={lang: times[s].shown(lang) for lang in ("zh", "en")})
    return losers


def consolidate(results: Iterable[Result], name: str, year: int, region: str | None = None) -> Consolidation:
    totals: dict[str, int | Decimal] = {c: (Decimal(0) if CELLS[c].kind is CellKind.AMOUNT else 0) for c in INPUT_CODES}
    out = Consolidation(Report())
    results = list(results)  # duplicates are settled over the whole batch: the later saved is taken
    losers = _chosen(results, year)
    seen: dict[str, str] = {}
    for result in results:
        why = losers.get(result.source) or _why_not(result, year, seen)
        if why is not None:
            out.left_out.append(_member(result, why))
            continue
        for key in body_keys(result.report.meta):
            seen[key] = result.source
        for code in INPUT_CODES:
            value = result.report.value(code)
            if value is not None:
                totals[code] += value
        out.included.append(_member(result))
    values = complete_totals(dict(totals), TOTAL_CODES)
    out.report = Report.build({"name": name, "year": year, "region": region}, values)
    return out


def account_rows(c: Consolidation) -> list[list[object]]:
    rows: list[list[object]] = [
        [f"{c.report.meta.name} {c.report.meta.year} 年度汇总：计入 {len(c.included)} 份，未计入 {len(c.left_out)} 份"],
        [],
        ["计入的报告"],
        ["序号", "机关名称", "统一社会信用代码", "年度", "文件"],
    ]
    rows += [[i, m.name, m.uscc, m.year, m.source] for i, m in enumerate(c.included, start=1)]
    rows += [[], ["未计入的报告"], ["序号", "机关名称", "统一社会信用代码", "年度", "文件", "原因"]]
    rows += [[i, m.name, m.uscc, m.year if m.year is not None else "", m.source, m.why("zh")] for i, m in enumerate(c.left_out, start=1)]
    return rows


def write_consolidation(c: Consolidation, path: str | Path) -> Path:
    from openpyxl.styles import Font

    from ..excel.filler import fill_workbook

    def add_account(wb) -> None:
        ws = wb.create_sheet(ACCOUNT_SHEET)
        for r, row in enumerate(account_rows(c), start=1):
            for col, value in enumerate(row, start=1):
                if isinstance(value, str):
                    as_text(ws.cell(r, col), value)  # names and paths stay text, never a formula
                elif value is not None:
                    ws.cell(r, col, value)
        ws["A1"].font = Font(bold=True, size=13)
        for col, width in zip("ABCDEF", (6, 30, 22, 8, 50, 40)):
            ws.column_dimensions[col].width = width

    return fill_workbook(c.report, path, before_save=add_account)
