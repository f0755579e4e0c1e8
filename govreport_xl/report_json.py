"""Reads a report from JSON: a bare report or an exported record (with a "report" key).

Cell values are read as tolerantly as workbook cells: a bad value becomes a V-01/V-02 finding,
not a crash. Only malformed JSON, unknown cell codes or bad metadata types refuse the file.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from .cell_values import parse_amount, parse_count
from .findings import CellProblem
from .model import FORMAT_ID, Meta, Report
from .sources import ReadResult, SourceError
from .standard import CELLS, CellKind


def _refuse(path: Path, zh: str, en: str) -> SourceError:
    return SourceError(path, {"zh": zh, "en": en})


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"), parse_float=Decimal)
    except FileNotFoundError:
        raise _refuse(path, "文件不存在", "no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse(path, f"不是有效的 JSON：{exc}", f"not valid JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("report"), dict):
        data = data["report"]  # an exported record
    if not isinstance(data, dict) or not isinstance(data.get("cells", {}), dict):
        raise _refuse(path, "不是报告：应为含 meta 和 cells 的对象", "not a report: expected an object with meta and cells")
    return data


def report_from_dict(data: dict, path: Path) -> ReadResult:
    unknown = sorted(set(data) - {"format", "meta", "cells"}) + sorted(set(data.get("cells", {})) - set(CELLS))
    if unknown:
        raise _refuse(path, f"未知的字段或单元格代码：{', '.join(unknown)}", f"unknown keys or cell codes: {', '.join(unknown)}")
    if data.get("format", FORMAT_ID) != FORMAT_ID:
        raise _refuse(path, f"未知的格式「{data['format']}」", f"unknown format '{data['format']}'")
    try:
        meta = Meta.model_validate(data.get("meta") or {})
    except ValidationError as exc:
        detail = "; ".join(f"meta.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise _refuse(path, f"元数据有误：{detail}", f"bad metadata: {detail}") from None
    values, problems = {}, []
    for code, raw in (data.get("cells") or {}).items():
        if CELLS[code].kind is CellKind.AMOUNT:
            if isinstance(raw, str):  # amounts are exported as exact decimal strings
                try:
                    raw = Decimal(raw.strip())
                except ArithmeticError:
                    pass
            parsed = parse_amount(raw)
        else:
            parsed = parse_count(raw)
        values[code] = parsed.value
        if parsed.refused:
            problems.append(CellProblem(code, parsed.reason, parsed.numeric))
    return ReadResult(path, Report.build(meta, values), problems)


def read_report_json(path: str | Path) -> ReadResult:
    path = Path(path)
    return report_from_dict(_load(path), path)


def write_report_json(report: Report) -> str:
    return json.dumps(report.to_json_dict(), ensure_ascii=False, indent=2) + "\n"
