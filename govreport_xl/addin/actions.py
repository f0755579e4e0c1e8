"""The add-in's three actions on an open workbook: read it in a few Range reads, evaluate with
the engine, then write the marks and the 校验结果 sheet in batches. No rule lives here."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

from ..atomic import atomic_text
from ..core.evaluate import evaluate
from ..core.reading import Reading, read
from ..core.result import Result
from ..excel.marks import APP_TITLE, RESULTS_SHEET, plan, restore_plan
from .source import BookSource
from .writer import remove_results, write_fills, write_results

INTERNAL = "操作时发生内部错误（请把这段话发给技术支持）："
# S-01 facts that mean the workbook is not (or no longer) our template: nothing can be marked
NOT_TEMPLATE = ("not_template", "missing_sheet", "no_version", "unknown_version", "version_mismatch")


def _book(book):
    if book is not None:
        return book
    import xlwings as xw

    try:
        return xw.Book.caller()  # the workbook the button was clicked in (RunPython, @script)
    except Exception:
        return xw.books.active


def _alert(book, text: str) -> None:
    try:
        book.app.alert(text, title=APP_TITLE)
    except Exception:  # an engine without dialogs: the message is still returned to the caller
        pass


def not_our_template(reading: Reading) -> str | None:
    """Why the workbook cannot be marked as a report, in a clerk's words; None if it can."""
    issues = [i.reason.render("zh") for i in reading.structure if i.reason.key in NOT_TEMPLATE]
    if not issues:
        return None
    return "这个工作簿不是可以校验的政务公开年报模板：" + "；".join(issues) + "。"  # each reason says what to do


def _on_report(book, work) -> str:
    """Read the workbook and run work(reading) on it, unless it is not our template; whatever
    happens, the clerk gets one line, never a traceback."""
    try:
        reading = read(BookSource(book))
        message = not_our_template(reading) or work(reading)
    except Exception as exc:  # a bug of ours, or Excel refusing a write
        message = f"{INTERNAL}{exc!r}"
    _alert(book, message)
    return message


def check(book=None, when: _dt.datetime | None = None) -> tuple[str, Result | None]:
    """Validate and mark; returns (the alert's text, the Result or None)."""
    book = _book(book)
    out: dict = {}

    def work(reading: Reading) -> str:
        result = out["result"] = evaluate(reading)
        marks = plan(result, reading.addresses, when, reading.workbook.version_cell)
        write_fills(book, marks.fills)
        write_results(book, marks.rows)
        return marks.summary

    return _on_report(book, work), out.get("result")


def validate(book=None) -> str:
    """校验: mark every problem in place and list it on the 校验结果 sheet."""
    return check(book)[0]


def clear(book=None) -> str:
    """清除标记: every value cell back to the template's fill, the results sheet removed."""
    book = _book(book)

    def work(reading: Reading) -> str:
        write_fills(book, restore_plan(reading.addresses))
        removed = remove_results(book)
        return "已清除校验标记" + ("和「" + RESULTS_SHEET + "」表" if removed else "")

    return _on_report(book, work)


def _folder(book, folder) -> Path | None:
    if folder is not None:
        return Path(folder)
    full = Path(book.fullname)
    return full.parent if full.is_absolute() and full.parent.is_dir() else None


def export_json(book=None, folder: str | Path | None = None, deliver=None) -> str:
    """导出JSON: the report's JSON (as `govreport-xl export` writes it) beside the workbook, or,
    where the workbook has no folder here (the office server's add-in), handed to deliver(file name,
    text), which says in a few words where it went."""
    book = _book(book)

    def work(reading: Reading) -> str:
        where = None if deliver is not None else _folder(book, folder)
        if deliver is None and where is None:
            return "无法确定工作簿所在的文件夹（网页版 Excel 或尚未保存的工作簿），请先保存到电脑上，或用命令行 govreport-xl export 导出。"
        result = evaluate(reading)
        text = json.dumps([result.record("zh", with_report=True)], ensure_ascii=False, indent=2) + "\n"
        status = "（校验通过）" if result.valid else f"（{result.errors} 个错误，请先改正）"
        name = Path(book.name).stem + ".json"
        if deliver is not None:
            return deliver(name, text) + status
        path = where / name
        atomic_text(path, text)
        return f"已导出到 {path}{status}"

    return _on_report(book, work)
