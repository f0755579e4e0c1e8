"""What every reader (workbook, JSON, text) returns, and the one error for a file it cannot read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .findings import CellProblem, Finding
from .layout import address, positions
from .model import Report


class SourceError(Exception):
    """A file that cannot be read at all (exit status 2); `reason` holds zh and en text."""

    def __init__(self, path: Path, reason: dict[str, str]):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason['en']}")

    def message(self, lang: str = "zh") -> str:
        return f"{self.path}：{self.reason['zh']}" if lang == "zh" else f"{self.path}: {self.reason['en']}"


@dataclass
class ReadResult:
    path: Path
    report: Report
    problems: list[CellProblem] = field(default_factory=list)
    structure: list[Finding] = field(default_factory=list)
    locations: dict[str, str] | None = None  # code -> "sheet!A1" where read; None: template positions

    def locate(self, code: str) -> str | None:
        if self.locations is None:
            return address(code) if code in positions() else None
        return self.locations.get(code)
