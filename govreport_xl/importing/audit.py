"""Import plus validation of a published report: the Result `audit` prints and `import` exports,
with the import's own account (kind, format, tables, notes) in both languages."""

from __future__ import annotations

from pathlib import Path

from ..core.evaluate import evaluate
from ..core.reading import read
from ..core.result import Result
from ..core.standard import FORMAT_NAMES
from .importer import ImportedReport, import_report

KIND_NAMES = {"text": {"zh": "纯文本", "en": "plain text"}, "html": {"zh": "网页", "en": "web page"},
              "docx": {"zh": "Word 文档", "en": "Word document"}, "pdf": {"zh": "PDF 文件", "en": "PDF file"}}
STATUS_NAMES = {
    "complete": {"zh": "完整", "en": "complete"},
    "partial": {"zh": "不完整", "en": "partial"},
    "missing": {"zh": "未找到", "en": "missing"},
}
LAYOUT_NAMES = {"rows": {"zh": "逐行的表格", "en": "tables row by row"},
                "pdf": {"zh": "按版面重建的表格", "en": "tables rebuilt from the page layout"},
                "flattened": {"zh": "连成一行的文字（按表内合计拆分）", "en": "text run together (split by the sums)"}}
COUNT_NAMES = {"read": {"zh": "读取", "en": "read"}, "decoded": {"zh": "从连写数字拆出", "en": "split from digits run together"},
               "ambiguous": {"zh": "有歧义", "en": "ambiguous"}, "unread": {"zh": "无法识别", "en": "not read"},
               "blank": {"zh": "空白", "en": "blank"}, "not_given": {"zh": "未分项列出", "en": "not given separately"},
               "missing": {"zh": "缺失", "en": "missing"}}
TABLE_NAMES = {"T2": {"zh": "表二", "en": "table 2"}, "T3": {"zh": "表三", "en": "table 3"}, "T4": {"zh": "表四", "en": "table 4"}}
LANGS = ("zh", "en")


def summary_lines(im: ImportedReport, lang: str = "zh") -> list[str]:
    sep = "：" if lang == "zh" else ": "
    label = {"zh": ("来源", "格式", "表格", "说明", "版式"), "en": ("source", "format", "tables", "notes", "layout")}[lang]
    semi = "；" if lang == "zh" else "; "
    lines = [f"  {label[0]}{sep}{KIND_NAMES[im.kind][lang]}{semi}{label[1]}{sep}{FORMAT_NAMES[im.format][lang]}"
             + (f"{semi}{label[4]}{sep}{LAYOUT_NAMES[im.layout][lang]}" if any(r.status != "missing" for r in im.tables.values()) else "")]
    if im.tables:
        parts = [f"{TABLE_NAMES[t][lang]} {STATUS_NAMES[r.status][lang]}" for t, r in im.tables.items()]
        lines.append(f"  {label[2]}{sep}" + ("，" if lang == "zh" else ", ").join(parts))
        for t, r in im.tables.items():
            counts = [f"{COUNT_NAMES[k][lang]} {n}" for k, n in r.counts().items() if n or k == "read"]
            lines.append(f"    {TABLE_NAMES[t][lang]}{sep}" + ("，" if lang == "zh" else ", ").join(counts))
    lines += [f"  {label[3]}{sep}{note.render(lang)}" for note in im.notes]
    return lines


def _figure(v) -> int | str:
    return v if isinstance(v, int) else str(v)  # a Decimal as its exact digits


def import_record(im: ImportedReport, lang: str = "zh") -> dict:
    """The import's account as data: per table its status, how its cells were read and which
    were not (and why); the readings left where several fit; each note's kind and cells."""
    return {"import": {
        "kind": im.kind,
        "format": im.format,
        "layout": im.layout,
        "tables": {t: {"status": r.status, "cells": r.counts(),
                       "unread": {c: {"reason": reason, "printed": raw} for c, (reason, raw) in sorted(r.unread.items())}}
                   for t, r in im.tables.items()},
        "candidates": [{"codes": list(cells), "readings": [[_figure(v) for v in reading] for reading in readings]}
                       for r in im.tables.values() for cells, readings in r.candidates.items()],
        "notes": [note.record(lang) for note in im.notes],
    }}


def audit_imported(im: ImportedReport, **options) -> Result:
    result = evaluate(read(im.source()), narrative=im.narrative, **options)
    result.extra_record = {lang: import_record(im, lang) for lang in LANGS}
    result.extra_lines = {lang: summary_lines(im, lang) for lang in LANGS}
    return result


def audit_path(path: str | Path, **options) -> Result:
    """Import a published report and validate it; raises SourceError where nothing can be read."""
    return audit_imported(import_report(path), **options)
