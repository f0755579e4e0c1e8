"""Results as the terminal shows them, in Chinese or English. Rendering only: nothing is computed
here that the Result does not already say."""

from __future__ import annotations

from collections import defaultdict

from ..core.findings import Finding, Reason, plain
from ..core.result import Result
from ..core.rules import RULES, Severity
from ..core.safe_text import shown
from ..excel.layout import compact_cells

COLLAPSE_AT = 6  # more V-03 findings than this are shown as one line
SHOWN_CELLS = 12
PASS_MARK, FAIL_MARK = "√", "×"  # both in GBK: a Chinese Windows console or redirected file can show them

UI = {
    "zh": {
        "valid": "通过", "invalid": "不通过", "incomplete": "不完整", "error": "错误", "warning": "警告",
        "counts": "{e} 个错误，{w} 个警告", "unchecked_count": "，{n} 项无法校验",
        "cells": "单元格", "expected": "应为 {x}，实际 {a}",
        "blank": "（空白）", "unnamed": "（未填机关名称）", "year": "{y} 年度",
        "blanks": "共 {n} 个单元格未填写，按 0 计算：{cells}{more}", "more": " 等",
        "unchecked": "无法校验", "unchecked_line": "{n} 项（{rules}）：{reason}", "waiting": "改正后再查",
        "total": "共 {n} 份报告：{ok} 份通过，{bad} 份不通过，{inc} 份不完整，{err} 个文件无法读取",
        "wrote": "已写入 {path}", "written_n": "已导出 {n} 份报告到 {path}", "wrote_n": "已写入 {n} 份报告到 {path}", "colon": "：", "paren": "（{}）", "codes": "单元格代码",
        "sep": "、", "previous": "未与上年核对",
    },
    "en": {
        "valid": "valid", "invalid": "invalid", "incomplete": "incomplete", "error": "error", "warning": "warning",
        "counts": "{e} errors, {w} warnings", "unchecked_count": ", {n} not checkable",
        "cells": "cells", "expected": "expected {x}, actual {a}",
        "blank": "(blank)", "unnamed": "(no body name)", "year": "year {y}",
        "blanks": "{n} cells are blank and counted as 0: {cells}{more}", "more": " …",
        "unchecked": "not checkable", "unchecked_line": "{n} checks ({rules}): {reason}", "waiting": "after the fix",
        "total": "{n} reports: {ok} valid, {bad} invalid, {inc} incomplete, {err} files unreadable",
        "wrote": "wrote {path}", "written_n": "exported {n} reports to {path}", "wrote_n": "wrote {n} reports to {path}", "colon": ": ", "paren": " ({})", "codes": "cell codes",
        "sep": ", ", "previous": "not compared with last year",
    },
}


def show(value, lang: str) -> str:
    return UI[lang]["blank"] if value is None else str(plain(value))


def finding_lines(f: Finding, lang: str) -> list[str]:
    t = UI[lang]
    sev = t["error"] if f.severity is Severity.ERROR else t["warning"]
    lines = [f"  [{sev}] {f.rule} {f.message(lang)}"]
    if f.cells:
        lines.append(f"         {t['cells']}{t['colon']}{compact_cells(f.cells)}")
    elif f.codes:
        lines.append(f"         {t['codes']}{t['colon']}{' '.join(f.codes)}")
    if f.expected is not None:
        x, a = show(f.expected, lang), show(f.actual, lang)
        lines.append("         " + (RULES[f.rule].sides_text(x, a, lang) or t["expected"].format(x=x, a=a)))
    return lines


def _where(result: Result) -> dict[str, str]:
    """code -> the cell it was read from, as the findings name them."""
    return {c: a for f in result.findings if len(f.codes) == len(f.cells) for c, a in zip(f.codes, f.cells)}


def unchecked_lines(result: Result, lang: str) -> list[str]:
    t = UI[lang]
    by_reason: dict[str, list] = defaultdict(list)
    for u in result.unchecked:
        by_reason[u.reason.key].append(u)
    where = _where(result)
    lines = []
    for group in by_reason.values():
        rules = t["sep"].join(dict.fromkeys(u.rule for u in group))
        if group[0].for_want_of_cells or group[0].waits_for_a_fix:  # the cells named, once each
            named = list(dict.fromkeys(where.get(c, c) for u in group for c in u.reason.raw.split()))
            more = t["more"] if len(named) > SHOWN_CELLS else ""
            reason = Reason(group[0].reason.key, " ".join(named[:SHOWN_CELLS]) + more).render(lang)
        else:
            reason = group[0].reason.render(lang)
        label = t["waiting"] if group[0].waits_for_a_fix else t["unchecked"]
        lines.append(f"  [{label}] " + t["unchecked_line"].format(n=len(group), rules=rules, reason=reason))
    return lines


def headline(result: Result, lang: str) -> str:
    t = UI[lang]
    if result.error is not None:
        return f"{FAIL_MARK} {shown(result.source)}{t['colon']}{result.error[lang]}"
    meta = result.figures.meta
    who = shown(meta.name) if meta.name else t["unnamed"]
    year = t["year"].format(y=meta.year) if meta.year else ""
    counts = t["counts"].format(e=result.errors, w=result.warnings)
    if unchecked := sum(not u.waits_for_a_fix for u in result.unchecked):  # waiting ones are told with their cause
        counts += t["unchecked_count"].format(n=unchecked)
    mark = PASS_MARK if result.valid else FAIL_MARK
    return f"{mark} {shown(result.source)}{t['colon']}{who} {year} — {t[result.status]}{t['paren'].format(counts)}"


def render_result(result: Result, lang: str = "zh") -> str:
    t = UI[lang]
    lines = [headline(result, lang)]
    if result.error is not None:
        return lines[0]
    lines += result.extra_lines.get(lang, [])
    blanks = [f for f in result.findings if f.rule == "V-03"]
    collapse = len(blanks) > COLLAPSE_AT
    for f in result.findings:
        if not (collapse and f.rule == "V-03"):
            lines += finding_lines(f, lang)
    if collapse:
        cells = [c for f in blanks for c in (f.cells or f.codes)]
        shown = compact_cells(cells[:SHOWN_CELLS]) if blanks[0].cells else " ".join(cells[:SHOWN_CELLS])
        more = t["more"] if len(cells) > SHOWN_CELLS else ""
        lines.append(f"  [{t['warning']}] V-03 " + t["blanks"].format(n=len(blanks), cells=shown, more=more))
    lines += unchecked_lines(result, lang)
    if (why := result.skipped.get("X-01")) is not None and why.key.startswith("previous_"):  # asked for, not compared
        lines.append(f"  [{UI[lang]['previous']}] {why.render(lang)}")
    return "\n".join(lines)

