"""The command line as a user runs it: exit codes, Chinese and English text, JSON, exports."""

import csv
import os
import json
import subprocess
import sys
from decimal import Decimal

import openpyxl
import pytest

from govreport_xl.cli import main
from govreport_xl.excel.layout import address
from helpers import EXAMPLE_JSON, EXAMPLE_XLSX, ROOT, example_report

pytestmark = pytest.mark.slow  # the command line in subprocesses


def run(*args):
    proc = subprocess.run([sys.executable, "-m", "govreport_xl", *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    assert "Traceback" not in proc.stderr
    return proc


@pytest.fixture
def broken(tmp_path):
    path = tmp_path / "broken.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    sheet, ref = address("T3.R01.C1").split("!")
    wb[sheet][ref] = 200  # 199 -> 200: the row total follows, so T3-01 breaks for 自然人 and 总计
    wb.save(path)
    return path


def test_validate_example_passes():
    proc = run("validate", EXAMPLE_XLSX)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "石嘴山市人民政府 2022 年度 — 通过（0 个错误，0 个警告）" in proc.stdout


def test_validate_broken_in_chinese_and_english(broken):
    proc = run("validate", broken)
    assert proc.returncode == 1
    assert "[错误] T3-01 自然人列" in proc.stdout
    assert "本年新收 + 上年结转 = 203；办理结果总计 + 结转下年度 = 202" in proc.stdout  # both sides named
    assert "单元格：三、依申请公开!D6:D7,D29:D30" in proc.stdout
    proc = run("validate", "--lang", "en", broken)
    assert proc.returncode == 1 and "[error] T3-01 column C1 (natural persons)" in proc.stdout
    assert "received + carried over = 203; total handled + carried forward = 202" in proc.stdout


def test_validate_json_shape(broken):
    proc = run("validate", "--json", EXAMPLE_XLSX, broken)
    assert proc.returncode == 1
    records = json.loads(proc.stdout)
    assert [r["file"] for r in records] == sorted(map(str, (EXAMPLE_XLSX, broken)))  # sorted paths: the same order every run
    by_file = {r["file"]: r for r in records}
    assert by_file[str(EXAMPLE_XLSX)]["valid"] and not by_file[str(broken)]["valid"]
    bad = by_file[str(broken)]
    assert set(bad) == {"file", "status", "valid", "errors", "warnings", "findings", "not_checkable", "rules"}
    assert bad["status"] == "invalid" and bad["not_checkable"] == []
    assert bad["rules"]["skipped"] == {"X-01": "未提供上年度报告", "X-02": "未提供上年度报告",
                                       "N-01": "不是导入的已发布报告", "N-02": "不是导入的已发布报告",
                                       "F-01": "不是导入的已发布报告"}
    assert bad["errors"] == len([f for f in bad["findings"] if f["severity"] == "error"]) == 2
    t301 = next(f for f in bad["findings"] if f["rule"] == "T3-01")
    assert set(t301) == {"rule", "severity", "message", "cells", "codes", "expected", "actual"}
    assert t301["codes"] == ["T3.R01.C1", "T3.R02.C1", "T3.R24.C1", "T3.R25.C1"]
    assert t301["cells"] == [address(c) for c in t301["codes"]]
    assert (t301["expected"], t301["actual"]) == (203, 202)


def test_exit_2_for_unreadable_files_and_bad_arguments(tmp_path):
    junk = tmp_path / "x.xlsx"
    junk.write_text("hello")
    proc = run("validate", EXAMPLE_XLSX, junk)
    assert proc.returncode == 2 and "x.xlsx：" in proc.stdout and "通过" in proc.stdout
    assert run("validate").returncode == 2
    assert run("validate", tmp_path / "missing.xlsx").returncode == 2
    assert run("export", EXAMPLE_XLSX, "-o", tmp_path / "out.txt").returncode == 2


def test_fill_then_validate(tmp_path):
    out = tmp_path / "filled.xlsx"
    proc = run("fill", EXAMPLE_JSON, "-o", out)
    assert proc.returncode == 0 and out.exists()
    assert run("validate", out).returncode == 0


def test_fill_writes_a_refused_value_as_typed_and_refuses_what_is_not_a_report(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"meta": {"name": "x"}, "cells": {"T3.R01.C1": -1}}), encoding="utf-8")
    proc = run("fill", bad, "-o", tmp_path / "typed.xlsx")  # nothing typed is lost: the workbook says it is wrong
    assert proc.returncode == 0
    sheet, ref = address("T3.R01.C1").split("!")
    assert openpyxl.load_workbook(tmp_path / "typed.xlsx")[sheet][ref].value == -1
    assert "负数" in run("validate", tmp_path / "typed.xlsx").stdout
    bad.write_text(json.dumps({"cells": {"T9.R1.C1": 1}}), encoding="utf-8")
    proc = run("fill", bad, "-o", tmp_path / "o.xlsx")
    assert proc.returncode == 2 and "T9.R1.C1" in proc.stdout
    assert not (tmp_path / "o.xlsx").exists()


def test_export_json_jsonl_csv(tmp_path, broken):
    assert main(["export", str(EXAMPLE_XLSX), "-o", str(tmp_path / "one.json")]) == 0
    [record] = json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))  # always a list
    assert record["valid"] and record["report"]["cells"]["T2.R6.C1"] == "8715.96"
    assert main(["export", str(EXAMPLE_XLSX), str(broken), "-o", str(tmp_path / "many.jsonl")]) == 1
    lines = (tmp_path / "many.jsonl").read_text(encoding="utf-8").splitlines()
    assert {json.loads(x)["file"]: json.loads(x)["valid"] for x in lines} == {str(EXAMPLE_XLSX): True, str(broken): False}
    assert main(["export", str(EXAMPLE_XLSX), str(broken), "-o", str(tmp_path / "long.csv")]) == 1
    with open(tmp_path / "long.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 400
    assert {"file", "name", "year", "code", "value", "valid"} <= set(rows[0])
    amount = next(r for r in rows if r["code"] == "T2.R6.C1" and r["file"] == str(EXAMPLE_XLSX))
    assert (amount["name"], amount["year"], Decimal(amount["value"]), amount["valid"]) == ("石嘴山市人民政府", "2022", Decimal("8715.96"), "true")
    assert {r["valid"] for r in rows if r["file"] == str(broken)} == {"false"}


def test_exported_record_fills_back(tmp_path):
    main(["export", str(EXAMPLE_XLSX), "-o", str(tmp_path / "one.json")])
    assert main(["fill", str(tmp_path / "one.json"), "-o", str(tmp_path / "again.xlsx")]) == 0
    main(["export", str(tmp_path / "again.xlsx"), "-o", str(tmp_path / "two.json")])
    one, two = (json.loads((tmp_path / n).read_text(encoding="utf-8"))[0]["report"] for n in ("one.json", "two.json"))
    assert one == two == example_report().to_json_dict()


def test_template_command(tmp_path):
    out = tmp_path / "sub" / "t.xlsx"
    assert main(["template", "-o", str(out)]) == 0 and out.exists()
    assert run("validate", out).returncode == 1  # blank: no name, no year


def test_rules_table_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for lang in ("zh", "en"):
        table = run("rules", "--lang", lang).stdout.strip()
        assert table in readme, f"README rule table ({lang}) is stale: run govreport-xl rules --lang {lang}"


def test_output_survives_a_chinese_windows_code_page(broken):
    """Redirected output on Chinese Windows is GBK: every character we print must encode."""
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    proc = subprocess.run([sys.executable, "-m", "govreport_xl", "validate", str(broken)], capture_output=True, cwd=ROOT, env=env)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    text = proc.stdout.decode("gbk")
    assert text.startswith("× ") and "[错误] T3-01" in text and "?" not in text
    proc = subprocess.run([sys.executable, "-m", "govreport_xl", "validate"], capture_output=True, cwd=ROOT, env=env)
    assert proc.returncode == 2 and "参数有误" in proc.stderr.decode("gbk")


def test_the_readme_python_snippet_runs_as_written(tmp_path):
    """Issue 21 item 15: the snippet ran into undefined names and files that do not exist, and
    printed Reason(key=…) where a user wants the text."""
    import re
    import shutil

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"### Python API.*?```python\n(.*?)```", readme, re.S).group(1)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    proc = subprocess.run([sys.executable, "-c", snippet], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("valid 0 0\n") and "Reason(" not in proc.stdout and "X-01 未提供上年度报告" in proc.stdout
    assert (tmp_path / "new.xlsx").exists() and (tmp_path / "blank.xlsx").exists()


def test_render_takes_the_format_with_or_without_its_dot(tmp_path):
    for fmt in ("html", ".html", "HTML"):
        proc = run("render", EXAMPLE_XLSX, EXAMPLE_JSON, "-o", tmp_path / fmt, "--format", fmt)
        assert proc.returncode == 0 and sorted(p.suffix for p in (tmp_path / fmt).iterdir()) == [".html", ".html"], proc.stderr
    assert run("render", EXAMPLE_XLSX, "-o", tmp_path / "x", "--format", "pdf").returncode == 2


def test_the_readme_audit_command_takes_the_workbook_and_json_beside_the_texts():
    """Issue 21 item 15: `audit examples/shizuishan_2022.*` (as a shell expands it) exited 2 on the
    .xlsx and .json; they are validated, with a note, and the command passes."""
    files = sorted((ROOT / "examples").glob("shizuishan_2022.*"))
    proc = run("audit", *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("已按 validate 校验") == 2 and "共 5 份报告：5 份通过" in proc.stdout
