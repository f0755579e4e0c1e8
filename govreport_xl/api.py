"""The public Python API: every surface (CLI, add-in, bulk) goes through these functions.

    import govreport_xl as gx
    result = gx.validate("报告.xlsx")             # a path, an openpyxl Workbook, a report dict or Report
    for r in gx.validate_many(paths, jobs=4):    # one Result per report, in input order
        print(r.source, r.status, r.errors)

An input that cannot be read gives a Result whose `error` says why; no exception escapes
`validate`, `validate_many` or `audit` for a bad file.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .core.evaluate import evaluate, unknown_rules
from .core.model import Report
from .core.reading import Reading
from .core.reading import read as read_cells
from .core.result import Result
from .core.source import CellSource, SourceError, refuse, report_source
from .formats.report_json import report_sources, source_from_dict

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
OLD_WORKBOOK_SUFFIXES = (".xls", ".et")
JSON_SUFFIXES = (".json", ".jsonl")
INTERNAL = {"zh": "读取时发生内部错误（请报告此问题）：", "en": "internal error while reading (please report it): "}


def _text_suffixes() -> tuple[str, ...]:
    from .importing.extract import SUFFIXES

    return SUFFIXES


def sources_of(path: str | Path) -> list[CellSource]:
    """The report sources in one file: a workbook, or every report of a JSON / JSON Lines file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return list(report_sources(path))
    if suffix in WORKBOOK_SUFFIXES or suffix in OLD_WORKBOOK_SUFFIXES:
        from .excel.reader import WorkbookSource

        return [WorkbookSource(path)]
    if suffix in _text_suffixes():
        raise refuse(path, "是已发布的报告文本，请用 govreport-xl audit 导入并校验",
                     "a published report text: use govreport-xl audit to import and check it")
    raise refuse(path, f"不支持的文件类型「{suffix or '无扩展名'}」，可用 .xlsx 或 .json",
                 f"unsupported file type '{suffix or 'none'}'; use .xlsx or .json")


def _in_memory_workbook(wb) -> CellSource:
    from .excel.reader import WorkbookSource

    buffer = io.BytesIO()
    wb.save(buffer)
    return WorkbookSource(buffer, name=getattr(wb, "path", None) or "workbook")


def source_of(source) -> CellSource:
    """Any input the API takes, as one cell source (raises SourceError)."""
    if isinstance(source, (str, os.PathLike)):
        sources = sources_of(source)
        if len(sources) != 1:
            raise refuse(source, f"含 {len(sources)} 份报告，请用 validate_many", f"holds {len(sources)} reports: use validate_many")
        return sources[0]
    if isinstance(source, Report):
        return report_source(source)
    if isinstance(source, dict):
        return source_from_dict(source.get("report", source) if isinstance(source.get("report"), dict) else source, "report")
    if type(source).__module__.startswith("openpyxl"):
        return _in_memory_workbook(source)
    if type(source).__module__.startswith("xlwings"):
        from .addin.source import BookSource

        return BookSource(source)
    if hasattr(source, "cell") and hasattr(source, "kind"):
        return source
    raise TypeError(f"cannot validate a {type(source).__name__}")


def _close(source) -> None:
    if hasattr(source, "close"):
        source.close()


def read(source) -> Reading:
    """The report model of any input, with the cells refused and the cells missing (raises
    SourceError for an unreadable input)."""
    src = source_of(source)
    try:
        return read_cells(src)
    finally:
        _close(src)


def _previous_report(previous) -> Report | None:
    if previous is None or isinstance(previous, Report):
        return previous
    if isinstance(previous, Result):
        return previous.report
    return read(previous).report


@dataclass(frozen=True)
class Options:
    """What validate passes on to the engine (picklable, for worker processes)."""

    previous: Report | None = None
    rules: tuple[str, ...] | None = None
    skip: tuple[str, ...] = ()
    today: _dt.date | None = None

    def __post_init__(self):
        bad = unknown_rules([*(self.rules or ()), *self.skip])
        if bad:
            raise ValueError(f"unknown rule ids: {', '.join(bad)}")

    def run(self, src: CellSource, narrative=None) -> Result:
        try:
            reading = read_cells(src)
        finally:
            _close(src)
        return evaluate(reading, previous=self.previous, narrative=narrative, rules=self.rules, skip=self.skip, today=self.today)


def _guarded(name, work) -> list[Result]:
    try:
        return work()
    except SourceError as exc:
        return [Result.unreadable(str(exc.path), exc.reason)]
    except Exception as exc:  # a bug of ours must not stop a batch or hide the other files
        return [Result.unreadable(str(name), {lang: f"{INTERNAL[lang]}{exc!r}" for lang in INTERNAL})]


def _validate_path(path, options: Options) -> list[Result]:
    return _guarded(path, lambda: [options.run(src) for src in sources_of(path)])


def _options(previous, rules, skip, today) -> Options:
    return Options(_previous_report(previous), tuple(rules) if rules is not None else None, tuple(skip or ()), today)


def validate(source, *, previous=None, rules: Iterable[str] | None = None, skip: Iterable[str] | None = None,
             today: _dt.date | None = None) -> Result:
    """Validate one report: a path (.xlsx, .json), an openpyxl Workbook, an xlwings Book, a report
    dict or Report, or any cell source. `previous` (same kinds) turns on X-01/X-02; `rules` and
    `skip` select rule ids."""
    options = _options(previous, rules, skip, today)
    name = source if isinstance(source, (str, os.PathLike)) else getattr(source, "name", "report")
    [result] = _guarded(name, lambda: [options.run(source_of(source))])
    return result


def ordered_map(fn, items: Iterable, jobs: int | None, *args) -> Iterator:
    """fn(item, *args) for every item, in input order, in `jobs` worker processes (1: in this
    process). At most a few tasks per worker are in flight, so memory stays flat however many
    items there are."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1:
        for item in items:
            yield fn(item, *args)
        return
    with ProcessPoolExecutor(jobs) as pool:
        yield from _window(pool, fn, items, jobs * 4, args)


def _window(pool: Executor, fn, items: Iterable, ahead: int, args) -> Iterator:
    pending: deque = deque()
    for item in items:
        pending.append(pool.submit(fn, item, *args))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def validate_many(paths: Iterable[str | Path], *, jobs: int | None = None, previous=None,
                  rules: Iterable[str] | None = None, skip: Iterable[str] | None = None,
                  today: _dt.date | None = None) -> Iterator[Result]:
    """One Result per report, in input order (a JSON Lines file yields one per line)."""
    options = _options(previous, rules, skip, today)
    for results in ordered_map(_validate_path, paths, jobs, options):
        yield from results


def audit(path: str | Path, *, rules: Iterable[str] | None = None, skip: Iterable[str] | None = None,
          today: _dt.date | None = None) -> Result:
    """Import a published report (.txt, .html, .docx) and validate it, with the import's account."""
    from .importing.audit import audit_path

    [result] = _guarded(path, lambda: [audit_path(path, rules=rules, skip=skip, today=today)])
    return result


def fill(report, path: str | Path) -> Path:
    """Write a report (a Report, a report dict, or a result of validate/audit) into a fresh template."""
    from .excel.filler import fill_workbook

    if isinstance(report, Result):
        report = report.report
    if isinstance(report, dict):
        report = read(report).report
    return fill_workbook(report, path)


def template(path: str | Path) -> Path:
    """Write the blank template."""
    from .excel.template import write_template

    return write_template(path)
