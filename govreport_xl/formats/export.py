"""Exports of validated reports, written as they come (memory stays flat however many there are)
into a temporary file that replaces the output only when the export ends well:

- .json: a list of records (always a list, one report or many: one data shape);
- .jsonl: a record a line;
- .csv: long format, a row per cell (`--wide`: a row per report, a column per cell);
- .xlsx: a row per report, a column per cell, headed by code and label.

Every record carries its validation status; a file that could not be read is a record too, with
its reason, in every format.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path

from ..atomic import atomic_path
from ..core.findings import plain
from ..core.result import Result
from ..core.safe_text import as_text, csv_text, json_safe
from ..core.standard import CELLS, cell_label

FORMATS = (".json", ".jsonl", ".csv", ".xlsx")
LONG_CSV_COLUMNS = ("file", "name", "uscc", "region", "level", "year", "code", "label", "value", "raw", "status", "valid",
                    "errors", "warnings")
REPORT_COLUMNS = ("file", "name", "uscc", "region", "level", "year", "status", "valid", "errors", "warnings", "error", "refused")
REPORT_HEADINGS = {"file": "文件", "name": "机关名称", "uscc": "统一社会信用代码", "region": "行政区划代码", "level": "机关层级",
                   "year": "年度", "status": "结果", "valid": "通过", "errors": "错误", "warnings": "警告", "error": "无法读取的原因",
                   "refused": "填写有误的单元格（原样）"}
STATUS_ZH = {"valid": "通过", "invalid": "不通过", "incomplete": "不完整", "unreadable": "无法读取"}


def excel_safe_code(text: str) -> str:
    """An all-digit code as Excel keeps it when it opens a CSV: ="113601…" stays text, where a
    bare 18-digit number would become 1.13601E+17 and lose its last digits."""
    return f'="{text}"' if text.isdigit() and len(text) > 11 else text


def report_fields(result: Result, lang: str = "zh") -> dict:
    """The columns every per-report export starts with."""
    meta = result.figures.meta if result.figures is not None else None
    return {
        "file": result.source, "name": (meta and meta.name) or "", "uscc": (meta and meta.uscc) or "",
        "region": (meta and meta.region) or "", "level": meta.level.value if meta and meta.level else "",
        "year": meta.year if meta and meta.year is not None else "", "status": result.status,
        "valid": result.valid, "errors": result.errors, "warnings": result.warnings,
        "error": result.error[lang] if result.error else "",
        "refused": "；".join(f"{code}={raw}" for code, raw in result.refused.items()),  # what was typed, kept
    }


def status_word(status: str, lang: str) -> str:
    """The status as the export's language says it (JSON keeps the stable English code)."""
    return STATUS_ZH[status] if lang == "zh" else status


def _csv_row(values) -> list:
    """Text cells neutralised for a spreadsheet (numbers are left as numbers)."""
    return [csv_text(v) if isinstance(v, str) else v for v in values]


def cell_values(result: Result) -> list:
    figures = result.figures
    return [("" if figures is None or (v := plain(figures.value(c))) is None else v) for c in CELLS]


class _Writer:
    """Writes records into a temporary file; `close(ok)` puts it in place (or throws it away)."""

    def __init__(self, path: str | Path, lang: str = "zh"):
        self.path, self.lang, self.count = Path(path), lang, 0
        self._stack = ExitStack()
        self.tmp = self._stack.enter_context(atomic_path(self.path))

    def add(self, result: Result) -> None:
        self.count += 1
        self.write(result)

    def write(self, result: Result) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Complete the file before it is put in place."""

    def close(self, ok: bool = True) -> None:
        if ok:
            self.finish()
            self._stack.close()
        else:
            self._stack.__exit__(RuntimeError, RuntimeError("export interrupted"), None)

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        self.close(ok=kind is None)
        return False


class _TextWriter(_Writer):
    def __init__(self, path, lang="zh", bom: bool = False):
        super().__init__(path, lang)
        self.fh = self._stack.enter_context(open(self.tmp, "w", encoding="utf-8-sig" if bom else "utf-8", newline=""))


class JsonListWriter(_TextWriter):
    def write(self, result: Result) -> None:
        record = json_safe(json.dumps(result.record(self.lang, with_report=True), ensure_ascii=False, indent=2))
        self.fh.write(("[\n" if self.count == 1 else ",\n") + "  " + record.replace("\n", "\n  "))

    def finish(self) -> None:
        self.fh.write("[]\n" if self.count == 0 else "\n]\n")


class JsonLinesWriter(_TextWriter):
    def write(self, result: Result) -> None:
        self.fh.write(json_safe(json.dumps(result.record(self.lang, with_report=True), ensure_ascii=False)) + "\n")


class LongCsvWriter(_TextWriter):
    """A row per cell; an unreadable file is one row with its reason. UTF-8 with BOM, so that
    Excel and WPS open the Chinese text correctly."""

    def __init__(self, path, lang="zh"):
        super().__init__(path, lang, bom=True)
        self.csv = csv.DictWriter(self.fh, LONG_CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
        self.csv.writeheader()

    def write(self, result: Result) -> None:
        base = report_fields(result, self.lang) | {"valid": str(result.valid).lower(), "status": status_word(result.status, self.lang)}
        base = {k: csv_text(v) if isinstance(v, str) else v for k, v in base.items()}
        base["uscc"] = excel_safe_code(base["uscc"])
        if result.figures is None:
            self.csv.writerow(base | {"code": "", "label": csv_text(result.error_message(self.lang)), "value": ""})
            return
        for code, value in zip(CELLS, cell_values(result)):
            raw = result.refused.get(code, "")
            self.csv.writerow(base | {"code": code, "label": cell_label(code), "value": value,
                                      "raw": csv_text(raw) if isinstance(raw, str) else raw})


def wide_headings() -> list[str]:
    return [*(REPORT_HEADINGS[c] for c in REPORT_COLUMNS), *(f"{code} {cell_label(code)}" for code in CELLS)]


class WideCsvWriter(_TextWriter):
    """A row per report and a column per cell, headed "code label"."""

    def __init__(self, path, lang="zh"):
        super().__init__(path, lang, bom=True)
        self.csv = csv.writer(self.fh, lineterminator="\n")
        self.csv.writerow([*REPORT_COLUMNS, *CELLS])
        self.csv.writerow(wide_headings())

    def write(self, result: Result) -> None:
        fields = report_fields(result, self.lang)
        fields["valid"] = str(fields["valid"]).lower()
        fields["status"] = status_word(result.status, self.lang)
        row = _csv_row(fields[c] for c in REPORT_COLUMNS)
        row[REPORT_COLUMNS.index("uscc")] = excel_safe_code(row[REPORT_COLUMNS.index("uscc")])
        self.csv.writerow([*row, *cell_values(result)])


class XlsxWriter(_Writer):
    """A row per report in a streamed workbook: codes and 统一社会信用代码 stored as text."""

    def __init__(self, path, lang="zh"):
        super().__init__(path, lang)
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font, PatternFill

        self._cell, self.wb = WriteOnlyCell, Workbook(write_only=True)
        self.ws = self.wb.create_sheet("报告")
        self.ws.freeze_panes = "C3"
        bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        for row in ([*REPORT_COLUMNS, *CELLS], wide_headings()):
            cells = []
            for text in row:
                c = WriteOnlyCell(self.ws, text)
                c.font, c.fill = bold, fill
                cells.append(c)
            self.ws.append(cells)

    def _text(self, value, code: bool = False):
        """Text from a report or a file name: text in the workbook, never a formula."""
        c = as_text(self._cell(self.ws), value)
        if code:
            c.number_format = "@"
        return c

    def write(self, result: Result) -> None:
        fields = report_fields(result, self.lang)
        fields["status"] = status_word(result.status, self.lang)
        row = [self._text(str(v), c in ("uscc", "region")) if isinstance(v, str) and v != "" else v for c, v in fields.items()]
        self.ws.append([*row, *cell_values(result)])

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        self.ws.auto_filter.ref = f"A2:{get_column_letter(len(REPORT_COLUMNS) + len(CELLS))}{self.count + 2}"
        self.wb.save(self.tmp)

    def close(self, ok: bool = True) -> None:
        if not ok:
            abandon(self.wb)
        super().close(ok)


def abandon(workbook) -> None:
    """Close a write-only workbook's half-written sheets in order (rows, then the sheet), so that
    an interrupted export ends quietly: closed by the garbage collector in any order, openpyxl's
    streams print a traceback. Its temporary files are openpyxl's, removed at exit."""
    for ws in getattr(workbook, "_sheets", []):
        for stream in (getattr(ws, "_rows", None), getattr(getattr(ws, "_writer", None), "xf", None)):
            if stream is not None:
                try:
                    stream.close()
                except Exception:  # noqa: BLE001 - half-written: nothing to keep
                    pass


def writer(path: str | Path, lang: str = "zh", wide: bool = False) -> _Writer:
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return (WideCsvWriter if wide else LongCsvWriter)(path, lang)
    return {".json": JsonListWriter, ".jsonl": JsonLinesWriter, ".xlsx": XlsxWriter}[suffix](path, lang)


def write_export(results: Iterable[Result], path: str | Path, lang: str = "zh", wide: bool = False) -> int:
    with writer(path, lang, wide) as w:
        for r in results:
            w.add(r)
    return w.count


def write_records(records: Iterable[dict], path: str | Path) -> Path:
    """.json (a list) or .jsonl of ready records."""
    records = list(records)
    if Path(path).suffix.lower() == ".jsonl":
        text = "".join(json_safe(json.dumps(r, ensure_ascii=False)) + "\n" for r in records)
    else:
        text = json_safe(json.dumps(records, ensure_ascii=False, indent=2)) + "\n"
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
