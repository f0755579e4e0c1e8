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
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .bulk.history import History
from .core.evaluate import evaluate, unknown_rules
from .core.model import Report
from .core.reading import Reading
from .core.reading import read as read_cells
from .core.result import Result
from .core.source import CellSource, SourceError, refuse, report_source
from .formats.report_json import report_sources, source_from_dict

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
JSON_SUFFIXES = (".json", ".jsonl")
INTERNAL = {"zh": "读取时发生内部错误（请报告此问题）：", "en": "internal error while reading (please report it): "}


def text_suffixes() -> tuple[str, ...]:
    """What `audit` and `import` read (loaded on use: the importer is not needed to validate)."""
    from .importing.extract import SUFFIXES

    return SUFFIXES


def sources_of(path: str | Path) -> list[CellSource]:
    """The report sources in one file: a workbook, or every report of a JSON / JSON Lines file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return list(report_sources(path))
    from .excel.reader import OLD_FORMATS, WorkbookSource

    if suffix in WORKBOOK_SUFFIXES or suffix in OLD_FORMATS:
        return [WorkbookSource(path)]  # an old format is refused there, with what to do
    if suffix in text_suffixes():
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


def _read_closed(src: CellSource) -> Reading:
    try:
        return read_cells(src)
    finally:
        _close(src)


def read(source) -> Reading:
    """The report model of any input, with the cells refused and the cells missing (raises
    SourceError for an unreadable input)."""
    return _read_closed(source_of(source))


def load_history(paths: Iterable[str | Path]) -> History:
    """Last year's reports from files, folders and patterns (workbooks, report JSON, JSON Lines
    exports). A file that cannot be read stops here with a SourceError: comparing this year's
    reports with half of last year's would say nothing true."""
    from .bulk.inputs import expand

    inputs = expand([str(p) for p in paths], WORKBOOK_SUFFIXES + JSON_SUFFIXES)
    if inputs.unmatched:
        raise refuse(inputs.unmatched[0], "没有与之匹配的上年度报告文件", "no file of last year's reports matches")
    history = History()
    for item in inputs.files:
        for src in sources_of(item.path):
            history.add(_read_closed(src).report)
    return history


def _previous(previous) -> Report | History | None:
    """A Report, a Result or History as given; a path (or paths) of last year's reports as a History."""
    if previous is None or isinstance(previous, (Report, History)):
        return previous
    if isinstance(previous, Result):
        return previous.report
    if isinstance(previous, (str, os.PathLike)):
        return load_history([previous])
    if isinstance(previous, (list, tuple)):
        return load_history(previous)
    return read(previous).report


@dataclass(frozen=True)
class Options:
    """What validate passes on to the engine (picklable: sent once to each worker process)."""

    previous: Report | History | None = None  # one report for every input, or last year's by body
    rules: tuple[str, ...] | None = None
    skip: tuple[str, ...] = ()
    today: _dt.date | None = None
    marked: Path | None = None  # write a marked copy of each workbook with findings under here

    def __post_init__(self):
        bad = unknown_rules([*(self.rules or ()), *self.skip])
        if bad:
            raise ValueError(f"unknown rule ids: {', '.join(bad)}")

    def run(self, src: CellSource, relative: Path | None = None) -> Result:
        reading = _read_closed(src)
        previous, why_not = (self.previous.lookup(reading.report.meta) if isinstance(self.previous, History)
                             else (self.previous, None))
        result = evaluate(reading, previous=previous, rules=self.rules, skip=self.skip,
                          today=self.today, no_previous_because=why_not)
        if self.marked is not None and result.findings and src.kind == "workbook":
            from .excel.marked import write_marked
            from .excel.marks import plan

            write_marked(src.name, plan(result, reading.addresses), self.marked / (relative or Path(src.name).name))
        return result


def _guarded(name, work) -> list[Result]:
    try:
        return work()
    except SourceError as exc:
        return [Result.unreadable(str(exc.path), exc.reason)]
    except Exception as exc:  # a bug of ours must not stop a batch or hide the other files
        return [Result.unreadable(str(name), {lang: f"{INTERNAL[lang]}{exc!r}" for lang in INTERNAL})]


_worker_options: Options | None = None


def _set_options(options: Options) -> None:
    global _worker_options
    _worker_options = options


def _item(item) -> tuple[Path, Path | None]:
    """(path, path relative to its input folder) of a plain path or a `bulk.inputs.Input`."""
    return (item.path, item.relative) if hasattr(item, "relative") else (Path(item), None)


def _validate_item(item) -> list[Result]:
    path, relative = _item(item)
    return _guarded(path, lambda: [_worker_options.run(src, relative=relative) for src in sources_of(path)])


def _options(previous, rules, skip, today, marked=None) -> Options:
    return Options(_previous(previous), tuple(rules) if rules is not None else None, tuple(skip or ()), today,
                   Path(marked) if marked is not None else None)


def validate(source, *, previous=None, rules: Iterable[str] | None = None, skip: Iterable[str] | None = None,
             today: _dt.date | None = None) -> Result:
    """Validate one report: a path (.xlsx, .json), an openpyxl Workbook, an xlwings Book, a report
    dict or Report, or any cell source. `previous` (a report, or paths of last year's reports,
    matched by body) turns on X-01/X-02; `rules` and `skip` select rule ids."""
    options = _options(previous, rules, skip, today)
    name = source if isinstance(source, (str, os.PathLike)) else getattr(source, "name", "report")
    [result] = _guarded(name, lambda: [options.run(source_of(source))])
    return result


def ordered_map(fn, items: Iterable, jobs: int | None, init=None, init_args: tuple = ()) -> Iterator:
    """fn(item) for every item, in input order, in `jobs` worker processes (1: in this process).
    `init(*init_args)` runs once in each worker first. At most a few tasks per worker are in
    flight, so memory stays flat however many items there are."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1:
        if init is not None:
            init(*init_args)
        yield from map(fn, items)
        return
    with ProcessPoolExecutor(jobs, initializer=init, initargs=init_args) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= jobs * 4:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def validate_many(paths: Iterable, *, jobs: int | None = None, previous=None,
                  rules: Iterable[str] | None = None, skip: Iterable[str] | None = None,
                  today: _dt.date | None = None, marked: str | Path | None = None) -> Iterator[Result]:
    """One Result per report, in input order (a JSON Lines file yields one per line). `paths`
    may be paths or `bulk.inputs.Input`s; `marked` names a folder for marked copies."""
    options = _options(previous, rules, skip, today, marked)
    for results in ordered_map(_validate_item, paths, jobs, _set_options, (options,)):
        yield from results


def _audit(path, options: Options) -> Result:
    from .importing.audit import audit_path

    [result] = _guarded(path, lambda: [audit_path(path, rules=options.rules, skip=options.skip, today=options.today)])
    return result


def _audit_item(item) -> Result:
    return _audit(_item(item)[0], _worker_options)


def audit(path: str | Path, *, rules: Iterable[str] | None = None, skip: Iterable[str] | None = None,
          today: _dt.date | None = None) -> Result:
    """Import a published report (.txt, .html, .docx) and validate it, with the import's account."""
    return _audit(path, _options(None, rules, skip, today))


def audit_many(paths: Iterable, *, jobs: int | None = None, rules: Iterable[str] | None = None,
               skip: Iterable[str] | None = None, today: _dt.date | None = None) -> Iterator[Result]:
    """One Result per published report, in input order."""
    yield from ordered_map(_audit_item, paths, jobs, _set_options, (_options(None, rules, skip, today),))


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
