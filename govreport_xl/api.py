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
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .bulk.history import History
from .bulk.pool import KILLED, MEMORY, TIME, Budget, budgeted_map, in_this_process, out_of_memory, worker_count
from .core.evaluate import evaluate, unknown_rules
from .core.reading import Reading
from .core.reading import read as read_cells
from .core.result import Result
from .core.source import CellSource, SourceError, refuse, report_source
from .atomic import remove_leftovers

if TYPE_CHECKING:
    from .core.model import Report  # loaded where an input may be one: a path never needs pydantic

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
JSON_SUFFIXES = (".json", ".jsonl")
INTERNAL = {"zh": "读取时发生内部错误（请报告此问题）：", "en": "internal error while reading (please report it): "}
OVERRUN = {
    TIME: ("超出处理时限（每个文件 {seconds:g} 秒），未处理完：文件可能异常或是恶意构造的",
           "took longer than the {seconds:g} s allowed per file: the file may be malformed or hostile"),
    MEMORY: ("超出内存限制（每个文件 {memory} MB），未处理完：文件可能异常或是恶意构造的",
             "needed more than the {memory} MB of memory allowed per file: the file may be malformed or hostile"),
    KILLED: ("处理时进程被系统终止（通常是内存不足），未处理完",
             "the process reading it was killed by the system (usually for lack of memory)"),
}
DEFAULT_BUDGET = Budget()


def overrun_reason(kind: str, budget: Budget) -> dict[str, str]:
    zh, en = OVERRUN[kind]
    values = {"seconds": budget.seconds or 0, "memory": budget.memory_mb or 0}
    return {"zh": zh.format(**values), "en": en.format(**values)}


def text_suffixes() -> tuple[str, ...]:
    """What `audit` and `import` read (loaded on use: the importer is not needed to validate)."""
    from .importing.extract import SUFFIXES

    return SUFFIXES


def _regular_file(path: Path) -> None:
    """Refuse what is not a regular file before opening it: a named pipe would block the read, a
    device never ends, a symlink loop cannot be opened."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.lexists(path):
            raise refuse(path, "符号链接指向的文件不存在", "a symbolic link to a file that does not exist") from None
        raise refuse(path, "文件不存在", "no such file") from None
    except OSError as exc:  # ELOOP, EACCES, a name too long …
        raise refuse(path, f"无法打开（{exc.strerror or exc}）", f"cannot be opened ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise refuse(path, "是文件夹", "is a folder")
    if not stat.S_ISREG(mode):
        raise refuse(path, "不是普通文件（命名管道、设备等），不读取", "not a regular file (a pipe, a device …): not read")


def sources_of(path: str | Path, keep_going: bool = False) -> list:
    """The report sources in one file: a workbook, or every report of a JSON / JSON Lines file
    (with `keep_going`, a record that is not a report stands in the list as its SourceError)."""
    path = Path(path)
    _regular_file(path)
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        from .formats.report_json import report_sources

        return list(report_sources(path, keep_going))
    from .excel.reader import OLD_FORMATS, WorkbookSource

    if suffix in WORKBOOK_SUFFIXES or suffix in OLD_FORMATS:
        return [WorkbookSource(path)]  # an old format is refused there, with what to do
    if suffix in text_suffixes():
        raise refuse(path, "是已发布的报告文本，请用 govreport-xl audit 导入并校验",
                     "a published report text: use govreport-xl audit to import and check it")
    raise refuse(path, f"不支持的文件类型「{suffix or '无扩展名'}」，可用 .xlsx 或 .json",
                 f"unsupported file type '{suffix or 'none'}'; use .xlsx or .json")


def _in_memory_workbook(wb) -> CellSource:
    """An openpyxl Workbook read as it holds (formulas, or with data_only=True their results),
    never saved and re-read: see `excel.reader.OpenpyxlSource`."""
    from .excel.reader import OpenpyxlSource

    return OpenpyxlSource(wb)


def source_of(source) -> CellSource:
    """Any input the API takes, as one cell source (raises SourceError)."""
    if isinstance(source, (str, os.PathLike)):
        sources = sources_of(source)
        if len(sources) != 1:
            raise refuse(source, f"含 {len(sources)} 份报告，请用 validate_many", f"holds {len(sources)} reports: use validate_many")
        return sources[0]
    from .core.model import Report

    if isinstance(source, Report):
        return report_source(source)
    if isinstance(source, dict):
        from .formats.report_json import source_from_item

        return source_from_item(source, "report")
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


def _read_previous(path) -> tuple[bool, object]:
    """Every report of one of last year's files as Readings, or why the file cannot be read."""
    try:
        return True, [_read_closed(src) for src in sources_of(path)]
    except SourceError as exc:
        return False, (str(exc.path), exc.reason)
    except (MemoryError, SystemError) as exc:
        if not out_of_memory(exc):
            raise
        return False, (str(path), overrun_reason(MEMORY, _budget))


def load_history(paths, *, jobs: int | None = None, budget: Budget | None = DEFAULT_BUDGET) -> History:
    """Last year's reports from files, folders and patterns (workbooks, report JSON, JSON Lines
    exports), each read under `budget` as in validate_many. A file that cannot be read stops
    here with a SourceError: comparing this year's reports with half of last year's would say
    nothing true."""
    from .bulk.inputs import Inputs, expand

    inputs = paths if isinstance(paths, Inputs) else expand([str(p) for p in paths], WORKBOOK_SUFFIXES + JSON_SUFFIXES)
    if inputs.unmatched:
        raise refuse(inputs.unmatched[0], "没有与之匹配的上年度报告文件", "no file of last year's reports matches")
    history = History()
    overrun = lambda path, reason: (False, (str(path), reason))  # noqa: E731
    for ok, value in _mapped(_read_previous, inputs.paths, jobs, Options(), budget, overrun):
        if not ok:
            raise SourceError(*value)
        for reading in value:
            history.add(reading)
    return history


def _previous(previous) -> Report | History | None:
    """A Report, a Result or History as given; a path (or paths) of last year's reports as a History."""
    if previous is None or isinstance(previous, History):
        return previous
    from .core.model import Report

    if isinstance(previous, Report):
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
    marked_failing_only: bool = False  # only of those that do not pass (a warning alone is no reason to return a report)

    def __post_init__(self):
        bad = unknown_rules([*(self.rules or ()), *self.skip])
        if bad:
            raise ValueError(f"unknown rule ids: {', '.join(bad)}")

    def run(self, src: CellSource, relative: Path | None = None) -> Result:
        """Validate one source; a marked copy (where asked) goes to `marked / relative`."""
        reading = _read_closed(src)
        previous, why_not = (self.previous.lookup(reading.figures.meta) if isinstance(self.previous, History)
                             else (self.previous, None))
        result = evaluate(reading, previous=previous, rules=self.rules, skip=self.skip,
                          today=self.today, no_previous_because=why_not)
        if self.marked is not None and result.findings and src.kind == "workbook" and not (self.marked_failing_only and result.valid):
            from .excel.marked import MarkedCopyError, write_marked
            from .excel.marks import plan

            version = reading.workbook.version_cell or reading.workbook.version_property
            try:
                write_marked(src.name, plan(result, reading.addresses, version=version), self.marked / (relative or Path(src.name).name))
            except MarkedCopyError as exc:  # the report was read and checked: only its copy is missing
                for lang, text in exc.reason.items():
                    result.extra_lines.setdefault(lang, []).append(text)
                    result.extra_record.setdefault(lang, {})["marked_copy"] = text
        return result


def _guarded(name, work) -> list[Result]:
    try:
        return work()
    except SourceError as exc:
        return [Result.unreadable(str(exc.path), exc.reason)]
    except Exception as exc:  # a bug of ours must not stop a batch or hide the other files
        if out_of_memory(exc):  # past the worker's memory limit (or this process out of memory)
            return [Result.unreadable(str(name), overrun_reason(MEMORY, _budget))]
        return [Result.unreadable(str(name), {lang: f"{INTERNAL[lang]}{exc!r}" for lang in INTERNAL})]


_worker_options: Options | None = None
_budget: Budget = DEFAULT_BUDGET


def _set_options(options: Options, budget: Budget = DEFAULT_BUDGET) -> None:
    global _worker_options, _budget
    _worker_options, _budget = options, budget


def _item(item) -> tuple[Path, Path, Path | None]:
    """(path, path relative to its input folder, that folder) of a plain path or a `bulk.inputs.Input`."""
    if hasattr(item, "relative"):
        return item.path, item.relative, getattr(item, "root", None)
    return Path(item), Path(Path(item).name), None


def _validate_item(task) -> list[Result]:
    path, marked_as = task

    def work() -> list[Result]:
        return [Result.unreadable(str(src.path), src.reason) if isinstance(src, SourceError)
                else _worker_options.run(src, relative=marked_as) for src in sources_of(path, keep_going=True)]

    return _guarded(path, work)


def _mapped(fn, tasks: list, jobs: int | None, options: "Options", budget: Budget | None, overrun, abandoned=None) -> Iterator:
    """fn over tasks in input order: in worker processes under `budget` (None: in this process,
    without limits, as an embedding program that manages its own may want)."""
    if budget is None:
        return in_this_process(fn, tasks, _set_options, (options, DEFAULT_BUDGET))
    jobs = max(1, min(worker_count(jobs), len(tasks)))  # no more workers than files
    return budgeted_map(fn, tasks, jobs, budget, lambda task, kind: overrun(task, overrun_reason(kind, budget)),
                        _set_options, (options, budget), abandoned)


def _options(previous, rules, skip, today, marked=None, marked_failing_only=False) -> Options:
    return Options(_previous(previous), tuple(rules) if rules is not None else None, tuple(skip or ()), today,
                   Path(marked) if marked is not None else None, marked_failing_only)


def validate(source, *, previous=None, rules: Iterable[str] | None = None, skip: Iterable[str] | None = None,
             today: _dt.date | None = None) -> Result:
    """Validate one report: a path (.xlsx, .json), an openpyxl Workbook, an xlwings Book, a report
    dict or Report, or any cell source. `previous` (a report, or paths of last year's reports,
    matched by body) turns on X-01/X-02; `rules` and `skip` select rule ids."""
    options = _options(previous, rules, skip, today)
    name = source if isinstance(source, (str, os.PathLike)) else getattr(source, "name", "report")
    [result] = _guarded(name, lambda: [options.run(source_of(source))])
    return result


def validate_many(paths: Iterable, *, jobs: int | None = None, previous=None,
                  rules: Iterable[str] | None = None, skip: Iterable[str] | None = None,
                  today: _dt.date | None = None, marked: str | Path | None = None, marked_failing_only: bool = False,
                  budget: Budget | None = DEFAULT_BUDGET) -> Iterator[Result]:
    """One Result per report, in input order (a JSON Lines file yields one per line). `paths`
    may be paths or `bulk.inputs.Input`s; `marked` names a folder for marked copies (each at its
    relative path, told apart where two inputs share one; with `marked_failing_only`, only of
    those that do not pass). Each file is read in a worker process
    under `budget` (time, memory): a file past it, or whose worker the system killed, is an
    unreadable Result saying so, and the others go on. `budget=None` reads in this process, one
    file after another, with no worker and no limit: for a caller that already runs in a worker
    process with limits of its own (the server's), so that no worker starts another process."""
    from .bulk.inputs import mirrored_names

    options = _options(previous, rules, skip, today, marked, marked_failing_only)
    items = [_item(p) for p in paths]
    names = mirrored_names(items) if marked is not None else [None] * len(items)
    tasks = [(path, name) for (path, _, _), name in zip(items, names)]

    def abandoned(task) -> None:  # a worker killed mid-way may leave a marked copy's temporary file
        if options.marked is not None and task[1] is not None:
            remove_leftovers(options.marked / task[1])

    overrun = lambda task, reason: [Result.unreadable(str(task[0]), reason)]  # noqa: E731
    for results in _mapped(_validate_item, tasks, jobs, options, budget, overrun, abandoned):
        yield from results


def _audit(path, options: Options) -> Result:
    from .importing.audit import audit_path

    def work() -> list[Result]:
        _regular_file(Path(path))
        return [audit_path(path, rules=options.rules, skip=options.skip, today=options.today)]

    [result] = _guarded(path, work)
    return result


def _audit_item(path) -> Result:
    return _audit(path, _worker_options)


def audit(path: str | Path, *, rules: Iterable[str] | None = None, skip: Iterable[str] | None = None,
          today: _dt.date | None = None) -> Result:
    """Import a published report (.txt, .html, .docx) and validate it, with the import's account."""
    return _audit(path, _options(None, rules, skip, today))


def audit_many(paths: Iterable, *, jobs: int | None = None, rules: Iterable[str] | None = None,
               skip: Iterable[str] | None = None, today: _dt.date | None = None,
               budget: Budget | None = DEFAULT_BUDGET) -> Iterator[Result]:
    """One Result per published report, in input order, each read under `budget` as in validate_many."""
    tasks = [_item(p)[0] for p in paths]
    overrun = lambda path, reason: Result.unreadable(str(path), reason)  # noqa: E731
    yield from _mapped(_audit_item, tasks, jobs, _options(None, rules, skip, today), budget, overrun)


def fill(report, path: str | Path) -> Path:
    """Write a report (a Report, a report dict, or a result of validate/audit) into a fresh template."""
    from .excel.filler import fill_workbook

    refused = None
    if isinstance(report, dict):
        report = validate(report, rules=())
        if report.error is not None:
            raise SourceError(report.source, report.error)
    if isinstance(report, Result):  # what was typed in refused cells is written back as typed
        # a cell the source had but could not read (an import's ambiguous figures) says so, never blank
        unread = {c: f"（导入时未能读取：{why.render('zh')}）" for c, why in report.unread.items()}
        report, refused = report.report, {**unread, **report.refused}
    return fill_workbook(report, path, refused=refused)


def template(path: str | Path) -> Path:
    """Write the blank template."""
    from .excel.template import write_template

    return write_template(path)
