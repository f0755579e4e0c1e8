"""Report JSON as a cell source.

Accepted: a bare report ({"format", "meta", "cells"}), an exported or imported record (with a
"report" key; the cells it lists as "unread" are read as unread again), a list of either, or
JSON Lines of either. Values are handed to the engine as they
are, so a bad value becomes a V-01/V-02 or M-01 finding, never a refused file; only what is not a
report at all (malformed JSON, unknown keys or cell codes, another format) refuses the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..core.findings import REASONS, Reason
from ..core.model import FORMAT_ID
from ..core.source import MappingSource, SourceError, refuse
from ..core.standard import CELLS, META_FIELDS, CellKind

META_KEYS = {f.key: f.name for f in META_FIELDS}

# A number is bounded where it is parsed: a figure of these tables has at most 15 digits, so a
# literal of more than 40 digits, or an exponent beyond ±40, is not one. Unbounded, such a
# literal costs without end later: `int(Decimal("1e1000000"))`, or printing 1e-999999999 in full.
MAX_DIGITS = 40
MAX_EXPONENT = 40
SHOWN = 24  # characters of such a literal shown in a message


@dataclass(frozen=True)
class OutOfRange:
    """A number literal past the bounds, kept as (the start of) its text; `large` where its
    magnitude alone (10^15 or more) rules it out."""

    literal: str
    large: bool = False

    @property
    def reason(self) -> Reason:
        return Reason("too_large" if self.large else "out_of_range", self.shown)

    @property
    def shown(self) -> str:
        return self.literal if len(self.literal) <= SHOWN else f"{self.literal[:SHOWN]}…（{len(self.literal)} 个字符）"

    def __str__(self) -> str:
        return self.shown


def _bounded_int(literal: str) -> int | OutOfRange:
    return OutOfRange(literal, large=True) if len(literal.lstrip("-")) > MAX_DIGITS else int(literal)


def bounded_decimal(literal: str) -> Decimal | OutOfRange:
    """A decimal literal as a Decimal where it is within the bounds."""
    try:
        d = Decimal(literal)
    except (InvalidOperation, ValueError):
        raise ValueError(literal) from None
    if d.is_finite() and (len(d.as_tuple().digits) > MAX_DIGITS or abs(d.adjusted()) > MAX_EXPONENT):
        return OutOfRange(literal, large=d.adjusted() >= 15)
    return d


def _bounded(value):
    """A number handed over as an object (a report dict from Python) under the same bounds."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return value
    if isinstance(value, int):
        return OutOfRange(f"约 2^{value.bit_length()}", large=True) if value.bit_length() > 133 else value
    return bounded_decimal(str(value)) if value.is_finite() else value


def _loads(text: str):
    return json.loads(text, parse_float=bounded_decimal, parse_int=_bounded_int)


def _parse(path: Path) -> list:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise refuse(path, "文件不存在", "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise refuse(path, f"无法读取：{exc}", f"cannot be read: {exc}") from None
    try:
        if path.suffix.lower() == ".jsonl":
            return [_loads(line) for line in text.splitlines() if line.strip()]
        data = _loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise refuse(path, f"不是有效的 JSON：{exc}", f"not valid JSON: {exc}") from None
    return data if isinstance(data, list) else [data]


def _report_of(item, name: str) -> dict:
    refused = {}
    if isinstance(item, dict) and "report" in item:
        if item["report"] is None:  # the record of a file that could not be read
            what = item.get("file", "")
            raise refuse(name, f"是无法读取的文件「{what}」的记录：{item.get('error', '')}",
                         f"the record of the unreadable file '{what}': {item.get('error', '')}")
        refused = item.get("refused") or {}
        item = item["report"]
    if not isinstance(item, dict) or not isinstance(item.get("cells", {}), dict) or not isinstance(item.get("meta", {}) or {}, dict) \
            or not isinstance(refused, dict):
        raise refuse(name, "不是报告：应为含 meta 和 cells 的对象", "not a report: expected an object with meta and cells")
    return _with_refused(item, refused) if refused else item


def _with_refused(report: dict, refused: dict) -> dict:
    """An exported record's report with what was typed in its refused cells put back, so that
    reading the record again refuses them again (and fill writes them as typed)."""
    meta_names = {name: key for key, name in META_KEYS.items()}
    cells, meta = dict(report.get("cells") or {}), dict(report.get("meta") or {})
    for code, raw in refused.items():
        if code in meta_names:
            meta[meta_names[code]] = raw
        else:
            cells[code] = raw  # an unknown code is refused with the others
    return {**report, "cells": cells, "meta": meta}


def original_files(path: str | Path) -> list[str | None]:
    """For each report of a JSON or JSON Lines file, the file it was exported from (an export's
    or import's "file"), where the record says."""
    return [item.get("file") if isinstance(item, dict) and isinstance(item.get("file"), str) else None
            for item in _parse(Path(path))]


def source_from_item(item, name: str) -> MappingSource:
    """A report, or an exported or imported record of one: the cells its record lists as unread
    (or not found in the text) stay unread (or absent), never blank."""
    unread = item.get("unread") if isinstance(item, dict) and "report" in item else None
    return source_from_dict(_report_of(item, name), name, unread or {})


def _unread_of(unread, name: str) -> tuple[frozenset[str], dict[str, Reason]]:
    """A record's "unread" ({code: {"reason", "printed"}}): the codes not found, and the others' reasons."""
    if not isinstance(unread, dict) or not all(isinstance(u, dict) and u.get("reason") in REASONS for u in unread.values()):
        raise refuse(name, "记录的 unread 应为 {单元格代码: {reason, printed}}", "a record's unread must be {cell code: {reason, printed}}")
    if unknown := sorted(set(unread) - set(CELLS)):
        raise refuse(name, f"未知的单元格代码：{', '.join(unknown)}", f"unknown cell codes: {', '.join(unknown)}")
    absent = frozenset(c for c, u in unread.items() if u["reason"] == "not_found")
    return absent, {c: Reason(u["reason"], str(u.get("printed") or "")) for c, u in unread.items() if c not in absent}


def source_from_dict(data: dict, name: str, unread: dict | None = None) -> MappingSource:
    absent, unread = _unread_of(unread or {}, name)
    cells, meta = data.get("cells") or {}, data.get("meta") or {}
    unknown = sorted(set(data) - {"format", "meta", "cells"}) + sorted(f"meta.{k}" for k in set(meta) - set(META_KEYS))
    unknown += sorted(set(cells) - set(CELLS))
    if unknown:
        raise refuse(name, f"未知的字段或单元格代码：{', '.join(unknown)}", f"unknown keys or cell codes: {', '.join(unknown)}")
    if data.get("format", FORMAT_ID) != FORMAT_ID:
        raise refuse(name, f"未知的格式「{data['format']}」", f"unknown format '{data['format']}'")
    values = {META_KEYS[k]: (b.shown if isinstance(b := _bounded(v), OutOfRange) else b) for k, v in meta.items()}
    reasons = {}
    for code, raw in cells.items():
        if CELLS[code].kind is CellKind.AMOUNT and isinstance(raw, str):
            try:  # amounts travel as exact decimal strings
                raw = bounded_decimal(raw.strip())
            except ValueError:
                pass
        raw = _bounded(raw)
        if isinstance(raw, OutOfRange):
            reasons[code] = raw.reason
            raw = None
        values[code] = raw
    return MappingSource(name, values, absent=absent, reasons=reasons, unread=unread)


def report_sources(path: str | Path, keep_going: bool = False) -> list:
    """Every report in a JSON or JSON Lines file, named `path` (or `path#N` for the Nth of several).
    A record that is not a report refuses the file, or with `keep_going` stands in the list as
    its SourceError (an export's record of an unreadable file among readable ones)."""
    path = Path(path)
    items = _parse(path)
    if not items:
        raise refuse(path, "文件中没有报告", "the file holds no report")
    names = [str(path)] if len(items) == 1 else [f"{path}#{i}" for i in range(1, len(items) + 1)]
    out = []
    for item, name in zip(items, names):
        try:
            out.append(source_from_item(item, name))
        except SourceError as exc:
            if not keep_going or len(items) == 1:
                raise
            out.append(exc)
    return out
