"""Broken and hostile inputs, for every command: a clear message naming the file, exit 2 for a
file that cannot be read, no traceback, bounded work (each run here is held to 2 GB of address
space and 60 s), inputs unchanged, outputs whole or absent, and no file content leaking out."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govreport_xl
import hostile
from govreport_xl.core.standard import CELLS
from helpers import EXAMPLE_JSON, EXAMPLE_XLSX, ROOT, file_hash

pytestmark = pytest.mark.slow  # the command line in subprocesses

LIMIT_BYTES = 2 * 1024 ** 3


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def run(*args, timeout=60):
    proc = subprocess.run([sys.executable, "-m", "govreport_xl", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, preexec_fn=_limits)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-2000:]
    return proc


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    unreadable = [hostile.zip_bomb(folder, "sheet"), hostile.zip_bomb(folder, "strings"), hostile.zip_bomb(folder, "workbook"),
                  hostile.zip_bomb(folder, "sheet", declared=1000),
                  *(hostile.entities(folder, k, p) for k in ("laughs", "external") for p in ("strings", "sheet", "workbook")),
                  *(hostile.renamed(folder, k) for k in ("xls", "encrypted", "csv", "ods", "docx", "pdf", "empty", "truncated", "junk_zip"))]
    readable = [*hostile.structural(folder), hostile.junk_sheet(folder), hostile.nan_cell(folder)]
    return folder, unreadable, readable


WHY = {
    "bomb": "文件损坏或不安全", "laughs": "文件损坏或不安全", "external": "文件损坏或不安全",
    "really_xls": "设置了打开密码的工作簿，或旧的 .xls", "really_encrypted": "设置了打开密码",
    "really_csv": "不是 .xlsx", "really_ods": "OpenDocument", "really_docx": "Word 文档", "really_pdf": "PDF 文件",
    "really_empty": "不是 .xlsx", "really_truncated": "不是 .xlsx", "really_junk_zip": "不是 .xlsx 工作簿",
}


def test_every_unreadable_workbook_is_one_clear_message(corpus):
    _, unreadable, _ = corpus
    for path in unreadable:
        before = file_hash(path)
        proc = run("validate", path)  # bounded by run's 60 s and 2 GB
        assert proc.returncode == 2, (path.name, proc.stdout, proc.stderr)
        assert str(path) in proc.stdout and next(w for k, w in WHY.items() if path.stem.startswith(k)) in proc.stdout, proc.stdout
        assert file_hash(path) == before


def test_odd_but_readable_workbooks_are_findings(corpus):
    _, _, readable = corpus
    expect = {"no_t3_sheet": "缺少工作表「三、依申请公开」", "renamed_sheet": "缺少工作表「四、复议诉讼」",
              "names_deleted": "缺少名称 T2_R1_C1", "name_elsewhere": "合计的公式被改为",
              "unknown_version": "模板版本「9.9」未知", "empty_workbook": "不是政务公开年报的模板",
              "odd_cells": "没有计算结果", "nan_cell": "不是一个数", "unmerged": "", "junk_sheet": ""}
    for path in readable:
        proc = run("validate", path)
        words = expect[path.stem]
        assert proc.returncode == (0 if not words else 1), (path.name, proc.stdout)
        assert words in proc.stdout


def test_a_batch_goes_on_past_every_bad_file(corpus, tmp_path):
    folder, unreadable, readable = corpus
    good = tmp_path / "in" / "good.xlsx"
    good.parent.mkdir()
    good.write_bytes(EXAMPLE_XLSX.read_bytes())
    for path in (*unreadable, *readable):
        (tmp_path / "in" / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "all.jsonl"
    proc = run("export", tmp_path / "in", "-o", out, "--jobs", "2", timeout=300)
    assert proc.returncode == 2
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1 + len(unreadable) + len(readable)
    assert {Path(r["file"]).name for r in records if r["status"] == "unreadable"} == {p.name for p in unreadable}
    assert next(r for r in records if r["file"].endswith("good.xlsx"))["valid"]
    assert "root:" not in out.read_text(encoding="utf-8")  # /etc/passwd never leaks into an output


@pytest.mark.parametrize("command", ["export", "consolidate"])
def test_other_batch_commands_on_the_corpus(corpus, tmp_path, command):
    folder, unreadable, _ = corpus
    extra = ["--name", "某市", "--year", "2022"] if command == "consolidate" else []
    out = tmp_path / ("out.xlsx" if command == "consolidate" else "out.csv")
    proc = run(command, *unreadable[:6], EXAMPLE_XLSX, "-o", out, *extra, timeout=300)
    assert proc.returncode in (0, 2) and out.exists()
    for path in unreadable[:6]:
        assert str(path) in proc.stderr + proc.stdout


def test_report_json_that_is_not_one(tmp_path):
    cases = {
        "huge.json": json.dumps({"cells": {"T3.R01.C1": int("9" * 400)}}),
        "inf.json": '{"cells": {"T3.R01.C1": 1e400, "T2.R6.C1": NaN}}',
        "deep.json": "[" * 100000 + "]" * 100000,
        "notjson.json": "这不是 JSON",
        "list_of_junk.jsonl": '{"cells": {}}\n[1, 2]\n',
        "unknown.json": json.dumps({"cells": {"T9.R1.C1": 1}}),
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        proc = run("fill", path, "-o", tmp_path / "out" / (name + ".xlsx"))
        if name in ("huge.json", "inf.json"):  # a report whose figures are refused: written as typed, flagged in the workbook
            assert proc.returncode == 0, (name, proc.stderr)
            (tmp_path / "out" / (name + ".xlsx")).unlink()
            continue
        # unreadable: the run's result (stdout); two reports for one workbook: a refusal (stderr)
        said = proc.stderr if name == "list_of_junk.jsonl" else proc.stdout
        assert proc.returncode == 2 and str(path) in said, (name, proc.stdout, proc.stderr)
        proc = run("validate", path)
        assert proc.returncode in (1, 2) and str(path) in proc.stdout + proc.stderr
    assert "太大" in run("validate", tmp_path / "huge.json").stdout
    assert not list((tmp_path / "out").glob("*"))  # nothing half written


NUMBER_LITERALS = {  # issue 18: each hung, exploded or was accepted before numbers were bounded where parsed
    "year_1e1000000": ('"year": 1e1000000', "META_YEAR", "不是年份"),
    "count_tiny": ('"T3.R01.C1": 1e-999999999', "T3.R01.C1", "位数过多或指数过大"),
    "count_small": ('"T3.R01.C1": 1e-100000000', "T3.R01.C1", "位数过多或指数过大"),
    "count_5000_digits": ('"T3.R01.C1": ' + "7" * 5000, "T3.R01.C1", "太大"),
    "count_huge": ('"T3.R01.C1": 1e999999999', "T3.R01.C1", "太大"),
    "amount_text": ('"T2.R6.C1": "1E-999999999"', "T2.R6.C1", "位数过多或指数过大"),
    "amount_number": ('"T2.R6.C1": 1E-999999999', "T2.R6.C1", "位数过多或指数过大"),
}


@pytest.mark.parametrize("case", sorted(NUMBER_LITERALS))
def test_json_numbers_are_bounded_where_they_are_parsed(tmp_path, case):
    literal, code, words = NUMBER_LITERALS[case]
    meta = '{"name": "某局", ' + literal + "}" if code == "META_YEAR" else '{"name": "某局", "year": 2022}'
    cells = "{}" if code == "META_YEAR" else "{" + literal + "}"
    path = tmp_path / f"{case}.json"
    path.write_text(f'{{"meta": {meta}, "cells": {cells}}}', encoding="utf-8")
    proc = run("validate", path, "--json")
    assert proc.returncode == 1 and len(proc.stdout) < 200_000
    [record] = json.loads(proc.stdout)
    finding = next(f for f in record["findings"] if code in f["codes"])
    assert words in finding["message"] and finding["rule"] in ("V-01", "V-02", "M-01")
    out = tmp_path / "page.html"
    assert run("render", path, "-o", out).returncode == 1 and not out.exists()  # never rendered as valid
    assert run("render", path, "-o", out, "--force").returncode == 1 and out.stat().st_size < 100_000
    assert run("export", path, "-o", tmp_path / "all.jsonl").returncode == 1
    assert (tmp_path / "all.jsonl").stat().st_size < 200_000


def test_published_texts_that_are_not_reports(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(os.urandom(50000))
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.write(("政府信息公开" * 1000 + "\n").encode() * 3000)  # about 54 MB
    nested = tmp_path / "nested.html"
    nested.write_text("<html><body>" + "<div>" * 200000 + "二、主动公开政府信息情况" + "</div>" * 200000
                      + "<script>" + "x" * 1000 + "</script></body></html>", encoding="utf-8")
    bomb = tmp_path / "bomb.docx"
    stream, crc = hostile._bomb_stream(hostile.GB)
    with zipfile.ZipFile(bomb, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with zipfile.ZipFile(bomb, "a") as z:
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type, info.file_size, info.compress_size, info.CRC = zipfile.ZIP_DEFLATED, hostile.GB, len(stream), crc
        z.fp.seek(z.start_dir)
        info.header_offset = z.fp.tell()
        z.fp.write(info.FileHeader())
        z.fp.write(stream)
        z.start_dir = z.fp.tell()
        z.filelist.append(info)
        z.NameToInfo[info.filename] = info
        z._didModify = True
    utf16 = tmp_path / "notepad.txt"
    utf16.write_bytes((ROOT / "examples" / "shizuishan_2022.txt").read_text(encoding="utf-8").encode("utf-16"))
    for path, words in ((junk, "不是文本文件"), (big, "不像一份年度报告"), (nested, "嵌套超过"), (bomb, "过大或压缩比异常")):
        proc = run("audit", path)
        assert proc.returncode == 2 and str(path) in proc.stdout and words in proc.stdout, (path.name, proc.stdout)
    assert run("audit", utf16).returncode == 0  # what Notepad saves as "Unicode"
    proc = run("audit", tmp_path)  # a folder: every text in it
    assert proc.returncode == 2 and "共 5 份报告：1 份通过" in proc.stdout


def test_outputs_are_whole_or_absent_when_a_run_is_killed(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(150):
        (folder / f"r{i:03d}.xlsx").write_bytes(EXAMPLE_XLSX.read_bytes())
    out = tmp_path / "all.json"
    out.write_text("[]\n", encoding="utf-8")  # last time's export
    for sig in (signal.SIGTERM, signal.SIGKILL):
        proc = subprocess.Popen([sys.executable, "-m", "govreport_xl", "export", str(folder), "-o", str(out), "--jobs", "1", "-q"],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2.5)
        proc.send_signal(sig)
        proc.wait(timeout=30)
        text = out.read_text(encoding="utf-8")
        assert text == "[]\n" or len(json.loads(text)) == 150  # the old file, or the whole new one
    leftovers = [p.name for p in tmp_path.glob(".all.json.*.tmp")]
    assert len(leftovers) <= 1  # SIGTERM cleans up; only SIGKILL can leave its hidden temporary file


def test_no_command_overwrites_its_input(tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(EXAMPLE_XLSX.read_bytes())
    before = file_hash(path)
    for args in (["export", path, "-o", path], ["consolidate", path, "-o", path, "--name", "x", "--year", "2022"],
                 ["import", ROOT / "examples" / "shizuishan_2022.txt", "-o", ROOT / "examples" / "shizuishan_2022.txt"],
                 ["fill", EXAMPLE_JSON, "-o", EXAMPLE_JSON], ["validate", path, "--summary", path]):
        assert run(*args).returncode == 2, args
    assert file_hash(path) == before


def test_schema_into_a_closed_pipe():
    proc = subprocess.run(f"{sys.executable} -m govreport_xl schema | head -1", shell=True, capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout == "{\n" and proc.stderr == ""


# --- fuzzing: anything may be reported, nothing may crash or hang ---------------------------------

_EXAMPLE = EXAMPLE_XLSX.read_bytes()
values = st.one_of(st.none(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
                   st.text(max_size=30), st.booleans(), st.decimals(allow_nan=True), st.datetimes(),
                   st.sampled_from(["#REF!", "=1/0", "=SUM(A1:A3)", "/", "无", "1,234", "１２"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.dictionaries(st.sampled_from(list(CELLS)), values, max_size=12))
def test_any_cell_values(cells):
    result = govreport_xl.validate({"cells": cells})
    assert result.error is None and result.report is not None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(0, len(_EXAMPLE) - 1), st.integers(1, 255)), min_size=1, max_size=20))
def test_byte_flips_in_a_workbook(tmp_path_factory, flips):
    data = bytearray(_EXAMPLE)
    for at, x in flips:
        data[at] ^= x
    path = tmp_path_factory.mktemp("flip") / "flipped.xlsx"
    path.write_bytes(bytes(data))
    result = govreport_xl.validate(path)
    assert result.error is None or "内部错误" not in result.error["zh"], result.error


_LINES = (ROOT / "examples" / "shizuishan_2022.txt").read_text(encoding="utf-8").splitlines()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.tuples(st.integers(0, len(_LINES) - 1), st.integers(0, 200), st.integers(0, 200)), max_size=60))
def test_spliced_report_texts(tmp_path_factory, picks):
    text = "\n".join(_LINES[i][a:a + b] if b else _LINES[i] for i, a, b in picks)
    path = tmp_path_factory.mktemp("splice") / "r.txt"
    path.write_text(text, encoding="utf-8")
    result = govreport_xl.audit(path)
    assert result.error is None or "内部错误" not in result.error["zh"], result.error
