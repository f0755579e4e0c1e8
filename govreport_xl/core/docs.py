"""Documentation generated from the catalogue (the README's rule table)."""

from __future__ import annotations

from .rules import RULES

_HEAD = {
    "zh": ("编号", "级别", "规则", "表内公式"),
    "en": ("id", "severity", "rule", "in sheet"),
}
_SEVERITY = {"zh": {"error": "错误", "warning": "警告"}, "en": {"error": "error", "warning": "warning"}}
_YES = {"zh": "是", "en": "yes"}


def rules_markdown(lang: str = "zh") -> str:
    head = _HEAD[lang]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rule in RULES.values():
        in_sheet = (rule.in_sheet_only or _YES)[lang] if rule.in_sheet else ""
        cells = (rule.id, _SEVERITY[lang][rule.severity.value], rule.summary[lang], in_sheet)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
