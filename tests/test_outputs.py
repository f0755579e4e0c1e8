"""Outputs never overwrite inputs: every output of a run is checked against every input of the run
(last year's reports included), under any spelling (symlinks, `..`, hard links), and never lands
where a later run would read it back; two inputs sharing a relative path keep two marked copies;
symlink loops and named pipes are told, never a traceback or a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import openpyxl
import pytest

import govreport_xl
from govreport_xl.excel.filler import fill_workbook
from govreport_xl.excel.layout import address
from helpers import EXAMPLE_XLSX, ROOT, example_report, file_hash
from published import made_up_report

pytestmark = pytest.mark.slow  # the command line in subprocesses


def run(*args, timeout=120):
    proc = subprocess.run([sys.executable, "-m", "govreport_xl", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-2000:]
    return proc


def hashes(folder):
    return {p: file_hash(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def broken_copy(path, value="/"):
    """The example with 自然人 本年新收 filled in wrong: a workbook that gets a marked copy."""
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    sheet, ref = address("T3.R01.C1").split("!")
    wb[sheet][ref] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_consolidate_into_its_own_input_folder_is_refused_every_time(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(EXAMPLE_XLSX.read_bytes())
    before = hashes(folder)
    for _ in range(3):  # it used to count its own earlier output: 199, 398, 597
        proc = run("consolidate", folder, "-o", folder / "all.xlsx", "--name", "某市", "--year", "2022", "-q")
        assert proc.returncode == 2 and "下次运行会把它当作报告读入" in proc.stderr
        assert hashes(folder) == before
    for _ in range(2):  # outside the folder: the same figures every run
        assert run("consolidate", folder, "-o", tmp_path / "all.xlsx", "--name", "某市", "--year", "2022", "-q").returncode == 0
        assert govreport_xl.read(tmp_path / "all.xlsx").report.value("T3.R01.C1") == 199


@pytest.mark.parametrize("command", ["export", "consolidate", "summary"])
def test_an_output_in_an_input_folder_or_matched_by_a_pattern_is_refused(tmp_path, command):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(EXAMPLE_XLSX.read_bytes())
    for names, out in (([folder], folder / "sub" / "x.xlsx"), ([str(folder / "*.xlsx")], folder / "x.xlsx")):
        args = {"export": ["export", *names, "-o", out], "summary": ["validate", *names, "--summary", out],
                "consolidate": ["consolidate", *names, "-o", out, "--name", "x", "--year", "2022"]}[command]
        proc = run(*args)
        assert proc.returncode == 2 and "下次运行会把它当作报告读入" in proc.stderr, proc.stderr
        assert not out.exists()
    # an export of another kind than the inputs may sit beside them
    assert run("export", folder, "-o", folder / "all.csv", "-q").returncode == 0


def test_marked_copies_of_inputs_sharing_a_relative_path_are_both_kept(tmp_path):
    a, b = broken_copy(tmp_path / "a" / "x.xlsx", "/"), broken_copy(tmp_path / "b" / "x.xlsx", "无")
    out = tmp_path / "退回"
    assert run("validate", tmp_path / "a", tmp_path / "b", "--marked", out, "--jobs", "2", "-q").returncode == 1
    made = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx"))
    assert made == ["a/x.xlsx", "b/x.xlsx"]  # named by the folders that tell them apart
    for source in (a, b):  # each copy is its own source's, not whichever finished last
        copy = out / source.parent.name / "x.xlsx"
        assert govreport_xl.validate(copy).findings == govreport_xl.validate(source).findings
    # files named outright, and roots with one name: told apart further up, or numbered
    c = broken_copy(tmp_path / "c" / "a" / "x.xlsx", "-")
    run("validate", a, b, c, "--marked", tmp_path / "m2", "-q")
    assert sorted(p.relative_to(tmp_path / "m2").as_posix() for p in (tmp_path / "m2").rglob("*.xlsx")) == \
        ["b/x.xlsx", "c/a/x.xlsx", f"{tmp_path.name}/a/x.xlsx"]


def test_last_years_reports_are_inputs_too(tmp_path):
    prev, this = tmp_path / "prev", tmp_path / "this"
    fill_workbook(example_report().model_copy(update={"meta": example_report().meta.model_copy(update={"year": 2021})}),
                  prev / "a.xlsx")
    broken_copy(this / "a.xlsx")
    before = hashes(prev)
    (tmp_path / "link").symlink_to(prev, target_is_directory=True)
    os.link(prev / "a.xlsx", tmp_path / "hard.xlsx")
    for summary in (prev / "a.xlsx", tmp_path / "link" / "a.xlsx", this / ".." / "prev" / "a.xlsx", tmp_path / "hard.xlsx"):
        proc = run("validate", this, "--previous", prev / "a.xlsx", "--summary", summary)
        assert proc.returncode == 2 and "输入文件从不覆盖" in proc.stderr, (summary, proc.stderr)
    for marked in (prev, tmp_path / "link", prev / "sub"):  # onto last year's files, or where they would be read back
        proc = run("validate", this, "--previous", prev, "--marked", marked)
        assert proc.returncode == 2, (marked, proc.stdout)
    assert hashes(prev) == before
    proc = run("validate", this, "--previous", prev, "--marked", tmp_path / "out", "--summary", tmp_path / "s.xlsx", "-q")
    assert proc.returncode == 1 and (tmp_path / "out" / "a.xlsx").exists() and (tmp_path / "s.xlsx").exists()


def test_marked_inside_its_own_input_tree_does_not_nest(tmp_path):
    folder = tmp_path / "in"
    broken_copy(folder / "x.xlsx")
    for _ in range(2):
        proc = run("validate", folder, "--marked", folder / "marked")
        assert proc.returncode == 2 and "下次运行会把它当作报告读入" in proc.stderr
    assert not (folder / "marked").exists()
    proc = run("validate", folder, "--marked", folder)  # the copies would replace the inputs themselves
    assert proc.returncode == 2 and "输入文件从不覆盖" in proc.stderr


def test_an_output_through_a_symlink_onto_an_input_is_refused(tmp_path):
    source = tmp_path / "r.xlsx"
    source.write_bytes(EXAMPLE_XLSX.read_bytes())
    before = file_hash(source)
    (tmp_path / "out.xlsx").symlink_to(source)
    (tmp_path / "sub").mkdir()
    for out in (tmp_path / "out.xlsx", tmp_path / "sub" / ".." / "r.xlsx"):
        assert run("export", source, "-o", out).returncode == 2
        assert run("consolidate", source, "-o", out, "--name", "x", "--year", "2022").returncode == 2
    narrative = tmp_path / "p.html"
    narrative.write_text("# 一、总体情况\n正文。\n", encoding="utf-8")
    assert run("render", source, "-o", narrative, "--narrative", narrative).returncode == 2
    assert file_hash(source) == before and narrative.read_text(encoding="utf-8").startswith("# 一")


def test_symlink_loops_and_pipes_are_told_never_a_traceback_or_a_hang(tmp_path):
    (tmp_path / "loop.xlsx").symlink_to(tmp_path / "loop.xlsx")
    (tmp_path / "dangling.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    os.mkfifo(tmp_path / "pipe.xlsx")
    os.mkfifo(tmp_path / "pipe.txt")
    good = tmp_path / "good.xlsx"
    good.write_bytes(EXAMPLE_XLSX.read_bytes())
    proc = run("validate", tmp_path / "loop.xlsx", tmp_path / "pipe.xlsx", tmp_path / "dangling.xlsx", good, timeout=60)
    assert proc.returncode == 2
    assert "loop.xlsx：无法打开" in proc.stdout and "pipe.xlsx：不是普通文件" in proc.stdout
    assert "dangling.xlsx：符号链接指向的文件不存在" in proc.stdout and "石嘴山市人民政府" in proc.stdout
    proc = run("audit", tmp_path / "pipe.txt", timeout=60)
    assert proc.returncode == 2 and "不是普通文件" in proc.stdout
    proc = run("validate", tmp_path, "-q", timeout=60)  # in a folder: skipped with a note, the rest read
    assert "跳过" in proc.stdout and "pipe.xlsx：不是普通文件" in proc.stdout and "loop.xlsx：符号链接无效或循环" in proc.stdout
    assert "共" not in proc.stdout or "1 份通过" in proc.stdout
    for args in (["export", good, "-o", tmp_path / "loop.xlsx"], ["validate", good, "--summary", tmp_path / "loop.xlsx"],
                 ["validate", good, "--marked", tmp_path / "loop.xlsx"]):
        proc = run(*args, timeout=60)
        assert proc.returncode == 2 and proc.stderr.strip(), args
