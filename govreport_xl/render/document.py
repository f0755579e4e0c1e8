"""The published report as a sequence of parts, shared by the Word and web renderers: the title,
the clerk's narrative (sections 一、五、六, from a Markdown file), the three tables under their
headings, and, where the figures did not pass, a warning that they must not be published."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.model import Report
from ..core.result import Result
from ..core.safe_text import shown
from .grid import Grid, grids

SECTIONS = {"一": "一、总体情况", "五": "五、存在的主要问题及改进情况", "六": "六、其他需要报告的事项"}
BEFORE_TABLES, AFTER_TABLES = ("一",), ("五", "六")
NOT_VALIDATED = "本文件中的数字未通过校验，不能发布：{problems}"
_HEADING = re.compile(r"^#*\s*([一二三四五六])、\s*(.*)$")


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Document:
    title: str
    before: list[Section]
    tables: list[Grid]
    after: list[Section]
    warning: str | None = None  # set where the figures did not pass (render --force)


def narrative(path: str | Path | None) -> dict[str, Section]:
    """The sections 一、五、六 of a Markdown file: "# 一、总体情况" (or "一、总体情况") and its paragraphs.
    Sections 二–四 are the tables and come from the data, never from the text."""
    if path is None:
        return {}
    out: dict[str, Section] = {}
    current: Section | None = None
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        m = _HEADING.match(line.strip())
        if m:
            number = m.group(1)
            current = out.setdefault(number, Section(f"{number}、{shown(m.group(2).strip()) or SECTIONS.get(number, '')}"))
            if number not in SECTIONS:
                current = None  # 二、三、四 are the tables: their text is not taken
            continue
        text = shown(line.strip().lstrip("#").strip())  # a control character would break the .docx
        if text and current is not None:
            current.paragraphs.append(text)
    return {k: v for k, v in out.items() if k in SECTIONS}


def title(report: Report) -> str:
    meta = report.meta
    return f"{shown(meta.name or '')}{meta.year or ''}年度政府信息公开工作年度报告"


def document(result: Result, narrative_path: str | Path | None = None) -> Document:
    sections = narrative(narrative_path)
    warning = None
    if not result.valid:
        problems = shown("；".join(f"{f.rule} {f.message('zh')}" for f in result.findings if f.is_error)[:300])
        warning = NOT_VALIDATED.format(problems=problems or result.status)
    return Document(
        title(result.report),
        [sections[n] for n in BEFORE_TABLES if n in sections],
        grids(result.report),
        [sections[n] for n in AFTER_TABLES if n in sections],
        warning,
    )
