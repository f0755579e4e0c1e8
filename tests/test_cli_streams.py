"""Where the command line's lines go, and in which language (issue 21 items 14 and 15).

Every command is run on the example, a broken copy, an unreadable file and a lock file, with
stdout and stderr captured apart: stdout is the run's account (what `> 结果.txt` keeps: results,
why a file was unreadable or skipped, every output written, the headline after its list),
stderr the terminal's (refusals before any work; the account where stdout is data). Under
--lang en nothing Chinese is printed but data: body names, sheet names, file names.
"""

import contextlib
import io
import json
import re
import shutil

import openpyxl
import pytest

from govreport_xl.cli import main
from govreport_xl.excel.layout import SHEET_CHECKS, address, sheets
from helpers import EXAMPLE_JSON, EXAMPLE_XLSX, ROOT

pytestmark = pytest.mark.slow  # every command, twice, doing its real work

BODY = "石嘴山市人民政府"
AREA = "某市"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("streams")
    folder = root / "in"
    folder.mkdir()
    shutil.copyfile(EXAMPLE_XLSX, folder / "ok.xlsx")
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    sheet, ref = address("T3.R01.C1").split("!")
    wb[sheet][ref] = 200  # T3-01 breaks for 自然人 and 总计
    wb.save(folder / "broken.xlsx")
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    sheet, ref = address("META_NAME").split("!")
    wb[sheet][ref] = None  # no body name: a filled copy is named after this file
    wb.save(folder / "noname.xlsx")
    (folder / "bad.xlsx").write_bytes(b"PK not a workbook")
    (folder / "~$ok.xlsx").write_bytes(b"lock")
    texts = root / "texts"
    texts.mkdir()
    shutil.copyfile(ROOT / "examples" / "shizuishan_2022.txt", texts / "report.txt")
    (texts / "other.txt").write_text("一篇与年报无关的文章。\n", encoding="utf-8")
    (root / "bad.json").write_text('{"cells": {"T9.R1.C1": 1}}', encoding="utf-8")
    return root


def command_lines(root, lang):
    """(name, argv) of every command, in an order where each finds what an earlier one wrote."""
    i, t, out = root / "in", root / "texts", root / f"out-{lang}"
    return [
        ("validate", ["validate", i, "--summary", out / "s.xlsx"]),
        ("validate --json", ["validate", i, "--json"]),
        ("export", ["export", i, "-o", out / "e.jsonl"]),
        ("consolidate", ["consolidate", i, "-o", out / "c.xlsx", "--name", AREA, "--year", "2022"]),
        ("render", ["render", i, "-o", out / "pages", "--format", "html"]),
        ("fill many", ["fill", out / "e.jsonl", "-o", out / "filled"]),
        ("fill one", ["fill", EXAMPLE_JSON, "-o", out / "one.xlsx"]),
        ("fill unreadable", ["fill", root / "bad.json", "-o", out / "never.xlsx"]),
        ("import", ["import", t, "-o", out / "i.jsonl"]),
        ("import to stdout", ["import", t]),
        ("audit", ["audit", t, i / "ok.xlsx"]),
        ("audit --json", ["audit", t, "--json"]),
        ("template", ["template", "-o", out / "t.xlsx"]),
        ("schema", ["schema", "-o", out / "schema.json"]),
        ("rules", ["rules"]),
        ("addin build", ["addin", "build", "-o", out / "a.xlam"]),
        *((f"addin {action}", ["addin", action, "--folder", out / "xlstart"]) for action in ("install", "doctor", "uninstall")),
        ("output refused", ["export", i, "-o", out / "x.txt"]),
        ("bad arguments", ["validate", i, "--rules", "X-99"]),
    ]


def run(argv, lang):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv] + ["--lang", lang])
        except SystemExit as exc:  # argparse
            code = exc.code
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def runs(files):
    return {(name, lang): run(argv, lang) for lang in ("zh", "en") for name, argv in command_lines(files, lang)}


def test_the_account_is_on_stdout_and_the_headline_comes_last(runs, files):
    out = lambda name: runs[name, "zh"][1].splitlines()  # noqa: E731
    for name in ("validate", "export", "consolidate", "render", "fill many", "fill one", "fill unreadable", "import",
                 "audit", "template", "schema", "rules", "addin build"):
        assert runs[name, "zh"][2] == "", (name, runs[name, "zh"][2])  # nothing for the terminal alone: no bar when piped
    skip = f"跳过 {files / 'in' / '~$ok.xlsx'}：Excel 打开文件时留下的临时锁定文件"
    bad = f"× {files / 'in' / 'bad.xlsx'}：无法作为 .xlsx 工作簿打开"
    for name in ("validate", "export", "consolidate", "render"):
        assert out(name)[0] == skip and any(line.startswith(bad) or f"未计入 {files / 'in' / 'bad.xlsx'}：无法读取" in line
                                            for line in out(name)), name
    # each list before its headline: the last line is the one a user sees
    assert out("validate")[-3].startswith("  × ") and out("validate")[-2].startswith("共 4 份报告：")
    assert out("validate")[-1] == f"已写入 {files / 'out-zh' / 's.xlsx'}"
    assert out("export")[-2].startswith("共 4 份报告：") and out("export")[-1] == f"已导出 4 份报告到 {files / 'out-zh' / 'e.jsonl'}"
    assert [line[:6] for line in out("consolidate")[1:-1]] == ["  未计入 "] * 3
    assert out("consolidate")[-1] == f"已汇总 1 份报告到 {files / 'out-zh' / 'c.xlsx'}（未计入 3 份）"
    assert any("数字未通过校验，不生成发布文件" in line for line in out("render"))
    assert f"已写入 {files / 'out-zh' / 'pages' / (BODY + '_2022.html')}" in out("render")
    assert out("template") == [f"已写入 {files / 'out-zh' / 't.xlsx'}"]
    assert out("schema") == [f"已写入 {files / 'out-zh' / 'schema.json'}"]
    assert out("addin build")[0].startswith(f"已生成加载项 {files / 'out-zh' / 'a.xlam'}")


def test_fill_says_what_it_wrote_and_names_a_nameless_report_after_its_file(runs, files):
    """Item 14: 已写入, not 已导出; a report without a body name is named after the workbook its
    record came from, not after the .jsonl."""
    code, out, _ = runs["fill many", "zh"]
    assert code == 2 and out.splitlines()[-1] == f"已写入 3 份工作簿到 {files / 'out-zh' / 'filled'}（跳过 1 份无法读取的记录）"
    assert out.startswith(f"跳过 {files / 'out-zh' / 'e.jsonl'}#1：") and "bad.xlsx" in out.splitlines()[0]
    assert sorted(p.name for p in (files / "out-zh" / "filled").iterdir()) == \
        sorted([f"{BODY}_2022.xlsx", f"{BODY}_2022_2.xlsx", "noname_2022.xlsx"])
    assert runs["fill one", "zh"][1] == f"已写入 {files / 'out-zh' / 'one.xlsx'}\n"
    code, out, _ = runs["fill unreadable", "zh"]
    assert code == 2 and "T9.R1.C1" in out and not (files / "out-zh" / "never.xlsx").exists()


def test_where_stdout_is_data_it_holds_the_data_alone(runs, files):
    code, out, err = runs["validate --json", "zh"]
    assert code == 2 and [r["status"] for r in json.loads(out)] == ["unreadable", "invalid", "invalid", "valid"]  # noname: M-01
    assert err.splitlines() == [f"跳过 {files / 'in' / '~$ok.xlsx'}：Excel 打开文件时留下的临时锁定文件",
                                next(line for line in err.splitlines() if line.startswith(f"× {files / 'in' / 'bad.xlsx'}："))]
    for name in ("import to stdout", "audit --json"):
        code, out, err = runs[name, "zh"]
        records = json.loads(out)
        assert code == 2 and [r["status"] for r in records] == ["unreadable", "valid"], name
        assert err.startswith(f"× {files / 'texts' / 'other.txt'}：不是政府信息公开工作年度报告"), (name, err)
    code, out, err = runs["import", "zh"]
    assert out.splitlines()[0].startswith(f"× {files / 'texts' / 'other.txt'}：不是政府信息公开工作年度报告")
    assert out.splitlines()[-1] == f"已写入 2 份报告到 {files / 'out-zh' / 'i.jsonl'}" and err == ""
    assert runs["rules", "zh"][1].startswith("| 编号 |")


def test_a_refusal_is_on_stderr_and_nothing_is_done(runs, files):
    for name in ("output refused", "bad arguments", "addin install", "addin doctor", "addin uninstall"):
        code, out, err = runs[name, "zh"]
        assert code == 2 and out == "" and err.strip(), name
    assert "没有 Excel" in runs["addin install", "zh"][2]  # this machine has none
    assert not (files / "out-zh" / "x.txt").exists()


CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
TERMS_OF_ART = ("统一社会信用代码", "规章", "政务公开年报")  # named in Chinese in the English text, as the standard names them


def data_removed(text: str) -> str:
    """The text less what is data: names of bodies and of the area, the template's sheet names
    (in cell addresses), terms of art, and JSON string values (data, in the language of the data)."""
    for value in sorted((BODY, AREA, SHEET_CHECKS, *(s.name for s in sheets()), *TERMS_OF_ART), key=len, reverse=True):
        text = text.replace(value, "")
    return text


def test_english_has_no_chinese_outside_the_data(runs):
    """Item 15: every command under --lang en, on the example, a broken copy and an unreadable file."""
    for (name, lang), (code, out, err) in runs.items():
        if lang != "en":
            continue
        for stream, text in (("stdout", out), ("stderr", err)):
            if name in ("validate --json", "import to stdout", "audit --json") and stream == "stdout":
                text = "\n".join(_json_keys_and_messages(json.loads(text)))
            left = [line for line in data_removed(text).splitlines() if CJK.search(line)]
            assert not left, (name, stream, left)


def _json_keys_and_messages(value, key=""):
    """What a JSON record says in the language asked for: its keys, and the messages (the report
    and the import's account are data)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("report", "import", "refused"):
                continue
            yield k
            yield from _json_keys_and_messages(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _json_keys_and_messages(v, key)
    elif isinstance(value, str) and key not in ("file", "cells"):
        yield value


def test_the_console_script_ends_with_every_line_out_and_atexit_run(files, tmp_path):
    """`run` (the console script) ends the process without Python's teardown: the status is the
    command's, what was printed reaches a pipe and a file whole, and atexit handlers still run."""
    import subprocess
    import sys

    marker = tmp_path / "atexit.txt"
    code = ("import atexit, pathlib, sys\n"
            f"atexit.register(lambda: pathlib.Path({str(marker)!r}).write_text('ran'))\n"
            "from govreport_xl.cli import run\n"
            "sys.argv = ['govreport-xl', *sys.argv[1:]]\n"
            "run()\n")
    folder = files / "in"
    expected = io.StringIO()
    with contextlib.redirect_stdout(expected), contextlib.redirect_stderr(io.StringIO()):
        status = main(["validate", str(folder), "--jobs", "1"])
    proc = subprocess.run([sys.executable, "-c", code, "validate", str(folder), "--jobs", "1"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert (proc.returncode, proc.stdout) == (status, expected.getvalue()) and status == 2, proc.stderr
    assert marker.read_text() == "ran"
    out = tmp_path / "结果.txt"
    with out.open("w") as f:
        assert subprocess.run([sys.executable, "-m", "govreport_xl", "validate", str(folder)], stdout=f, cwd=ROOT, timeout=300).returncode == 2
    assert out.read_text() == expected.getvalue()
