"""The command line: govreport-xl template | validate | fill | export | import | audit | schema | rules.

Exit status: 0 no file has errors (warnings allowed), 1 some file has errors, 2 a file cannot be
read or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from . import __version__
from .docs import rules_markdown
from .export import FORMATS, write_export, write_records
from .findings import Finding, plain
from .importing.audit import audit_path
from .layout import compact_cells
from .model import json_schema
from .report_json import read_report_json
from .rules import Severity
from .safe_write import atomic_text
from .sources import SourceError
from .template import write_template
from .validation import Outcome, read_source, validate_source
from .workbook_filler import fill_workbook

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
COLLAPSE_AT = 6
PASS_MARK, FAIL_MARK = "√", "×"  # both in GBK: a Chinese Windows console or redirected file can show them
INTERNAL = {"zh": "读取时发生内部错误（请报告此问题）：", "en": "internal error while reading (please report it): "}  # more V-03 findings than this are shown as one line

UI = {
    "zh": {
        "pass": "通过", "fail": "不通过", "error": "错误", "warning": "警告",
        "counts": "{e} 个错误，{w} 个警告", "cells": "单元格", "expected": "应为 {x}，实际 {a}",
        "blank": "（空白）", "unnamed": "（未填机关名称）", "year": "{y} 年度",
        "blanks": "共 {n} 个单元格未填写，按 0 计算：{cells}{more}", "more": " 等",
        "total": "共 {n} 个文件：{ok} 个通过，{bad} 个不通过，{err} 个无法读取",
        "wrote": "已写入 {path}", "written_n": "已导出 {n} 份报告到 {path}", "colon": "：", "paren": "（{}）", "codes": "单元格代码",
    },
    "en": {
        "pass": "valid", "fail": "invalid", "error": "error", "warning": "warning",
        "counts": "{e} errors, {w} warnings", "cells": "cells", "expected": "expected {x}, actual {a}",
        "blank": "(blank)", "unnamed": "(no body name)", "year": "year {y}",
        "blanks": "{n} cells are blank and counted as 0: {cells}{more}", "more": " …",
        "total": "{n} files: {ok} valid, {bad} invalid, {err} unreadable",
        "wrote": "wrote {path}", "written_n": "exported {n} reports to {path}", "colon": ": ", "paren": " ({})", "codes": "cell codes",
    },
}


def _show(value, t) -> str:
    return t["blank"] if value is None else str(plain(value))


def _finding_lines(f: Finding, lang: str) -> list[str]:
    t = UI[lang]
    sev = t["error"] if f.severity is Severity.ERROR else t["warning"]
    lines = [f"  [{sev}] {f.rule} {f.message(lang)}"]
    if f.cells:
        lines.append(f"         {t['cells']}{t['colon']}{compact_cells(f.cells)}")
    elif f.codes:
        lines.append(f"         {t['codes']}{t['colon']}{' '.join(f.codes)}")
    if f.expected is not None:
        lines.append("         " + t["expected"].format(x=_show(f.expected, t), a=_show(f.actual, t)))
    return lines


def render_outcome(outcome: Outcome, lang: str = "zh") -> str:
    t = UI[lang]
    meta = outcome.source.report.meta
    who = meta.name or t["unnamed"]
    year = t["year"].format(y=meta.year) if meta.year else ""
    status = t["pass"] if outcome.valid else t["fail"]
    counts = t["counts"].format(e=outcome.errors, w=outcome.warnings)
    lines = [f"{PASS_MARK if outcome.valid else FAIL_MARK} {outcome.source.path}{t['colon']}{who} {year} — {status}{t['paren'].format(counts)}"]
    by_rule = defaultdict(list)
    for f in outcome.findings:
        by_rule[f.rule].append(f)
    for f in outcome.findings:
        if f.rule == "V-03" and len(by_rule["V-03"]) > COLLAPSE_AT:
            continue
        lines += _finding_lines(f, lang)
    blanks = by_rule["V-03"]
    if len(blanks) > COLLAPSE_AT:
        cells = [c for f in blanks for c in f.cells]
        shown = compact_cells(cells[:12])
        lines.append(f"  [{t['warning']}] V-03 " + t["blanks"].format(n=len(blanks), cells=shown, more=t["more"] if len(cells) > 12 else ""))
    return "\n".join(lines)


def _say(text: str, stream=None) -> None:
    print(text, file=stream or sys.stdout)


def _each(files, lang, work) -> tuple[list, int]:
    """`work(path)` for every file; a file that cannot be read is said on stderr and counted."""
    results, unreadable = [], 0
    for path in files:
        try:
            results.append(work(path))
        except SourceError as exc:
            unreadable += 1
            _say(f"{FAIL_MARK} " + exc.message(lang), sys.stderr)
        except Exception as exc:  # a bug of ours must not hide the other files' results
            unreadable += 1
            _say(f"{FAIL_MARK} {path}：{INTERNAL[lang]}{exc!r}", sys.stderr)
    return results, unreadable


def _outcomes(files, previous, lang) -> tuple[list[Outcome], int]:
    prev = None
    if previous:
        try:
            prev = read_source(previous)
        except SourceError as exc:
            _say(exc.message(lang), sys.stderr)
            return [], 1
    return _each(files, lang, lambda path: validate_source(read_source(path), prev))


def _status(outcomes, unreadable) -> int:
    if unreadable:
        return EXIT_UNREADABLE
    return EXIT_OK if all(o.valid for o in outcomes) else EXIT_INVALID


def cmd_validate(args) -> int:
    outcomes, unreadable = _outcomes(args.files, args.previous, args.lang)
    if args.json:
        _say(json.dumps([o.record(args.lang) for o in outcomes], ensure_ascii=False, indent=2))
    else:
        for o in outcomes:
            _say(render_outcome(o, args.lang))
        if len(args.files) > 1:
            ok = sum(o.valid for o in outcomes)
            _say(UI[args.lang]["total"].format(n=len(args.files), ok=ok, bad=len(outcomes) - ok, err=unreadable))
    return _status(outcomes, unreadable)


def cmd_export(args) -> int:
    if Path(args.output).suffix.lower() not in FORMATS:
        _say(f"输出文件应以 {' / '.join(FORMATS)} 结尾：{args.output}", sys.stderr)
        return EXIT_UNREADABLE
    outcomes, unreadable = _outcomes(args.files, None, args.lang)
    if outcomes:
        write_export(outcomes, args.output, args.lang)
        _say(UI[args.lang]["written_n"].format(n=len(outcomes), path=args.output), sys.stderr)
    return _status(outcomes, unreadable)


def cmd_fill(args) -> int:
    try:
        source = read_report_json(args.report)
    except SourceError as exc:
        _say(exc.message(args.lang), sys.stderr)
        return EXIT_UNREADABLE
    if source.problems:
        for f in validate_source(source).findings:
            if f.rule in ("V-01", "V-02"):
                _say(f"{args.report}：{f.rule} {f.message(args.lang)}", sys.stderr)
        return EXIT_UNREADABLE
    fill_workbook(source.report, args.output)
    _say(UI[args.lang]["wrote"].format(path=args.output), sys.stderr)
    return EXIT_OK


def _audits(files, lang):
    return _each(files, lang, audit_path)


def cmd_audit(args) -> int:
    audits, unreadable = _audits(args.files, args.lang)
    if args.json:
        _say(json.dumps([a.record(args.lang) for a in audits], ensure_ascii=False, indent=2))
    else:
        for a in audits:
            head, *rest = render_outcome(a.outcome, args.lang).split("\n")
            _say("\n".join([head, *a.summary_lines(args.lang), *rest]))
    return _status([a.outcome for a in audits], unreadable)


def cmd_import(args) -> int:
    audits, unreadable = _audits(args.files, args.lang)
    out = args.output
    if out and Path(out).suffix.lower() == ".xlsx":
        if len(audits) != 1 or unreadable:
            _say("导出为 .xlsx 时只能导入一个文件 (one input file for .xlsx output)", sys.stderr)
            return EXIT_UNREADABLE
        fill_workbook(audits[0].imported.report, out)
    elif out and Path(out).suffix.lower() in (".json", ".jsonl"):
        write_records([a.record(args.lang) for a in audits], out)
    elif out:
        _say(f"输出文件应以 .json、.jsonl 或 .xlsx 结尾：{out}", sys.stderr)
        return EXIT_UNREADABLE
    else:
        _say(json.dumps([a.record(args.lang) for a in audits], ensure_ascii=False, indent=2))
    if out and audits:
        _say(UI[args.lang]["written_n"].format(n=len(audits), path=out), sys.stderr)
    return _status([a.outcome for a in audits], unreadable)


def cmd_template(args) -> int:
    write_template(args.output)
    _say(UI[args.lang]["wrote"].format(path=args.output), sys.stderr)
    return EXIT_OK


def cmd_schema(args) -> int:
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        atomic_text(args.output, text)
    else:
        _say(text.rstrip("\n"))
    return EXIT_OK


def cmd_rules(args) -> int:
    _say(rules_markdown(args.lang))
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, f"参数有误 (bad arguments)：{message}\n运行 {self.prog} -h 查看用法 (see -h)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="govreport-xl",
        description="政府信息公开工作年度报告：模板、校验与导出 (government information-disclosure annual reports)",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def command(name, func, help_text):
        sp = sub.add_parser(name, help=help_text, description=help_text)
        sp.add_argument("--lang", choices=("zh", "en"), default="zh", help="消息语言 (message language), default zh")
        sp.set_defaults(func=func)
        return sp

    sp = command("template", cmd_template, "生成空白模板 (write the blank template)")
    sp.add_argument("-o", "--output", required=True, help="输出 .xlsx")
    sp = command("validate", cmd_validate, "校验已填写的报告 (.xlsx 或 .json) (validate filled reports)")
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp.add_argument("--json", action="store_true", help="以 JSON 输出 (print JSON)")
    sp.add_argument("--previous", metavar="FILE", help="同一机关上年度的报告，用于 X-01/X-02 (last year's report)")
    sp = command("fill", cmd_fill, "把 JSON 报告写入模板 (write a JSON report into the template)")
    sp.add_argument("report", metavar="REPORT.json")
    sp.add_argument("-o", "--output", required=True, help="输出 .xlsx")
    sp = command("export", cmd_export, "导出为 .json / .jsonl / .csv (export with validation status)")
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp.add_argument("-o", "--output", required=True, help="输出 .json、.jsonl 或 .csv")
    sp = command("schema", cmd_schema, "输出报告的 JSON Schema (print the report JSON Schema)")
    sp.add_argument("-o", "--output", help="写入文件 (write to a file)")
    sp = command("import", cmd_import, "导入已发布的报告（.txt/.html/.docx）(import published reports)")
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp.add_argument("-o", "--output", help="输出 .json、.jsonl 或 .xlsx（默认打印 JSON）")
    sp = command("audit", cmd_audit, "导入并校验已发布的报告 (import and check published reports)")
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp.add_argument("--json", action="store_true", help="以 JSON 输出 (print JSON)")
    command("rules", cmd_rules, "列出全部校验规则 (list the rule catalogue as Markdown)")
    return p


def _tolerant_output() -> None:
    """Never a traceback for a character the console's code page lacks (a rare 字 in a name)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    _tolerant_output()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # e.g. an output folder that cannot be written
        _say(f"{exc.filename or ''}：{exc.strerror or exc}", sys.stderr)
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
