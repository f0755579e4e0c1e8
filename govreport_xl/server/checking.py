"""Reading uploads in worker processes: the same `api.validate_many` the command line runs, under
the same per-file budget (`bulk.pool`: a time and a memory limit, a worker past either replaced),
so that a hostile workbook costs one worker, never the server.

The event loop awaits `Checker.check(...)`; a file past its budget is an unreadable record saying
so, in the command line's words.
"""

from __future__ import annotations

import asyncio
import importlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .. import api
from ..addin.actions import NOT_TEMPLATE
from ..bulk.pool import Budget, Overrun, WorkerPool
from ..core.result import Result
from ..excel.layout import compact_cells
from ..excel.marks import result_entries, summary_text

MEMORY_MB = 1536  # address space of a worker: far above a report's needs (~200 MB)


@dataclass
class Checked:
    """What the server keeps of one check: the record `validate --json` prints, and where the
    marked copy was written (None when there are no findings, or not a workbook)."""

    record: dict
    status: str
    errors: int
    warnings: int
    marked: str | None = None
    view: dict = field(default_factory=dict)  # what the pages show: the add-in's conclusion and rows


def _checked(result: Result, name: str, lang: str, with_report: bool, marked: Path | None) -> Checked:
    result.source = name  # the name the user knows, not where the server keeps the file
    record = result.record(lang, with_report=with_report)
    marked_path = marked if marked is not None and marked.exists() else None
    return Checked(record, result.status, result.errors, result.warnings, str(marked_path) if marked_path else None,
                   view_of(result))


def view_of(result: Result) -> dict:
    """The one-line conclusion and the rows of the 校验结果 sheet the add-in draws, cells as text.
    A workbook that is not the template (another file, sheets gone, an unknown version) is said
    to be so, as the add-in says it, rather than listed as hundreds of cells it lacks."""
    if result.figures is None:
        return {"summary": result.error["zh"] if result.error else "", "rows": []}
    rows = [[n, rule, level, text, compact_cells(cells) if cells else "", expected, actual]
            for n, rule, level, text, cells, expected, actual in result_entries(result)]
    if any(f.rule == "S-01" and f.params["reason"].key in NOT_TEMPLATE for f in result.findings):
        return {"summary": "这个工作簿不是用本模板填写的报告，无法校验其中的数字：请下载报告模板，把数字填进模板后重新上传",
                "rows": [row for row in rows if row[0]]}
    return {"summary": summary_text(result), "rows": rows}


def check_path(path: str, name: str, lang: str = "zh", with_report: bool = False, previous=None,
               marked_dir: str | None = None) -> Checked:
    """Validate one stored workbook (runs in a worker). The marked copy, if any, is written
    into `marked_dir` under the stored file's own name. This worker is the file's budget already:
    validate_many reads in it (budget=None) instead of starting another process."""
    [result] = list(api.validate_many([Path(path)], jobs=1, previous=previous, marked=marked_dir, budget=None))
    return _checked(result, name, lang, with_report, Path(marked_dir) / Path(path).name if marked_dir else None)


def check_report(report: dict, name: str, lang: str = "zh", with_report: bool = False, previous=None) -> Checked:
    """Validate a report given as JSON (runs in a worker)."""
    return _checked(api.validate(report, previous=previous), name, lang, with_report, None)


class Checker:
    """The server's budgeted workers (spawned: the server's threads are never forked into one),
    driven by threads of their own so that waiting checks never hold the server's thread pool."""

    def __init__(self, workers: int, seconds: float):
        self.budget = Budget(seconds, MEMORY_MB)
        self.workers = max(1, workers)
        # each worker imports this module (the checks, openpyxl) as it starts, not at its first upload
        self._pool = WorkerPool(self.workers, self.budget, context="spawn", init=importlib.import_module, init_args=(__name__,))
        self._threads = ThreadPoolExecutor(self.workers, thread_name_prefix="checker")

    def reason(self, overrun: Overrun, seconds: float | None = None) -> dict[str, str]:
        return api.overrun_reason(overrun.kind, Budget(seconds or self.budget.seconds, self.budget.memory_mb))

    async def run(self, fn, *args, seconds: float | None = None, **kwargs):
        """`fn(*args, **kwargs)` in a worker within the budget (`seconds` instead of its time);
        raises what fn raised, or bulk.pool.Overrun when the call is past the budget."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, lambda: self._pool.call(fn, *args, seconds=seconds, **kwargs))

    async def check(self, fn, *args, name: str = "", **kwargs) -> Checked:
        """A check in a worker; one past its budget is an unreadable record, like the CLI's."""
        try:
            return await self.run(fn, *args, **kwargs)
        except Overrun as overrun:
            return self._failed(name, kwargs.get("lang", "zh"), self.reason(overrun))

    @staticmethod
    def _failed(name: str, lang: str, reason: dict[str, str]) -> Checked:
        result = Result.unreadable(name, dict(reason))
        return Checked(result.record(lang), result.status, 0, 0, view=view_of(result))

    def start(self) -> None:
        """Start the workers (the server's startup), so that the first uploads find them ready."""
        self._pool.start()

    def close(self) -> None:
        self._pool.close()
        self._threads.shutdown(wait=False, cancel_futures=True)
