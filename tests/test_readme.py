"""The README's shell commands run as written (issue 21 item 15): the quick start's, and the
collecting office's, where what a command prints must be what the README shows.

The office's commands run in a folder laid out as the README's example (收到的报告 with three
good reports, one with three errors, a damaged file and Excel's lock file; 去年的报告 for
--previous), through the `govreport-xl` script this environment installed."""

import configparser
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from govreport_xl.excel.filler import fill_workbook
from govreport_xl.excel.layout import address
from helpers import ROOT
from published import made_up_report

pytestmark = pytest.mark.slow  # the command line in subprocesses

README = (ROOT / "README.md").read_text(encoding="utf-8")
SCRIPT = Path(sys.executable).parent / "govreport-xl"  # the console script pip installed beside this Python


def section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n## ", start + 1)
    end2 = README.find("\n### ", start + 1)
    return README[start:min(e for e in (end, end2, len(README)) if e != -1)]


def run(command: str, cwd: Path) -> subprocess.CompletedProcess:
    words = shlex.split(command)
    assert words[0].endswith("govreport-xl"), command
    proc = subprocess.run([str(SCRIPT), *words[1:]], capture_output=True, text=True, cwd=cwd, timeout=600)
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return proc


def test_the_quick_start_runs_as_written():
    block = re.search(r"```sh\n(.*?)```", section("## 快速开始"), re.S).group(1)
    install = next(line for line in block.splitlines() if "pip install" in line)
    extras = re.search(r"pip install -e '\.\[(\w+)\]'", install).group(1)
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    assert extras in cfg["options.extras_require"], extras  # the extra the quick start installs exists
    command = install.split("&&")[-1].strip()
    assert command == ".venv/bin/govreport-xl validate examples/shizuishan_2022.xlsx"
    proc = run(command, ROOT)
    assert proc.returncode == 0 and proc.stderr == "", proc.stdout + proc.stderr
    assert proc.stdout == "√ examples/shizuishan_2022.xlsx：石嘴山市人民政府 2022 年度 — 通过（0 个错误，0 个警告）\n"
    assert "bash .ci/run" in block and ".venv/bin/python -m pytest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _report(seed: int, name: str, year: int):
    report = made_up_report(seed)
    return report.model_copy(update={"meta": report.meta.model_copy(update={"name": name, "year": year, "uscc": None, "level": None})})


@pytest.fixture
def office(tmp_path):
    """The README's folder: what an office receives, and last year's reports of the same bodies."""
    received, last = tmp_path / "收到的报告", tmp_path / "去年的报告"
    bodies = {"县区/甲县.xlsx": "甲县人民政府", "县区/乙县.xlsx": "乙县人民政府", "市民政局.xlsx": "市民政局", "县区/丙县.xlsx": "丙县人民政府"}
    for seed, (path, name) in enumerate(bodies.items(), start=1):
        for folder, year in ((received, 2022), (last, 2021)):
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            fill_workbook(_report(seed + 10 * (year - 2021), name, year), folder / path)
    wb = openpyxl.load_workbook(received / "县区" / "丙县.xlsx")  # three errors: T3-01 twice, V-01 once
    sheet, ref = address("T3.R01.C1").split("!")
    wb[sheet][ref] = wb[sheet][ref].value + 1
    sheet, ref = address("T2.R3.C1").split("!")
    wb[sheet][ref] = -1
    wb.save(received / "县区" / "丙县.xlsx")
    (received / "市公安局.xlsx").write_bytes(b"not a workbook")
    shutil.copyfile(received / "市民政局.xlsx", received / "~$市教育局.xlsx")
    return tmp_path


def test_the_office_commands_run_as_written_and_print_what_the_readme_shows(office):
    text = section("### 汇总单位")
    steps = []  # in the README's order: ("shown", command, output) or ("inline", command)
    for m in re.finditer(r"```text\n(.*?)```|`(govreport-xl [^`]+)`", text, re.S):
        if m.group(1):
            block = m.group(1)
            for part in re.split(r"^\s*\$ ", block, flags=re.M)[1:]:
                command, *output = part.splitlines()
                steps.append(("shown", command, [line.strip() for line in output if line.strip()]))
        else:
            steps.append(("inline", m.group(2)))
    commands = [s[1] for s in steps]
    assert commands == [
        "govreport-xl validate 收到的报告 --summary 汇总.xlsx --marked 退回 --failures-only",
        "govreport-xl validate 收到的报告 --previous 去年的报告",
        "govreport-xl export 收到的报告 -o 全部.xlsx",
        "govreport-xl consolidate 收到的报告 -o 全市.xlsx --name 某某市 --year 2022",
        "govreport-xl validate 全市.xlsx",
        "govreport-xl fill 全部.jsonl -o 工作簿文件夹",
    ], commands  # a new command in the section: add what it needs here
    for kind, command, *shown in steps:
        proc = run(command, office)
        assert proc.stderr == "", (command, proc.stderr)  # nothing refused
        if kind == "shown":  # the README shows what a terminal shows; indentation aside
            assert [line.strip() for line in proc.stdout.splitlines()] == shown[0], (command, proc.stdout)
        if "--previous" in command:
            assert "与上年核对：已核对 4 份" in proc.stdout, proc.stdout
        if command.endswith("-o 全部.xlsx"):  # the paragraph's other outputs, the .jsonl that fill takes among them
            for out in ("全部.csv --wide", "全部.csv", "全部.json", "全部.jsonl"):
                assert run(command.replace("全部.xlsx", out), office).returncode == 2  # 市公安局.xlsx is unreadable
    assert (office / "汇总.xlsx").exists() and (office / "退回" / "县区" / "丙县.xlsx").exists()
    assert sorted(p.name for p in (office / "工作簿文件夹").iterdir()) == \
        ["丙县人民政府_2022.xlsx", "乙县人民政府_2022.xlsx", "市民政局_2022.xlsx", "甲县人民政府_2022.xlsx"]
