"""Exports validated reports: .json (one record, or a list), .jsonl (a record a line) or .csv
(long format, a row per cell). Every record carries its validation status."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from .findings import plain
from .safe_write import atomic_text
from .standard import CELLS, cell_label
from .validation import Outcome

FORMATS = (".json", ".jsonl", ".csv")
CSV_COLUMNS = ("file", "name", "uscc", "region", "level", "year", "code", "label", "value", "valid", "errors", "warnings")


def records_jsonl(records: Sequence[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def records_json(records: Sequence[dict]) -> str:
    """One record as an object; several as a list."""
    return json.dumps(records[0] if len(records) == 1 else list(records), ensure_ascii=False, indent=2) + "\n"


def to_json(outcomes: Sequence[Outcome], lang: str = "zh") -> str:
    return records_json([o.record(lang, with_report=True) for o in outcomes])


def write_records(records: Sequence[dict], path: str | Path) -> Path:
    """.json or .jsonl of ready records (exports, imports)."""
    write = records_jsonl if Path(path).suffix.lower() == ".jsonl" else records_json
    return atomic_text(path, write(records))


def csv_rows(outcome: Outcome):
    meta = outcome.source.report.meta
    for code in CELLS:
        value = plain(outcome.source.report.value(code))
        yield {
            "file": str(outcome.source.path), "name": meta.name or "", "uscc": meta.uscc or "",
            "region": meta.region or "", "level": meta.level.value if meta.level else "",
            "year": meta.year if meta.year is not None else "", "code": code, "label": cell_label(code),
            "value": "" if value is None else value, "valid": str(outcome.valid).lower(),
            "errors": outcome.errors, "warnings": outcome.warnings,
        }


def to_csv(outcomes: Sequence[Outcome]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for o in outcomes:
        writer.writerows(csv_rows(o))
    return "\ufeff" + buf.getvalue()  # BOM: Excel and WPS then open the Chinese text correctly


def write_export(outcomes: Sequence[Outcome], path: str | Path, lang: str = "zh") -> Path:
    if Path(path).suffix.lower() == ".csv":
        return atomic_text(path, to_csv(outcomes))
    return write_records([o.record(lang, with_report=True) for o in outcomes], path)
