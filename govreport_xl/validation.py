"""Reads any supported file and validates it: the one entry point every surface uses."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from .evaluate import evaluate
from .importing.extract import SUFFIXES as TEXT_SUFFIXES
from .findings import Finding
from .report_json import read_report_json
from .sources import ReadResult, SourceError
from .workbook_reader import read_workbook

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


def read_source(path: str | Path) -> ReadResult:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return read_report_json(path)
    if suffix in WORKBOOK_SUFFIXES or suffix in (".xls", ".et"):
        return read_workbook(path)
    if suffix in TEXT_SUFFIXES:
        raise SourceError(
            path,
            {"zh": "是已发布的报告文本，请用 govreport-xl audit 导入并校验",
             "en": "a published report text: use govreport-xl audit to import and check it"},
        )
    raise SourceError(
        path,
        {"zh": f"不支持的文件类型「{suffix or '无扩展名'}」，可用 .xlsx 或 .json",
         "en": f"unsupported file type '{suffix or 'none'}'; use .xlsx or .json"},
    )


@dataclass
class Outcome:
    source: ReadResult
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def valid(self) -> bool:
        return self.errors == 0

    def record(self, lang: str = "zh", with_report: bool = False) -> dict:
        out = {"file": str(self.source.path), "valid": self.valid, "errors": self.errors, "warnings": self.warnings}
        if with_report:
            out["report"] = self.source.report.to_json_dict()
        out["findings"] = [f.to_dict(lang) for f in self.findings]
        return out


def validate_source(source: ReadResult, previous: ReadResult | None = None, today: _dt.date | None = None, narrative=()) -> Outcome:
    findings = evaluate(
        source.report, source.problems, source.structure,
        previous=previous.report if previous else None, narrative=narrative, today=today,
    )
    return Outcome(source, [f.located(source.locate) if not f.cells else f for f in findings])


def validate_path(path: str | Path, previous: str | Path | None = None) -> Outcome:
    return validate_source(read_source(path), read_source(previous) if previous else None)
