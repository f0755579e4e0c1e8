"""Import plus validation of a published report: what `audit` prints and `import` exports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..validation import Outcome, validate_source
from .importer import FORMAT_NAMES, ImportedReport, import_report

KIND_NAMES = {"text": {"zh": "纯文本", "en": "plain text"}, "html": {"zh": "网页", "en": "web page"}, "docx": {"zh": "Word 文档", "en": "Word document"}}
STATUS_NAMES = {
    "complete": {"zh": "完整", "en": "complete"},
    "partial": {"zh": "不完整", "en": "partial"},
    "missing": {"zh": "未找到", "en": "missing"},
}
TABLE_NAMES = {"T2": {"zh": "表二", "en": "table 2"}, "T3": {"zh": "表三", "en": "table 3"}, "T4": {"zh": "表四", "en": "table 4"}}


@dataclass
class Audit:
    imported: ImportedReport
    outcome: Outcome

    def summary_lines(self, lang: str = "zh") -> list[str]:
        im = self.imported
        sep = "：" if lang == "zh" else ": "
        label = {"zh": ("来源", "格式", "表格", "说明"), "en": ("source", "format", "tables", "notes")}[lang]
        semi = "；" if lang == "zh" else "; "
        lines = [f"  {label[0]}{sep}{KIND_NAMES[im.kind][lang]}{semi}{label[1]}{sep}{FORMAT_NAMES[im.format][lang]}"]
        if im.tables:
            parts = [f"{TABLE_NAMES[t][lang]} {STATUS_NAMES[r.status][lang]}" for t, r in im.tables.items()]
            lines.append(f"  {label[2]}{sep}" + ("，" if lang == "zh" else ", ").join(parts))
        lines += [f"  {label[3]}{sep}{note.render(lang)}" for note in im.notes]
        return lines

    def record(self, lang: str = "zh") -> dict:
        out = self.outcome.record(lang, with_report=True)
        out["import"] = {
            "kind": self.imported.kind,
            "format": self.imported.format,
            "tables": {t: r.status for t, r in self.imported.tables.items()},
            "notes": [note.render(lang) for note in self.imported.notes],
        }
        return out


def audit_path(path: str | Path) -> Audit:
    imported = import_report(path)
    source = imported.source()
    if not imported.tables:
        # an older format is recognised, not forced into the 2021 tables: only F-01 can apply
        return Audit(imported, Outcome(source, list(source.structure)))
    return Audit(imported, validate_source(source, narrative=imported.narrative))
