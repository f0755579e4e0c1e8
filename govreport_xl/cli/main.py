"""The command line: govreport-xl template | validate | fill | export | import | audit | schema | rules.

Parses arguments, calls the API and renders what it returns; nothing else.
Exit status: 0 no report has errors (warnings allowed), 1 some report has errors or could not be
fully checked, 2 a file cannot be read or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import __version__, api
from ..atomic import atomic_text
from ..core.docs import rules_markdown
from ..core.model import json_schema
from ..core.result import Result
from ..core.rules import RULES
from ..core.source import SourceError
from ..formats.export import FORMATS, write_export, write_records
from .render import FAIL_MARK, UI, render_result, totals_line

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def _say(text: str, stream=None) -> None:
    print(text, file=stream or sys.stdout)


def _status(results: list[Result]) -> int:
    if any(r.error is not None for r in results):
        return EXIT_UNREADABLE
    return EXIT_OK if all(r.valid for r in results) else EXIT_INVALID


def _unreadable_on_stderr(results: list[Result], lang: str) -> None:
    for r in results:
        if r.error is not None:
            _say(f"{FAIL_MARK} {r.error_message(lang)}", sys.stderr)


def _selection(args) -> dict:
    return {"rules": args.rules.split(",") if getattr(args, "rules", None) else None,
            "skip": args.skip.split(",") if getattr(args, "skip", None) else None}


def _previous(args):
    """Last year's report, read once; a file that cannot be read stops the run (exit 2)."""
    if not getattr(args, "previous", None):
        return None
    return api.read(args.previous).report


def _validated(args) -> list[Result]:
    return list(api.validate_many(args.files, jobs=1, previous=_previous(args), **_selection(args)))


def cmd_validate(args) -> int:
    results = _validated(args)
    if args.json:
        _say(json.dumps([r.record(args.lang) for r in results], ensure_ascii=False, indent=2))
    else:
        _unreadable_on_stderr(results, args.lang)
        for r in results:
            if r.error is None:
                _say(render_result(r, args.lang))
        if len(results) > 1:
            _say(totals_line(results, args.lang))
    return _status(results)


def cmd_export(args) -> int:
    if Path(args.output).suffix.lower() not in FORMATS:
        _say(f"输出文件应以 {' / '.join(FORMATS)} 结尾：{args.output}", sys.stderr)
        return EXIT_UNREADABLE
    results = _validated(args)
    _unreadable_on_stderr(results, args.lang)
    write_export(results, args.output, args.lang)
    _say(UI[args.lang]["written_n"].format(n=len(results), path=args.output), sys.stderr)
    return _status(results)


def _lost_in_fill(result: Result) -> list:
    """Findings about values the template cannot hold (refused cells, a year that is not one)."""
    return [f for f in result.findings if f.rule != "M-01" or f.params["reason"].key != "blank"]


def cmd_fill(args) -> int:
    result = api.validate(args.report, rules=("V-01", "V-02", "M-01"))
    if result.error is not None:
        _say(result.error_message(args.lang), sys.stderr)
        return EXIT_UNREADABLE
    if lost := _lost_in_fill(result):  # write nothing rather than drop a value
        for f in lost:
            _say(f"{args.report}：{f.rule} {f.message(args.lang)}", sys.stderr)
        return EXIT_UNREADABLE
    api.fill(result.report, args.output)
    _say(UI[args.lang]["wrote"].format(path=args.output), sys.stderr)
    return EXIT_OK


def _audited(args) -> list[Result]:
    return [api.audit(path, **_selection(args)) for path in args.files]


def cmd_audit(args) -> int:
    results = _audited(args)
    if args.json:
        _say(json.dumps([r.record(args.lang) for r in results], ensure_ascii=False, indent=2))
    else:
        _unreadable_on_stderr(results, args.lang)
        for r in results:
            if r.error is None:
                _say(render_result(r, args.lang))
    return _status(results)


def cmd_import(args) -> int:
    results = _audited(args)
    out = args.output
    _unreadable_on_stderr(results, args.lang)
    if out and Path(out).suffix.lower() == ".xlsx":
        if len(results) != 1 or results[0].error is not None:
            _say("导出为 .xlsx 时只能导入一个文件 (one input file for .xlsx output)", sys.stderr)
            return EXIT_UNREADABLE
        api.fill(results[0].report, out)
    elif out and Path(out).suffix.lower() in (".json", ".jsonl"):
        write_records([r.record(args.lang, with_report=True) for r in results], out)
    elif out:
        _say(f"输出文件应以 .json、.jsonl 或 .xlsx 结尾：{out}", sys.stderr)
        return EXIT_UNREADABLE
    else:
        _say(json.dumps([r.record(args.lang, with_report=True) for r in results], ensure_ascii=False, indent=2))
    if out and results:
        _say(UI[args.lang]["written_n"].format(n=len(results), path=out), sys.stderr)
    return _status(results)


def cmd_template(args) -> int:
    api.template(args.output)
    _say(UI[args.lang]["wrote"].format(path=args.output), sys.stderr)
    return EXIT_OK


def cmd_schema(args) -> int:
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        atomic_text(args.output, text)
    else:
        _say(text.rstrip("\n"))
    return EXIT_OK


def cmd_addin_build(args) -> int:
    from ..addin.build.xlam import build

    built = build(args.output)
    _say(f"已生成加载项 {built.path}（VBA 模块：{'、'.join(built.modules)}）", sys.stderr)
    return EXIT_OK


def cmd_addin_install(args) -> int:
    from ..addin.install import NoExcelHere, install

    try:
        done = install()
    except NoExcelHere:
        _say("这台电脑上没有 Excel：加载项只能安装在装有 Excel 的 Windows 或 macOS 电脑上。\n"
             "可以在这里生成加载项文件，再复制到那台电脑：govreport-xl addin build -o govreport_xl.xlam\n"
             "(Excel is needed: install on Windows or macOS, or build the .xlam here and copy it.)", sys.stderr)
        return EXIT_UNREADABLE
    _say(f"已安装加载项：{done.addin}\n已写入设置：{done.config}\n请重新启动 Excel，功能区会出现「政务公开年报」选项卡。", sys.stderr)
    return EXIT_OK


def cmd_rules(args) -> int:
    _say(rules_markdown(args.lang))
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, f"参数有误 (bad arguments)：{message}\n运行 {self.prog} -h 查看用法 (see -h)\n")


def _rule_ids(text: str) -> str:
    bad = [r for r in text.split(",") if r not in RULES]
    if bad:
        raise argparse.ArgumentTypeError(f"未知的规则编号 (unknown rule ids)：{', '.join(bad)}；可用 (known)：{', '.join(RULES)}")
    return text


def _selection_args(sp) -> None:
    sp.add_argument("--rules", type=_rule_ids, metavar="IDS", help="只校验这些规则，逗号分隔，如 T3-01,V-01 (only these rules)")
    sp.add_argument("--skip", type=_rule_ids, metavar="IDS", help="不校验这些规则，逗号分隔 (skip these rules)")


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
    _selection_args(sp)
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
    _selection_args(sp)
    command("rules", cmd_rules, "列出全部校验规则 (list the rule catalogue as Markdown)")
    sp = command("addin", None, "Excel 加载项（校验按钮）：生成或安装 (the Excel add-in: build or install)")
    addin = sp.add_subparsers(dest="addin_command", required=True, metavar="ACTION", parser_class=_Parser)
    bp = addin.add_parser("build", help="生成 .xlam (build the .xlam)", description="生成 .xlam 加载项 (build the .xlam add-in)")
    bp.add_argument("-o", "--output", required=True, help="输出 .xlam")
    bp.set_defaults(func=cmd_addin_build, lang="zh")
    ip = addin.add_parser("install", help="安装到本机 Excel (install into this PC's Excel)",
                          description="把加载项复制到 Excel 启动文件夹并写入 Python 路径 (copy to XLSTART, set the interpreter)")
    ip.set_defaults(func=cmd_addin_install, lang="zh")
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
    except SourceError as exc:  # e.g. last year's report cannot be read
        _say(exc.message(args.lang), sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # e.g. an output folder that cannot be written
        _say(f"{exc.filename or ''}：{exc.strerror or exc}", sys.stderr)
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
