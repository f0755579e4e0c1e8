"""Test helpers: content digests of workbooks and quick report builders."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import openpyxl

from govreport_xl.core.evaluate import evaluate
from govreport_xl.core.model import Report
from govreport_xl.core.reading import read
from govreport_xl.core.source import MappingSource, meta_values

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_JSON = ROOT / "examples" / "shizuishan_2022.json"
EXAMPLE_XLSX = ROOT / "examples" / "shizuishan_2022.xlsx"
TEMPLATE = ROOT / "templates" / "report_template.xlsx"


def example_report() -> Report:
    return Report.model_validate(json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))


def _style(cell) -> tuple:
    f, a, p = cell.font, cell.alignment, cell.protection
    return (
        f.name, f.sz, f.b, f.i, f.color.rgb if f.color is not None else None,
        cell.fill.fill_type, cell.fill.fgColor.rgb, cell.number_format,
        a.horizontal, a.vertical, a.wrap_text, p.locked,
        tuple(getattr(cell.border, side).style for side in ("left", "right", "top", "bottom")),
    )


def workbook_digest(path: Path) -> dict:
    """Everything a person or a formula would see in a workbook, independent of zip bytes."""
    wb = openpyxl.load_workbook(path)
    out = {
        "sheets": wb.sheetnames,
        "names": sorted((n, d.attr_text) for n, d in wb.defined_names.items()),
        "custom": sorted((p.name, str(p.value)) for p in wb.custom_doc_props),
        "structure_locked": bool(wb.security and wb.security.lockStructure),
    }
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": {c.coordinate: (c.value, _style(c)) for row in ws.iter_rows() for c in row if c.value is not None or c.has_style},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "heights": {k: (d.height, d.hidden) for k, d in ws.row_dimensions.items() if d.height or d.hidden},
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.operator, dv.formula1, dv.formula2, dv.prompt, dv.error)
                for dv in ws.data_validations.dataValidation
            ),
            "conditional": sorted(
                (str(rng.sqref), tuple(r.formula), r.dxf.fill.bgColor.rgb if r.dxf and r.dxf.fill else None)
                for rng in ws.conditional_formatting for r in rng.rules
            ),
            "protection": (ws.protection.sheet, ws.protection.password),
            "page": (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight),
            "hidden": ws.sheet_state,
        }
    return out


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


TODAY = dt.date(2026, 11, 26)


def example_values() -> dict:
    """The example as the raw values of a cell source (META_* names and cell codes)."""
    report = example_report()
    return {**meta_values(report.meta), **report.values()}


def evaluate_values(values: dict, *, absent=(), today=TODAY, **options):
    """The engine over raw cell values, as any source hands them over (refused values included)."""
    return evaluate(read(MappingSource("test", values, absent=frozenset(absent))), today=today, **options)


def evaluate_report(report: Report, **options):
    return evaluate_values({**meta_values(report.meta), **report.values()}, **options)


def session_processes(session: int) -> list[int]:
    """The live processes of a session (a command started with start_new_session=True: its pid)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[3]) == session and stat[0] != "Z":  # of the session, not yet reaped
                pids.append(int(entry.name))
    return pids
