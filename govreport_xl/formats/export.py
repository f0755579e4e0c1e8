"""Exports validated reports: .json (a list of records), .jsonl (a record a line) or .csv (long
format, a row per cell). Every record carries its validation status; an unreadable input is a
record too, with its reason."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path

from ..atomic import atomic_text
from ..core.findings import plain
from ..core.result import Result
from ..core.standard import CELLS, cell_label

FORMATS = (".json", ".jsonl", ".csv")
CSV_COLUMNS = ("file", "name", "uscc", "region", "level", "year", "code", "label", "value", "status", "valid", "errors", "warnings")


def records_jsonl(records: Iterable[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def records_json(records: Iterable[dict]) -> str:
    """Always a list, one record or many: one data shape for every export and import."""
    return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"


def write_records(records: Iterable[dict], path: str | Path) -> Path:
    """.json or .jsonl of ready records (exports, imports)."""
    write = records_jsonl if Path(path).suffix.lower() == ".jsonl" else records_json
    return atomic_text(path, write(records))


def csv_rows(result: Result):
    report = result.report
    meta = report.meta if report is not None else None
    base = {
        "file": result.source, "name": (meta and meta.name) or "", "uscc": (meta and meta.uscc) or "",
        "region": (meta and meta.region) or "", "level": meta.level.value if meta and meta.level else "",
        "year": meta.year if meta and meta.year is not None else "", "status": result.status,
        "valid": str(result.valid).lower(), "errors": result.errors, "warnings": result.warnings,
    }
    if report is None:  # an unreadable file still has its row, with the reason
        yield {**base, "code": "", "label": result.error_message(), "value": ""}
        return
    for code in CELLS:
        value = plain(report.value(code))
        yield {**base, "code": code, "label": cell_label(code), "value": "" if value is None else value}


def to_csv(results: Iterable[Result]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in results:
        writer.writerows(csv_rows(r))
    return "\ufeff" + buf.getvalue()  # BOM: Excel and WPS then open the Chinese text correctly


def write_export(results: Iterable[Result], path: str | Path, lang: str = "zh") -> Path:
    if Path(path).suffix.lower() == ".csv":
        return atomic_text(path, to_csv(results))
    return write_records((r.record(lang, with_report=True) for r in results), path)
