"""Names are data: a file name in a legacy encoding, control characters, NUL, lone surrogates or
terminal escapes in a body's name, and names that start like a formula go through every output
without a traceback, shown escaped on the terminal, stored as text (never a formula) in
workbooks and CSV, kept exact in JSON, and shortened where they become file names."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from govreport_xl.core.safe_text import csv_text, file_stem, shown
from govreport_xl.excel.layout import address
from helpers import EXAMPLE_XLSX, ROOT, example_report
from libreoffice import convert
from published import made_up_report

pytestmark = pytest.mark.slow  # the command line in subprocesses, LibreOffice

HOSTILE_NAMES = [
    "\x1b[31m红色\x1b[0m局\x07",  # terminal escapes and a bell
    "空\x00字符局",  # NUL
    "孤\ud800代理局",  # a lone surrogate (valid in JSON as an escape)
    "换\n行\r局\u202e反向",  # a line break, a carriage return, a bidirectional override
    '=HYPERLINK("http://example.invalid/x","详情")',
    "+1+1", "-1+2", "@SUM(1,1)", "\t=1+1", "\r=1+1",
    "长" * 300,
]
GBK_NAME = "市公安局.xlsx".encode("gbk")  # what unzipping a Windows-made archive on Linux gives


def run(*args, timeout=300):
    proc = subprocess.run([sys.executable, "-m", "govreport_xl", *map(str, args)], capture_output=True, cwd=ROOT, timeout=timeout)
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert "Traceback" not in out + err and "内部错误" not in out + err, err[-2000:]
    for stream in (proc.stdout, proc.stderr):  # nothing a terminal would act on
        assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", stream), stream[:400]
        assert "\u202e".encode() not in stream
    return proc.returncode, out, err


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("names")
    folder = root / "收到的报告"
    folder.mkdir()
    for i, name in enumerate(HOSTILE_NAMES):
        report = made_up_report(10 + i)
        report = report.model_copy(update={"meta": report.meta.model_copy(update={"name": name, "year": 2022})})
        (folder / f"r{i:02d}.json").write_text(json.dumps(report.to_json_dict(), ensure_ascii=True), encoding="utf-8")
    (folder / "=1+1.json").write_text(json.dumps(made_up_report(40).to_json_dict(), ensure_ascii=False), encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), GBK_NAME), "wb") as fh:
        fh.write(EXAMPLE_XLSX.read_bytes())
    return root, folder


def _no_formula_parts(path):
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_every_output_of_a_batch_keeps_names_as_data(batch):
    root, folder = batch
    code, out, err = run("validate", folder, "--summary", root / "汇总.xlsx")
    assert code in (0, 1) and "\\x1b[31m红色\\x1b[0m局\\x07" in out and "\\xca" in out and "\\xd6.xlsx" in out  # shown escaped
    assert "孤\\ud800代理局" in out
    summary = openpyxl.load_workbook(root / "汇总.xlsx")["报告"]
    header = [c.value for c in summary[1]]
    names = {c.value for c in summary["A"][1:]}
    files = [row[header.index("文件")] for row in summary.iter_rows(min_row=2) if row[header.index("文件")].value]
    assert shown(HOSTILE_NAMES[4]) in names and any(c.value.endswith("=1+1.json") for c in files)
    for row in summary.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    _no_formula_parts(root / "汇总.xlsx")

    for name, extra in (("all.json", []), ("all.jsonl", []), ("long.csv", []), ("wide.csv", ["--wide"]), ("all.xlsx", [])):
        code, out, err = run("export", folder, "-o", root / name, *extra)
        assert code in (0, 1), err
    records = json.loads((root / "all.json").read_text(encoding="utf-8"))
    assert {n.strip() for n in HOSTILE_NAMES} <= {r["report"]["meta"]["name"] for r in records}  # exact in JSON (the model strips ends)
    assert any(r["file"].encode("utf-8", "surrogateescape").endswith(GBK_NAME) for r in records)
    lines = [json.loads(x) for x in (root / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["report"]["meta"]["name"] if r["report"] else None for r in lines] == \
        [r["report"]["meta"]["name"] if r["report"] else None for r in records]
    with open(root / "wide.csv", encoding="utf-8-sig", newline="") as fh:
        wide = list(csv.reader(fh))[2:]
    cells = [c for row in wide for c in row[:11]]
    for bad in ("=", "+", "-", "@", "\t", "\r"):  # OWASP's list: never the first character of a text cell
        assert not any(c.startswith(bad) and not re.fullmatch(r"-?\d+(\.\d+)?", c) for c in cells), bad
    assert "'" + shown(HOSTILE_NAMES[4]) in cells and "'+1+1" in cells
    with open(root / "long.csv", encoding="utf-8-sig", newline="") as fh:
        long_rows = list(csv.DictReader(fh))
    assert not any(r["name"].startswith(("=", "+", "@")) for r in long_rows)
    _no_formula_parts(root / "all.xlsx")
    export = openpyxl.load_workbook(root / "all.xlsx")["报告"]
    assert all(c.data_type != "f" for row in export.iter_rows(min_row=3) for c in row)

    code, out, err = run("fill", root / "all.jsonl", "-o", root / "filled")
    made = sorted(p.name for p in (root / "filled").iterdir())
    assert code == 0 and len(made) == len(records), err  # every report written, none half
    assert all(len(n.encode()) <= 130 and not re.search(r"[\x00-\x1f]", n) for n in made)
    hyperlink = next(p for p in (root / "filled").iterdir() if p.name.startswith("=HYPERLINK"))
    cover = openpyxl.load_workbook(hyperlink)
    sheet, ref = address("META_NAME").split("!")
    assert cover[sheet][ref].data_type == "s" and cover[sheet][ref].value == HOSTILE_NAMES[4]

    for fmt in (".html", ".docx"):
        code, out, err = run("render", folder, "-o", root / f"pages{fmt}", "--format", fmt, "--force")
        assert code in (0, 1, 2) and len(list((root / f"pages{fmt}").iterdir())) == len(HOSTILE_NAMES) + 2, err
    code, out, err = run("consolidate", folder, "-o", root / "全市.xlsx", "--name", "=1+1", "--year", "2022")
    assert code == 0, err
    account = openpyxl.load_workbook(root / "全市.xlsx")["汇总范围"]
    assert all(c.data_type != "f" for row in account.iter_rows() for c in row)


def test_a_spreadsheet_shows_names_as_text(batch, tmp_path):
    """LibreOffice opens the summary and the export and computes nothing from a name."""
    root, folder = batch
    run("validate", folder, "--summary", tmp_path / "s.xlsx", "-q")
    run("export", folder, "-o", tmp_path / "e.csv", "--wide", "-q")
    [as_csv] = convert([tmp_path / "s.xlsx"], tmp_path / "lo", "csv")
    text = as_csv.read_text(encoding="utf-8", errors="replace")
    assert "HYPERLINK" in text and ",详情," not in text and "\n2," not in text
    [csv_again] = convert([tmp_path / "e.csv"], tmp_path / "lo2", "csv:Text - txt - csv (StarCalc):44,34,76,1")
    assert "HYPERLINK" in csv_again.read_text(encoding="utf-8", errors="replace")


def test_audit_never_prints_a_terminal_escape_from_a_title(tmp_path):
    text = (ROOT / "examples" / "shizuishan_2022.txt").read_text(encoding="utf-8")
    path = tmp_path / "t.txt"
    path.write_text("\x1b]0;owned\x07\x1b[2J" + text, encoding="utf-8")
    code, out, err = run("audit", path)
    assert "\\x1b]0;owned\\x07" in out + err or "owned" not in out + err


def test_long_names_make_files_that_fit(tmp_path):
    name = "甲" * 81 + ".xlsx"  # 248 bytes: the temporary name beside it must still fit
    folder = tmp_path / "in"
    folder.mkdir()
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    sheet, ref = address("T3.R01.C1").split("!")
    wb[sheet][ref] = "/"
    wb.save(folder / name)
    code, out, err = run("validate", folder, "--marked", tmp_path / "退回", "--summary", tmp_path / "s.xlsx")
    assert code == 1 and (tmp_path / "退回" / name).exists()
    assert len(file_stem("长" * 300).encode()) <= 120 and file_stem("CON") == "_CON" and file_stem(" a.. ") == "a"
    assert file_stem("a/b\\c:d\x00e") == "a_b_c_d_e"


def test_csv_text_follows_owasp():
    assert [csv_text(s) for s in ("=1", "+1", "-1", "@a", "\t1", "\r1", "-12", "12", "名")] == \
        ["'=1", "+1", "-1", "'@a", "\\t1", "\\r1", "-12", "12", "名"]
    assert csv_text("-1+2") == "'-1+2"
