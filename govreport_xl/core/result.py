"""The result record: one uniform shape for every input, read or not (like frictionless' report).

`valid` is true only when the source was read, no error was found and every check in scope could
be made: a published text with a table missing is not a passing report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .findings import Finding, Reason
from .figures import ReportField

if TYPE_CHECKING:
    from .model import Report


@dataclass(frozen=True)
class Unchecked:
    """One check that could not be made, and why (never passed, never failed as if 0)."""

    rule: str
    codes: tuple[str, ...]
    reason: Reason
    cells: tuple[str, ...] = ()

    @property
    def for_want_of_cells(self) -> bool:
        return self.reason.key in ("cells_missing", "cells_unread", "cells_not_given")

    @property
    def waits_for_a_fix(self) -> bool:
        """Rests on a cell filled in wrong, whose own finding says what to fix."""
        return self.reason.key == "depends_on_invalid"

    def to_dict(self, lang: str = "zh") -> dict:
        return {"rule": self.rule, "codes": list(self.codes), "cells": list(self.cells), "reason": self.reason.render(lang)}


@dataclass
class Result:
    """`report` takes a pydantic Report or the engine's Figures and gives the pydantic Report
    (built on first access); the engine, the CLI and the exports read `figures`."""

    source: str  # the file path or book name
    kind: str | None = None  # workbook | book | json | text | report
    report: Report | None = ReportField()
    findings: list[Finding] = field(default_factory=list)
    unchecked: list[Unchecked] = field(default_factory=list)
    checked: tuple[str, ...] = ()  # rule ids in scope
    skipped: dict[str, Reason] = field(default_factory=dict)  # rule id -> why not in scope
    error: dict[str, str] | None = None  # {"zh", "en"}: why the source could not be read
    # what was typed in each refused cell (code or META_*), as typed: a number, else its text,
    # so that an export or a fill keeps it where the model can only say None
    refused: dict[str, Any] = field(default_factory=dict)
    # the cells the source could not read (ambiguous, unread) or lacks ("not_found"), and why: an
    # export keeps them, so that reading it again takes them as unread, never as blank or 0
    unread: dict[str, Reason] = field(default_factory=dict)
    # what a reader adds, rendered per language (an import's account of how it read a text)
    extra_record: dict[str, dict[str, Any]] = field(default_factory=dict)  # lang -> keys of the record
    extra_lines: dict[str, list[str]] = field(default_factory=dict)  # lang -> lines of the text report

    @classmethod
    def unreadable(cls, source: str, reason: dict[str, str], kind: str | None = None) -> "Result":
        return cls(str(source), kind, error=reason)

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def complete(self) -> bool:
        return not any(u.for_want_of_cells for u in self.unchecked)

    @property
    def valid(self) -> bool:
        return self.error is None and self.errors == 0 and self.complete

    @property
    def status(self) -> str:
        if self.error is not None:
            return "unreadable"
        if self.errors:
            return "invalid"
        return "valid" if self.complete else "incomplete"

    def error_message(self, lang: str = "zh") -> str:
        sep = "：" if lang == "zh" else ": "
        return f"{self.source}{sep}{self.error[lang]}" if self.error else ""

    def record(self, lang: str = "zh", with_report: bool = False) -> dict:
        out: dict[str, Any] = {
            "file": self.source, "status": self.status, "valid": self.valid,
            "errors": self.errors, "warnings": self.warnings,
        }
        if self.error is not None:
            out["error"] = self.error[lang]
        if with_report:
            out["report"] = self.figures.to_json_dict() if self.figures is not None else None
            out["refused"] = dict(self.refused)
            out["unread"] = {c: {"reason": why.key, "printed": why.raw} for c, why in self.unread.items()}
        out["findings"] = [f.to_dict(lang) for f in self.findings]
        out["not_checkable"] = [u.to_dict(lang) for u in self.unchecked]
        out["rules"] = {"checked": list(self.checked), "skipped": {r: why.render(lang) for r, why in self.skipped.items()}}
        out.update(self.extra_record.get(lang, {}))
        return out
