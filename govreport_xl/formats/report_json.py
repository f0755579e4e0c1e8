"""Report JSON as a cell source, and the JSON a report is written as.

Accepted: a bare report ({"format", "meta", "cells"}), an exported or imported record (with a
"report" key), a list of either, or JSON Lines of either. Values are handed to the engine as they
are, so a bad value becomes a V-01/V-02 or M-01 finding, never a refused file; only what is not a
report at all (malformed JSON, unknown keys or cell codes, another format) refuses the file.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..core.model import FORMAT_ID, Report
from ..core.source import MappingSource, refuse
from ..core.standard import CELLS, META_FIELDS, CellKind

META_KEYS = {f.key: f.name for f in META_FIELDS}


def _parse(path: Path) -> list:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise refuse(path, "文件不存在", "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise refuse(path, f"无法读取：{exc}", f"cannot be read: {exc}") from None
    try:
        if path.suffix.lower() == ".jsonl":
            return [json.loads(line, parse_float=Decimal) for line in text.splitlines() if line.strip()]
        data = json.loads(text, parse_float=Decimal)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise refuse(path, f"不是有效的 JSON：{exc}", f"not valid JSON: {exc}") from None
    return data if isinstance(data, list) else [data]


def _report_of(item, name: str) -> dict:
    if isinstance(item, dict) and "report" in item:
        if item["report"] is None:  # the record of a file that could not be read
            raise refuse(name, f"是无法读取的文件的记录：{item.get('error', '')}", f"the record of an unreadable file: {item.get('error', '')}")
        item = item["report"]
    if not isinstance(item, dict) or not isinstance(item.get("cells", {}), dict) or not isinstance(item.get("meta", {}) or {}, dict):
        raise refuse(name, "不是报告：应为含 meta 和 cells 的对象", "not a report: expected an object with meta and cells")
    return item


def source_from_dict(data: dict, name: str) -> MappingSource:
    cells, meta = data.get("cells") or {}, data.get("meta") or {}
    unknown = sorted(set(data) - {"format", "meta", "cells"}) + sorted(f"meta.{k}" for k in set(meta) - set(META_KEYS))
    unknown += sorted(set(cells) - set(CELLS))
    if unknown:
        raise refuse(name, f"未知的字段或单元格代码：{', '.join(unknown)}", f"unknown keys or cell codes: {', '.join(unknown)}")
    if data.get("format", FORMAT_ID) != FORMAT_ID:
        raise refuse(name, f"未知的格式「{data['format']}」", f"unknown format '{data['format']}'")
    values = {META_KEYS[k]: v for k, v in meta.items()}
    for code, raw in cells.items():
        if CELLS[code].kind is CellKind.AMOUNT and isinstance(raw, str):
            try:  # amounts travel as exact decimal strings
                raw = Decimal(raw.strip())
            except InvalidOperation:
                pass
        values[code] = raw
    return MappingSource(name, values)


def report_sources(path: str | Path) -> list[MappingSource]:
    """Every report in a JSON or JSON Lines file, named `path` (or `path#N` for the Nth of several)."""
    path = Path(path)
    items = _parse(path)
    if not items:
        raise refuse(path, "文件中没有报告", "the file holds no report")
    names = [str(path)] if len(items) == 1 else [f"{path}#{i}" for i in range(1, len(items) + 1)]
    return [source_from_dict(_report_of(item, name), name) for item, name in zip(items, names)]


def read_report_json(path: str | Path) -> MappingSource:
    """The one report of a JSON file."""
    sources = report_sources(path)
    if len(sources) > 1:
        raise refuse(path, f"含 {len(sources)} 份报告，这里只能用一份", f"holds {len(sources)} reports where one is expected")
    return sources[0]


def write_report_json(report: Report) -> str:
    return json.dumps(report.to_json_dict(), ensure_ascii=False, indent=2) + "\n"

