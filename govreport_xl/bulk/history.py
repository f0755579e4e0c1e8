"""Last year's reports, matched to this year's body by body: by 统一社会信用代码 where both have
one, else by the body's name with spaces and punctuation set aside. Also finds two reports of
one body for one year in a batch."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.findings import Reason
from ..core.reading import Reading
from ..core.result import Result

if TYPE_CHECKING:  # a Meta here may also be the engine's MetaValues (core/figures.py): the same fields
    from ..core.model import Meta, Report

    Previous = Report | Reading  # a Reading also knows which of last year's cells could not be read


def name_key(name: str | None) -> str | None:
    """A body's name as compared: NFKC, no spaces or punctuation (石嘴山市 人民政府 = 石嘴山市人民政府)."""
    if not name:
        return None
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name)) or None


def body_keys(meta: Meta) -> list[str]:
    keys = []
    if meta.uscc:
        keys.append("uscc:" + meta.uscc.upper())
    if (n := name_key(meta.name)) is not None:
        keys.append("name:" + n)
    return keys


def body_label(meta: Meta) -> str:
    return meta.name or meta.uscc or "（未填机关名称）"


def _meta(entry: Previous) -> Meta:
    return entry.figures.meta if isinstance(entry, Reading) else entry.meta


@dataclass
class History:
    """Previous reports by body. `lookup` gives this year's body its last year's report (as it
    was given: a Reading or a Report), or why not."""

    reports: dict[str, list[Previous]] = field(default_factory=lambda: defaultdict(list))

    def add(self, entry: Previous) -> None:
        for key in body_keys(_meta(entry)):
            self.reports[key].append(entry)

    def __len__(self) -> int:
        return len({id(r) for rs in self.reports.values() for r in rs})

    def lookup(self, meta: Meta) -> tuple[Previous | None, Reason | None]:
        keys = body_keys(meta)
        if not keys:
            return None, Reason("previous_unnamed")
        uscc_keys = [k for k in keys if k.startswith("uscc:")]
        # a code is the body's identity where both reports give one; the name only stands in for it
        candidates = next((self.reports[k] for k in uscc_keys if self.reports.get(k)), None)
        if candidates is None:
            candidates = [r for k in keys if k.startswith("name:") for r in self.reports.get(k, [])
                          if not (_meta(r).uscc and meta.uscc and _meta(r).uscc.upper() != meta.uscc.upper())]
        if not candidates:
            return None, Reason("previous_not_found", body_label(meta))
        if meta.year is not None:
            for r in candidates:
                if _meta(r).year == meta.year - 1:
                    return r, None
        years = "、".join(sorted({str(_meta(r).year) for r in candidates}))
        return None, Reason("previous_wrong_year", f"{years} 年度（本报告 {meta.year} 年度）")


def duplicates(entries: list[tuple[str, Meta]]) -> list[list[str]]:
    """Groups of sources (two or more) that are reports of one body for one year."""
    groups: dict[tuple[str, int | None], list[str]] = defaultdict(list)
    for source, meta in entries:
        keys = body_keys(meta)
        if keys:
            groups[(keys[0], meta.year)].append(source)
    return [sources for sources in groups.values() if len(sources) > 1]


PREVIOUS_CHECK = {
    "checked": {"zh": "已核对", "en": "compared"},
    "partly": {"zh": "已核对（上年部分单元格不可读）", "en": "compared (some of last year's cells unread)"},
    "previous_not_found": {"zh": "未找到上年报告", "en": "last year's report not found"},
    "previous_wrong_year": {"zh": "上年报告年度不符", "en": "last year's report is of another year"},
    "previous_unnamed": {"zh": "无法对应（无机关名称和代码）", "en": "cannot be matched (no name or code)"},
}


def previous_check(result: Result, lang: str = "zh") -> str:
    """Whether this report was compared with last year's (X-01/X-02), in a word or two; "" where
    last year's reports were not asked for or the report could not be read."""
    if result.figures is None:
        return ""
    why = result.skipped.get("X-01") or result.skipped.get("X-02")
    if why is not None:
        return PREVIOUS_CHECK[why.key][lang] if why.key in PREVIOUS_CHECK else ""
    partly = any(u.rule in ("X-01", "X-02") and u.reason.key in ("previous_unread", "previous_blank") for u in result.unchecked)
    return PREVIOUS_CHECK["partly" if partly else "checked"][lang]
