"""Reading uploads in worker processes: the same `api.validate_many` the command line runs, with
a time and a memory budget per file, so that a hostile workbook costs one worker, never the server.

The event loop awaits `Checker.check(...)`; a file that overruns its time is reported as not
checked in time (the workers are replaced), and one that overruns its memory as too large.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .. import api
from ..core.result import Result
from ..excel.layout import compact_cells
from ..excel.marks import result_entries, summary_text

MEMORY_BYTES = 1536 * 1024 * 1024  # address space of a worker: far above a report's needs (~200 MB)

TOO_SLOW = {"zh": "读取超时：文件过于复杂，无法在限定时间内读完（请确认是本模板填写的报告）",
            "en": "not read in time: the file is too complex to read within the limit"}
TOO_BIG = {"zh": "读取时超出内存限制：文件过大或已损坏（请确认是本模板填写的报告）",
           "en": "reading it exceeded the memory limit: the file is too large or damaged"}


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


def _limit_memory() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    except (ImportError, ValueError, OSError):  # not on this platform: the time budget still holds
        pass


def _checked(result: Result, name: str, lang: str, with_report: bool, marked: Path | None) -> Checked:
    result.source = name  # the name the user knows, not where the server keeps the file
    record = result.record(lang, with_report=with_report)
    marked_path = marked if marked is not None and marked.exists() else None
    return Checked(record, result.status, result.errors, result.warnings, str(marked_path) if marked_path else None,
                   view_of(result))


def view_of(result: Result) -> dict:
    """The one-line conclusion and the rows of the 校验结果 sheet the add-in draws, cells as text."""
    if result.report is None:
        return {"summary": result.error["zh"] if result.error else "", "rows": []}
    rows = [[n, rule, level, text, compact_cells(cells) if cells else "", expected, actual]
            for n, rule, level, text, cells, expected, actual in result_entries(result)]
    return {"summary": summary_text(result), "rows": rows}


def check_path(path: str, name: str, lang: str = "zh", with_report: bool = False, previous=None,
               marked_dir: str | None = None) -> Checked:
    """Validate one stored workbook (runs in a worker). The marked copy, if any, is written
    into `marked_dir` under the stored file's own name."""
    [result] = list(api.validate_many([Path(path)], jobs=1, previous=previous, marked=marked_dir))
    return _checked(result, name, lang, with_report, Path(marked_dir) / Path(path).name if marked_dir else None)


def check_report(report: dict, name: str, lang: str = "zh", with_report: bool = False, previous=None) -> Checked:
    """Validate a report given as JSON (runs in a worker)."""
    return _checked(api.validate(report, previous=previous), name, lang, with_report, None)


class Overrun(Exception):
    def __init__(self, reason: dict[str, str]):
        super().__init__(reason["en"])
        self.reason = reason


class Checker:
    """A pool of worker processes, replaced whole when one of them overruns or dies."""

    def __init__(self, workers: int, seconds: float):
        self.workers, self.seconds = max(1, workers), seconds
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn: the server's threads are never forked into a worker
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_limit_memory)

    @property
    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = self._new_pool()
        return self._pool

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if self._pool is not broken:
            return  # another task replaced it already
        self._pool = None
        for process in list((getattr(broken, "_processes", None) or {}).values()):
            if process.is_alive():
                process.kill()  # our own workers, by handle
        broken.shutdown(wait=False, cancel_futures=True)

    async def run(self, fn, *args, seconds: float | None = None, **kwargs):
        """`fn(*args, **kwargs)` in a worker, within the time budget; raises Overrun (with why) when
        it overruns or its worker dies (once retried when another task broke the pool under it)."""
        for attempt in (1, 2):
            pool = self.pool
            future = asyncio.wrap_future(pool.submit(fn, *args, **kwargs))
            try:
                return await asyncio.wait_for(future, seconds or self.seconds)
            except asyncio.TimeoutError:
                self._replace(pool)
                raise Overrun(TOO_SLOW) from None
            except (BrokenProcessPool, MemoryError):
                self._replace(pool)
                if attempt == 2:
                    raise Overrun(TOO_BIG) from None
        raise AssertionError("unreachable")

    async def check(self, fn, *args, name: str = "", **kwargs) -> Checked:
        """A check in a worker; one past its budget is an unreadable record, like the CLI's."""
        try:
            return await self.run(fn, *args, **kwargs)
        except Overrun as overrun:
            return self._failed(name, kwargs.get("lang", "zh"), overrun.reason)

    @staticmethod
    def _failed(name: str, lang: str, reason: dict[str, str]) -> Checked:
        result = Result.unreadable(name, dict(reason))
        return Checked(result.record(lang), result.status, 0, 0, view=view_of(result))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

