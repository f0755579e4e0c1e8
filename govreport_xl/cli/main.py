"""The command line: govreport-xl template | validate | fill | export | import | audit | schema | rules.

Parses arguments, calls the API and renders what it returns; nothing else.
Exit status: 0 no report has errors (warnings allowed), 1 some report has errors or could not be
fully checked, 2 a file cannot be read or the arguments are wrong.

Where each line goes (one rule for every command; `Console`, `_say` and `_aside` keep it):
- stdout is the run's account, what `govreport-xl … > 结果.txt` keeps: each input's result, why
  an input could not be read or was skipped, each output written (已写入 / 已导出 / 已汇总), and
  the closing list with its headline after it (the last line is the one a user sees).
- stderr is the terminal's: the progress bar, what a long step is doing (the kit's downloads), and
  a refusal that stops a command before it does its work (bad arguments, an output that may not
  be written, last year's reports unreadable, an extra not installed): an error, not a result.
- where stdout is data (`--json`, `import` without -o, `schema`, `rules`), it holds the data alone
  and the account goes to stderr; the data says itself what it holds (an unreadable file is a record).
"""

from __future__ import annotations

import argparse
import heapq
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from .. import __version__, api
from ..atomic import atomic_text
from ..core.result import Result
from ..core.rules import RULES
from ..core.source import SourceError
from ..bulk.history import duplicates
from ..bulk.inputs import Inputs, expand, mirrored_names, same_file
from ..bulk.outputs import Clash, InputIndex
from ..bulk.pool import Budget
from ..bulk.summary import SummaryWriter, Tally
from ..core.safe_text import file_stem, json_safe, shown, terminal_line
from ..excel.reader import OLD_FORMATS
from .batch import Console, failing_lines, gather, unmatched
from .render import UI, headline, render_result

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def _say(text: str) -> None:
    """A line of the account, or data, on stdout (the rule above)."""
    print(terminal_line(text), file=sys.stdout)


def _aside(text: str) -> None:
    """A line for the terminal alone, on stderr: why the command stops before it does its work,
    or what a long step is doing (the rule above)."""
    print(terminal_line(text), file=sys.stderr)


def _status(statuses) -> int:
    statuses = set(statuses)
    if "unreadable" in statuses:
        return EXIT_UNREADABLE
    return EXIT_OK if statuses <= {"valid"} else EXIT_INVALID


def _selection(args) -> dict:
    return {"rules": args.rules.split(",") if getattr(args, "rules", None) else None,
            "skip": args.skip.split(",") if getattr(args, "skip", None) else None}


OUTPUT_ERRORS = {
    "folder": ("「{path}」是文件夹，这里要的是一个文件名", "'{path}' is a folder; a file name is needed here"),
    "suffix": ("输出文件应以 {suffixes} 结尾：{path}", "the output must end in {suffixes}: {path}"),
    "not_folder": ("「{path}」已存在且不是文件夹", "'{path}' exists and is not a folder"),
}


def output_problem(path: str, suffixes: tuple[str, ...] | None, lang: str, folder: bool = False) -> str | None:
    """Why an output cannot be written where asked (a folder for a file, the wrong suffix), said
    before any work starts; None if it can. Clashes with inputs are `_refuse_clash`'s."""
    p = Path(path)
    zh_en = 0 if lang == "zh" else 1
    if folder:
        return OUTPUT_ERRORS["not_folder"][zh_en].format(path=shown(path)) if p.exists() and not p.is_dir() else None
    if p.is_dir() or path.endswith(("/", "\\")):
        return OUTPUT_ERRORS["folder"][zh_en].format(path=shown(path))
    if suffixes and p.suffix.lower() not in suffixes:
        return OUTPUT_ERRORS["suffix"][zh_en].format(path=shown(path), suffixes=" / ".join(suffixes))
    return None


def _refuse_output(*args, **kw) -> int | None:
    problem = output_problem(*args, **kw)
    if problem is None:
        return None
    _aside(problem)
    return EXIT_UNREADABLE


def _refuse_clash(clash, lang: str) -> int | None:
    """Exit 2 with the reason where an output would land on (or among) the run's inputs."""
    if clash is None:
        return None
    _aside(clash.message(lang))
    return EXIT_UNREADABLE


def _explicit(*names: str) -> Inputs:
    """Files named outright, as inputs of the run (for the output checks)."""
    return expand([n for n in names if n], ())


REPORT_SUFFIXES = api.WORKBOOK_SUFFIXES + api.JSON_SUFFIXES + OLD_FORMATS  # old formats are told what to do


def _budget(args) -> Budget:
    return Budget(args.time_limit, args.memory_limit)


def _results(args, console: Console, inputs, history=None, marked=None) -> Iterator[Result]:
    yield from unmatched(inputs)
    yield from api.validate_many(inputs.files, jobs=args.jobs, previous=history, marked=marked, budget=_budget(args),
                                 marked_failing_only=getattr(args, "failures_only", False), **_selection(args))


def _closing(console: Console, tally: Tally, lang: str, duplicate_groups=()) -> list[str]:
    notes = duplicate_notes(duplicate_groups, lang)
    if tally.total > 1:  # one report's own lines already say all
        for line in notes + failing_lines(tally.failing, lang) + previous_line(tally, lang) + [totals_from_tally(tally, lang)]:
            console.say(line)
    return notes


DUPLICATE = {"zh": "同一机关同一年度有两份以上报告：{files}；汇总时采用 {chosen}（{why}）",
             "en": "one body has more than one report for one year: {files}; consolidation takes {chosen} ({why})"}


def duplicate_notes(groups: list[list[str]], lang: str) -> list[str]:
    """Each group of one body's reports for one year, with when each was saved and which counts."""
    if not groups:
        return []
    from ..bulk.saved import latest

    notes = []
    for group in groups:
        chosen, times, why = latest(group)
        paren = UI[lang]["paren"]
        files = UI[lang]["sep"].join(shown(s) + paren.format(times[s].shown(lang)) for s in group)
        notes.append(DUPLICATE[lang].format(files=files, chosen=shown(chosen), why=why[lang]))
    return notes


def cmd_validate(args) -> int:
    console = Console(args.quiet, data=args.json)
    if args.summary and (code := _refuse_output(args.summary, (".xlsx",), args.lang)) is not None:
        return code
    if args.marked and (code := _refuse_output(args.marked, None, args.lang, folder=True)) is not None:
        return code
    inputs = gather(args.files, REPORT_SUFFIXES, console, args.lang)
    previous = expand(args.previous, api.WORKBOOK_SUFFIXES + api.JSON_SUFFIXES) if args.previous else None
    index = InputIndex([inputs, previous])
    if args.summary and (code := _refuse_clash(index.file_clash(args.summary), args.lang)) is not None:
        return code
    if args.marked:
        planned = [n for n in mirrored_names([(i.path, i.relative, i.root) for i in inputs.files])
                   if n.suffix.lower() in api.WORKBOOK_SUFFIXES]
        if (code := _refuse_clash(index.folder_clash(args.marked, planned), args.lang)) is not None:
            return code
        if args.summary and any(same_file(Path(args.marked) / n, args.summary) for n in planned):
            return _refuse_clash(Clash("each_other", args.summary, str(Path(args.marked))), args.lang)
    history = api.load_history(previous) if previous is not None else None  # unreadable: exit 2, said why
    summary = SummaryWriter(args.summary) if args.summary else None
    tally, bodies = Tally(), []
    total = len(inputs.files) + len(inputs.unmatched)
    if args.json:
        console.data("[")
    try:
        for r in console.progress(_results(args, console, inputs, history, args.marked), total):
            tally.add(r)
            if summary is not None:
                summary.add(r)
            if r.figures is not None:
                bodies.append((r.source, r.figures.meta))
            _show_result(console, r, args, first=tally.total == 1)
    except BaseException:
        if summary is not None:
            summary.discard()
        raise
    if args.json:
        console.data("]")
        notes = duplicate_notes(duplicates(bodies), args.lang)
    else:
        notes = _closing(console, tally, args.lang, duplicates(bodies))
    if summary is not None:
        summary.save(notes)
        console.say(UI[args.lang]["wrote"].format(path=shown(args.summary)))
    return _status(tally.statuses)


def _told_unreadable(console: Console, r: Result, lang: str) -> bool:
    """Say why a report could not be read; False (and nothing said) if it could."""
    if r.error is None:
        return False
    console.say(headline(r, lang))
    return True


def _show_result(console: Console, r: Result, args, first: bool) -> None:
    """One result as validate and audit print it: a JSON record (the list is opened and closed by
    the caller), or its lines (only the headlines of those that fail with --failures-only)."""
    if args.json:  # the record says why a file is unreadable; the terminal is told too
        console.data(("" if first else ",") + json_safe(json.dumps(r.record(args.lang), ensure_ascii=False, indent=2)))
        _told_unreadable(console, r, args.lang)
    elif _told_unreadable(console, r, args.lang):
        return
    elif not args.failures_only:
        console.say(render_result(r, args.lang))
    elif not r.valid:
        console.say(headline(r, args.lang))


def previous_line(tally: Tally, lang: str) -> list[str]:
    """How many were compared with last year, and why the others were not (only where asked)."""
    if not tally.previous:
        return []
    sep, unit = ("，", " 份") if lang == "zh" else (", ", "")
    head = "与上年核对：" if lang == "zh" else "compared with last year: "
    return [head + sep.join(f"{what} {n}{unit}" for what, n in tally.previous.most_common())]


def totals_from_tally(tally: Tally, lang: str) -> str:
    s = tally.statuses
    return UI[lang]["total"].format(n=tally.total, ok=s["valid"], bad=s["invalid"], inc=s["incomplete"], err=s["unreadable"])


def cmd_export(args) -> int:
    from ..formats.export import FORMATS, writer

    console = Console(args.quiet)
    if (code := _refuse_output(args.output, FORMATS, args.lang)) is not None:
        return code
    inputs = gather(args.files, REPORT_SUFFIXES, console, args.lang)
    if (code := _refuse_clash(InputIndex([inputs]).file_clash(args.output), args.lang)) is not None:
        return code
    tally = Tally()
    with writer(args.output, args.lang, wide=args.wide) as out:
        for r in console.progress(_results(args, console, inputs), len(inputs.files) + len(inputs.unmatched)):
            tally.add(r)
            out.add(r)
            _told_unreadable(console, r, args.lang)
    _closing(console, tally, args.lang)
    console.say(UI[args.lang]["written_n"].format(n=out.count, path=shown(args.output)))
    return _status(tally.statuses)


def _file_name(result: Result, index: int, used: set[str], suffix: str = ".xlsx", came_from: str | None = None) -> str:
    """"机关名称_年度.xlsx": safe on Windows, short enough for any file system, and unique within
    one run as Windows compares names (no output of a run overwrites another). Without a name,
    the file the report came from (an export's record says which), else the input's."""
    meta = result.figures.meta
    year = f"_{meta.year}" if meta.year else ""
    stem = file_stem(meta.name or Path(came_from or result.source.split("#")[0]).stem)
    stem = f"{stem}{year}" if stem else f"report_{index}"
    name, n = stem + suffix, 2
    while name.casefold() in used:
        name, n = f"{stem}_{n}{suffix}", n + 1
    used.add(name.casefold())
    return name


FILL_SKIPPED = {"zh": "跳过 {what}", "en": "skipped {what}"}
FILLED = {"zh": "已写入 {n} 份工作簿到 {path}", "en": "wrote {n} workbooks into {path}"}
FILL_SKIPPED_N = {"zh": "（跳过 {n} 份无法读取的记录）", "en": " ({n} unreadable records skipped)"}
FILL_FOLDER = {"zh": "{path} 含 {n} 份报告：请用 -o 指定一个文件夹", "en": "{path} holds {n} reports: give -o a folder"}


def cmd_fill(args) -> int:
    """One report into -o FILE.xlsx, or every report of a JSON list / JSON Lines file into -o FOLDER.
    What was typed in refused cells is written as typed; a record that cannot be read (an export's
    record of an unreadable file) is skipped with a line, the others are filled, exit 2 says so."""
    from ..formats.report_json import original_files

    many_out = not args.output.lower().endswith(".xlsx")
    results = list(api.validate_many([args.report], jobs=1, rules=()))
    readable = [(i, r) for i, r in enumerate(results) if r.error is None]
    if not readable:  # why the input cannot be read is this run's result
        for r in results:
            _say(r.error_message(args.lang))
        return EXIT_UNREADABLE
    if len(results) > 1 and not many_out:
        _aside(FILL_FOLDER[args.lang].format(path=shown(args.report), n=len(results)))
        return EXIT_UNREADABLE
    index = InputIndex([_explicit(args.report)])
    folder = many_out and len(results) > 1
    code = _refuse_output(args.output, None, args.lang, folder=True) if folder else _refuse_output(args.output, (".xlsx",), args.lang)
    if code is not None or (code := _refuse_clash(index.file_clash(args.output) if not folder else index.folder_clash(args.output), args.lang)) is not None:
        return code
    skipped = [r for r in results if r.error is not None]
    for r in skipped:
        _say(FILL_SKIPPED[args.lang].format(what=r.error_message(args.lang)))
    if len(results) == 1 and not many_out:
        api.fill(results[0], args.output)
        _say(UI[args.lang]["wrote"].format(path=shown(args.output)))
        return EXIT_OK
    from ..excel.filler import fill_many

    came_from = original_files(args.report) if Path(args.report).suffix.lower() in api.JSON_SUFFIXES else []
    came_from += [None] * (len(results) - len(came_from))
    used: set[str] = set()
    paths = [Path(args.output) / _file_name(r, i + 1, used, came_from=came_from[i]) for i, r in readable]
    if (code := _refuse_clash(index.folder_clash(args.output, [p.name for p in paths]), args.lang)) is not None:
        return code
    fill_many((r.report for _, r in readable), paths, [r.refused for _, r in readable])
    note = FILL_SKIPPED_N[args.lang].format(n=len(skipped)) if skipped else ""
    _say(FILLED[args.lang].format(n=len(paths), path=shown(args.output)) + note)
    return EXIT_UNREADABLE if skipped else EXIT_OK


AS_VALIDATE = {"zh": "  说明：这是工作簿或 JSON 报告，已按 validate 校验", "en": "  note: a workbook or report JSON, checked as validate does"}


def _audited(args, console: Console, reports_too: bool = False) -> Iterator[Result]:
    """Published texts imported and checked, in path order; with `reports_too`, a workbook or
    report JSON named among them (`audit examples/shizuishan_2022.*`) is validated, with a note."""
    inputs = gather(args.files, api.text_suffixes(), console, args.lang)
    yield from unmatched(inputs)
    reports = [i for i in inputs.files if reports_too and i.path.suffix.lower() in REPORT_SUFFIXES]
    texts = [i for i in inputs.files if i not in reports]
    audited = api.audit_many(texts, jobs=args.jobs, budget=_budget(args), **_selection(args))
    validated = api.validate_many(reports, jobs=args.jobs, budget=_budget(args), **_selection(args))

    def noted(results):
        for r in results:
            r.extra_lines = {lang: [AS_VALIDATE[lang], *r.extra_lines.get(lang, [])] for lang in AS_VALIDATE}
            yield r

    merged = heapq.merge(audited, noted(validated), key=lambda r: r.source)
    yield from console.progress(merged, len(inputs.files))


def cmd_audit(args) -> int:
    console = Console(args.quiet, data=args.json)
    tally = Tally()
    if args.json:
        console.data("[")
    for r in _audited(args, console, reports_too=True):
        tally.add(r)
        _show_result(console, r, args, first=tally.total == 1)
    if args.json:
        console.data("]")
    else:
        _closing(console, tally, args.lang)
    return _status(tally.statuses)


IMPORT_ONE = {"zh": "导出为 .xlsx 时只能导入一个文件（一份报告写成一个工作簿）：这里有 {n} 个",
              "en": "an .xlsx output takes one input file (one report, one workbook); {n} were given"}


def cmd_import(args) -> int:
    from ..formats.export import write_records

    out = args.output
    console = Console(args.quiet, data=not out)  # without -o, stdout is the JSON
    if out and (code := _refuse_output(out, (".json", ".jsonl", ".xlsx"), args.lang)) is not None:
        return code
    named = expand(args.files, api.text_suffixes())
    if out and (code := _refuse_clash(InputIndex([named]).file_clash(out), args.lang)) is not None:
        return code
    to_xlsx = bool(out) and Path(out).suffix.lower() == ".xlsx"
    if to_xlsx and (n := len(named.files) + len(named.unmatched)) != 1:
        _aside(IMPORT_ONE[args.lang].format(n=n))
        return EXIT_UNREADABLE
    results = list(_audited(args, console))
    for r in results:
        _told_unreadable(console, r, args.lang)
    if to_xlsx:
        if results[0].error is not None:  # said above
            return EXIT_UNREADABLE
        api.fill(results[0], out)  # with what it typed in refused cells, and which it could not read
    elif out:
        write_records([r.record(args.lang, with_report=True) for r in results], out)
    else:
        console.data(json_safe(json.dumps([r.record(args.lang, with_report=True) for r in results], ensure_ascii=False, indent=2)))
    if out and results:
        console.say(UI[args.lang]["wrote_n"].format(n=len(results), path=shown(out)))
    return _status(r.status for r in results)


def cmd_consolidate(args) -> int:
    from ..bulk.consolidate import consolidate, write_consolidation

    console = Console(args.quiet)
    if (code := _refuse_output(args.output, (".xlsx",), args.lang)) is not None:
        return code
    inputs = gather(args.files, REPORT_SUFFIXES, console, args.lang)
    if (code := _refuse_clash(InputIndex([inputs]).file_clash(args.output), args.lang)) is not None:
        return code
    results = console.progress(_results(args, console, inputs), len(inputs.files) + len(inputs.unmatched))
    done = consolidate(results, args.name, args.year, args.region)
    write_consolidation(done, args.output)
    t = CONSOLIDATED[args.lang]
    for m in done.left_out:
        console.say(t["left_out"].format(path=shown(m.source), why=m.why(args.lang)))
    console.say(t["done"].format(n=len(done.included), path=shown(args.output), out=len(done.left_out)))
    return EXIT_OK if done.included else EXIT_INVALID


CONSOLIDATED = {
    "zh": {"left_out": "  未计入 {path}：{why}", "done": "已汇总 {n} 份报告到 {path}（未计入 {out} 份）"},
    "en": {"left_out": "  left out {path}: {why}", "done": "consolidated {n} reports into {path} ({out} left out)"},
}


def cmd_render(args) -> int:
    """The report's tables (and the clerk's narrative) as the Word or web page that gets published."""
    from ..render import SUFFIXES, render

    console = Console(args.quiet)
    inputs = gather(args.files, REPORT_SUFFIXES, console, args.lang)
    many = len(inputs.files) + len(inputs.unmatched) > 1 or Path(args.output).suffix.lower() not in SUFFIXES
    code = _refuse_output(args.output, None, args.lang, folder=True) if many else _refuse_output(args.output, SUFFIXES, args.lang)
    index = InputIndex([inputs, _explicit(args.narrative)])
    if code is not None or (code := _refuse_clash(index.folder_clash(args.output) if many else index.file_clash(args.output), args.lang)) is not None:
        return code
    tally, used, not_written = Tally(), set(), 0
    for r in console.progress(_results(args, console, inputs), len(inputs.files)):
        tally.add(r)
        if _told_unreadable(console, r, args.lang):
            continue
        if not r.valid and not args.force:  # wrong figures are not published
            console.say(render_result(r, args.lang))
            console.say(REFUSED[args.lang].format(path=shown(r.source)))
            continue
        if not r.valid:
            console.say(render_result(r, args.lang))
        target = Path(args.output) / _file_name(r, tally.total, used, args.format) if many else Path(args.output)
        if many and (clash := index.file_clash(target)) is not None:
            console.say(clash.message(args.lang))
            not_written += 1
            continue
        render(r, target, args.narrative)
        console.say(UI[args.lang]["wrote"].format(path=shown(target)) + ("" if r.valid else NOT_VALID[args.lang]))
    _closing(console, tally, args.lang)
    return EXIT_UNREADABLE if not_written else _status(tally.statuses)


REFUSED = {"zh": "{path}：数字未通过校验，不生成发布文件（确需生成请加 --force，文件中会注明未通过校验）",
           "en": "{path}: the figures did not pass; nothing is rendered (--force renders it marked as not validated)"}
NOT_VALID = {"zh": "（未通过校验，文件中已注明）", "en": " (not validated, marked as such)"}


def cmd_template(args) -> int:
    if (code := _refuse_output(args.output, (".xlsx",), args.lang)) is not None:
        return code
    api.template(args.output)
    _say(UI[args.lang]["wrote"].format(path=shown(args.output)))
    return EXIT_OK


def cmd_schema(args) -> int:
    from ..core.model import json_schema

    if args.output and (code := _refuse_output(args.output, (".json",), args.lang)) is not None:
        return code
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        atomic_text(args.output, text)
        _say(UI[args.lang]["wrote"].format(path=shown(args.output)))
    else:
        _say(text.rstrip("\n"))
    return EXIT_OK


def cmd_addin_build(args) -> int:
    from ..addin.build.xlam import build

    if (code := _refuse_output(args.output, (".xlam",), args.lang)) is not None:
        return code
    built = build(args.output)
    _say(ADDIN["built"][args.lang].format(path=built.path, modules=UI[args.lang]["sep"].join(built.modules)))
    return EXIT_OK


ADDIN = {
    "built": {"zh": "已生成加载项 {path}（VBA 模块：{modules}）", "en": "built the add-in {path} (VBA modules: {modules})"},
    "no_excel": {"zh": "这台电脑上没有 Excel：加载项只能安装在装有 Excel 的 Windows 或 macOS 电脑上。\n"
                       "可以在这里生成加载项文件，再复制到那台电脑：govreport-xl addin build -o govreport_xl.xlam，"
                       "或为没有网络的电脑生成安装包：govreport-xl addin kit -o 年报校验安装包.zip",
                 "en": "There is no Excel on this computer: the add-in installs on Windows or macOS with Excel.\n"
                       "Build the add-in here and copy it there (govreport-xl addin build -o govreport_xl.xlam), "
                       "or build the offline kit for computers without internet (govreport-xl addin kit -o kit.zip)."},
    "installed": {"zh": "已安装加载项：{path}", "en": "installed the add-in: {path}"},
    "config": {"zh": "已写入设置：{path}（{settings}）", "en": "wrote the settings: {path} ({settings})"},
    "mac_script": {"zh": "已安装 xlwings 的 AppleScript：{path}", "en": "installed xlwings' AppleScript: {path}"},
    "restart": {"zh": "请重新启动 Excel，功能区会出现「政务公开年报」选项卡；运行 govreport-xl addin doctor 可检查安装。",
                "en": "Restart Excel: the ribbon gets the tab 政务公开年报; govreport-xl addin doctor checks the install."},
    "removed": {"zh": "已删除：{path}", "en": "removed: {path}"},
    "nothing": {"zh": "没有找到已安装的加载项或设置文件", "en": "no installed add-in or settings file was found"},
}


def _addin_call(work, lang: str) -> int:
    """Run an install step; a reason it cannot be done is one line, never a traceback."""
    from ..addin.install import InstallError, NoExcelHere

    try:
        return work()
    except NoExcelHere:
        _aside(ADDIN["no_excel"][lang])
    except InstallError as exc:
        _aside(str(exc))
    return EXIT_UNREADABLE


def cmd_addin_install(args) -> int:
    from ..addin.install import hand_edit_note, install

    def work() -> int:
        done = install(folder=args.folder and Path(args.folder), xlam=args.xlam and Path(args.xlam))
        say = lambda key, **kw: _say(ADDIN[key][args.lang].format(**kw))  # noqa: E731
        say("installed", path=done.addin)
        say("config", path=done.config, settings=(UI[args.lang]["sep"]).join(f"{k} = {v}" for k, v in done.settings.items()))
        if done.mac_script:
            say("mac_script", path=done.mac_script)
        _say(hand_edit_note())
        say("restart")
        return EXIT_OK

    return _addin_call(work, args.lang)


def cmd_addin_uninstall(args) -> int:
    from ..addin.install import uninstall

    def work() -> int:
        removed = uninstall(folder=args.folder and Path(args.folder))
        _say("\n".join(ADDIN["removed"][args.lang].format(path=p) for p in removed) or ADDIN["nothing"][args.lang])
        return EXIT_OK

    return _addin_call(work, args.lang)


def cmd_addin_doctor(args) -> int:
    from ..addin.install import doctor

    def work() -> int:
        up = doctor(folder=args.folder and Path(args.folder))
        for ok, line in up.lines:
            _say(("✓ " if ok else "✗ ") + line)
        return EXIT_OK if up.ok else EXIT_INVALID

    return _addin_call(work, args.lang)


def cmd_addin_kit(args) -> int:
    from ..addin.kit import KitError, build_kit

    if (code := _refuse_output(args.output, (".zip",), args.lang)) is not None:
        return code
    try:
        kit = build_kit(args.output, pythons=args.python, find_links=args.find_links, no_index=args.no_index, log=_aside)
    except KitError as exc:
        _aside(str(exc))
        return EXIT_UNREADABLE
    _say(kit.summary())
    return EXIT_OK


SERVE_EXTRA = {"zh": "govreport-xl serve 需要服务器组件，请安装：pip install 'govreport-xl[server]'",
               "en": "govreport-xl serve needs the [server] extra: pip install 'govreport-xl[server]'"}


def cmd_serve(args) -> int:
    try:
        import fastapi, uvicorn  # noqa: F401,E401  (the [server] extra)
    except ImportError:
        _aside(SERVE_EXTRA[args.lang])
        return EXIT_UNREADABLE
    from ..server.run import serve

    return serve(args)


def cmd_rules(args) -> int:
    from ..core.docs import rules_markdown

    _say(rules_markdown(args.lang))
    return EXIT_OK


ARGUMENTS = {
    "zh": {"bad": "参数有误：{message}\n运行 {prog} -h 查看用法", "rules": "未知的规则编号：{bad}；可用：{known}", "positive": "应大于 0"},
    "en": {"bad": "bad arguments: {message}\nsee {prog} -h", "rules": "unknown rule ids: {bad}; known: {known}",
           "positive": "must be more than 0"},
}


class _Parser(argparse.ArgumentParser):
    lang = "zh"  # of the arguments being parsed: their errors come before --lang is known

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, ARGUMENTS[_Parser.lang]["bad"].format(message=message, prog=self.prog) + "\n")


def _rule_ids(text: str) -> str:
    bad = [r for r in text.split(",") if r not in RULES]
    if bad:
        raise argparse.ArgumentTypeError(ARGUMENTS[_Parser.lang]["rules"].format(bad=", ".join(bad), known=", ".join(RULES)))
    return text


def _selection_args(sp) -> None:
    sp.add_argument("--rules", type=_rule_ids, metavar="IDS", help="只校验这些规则，逗号分隔，如 T3-01,V-01 (only these rules)")
    sp.add_argument("--skip", type=_rule_ids, metavar="IDS", help="不校验这些规则，逗号分隔 (skip these rules)")


def _suffix(text: str) -> str:
    """`html`, `.html` and `.HTML` alike."""
    return "." + text.strip().lstrip(".").lower()


def _positive(kind):
    """An argparse type: a number of `kind` above 0."""
    def parse(text: str):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(ARGUMENTS[_Parser.lang]["positive"])
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its message
    return parse


def _batch_args(sp) -> None:
    sp.add_argument("--jobs", "-j", type=_positive(int), default=None, metavar="N", help="并行处理的进程数，默认为 CPU 核数 (worker processes)")
    sp.add_argument("--quiet", "-q", action="store_true", help="不显示进度条 (no progress bar)")
    sp.add_argument("--time-limit", type=_positive(float), default=api.DEFAULT_BUDGET.seconds, metavar="SECONDS",
                    help=f"每个文件最多处理的秒数，超出的记为无法读取，默认 {api.DEFAULT_BUDGET.seconds:g} (seconds allowed per file)")
    sp.add_argument("--memory-limit", type=_positive(int), default=api.DEFAULT_BUDGET.memory_mb, metavar="MB",
                    help=f"每个文件最多使用的内存（MB），默认 {api.DEFAULT_BUDGET.memory_mb} (memory allowed per file)")


def _lang_arg(sp, default: str = "zh") -> None:
    sp.add_argument("--lang", choices=("zh", "en"), default=default, help="消息语言 (message language), default zh")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="govreport-xl",
        description="政府信息公开工作年度报告：模板、校验、导出与汇总，导入已发布的报告（文本、网页、Word、PDF）"
                    " (government information-disclosure annual reports: template, validation, export, published texts, PDF)",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def command(name, func, help_text):
        sp = sub.add_parser(name, help=help_text, description=help_text)
        _lang_arg(sp)
        sp.set_defaults(func=func)
        return sp

    sp = command("template", cmd_template, "生成空白模板 (write the blank template)")
    sp.add_argument("-o", "--output", required=True, help="输出 .xlsx")
    paths_help = "文件、文件夹（含子文件夹）或通配符，如 报告/*.xlsx (files, folders, or patterns)"
    texts_help = "文件、文件夹（含子文件夹）或通配符，如 报告/*.pdf、报告/*.txt (files, folders, or patterns)"
    sp = command("validate", cmd_validate, "校验已填写的报告 (.xlsx 或 .json) (validate filled reports)")
    sp.add_argument("files", nargs="+", metavar="PATH", help=paths_help)
    sp.add_argument("--json", action="store_true", help="以 JSON 输出 (print JSON)")
    sp.add_argument("--previous", nargs="+", metavar="PATH",
                    help="上年度的报告（文件、文件夹或 .jsonl 导出），按统一社会信用代码或机关名称对应，用于 X-01/X-02 (last year's reports, matched by body)")
    sp.add_argument("--summary", metavar="SUMMARY.xlsx", help="写出汇总工作簿：每份报告一行、每条规则一行 (write a summary workbook)")
    sp.add_argument("--marked", metavar="FOLDER", help="为有问题的工作簿写出标记后的副本（同样的相对路径）(marked copies of workbooks with findings)")
    sp.add_argument("--failures-only", action="store_true", help="只列出未通过和无法读取的文件；与 --marked 同用时只为未通过的报告写标记副本 (list only files that do not pass; with --marked, copy only those)")
    _selection_args(sp)
    _batch_args(sp)
    sp = command("fill", cmd_fill, "把 JSON 报告写入模板 (write JSON reports into the template)")
    sp.add_argument("report", metavar="REPORT.json|.jsonl", help="一份报告、导出或导入的记录，或 .jsonl (a report, an export, or JSON Lines)")
    sp.add_argument("-o", "--output", required=True, help="输出 .xlsx；含多份报告时给出文件夹 (.xlsx, or a folder for many)")
    sp = command("export", cmd_export, "导出为 .json / .jsonl / .csv / .xlsx (export with validation status)")
    sp.add_argument("files", nargs="+", metavar="PATH", help=paths_help)
    sp.add_argument("-o", "--output", required=True, help="输出 .json、.jsonl、.csv 或 .xlsx")
    sp.add_argument("--wide", action="store_true", help=".csv 每份报告一行、每个单元格一列 (a row per report)")
    _batch_args(sp)
    sp = command("consolidate", cmd_consolidate, "把多份报告逐格相加为全市（全省）报告 (add reports into one for the area)")
    sp.add_argument("files", nargs="+", metavar="PATH", help=paths_help)
    sp.add_argument("-o", "--output", required=True, help="输出 .xlsx")
    sp.add_argument("--name", required=True, help="汇总报告的机关名称，如 某某市 (the area's name)")
    sp.add_argument("--year", required=True, type=int, help="报告年度 (report year)")
    sp.add_argument("--region", help="行政区划代码 (administrative division code)")
    _batch_args(sp)
    sp = command("render", cmd_render, "把报告生成为发布用的 Word 或网页表格 (render the published report as .docx or .html)")
    sp.add_argument("files", nargs="+", metavar="PATH", help="报告（.xlsx 或 .json）、文件夹（含子文件夹）或通配符，可多份 (reports, folders or patterns)")
    sp.add_argument("-o", "--output", required=True, help="输出 .docx 或 .html；多份报告时为文件夹 (.docx/.html, or a folder)")
    sp.add_argument("--format", type=_suffix, choices=(".docx", ".html"), default=".docx",
                    help="输出到文件夹时的格式：docx 或 html (format when writing into a folder)")
    sp.add_argument("--narrative", metavar="FILE.md", help="正文（一、五、六部分），Markdown (the narrative of sections 一、五、六)")
    sp.add_argument("--force", action="store_true", help="未通过校验也生成，并在文件中注明 (render even if invalid, marked)")
    _batch_args(sp)
    sp = command("schema", cmd_schema, "输出报告的 JSON Schema (print the report JSON Schema)")
    sp.add_argument("-o", "--output", help="写入文件 (write to a file)")
    sp = command("import", cmd_import, "导入已发布的报告（.txt/.html/.docx/.pdf）(import published reports)")
    sp.add_argument("files", nargs="+", metavar="PATH", help=texts_help)
    sp.add_argument("-o", "--output", help="输出 .json、.jsonl 或 .xlsx（默认打印 JSON）")
    _batch_args(sp)
    sp = command("audit", cmd_audit, "导入并校验已发布的报告（.txt/.html/.docx/.pdf）(import and check published reports)")
    sp.add_argument("files", nargs="+", metavar="PATH", help=texts_help)
    sp.add_argument("--json", action="store_true", help="以 JSON 输出 (print JSON)")
    sp.add_argument("--failures-only", action="store_true", help="只列出未通过和无法读取的文件 (list only files that do not pass)")
    _selection_args(sp)
    _batch_args(sp)
    command("rules", cmd_rules, "列出全部校验规则 (list the rule catalogue as Markdown)")
    sp = command("serve", cmd_serve, "运行汇总单位的网上报送服务 (run the office server: uploads, dashboard, API)")
    sp.add_argument("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1 (address to listen on)")
    sp.add_argument("--port", type=int, default=8000, help="端口，默认 8000 (port)")
    sp.add_argument("--data", default="govreport-data", metavar="FOLDER", help="数据目录，默认 ./govreport-data (data folder)")
    sp.add_argument("--database", metavar="URL", help="数据库，默认数据目录中的 SQLite；或 postgresql://用户:密码@主机/库名 "
                    "(也可用环境变量 GOVREPORT_DATABASE_URL) (database URL; default SQLite in the data folder)")
    sp.add_argument("--public-url", metavar="URL", help="用户访问的地址，如 https://nianbao.example.gov.cn（生成链接用）"
                    "(the address users open, e.g. behind the HTTPS proxy)")
    sp.add_argument("--proxy", metavar="IP", help="前置 HTTPS 代理的地址，信任其 X-Forwarded-For/-Proto (the proxy's address)")
    sp.add_argument("--max-upload-mb", type=float, default=20, help="单个上传文件的大小上限（MB），默认 20 (upload limit)")
    sp.add_argument("--verbose", "-v", action="store_true", help="显示每个请求 (log every request)")
    sp = command("addin", None, "Excel 加载项（校验按钮）：生成、安装、检查、离线安装包 (the Excel add-in: build, install, check, offline kit)")
    addin = sp.add_subparsers(dest="addin_command", required=True, metavar="ACTION", parser_class=_Parser)
    bp = addin.add_parser("build", help="生成 .xlam (build the .xlam)", description="生成 .xlam 加载项 (build the .xlam add-in)")
    bp.add_argument("-o", "--output", required=True, help="输出 .xlam")
    _lang_arg(bp, default=argparse.SUPPRESS)  # `addin --lang en install` as well
    bp.set_defaults(func=cmd_addin_build)
    folder_help = "加载项所在的文件夹，默认为本用户的 XLSTART (the add-in's folder; default: this user's XLSTART)"
    ip = addin.add_parser("install", help="安装到本机 Excel (install into this PC's Excel)",
                          description="把加载项放进 Excel 启动文件夹并写入本 Python 的路径 (place it in XLSTART, set this Python as the interpreter)")
    ip.add_argument("--folder", metavar="DIR", help=folder_help)
    ip.add_argument("--xlam", metavar="FILE", help="放置这个已生成（可已签名）的加载项，而不在本机生成 (place this prebuilt, maybe signed, add-in)")
    _lang_arg(ip, default=argparse.SUPPRESS)  # `addin --lang en install` as well
    ip.set_defaults(func=cmd_addin_install)
    up = addin.add_parser("uninstall", help="从本机删除加载项和设置 (remove the add-in and its settings)",
                          description="删除加载项和本用户的设置文件 (remove the add-in and this user's conf)")
    up.add_argument("--folder", metavar="DIR", help=folder_help)
    _lang_arg(up, default=argparse.SUPPRESS)  # `addin --lang en install` as well
    up.set_defaults(func=cmd_addin_uninstall)
    dp = addin.add_parser("doctor", help="检查加载项、设置和 Python 是否一致 (check add-in, conf and Python agree)",
                          description="检查加载项、设置文件和其中的 Python（及其 xlwings 版本）是否一致 (check that they agree)")
    dp.add_argument("--folder", metavar="DIR", help=folder_help)
    _lang_arg(dp, default=argparse.SUPPRESS)  # `addin --lang en install` as well
    dp.set_defaults(func=cmd_addin_doctor)
    kp = addin.add_parser("kit", help="生成离线安装包 (build the offline install kit for Windows)",
                          description="为没有网络的 Windows 电脑生成安装包：全部 wheel、加载项、install.cmd/uninstall.cmd "
                                      "(wheels for Windows x64/x86, the add-in, install.cmd and uninstall.cmd)")
    kp.add_argument("-o", "--output", required=True, help="输出 .zip，如 年报校验安装包.zip")
    kp.add_argument("--python", action="append", metavar="X.Y",
                    help="目标电脑的 Python 版本，可重复，默认为本机的版本 (target Python versions; default: this one's)")
    kp.add_argument("--find-links", metavar="DIR", help="另在这个文件夹中找 wheel (also look for wheels here)")
    kp.add_argument("--no-index", action="store_true", help="不访问软件包索引，只用 --find-links (offline: --find-links only)")
    _lang_arg(kp, default=argparse.SUPPRESS)  # `addin --lang en install` as well
    kp.set_defaults(func=cmd_addin_kit)
    return p


def _tolerant_output() -> None:
    """Never a traceback for a character the console's code page lacks (a rare 字 in a name)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def _stop_on_sigterm() -> None:
    """A terminated run unwinds like an interrupted one: temporary outputs are removed, the
    previous output stays as it was."""
    import signal

    def stop(signum, frame):
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, stop)
    except (ValueError, OSError):  # not the main thread, or a platform without it
        pass


def main(argv: list[str] | None = None) -> int:
    _tolerant_output()
    _stop_on_sigterm()
    words = sys.argv[1:] if argv is None else argv
    _Parser.lang = "en" if "--lang=en" in words or ["--lang", "en"] in (words[i:i + 2] for i in range(len(words))) else "zh"
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `govreport-xl schema | head -1`: the reader had enough
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that Python's own flush at exit says nothing
        return EXIT_OK
    except SourceError as exc:  # e.g. last year's report cannot be read
        _aside(exc.message(args.lang))
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # e.g. an output folder that cannot be written
        _aside(f"{exc.filename or ''}{UI[getattr(args, 'lang', 'zh')]['colon']}{exc.strerror or exc}")
        return EXIT_UNREADABLE


def run() -> None:
    """The `govreport-xl` console script: `main`, then the process ends without Python's teardown
    of every module it loaded (a sixth of a one-file `validate`'s time, for nothing: the process
    is ending). What that teardown would do that matters is done first: the atexit handlers run
    (multiprocessing's among them) and the standard streams are flushed. Every output is whole
    by then (written atomically, closed). With another thread still running, the exit is
    Python's own, which waits for it."""
    import atexit
    import os
    import threading

    code = main()
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()  # what Python's own exit runs first
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away, a stream closed
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
