"""The collecting office's batch: folders and patterns, bad files in the middle, parallel runs,
exports an office can open, the summary, marked copies, consolidation and last year's reports."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal

import openpyxl
import pytest

import govreport_xl
from govreport_xl.bulk.consolidate import ACCOUNT_SHEET
from govreport_xl.bulk.inputs import expand
from govreport_xl.cli import main
from govreport_xl.core.standard import CELLS, INPUT_CODES
from govreport_xl.core.uscc import check_character
from govreport_xl.excel.filler import fill_workbook
from govreport_xl.excel.layout import address
from govreport_xl.excel.marks import RESULTS_SHEET
from helpers import EXAMPLE_XLSX, ROOT, example_report, file_hash
from published import made_up_report

pytestmark = pytest.mark.slow  # the command line in subprocesses

USCC = "91640200MB1234567" + check_character("91640200MB1234567")


def _report(seed: int, name: str, year: int = 2022, uscc: str | None = None):
    report = made_up_report(seed)
    meta = report.meta.model_copy(update={"name": name, "year": year, "uscc": uscc, "level": None})
    return report.model_copy(update={"meta": meta})


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A folder as an office receives it: good reports in subfolders, a broken one, a damaged
    file, a lock file, a hidden file and a JSON report."""
    root = tmp_path_factory.mktemp("office") / "收到的报告"
    (root / "县区" / "甲县").mkdir(parents=True)
    (root / ".sync").mkdir()
    fill_workbook(_report(1, "甲县人民政府"), root / "县区" / "甲县" / "甲县.xlsx")
    fill_workbook(_report(2, "乙县人民政府"), root / "县区" / "乙县.xlsx")
    fill_workbook(example_report(), root / "石嘴山.xlsx")
    broken = openpyxl.load_workbook(root / "县区" / "乙县.xlsx")
    sheet, ref = address("T3.R01.C1").split("!")
    broken[sheet][ref] = "/"
    broken.save(root / "县区" / "丙县（填错）.xlsx")
    (root / "坏文件.xlsx").write_bytes(b"PK\x03\x04 not really")
    shutil.copy(root / "石嘴山.xlsx", root / "~$石嘴山.xlsx")
    shutil.copy(root / "石嘴山.xlsx", root / ".sync" / "副本.xlsx")
    (root / "丁.json").write_text(json.dumps(_report(4, "丁局", uscc=USCC).to_json_dict(), ensure_ascii=False), encoding="utf-8")
    return root


def test_inputs_from_folders_and_patterns(office):
    inputs = expand([str(office), str(office / "*.xlsx")], (".xlsx", ".json"))
    names = [i.path.name for i in inputs.files]
    assert names == sorted(names, key=lambda n: str(next(i.path for i in inputs.files if i.path.name == n)))
    assert set(names) == {"甲县.xlsx", "乙县.xlsx", "丙县（填错）.xlsx", "石嘴山.xlsx", "坏文件.xlsx", "丁.json"}
    assert {(p.name, why["zh"]) for p, why in inputs.skipped} == {("~$石嘴山.xlsx", "Excel 打开文件时留下的临时锁定文件"), ("副本.xlsx", "隐藏文件")}
    assert expand([str(office / "*.pdf")], (".xlsx",)).unmatched == [str(office / "*.pdf")]
    assert next(i for i in inputs.files if i.path.name == "甲县.xlsx").relative.parts == ("县区", "甲县", "甲县.xlsx")


def run(*args):
    proc = subprocess.run([sys.executable, "-m", "govreport_xl", *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_a_bad_file_never_stops_the_batch_and_is_a_record_everywhere(office, tmp_path):
    for name in ("all.json", "all.jsonl", "long.csv", "wide.csv", "all.xlsx"):
        extra = ["--wide"] if name == "wide.csv" else []
        proc = run("export", office, "-o", tmp_path / name, "--jobs", "2", *extra)
        assert proc.returncode == 2  # one file could not be read ...
        assert "坏文件.xlsx：" in proc.stdout and "已导出 6 份报告" in proc.stdout  # ... and every other was exported
        assert "未通过或无法读取的报告（2 份）" in proc.stdout and "丙县（填错）.xlsx（不通过）" in proc.stdout
    records = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert [r["file"] for r in records] == sorted(r["file"] for r in records)
    bad = next(r for r in records if r["file"].endswith("坏文件.xlsx"))
    assert bad["status"] == "unreadable" and bad["report"] is None and "无法作为 .xlsx" in bad["error"]
    lines = [json.loads(x) for x in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["file"] for r in lines] == [r["file"] for r in records]
    with open(tmp_path / "long.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5 * 200 + 1 and any(r["status"] == "无法读取" and "无法作为" in r["label"] for r in rows)  # status words follow --lang
    with open(tmp_path / "wide.csv", encoding="utf-8-sig", newline="") as fh:
        wide = list(csv.reader(fh))
    assert wide[0][:3] == ["file", "name", "uscc"] and wide[0][-1] == "T4.R3.C5" and wide[1][-1].startswith("T4.R3.C5 ")
    assert len(wide) == 2 + 6
    ding = next(r for r in wide[2:] if r[1] == "丁局")
    assert ding[2] == USCC  # has letters: written as it is


def test_exports_open_in_an_office_as_text_where_text_is_meant(tmp_path):
    digits = "911101080000000000"
    path = tmp_path / "digits.json"
    path.write_text(json.dumps(_report(5, "某局", uscc=digits).to_json_dict(), ensure_ascii=False), encoding="utf-8")
    assert main(["export", str(path), "-o", str(tmp_path / "x.csv"), "--wide", "-q"]) == 1  # M-03: check character
    with open(tmp_path / "x.csv", encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh))[2][2] == f'="{digits}"'  # Excel keeps ="…" as text, not 9.1E+17
    main(["export", str(path), "-o", str(tmp_path / "x.xlsx"), "-q"])
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["报告"]
    header = [c.value for c in ws[1]]
    uscc = ws.cell(3, header.index("uscc") + 1)
    assert uscc.value == digits and uscc.data_type == "s" and uscc.number_format == "@"
    assert [c.value for c in ws[2]][header.index("T3.R01.C1")].startswith("T3.R01.C1 一、本年新收")
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref.startswith("A2:")


def test_jobs_do_not_change_the_output(office, tmp_path):
    assert main(["export", str(office), "-o", str(tmp_path / "one.jsonl"), "--jobs", "1", "-q"]) == 2
    assert main(["export", str(office), "-o", str(tmp_path / "two.jsonl"), "--jobs", "2", "-q"]) == 2
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def test_failures_only_and_no_progress_bar_when_piped(office):
    proc = run("validate", office, "--failures-only")
    out = proc.stdout
    assert "甲县人民政府" not in out and "丙县" in out and "\r" not in proc.stderr
    assert out.strip().splitlines()[-1] == "共 6 份报告：4 份通过，1 份不通过，0 份不完整，1 个文件无法读取"


def test_summary_workbook(office, tmp_path):
    out = tmp_path / "汇总.xlsx"
    proc = run("validate", office, "--summary", out, "-q")
    assert proc.returncode == 2 and "共 6 份报告" in proc.stdout
    wb = openpyxl.load_workbook(out)
    files, rules = wb["报告"], wb["规则"]
    header = [c.value for c in files[1]]
    col = {name: header.index(name) for name in header}
    rows = [[c.value for c in r] for r in files.iter_rows(min_row=2)]
    body = [r for r in rows if r[col["文件"]]]
    assert len(body) == 6 and files.freeze_panes == "A2" and files.auto_filter.ref == "A1:K7"
    wrong = next(r for r in body if r[col["文件"]].endswith("丙县（填错）.xlsx"))
    assert wrong[col["结果"]] == "不通过" and wrong[col["错误"]] >= 1 and "V-01" in wrong[col["主要问题"]]
    assert header[:4] == ["机关名称", "结果", "错误", "警告"]  # printed, the result stands beside the name
    assert files.page_setup.orientation == "landscape" and files.page_setup.fitToWidth == 1 and files.print_title_rows == "$1:$1"
    assert any(r[0] and str(r[0]).startswith("合计：6 份") for r in rows)
    counts = {r[0].value: r[3].value for r in rules.iter_rows(min_row=2) if r[0].value and r[0].value != "合计"}
    assert counts["V-01"] == 1 and counts["S-01"] == 0 and set(counts) >= {"T3-01", "M-03", "X-01"}


def test_marked_copies_mirror_the_folder_and_leave_inputs_alone(office, tmp_path):
    before = {p: file_hash(p) for p in office.rglob("*.xlsx")}
    assert main(["validate", str(office), "--marked", str(tmp_path / "退回"), "-q"]) == 2
    assert {p: file_hash(p) for p in office.rglob("*.xlsx")} == before
    marked = sorted(p.relative_to(tmp_path / "退回").as_posix() for p in (tmp_path / "退回").rglob("*.xlsx"))
    assert marked == ["县区/丙县（填错）.xlsx"]  # only the workbook with findings, at its own relative path
    wb = openpyxl.load_workbook(tmp_path / "退回" / marked[0])
    sheet, ref = address("T3.R01.C1").split("!")
    assert wb[sheet][ref].fill.fgColor.rgb.endswith("FF9999")
    assert [c.value for c in wb[RESULTS_SHEET][4]][:3] == ["序号", "规则", "级别"]
    assert govreport_xl.validate(tmp_path / "退回" / marked[0]).findings == govreport_xl.validate(office / marked[0]).findings


def test_consolidation_adds_exactly_and_says_who_is_in(office, tmp_path):
    other_year = tmp_path / "去年.xlsx"
    fill_workbook(_report(6, "戊县人民政府", year=2021), other_year)
    out = tmp_path / "全市.xlsx"
    assert main(["consolidate", str(office), str(other_year), "-o", str(out), "--name", "某市", "--year", "2022", "-q"]) == 0
    result = govreport_xl.validate(out)
    assert result.valid and result.findings == []
    parts = [govreport_xl.read(p).report for p in (office / "县区" / "甲县" / "甲县.xlsx", office / "县区" / "乙县.xlsx",
                                                   office / "石嘴山.xlsx", office / "丁.json")]
    for code in INPUT_CODES:
        assert result.report.value(code) == sum((p.value(code) or 0 for p in parts), Decimal(0) if code == "T2.R6.C1" else 0)
    assert isinstance(result.report.value("T2.R6.C1"), Decimal)
    account = [[c.value for c in r] for r in openpyxl.load_workbook(out)[ACCOUNT_SHEET].iter_rows()]
    text = json.dumps(account, ensure_ascii=False, default=str)
    assert "计入 4 份，未计入 3 份" in text and "年度为 2021，不是 2022" in text and "校验不通过" in text and "无法读取" in text
    # district -> city -> province: the result consolidates again
    assert main(["consolidate", str(out), "-o", str(tmp_path / "全省.xlsx"), "--name", "某省", "--year", "2022", "-q"]) == 0
    again = govreport_xl.read(tmp_path / "全省.xlsx").report
    assert all(again.value(c) == result.report.value(c) for c in CELLS)


def test_duplicates_are_left_out_of_a_consolidation_and_flagged_in_validate(tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        fill_workbook(_report(7, "同一个局"), tmp_path / "in" / name)
    proc = run("validate", tmp_path / "in", "-q")
    assert "同一机关同一年度有两份以上报告" in proc.stdout
    assert main(["consolidate", str(tmp_path / "in"), "-o", str(tmp_path / "out" / "s.xlsx"), "--name", "x", "--year", "2022", "-q"]) == 0
    text = json.dumps([[c.value for c in r] for r in openpyxl.load_workbook(tmp_path / "out" / "s.xlsx")[ACCOUNT_SHEET].iter_rows()],
                      ensure_ascii=False, default=str)
    assert "是同一机关同一年度的报告（重复）" in text and "计入 1 份" in text


def test_previous_year_by_body(tmp_path):
    this, last = tmp_path / "2023", tmp_path / "2022"
    this.mkdir(), last.mkdir()
    a23 = _report(8, "甲局", 2023, USCC)
    b23 = _report(9, "乙 局", 2023)
    carried = {c.replace("R25", "R02"): a23.value(c.replace("R25", "R02")) for c in CELLS if ".R25." in c}
    a22 = _report(8, "甲局（改名前）", 2022, USCC).with_values({c.replace("R02", "R25"): v for c, v in carried.items()})
    b22 = _report(9, "乙局", 2022)
    for report, folder, name in ((a23, this, "甲.xlsx"), (b23, this, "乙.xlsx"), (a22, last, "甲.xlsx"), (b22, last, "乙.xlsx")):
        fill_workbook(report, folder / name)
    main(["export", str(last), "-o", str(tmp_path / "去年.jsonl"), "-q"])
    for previous in (str(last), str(tmp_path / "去年.jsonl")):
        results = {r.source: r for r in govreport_xl.validate_many([this / "甲.xlsx", this / "乙.xlsx"], previous=[previous], jobs=1)}
        a, b = results[str(this / "甲.xlsx")], results[str(this / "乙.xlsx")]
        assert "X-01" in a.checked and not [f for f in a.findings if f.rule == "X-01"]  # matched by its code
        assert "X-01" in b.checked  # matched by its name, spaces set aside
    # a previous report of another body, or of the same year, is not compared: it is said why
    lone = tmp_path / "lone"
    lone.mkdir()
    fill_workbook(_report(3, "丙局", 2023), lone / "丙.xlsx")
    [r] = govreport_xl.validate_many([lone / "丙.xlsx"], previous=[str(last)], jobs=1)
    assert r.skipped["X-01"].key == "previous_not_found" and "丙局" in r.skipped["X-01"].render("zh")
    [r] = govreport_xl.validate_many([this / "甲.xlsx"], previous=[str(this)], jobs=1)
    assert r.skipped["X-01"].key == "previous_wrong_year"
    proc = run("validate", this, "--previous", tmp_path / "nowhere.xlsx", "-q")
    assert proc.returncode == 2 and proc.stderr.count("nowhere.xlsx") == 1 and "文件不存在" in proc.stderr


def test_fill_many_from_one_export(tmp_path, office):
    main(["export", str(office), "-o", str(tmp_path / "all.jsonl"), "-q"])
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(x for x in lines if json.loads(x)["report"] is not None and json.loads(x)["valid"]) + "\n", encoding="utf-8")
    assert main(["fill", str(good), "-o", str(tmp_path / "filled")]) == 0
    made = sorted((tmp_path / "filled").glob("*.xlsx"))
    assert [p.name for p in made] == sorted(["甲县人民政府_2022.xlsx", "乙县人民政府_2022.xlsx", "石嘴山市人民政府_2022.xlsx", "丁局_2022.xlsx"])
    for p in made:
        r = govreport_xl.validate(p)
        source = next(json.loads(x) for x in good.read_text(encoding="utf-8").splitlines() if json.loads(x)["report"]["meta"]["name"] == r.report.meta.name)
        assert r.report.to_json_dict() == source["report"]  # every cell back, nothing left over from the report before
    assert main(["fill", str(good), "-o", str(tmp_path / "one.xlsx")]) == 2  # several reports need a folder
    assert not (tmp_path / "one.xlsx").exists()


def test_outputs_are_checked_before_work_starts(tmp_path):
    for args in (["fill", "examples/shizuishan_2022.json", "-o", str(tmp_path / "x.csv")],
                 ["fill", "examples/shizuishan_2022.json", "-o", str(tmp_path)],
                 ["template", "-o", str(tmp_path / "t.json")],
                 ["export", str(EXAMPLE_XLSX), "-o", str(tmp_path / "x.txt")],
                 ["export", str(EXAMPLE_XLSX), "-o", str(EXAMPLE_XLSX)],
                 ["validate", str(EXAMPLE_XLSX), "--summary", str(tmp_path / "s.csv")],
                 ["addin", "build", "-o", str(tmp_path / "a.xlsx")]):
        proc = run(*args)
        assert proc.returncode == 2 and proc.stderr.strip(), args
    assert sorted(os.listdir(tmp_path)) == []


def test_the_summary_lists_bodies_as_an_office_does(tmp_path):
    """Issue 21 item 12: by region code, then level, then name in pinyin order (丙 丁 壬 乙, not
    the code points' 丁 丙 乙 壬)."""
    from govreport_xl.bulk.summary import SummaryWriter

    bodies = [("丁县人民政府", "640202", "县级人民政府"), ("丙县人民政府", "640202", "县级人民政府"),
              ("乙县人民政府", "640202", "县级人民政府"), ("壬县人民政府", "640202", "县级人民政府"),
              ("某局", "640202", "政府部门"), ("石嘴山市人民政府", "640200", "设区的市级人民政府"), ("无代码局", None, None)]
    summary = SummaryWriter(tmp_path / "s.xlsx")
    for i, (name, region, level) in enumerate(bodies):
        report = _report(i + 1, name)
        report = report.model_copy(update={"meta": report.meta.model_copy(update={"region": region, "level": level})})
        summary.add(govreport_xl.validate(report))
    summary.save()
    names = [r[0].value for r in openpyxl.load_workbook(tmp_path / "s.xlsx")["报告"].iter_rows(min_row=2, max_row=8)]
    assert names == ["石嘴山市人民政府", "丙县人民政府", "丁县人民政府", "壬县人民政府", "乙县人民政府", "某局", "无代码局"]


def test_failures_only_copies_only_the_reports_that_do_not_pass(tmp_path):
    """Issue 21 item 11: the 退回 folder holds what goes back, not a report with only a warning."""
    folder = tmp_path / "in"
    warned = _report(11, "只有警告的局").with_values({"T2.R1.C1": None})  # blank: V-03, a warning
    fill_workbook(warned, folder / "warned.xlsx")
    broken = openpyxl.load_workbook(folder / "warned.xlsx")
    sheet, ref = address("T3.R01.C1").split("!")
    broken[sheet][ref] = "/"
    broken.save(folder / "wrong.xlsx")
    assert govreport_xl.validate(folder / "warned.xlsx").status == "valid" and govreport_xl.validate(folder / "warned.xlsx").warnings
    main(["validate", str(folder), "--marked", str(tmp_path / "退回"), "--failures-only", "-q"])
    assert sorted(p.name for p in (tmp_path / "退回").iterdir()) == ["wrong.xlsx"]
    main(["validate", str(folder), "--marked", str(tmp_path / "all"), "-q"])  # without it: every report with findings
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["warned.xlsx", "wrong.xlsx"]


def test_what_was_typed_in_refused_cells_survives_export_and_fill(tmp_path):
    """Issue 21 items 8 and 13: "/", "无", 2.5, "35" as text and -1.5 are kept beside the value
    in every export, the record reads back to the same findings, and fill writes them as typed;
    an export's record of an unreadable file is skipped by fill with a line, the rest filled."""
    folder = tmp_path / "in"
    folder.mkdir()
    typed = {"T3.R01.C1": "/", "T3.R03.C1": "无", "T3.R04.C1": 2.5, "T3.R05.C1": "35", "T3.R06.C1": -1.5}
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    for code, value in typed.items():
        sheet, ref = address(code).split("!")
        wb[sheet][ref] = value
    wb.save(folder / "typed.xlsx")
    (folder / "坏文件.xlsx").write_bytes(b"PK not a zip")
    for name in ("all.jsonl", "long.csv", "wide.csv", "all.xlsx"):
        main(["export", str(folder), "-o", str(tmp_path / name), "-q"] + (["--wide"] if name == "wide.csv" else []))
    record = next(json.loads(x) for x in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines() if "typed" in x)
    assert record["refused"] == typed and all(record["report"]["cells"][c] is None for c in typed)
    with open(tmp_path / "long.csv", encoding="utf-8-sig", newline="") as fh:
        long_rows = {r["code"]: r for r in csv.DictReader(fh) if r["file"].endswith("typed.xlsx")}
    assert {c: long_rows[c]["raw"] for c in typed} == {c: str(v) for c, v in typed.items()}
    assert {long_rows[c]["value"] for c in typed} == {""} and long_rows["T3.R01.C1"]["status"] == "不通过"
    with open(tmp_path / "wide.csv", encoding="utf-8-sig", newline="") as fh:
        wide = list(csv.reader(fh))
    refused = wide[2 + [r[0] for r in wide[2:]].index(str(folder / "typed.xlsx"))][wide[0].index("refused")]
    assert refused == "；".join(f"{c}={v}" for c, v in typed.items())
    header = [c.value for c in openpyxl.load_workbook(tmp_path / "all.xlsx")["报告"][1]]
    assert "refused" in header
    again = govreport_xl.validate_many([tmp_path / "all.jsonl"], jobs=1)
    back = next(r for r in again if r.error is None)
    original = govreport_xl.validate(folder / "typed.xlsx")
    assert [(f.rule, f.codes, f.message("zh")) for f in back.findings if f.rule in ("V-01", "V-02")] == \
        [(f.rule, f.codes, f.message("zh")) for f in original.findings if f.rule in ("V-01", "V-02")]
    proc = run("fill", tmp_path / "all.jsonl", "-o", tmp_path / "filled")
    assert proc.returncode == 2 and "跳过" in proc.stdout and "坏文件.xlsx" in proc.stdout
    assert "已写入 1 份工作簿到" in proc.stdout and "（跳过 1 份无法读取的记录）" in proc.stdout
    [filled] = list((tmp_path / "filled").iterdir())
    ws = openpyxl.load_workbook(filled)
    for code, value in typed.items():
        sheet, ref = address(code).split("!")
        assert ws[sheet][ref].value == value, code


def test_previous_says_where_it_could_not_compare(tmp_path):
    """Issue 21 item 9: a body with no report last year is said so in the text, the closing
    count and the summary's 上年核对 column, not a silent √ 通过."""
    this, last = tmp_path / "2023", tmp_path / "2022"
    a23, b23 = _report(8, "甲局", 2023, USCC), _report(9, "乙局", 2023)
    fill_workbook(a23, this / "甲.xlsx")
    fill_workbook(b23, this / "乙.xlsx")
    fill_workbook(_report(8, "甲局", 2022, USCC), last / "甲.xlsx")
    proc = run("validate", this, "--previous", last, "--summary", tmp_path / "s.xlsx", "-q")
    assert "[未与上年核对] 上年度报告中没有「乙局」的报告" in proc.stdout
    assert "与上年核对：" in proc.stdout and "已核对 1 份" in proc.stdout and "未找到上年报告 1 份" in proc.stdout
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["报告"]
    header = [c.value for c in ws[1]]
    checks = {r[0]: r[header.index("上年核对")] for r in ws.iter_rows(min_row=2, values_only=True) if r[header.index("文件")]}
    assert checks == {"甲局": "已核对", "乙局": "未找到上年报告"}


def _saved_at(path, when: str) -> None:
    """Rewrite the workbook's own record of when it was saved (docProps/core.xml)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    core = members["docProps/core.xml"].decode()
    members["docProps/core.xml"] = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{when}\g<2>", core).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def test_duplicate_submissions_are_settled_by_when_they_were_saved(tmp_path):
    """Issue 21 item 10: 市民政局.xlsx and 市民政局（修改版）.xlsx: the one saved last is taken, and
    the summary and the consolidation say which and why (it was path order)."""
    folder = tmp_path / "in"
    first = _report(12, "市民政局")
    fill_workbook(first, folder / "市民政局.xlsx")
    fixed = first.with_values({"T4.R1.C1": (first.value("T4.R1.C1") or 0) + 1, "T4.R1.C5": (first.value("T4.R1.C5") or 0) + 1})
    fill_workbook(fixed, folder / "市民政局（修改版）.xlsx")
    _saved_at(folder / "市民政局.xlsx", "2023-01-05T10:00:00Z")
    _saved_at(folder / "市民政局（修改版）.xlsx", "2023-01-08T09:12:00Z")
    proc = run("validate", folder, "-q")
    assert "采用 " + str(folder / "市民政局（修改版）.xlsx") in proc.stdout and "工作簿记录的保存时间 2023-01-08 09:12" in proc.stdout
    out = tmp_path / "全市.xlsx"
    assert main(["consolidate", str(folder), "-o", str(out), "--name", "某市", "--year", "2022", "-q"]) == 0
    assert govreport_xl.read(out).report.value("T4.R1.C1") == fixed.value("T4.R1.C1")
    text = json.dumps([[c.value for c in r] for r in openpyxl.load_workbook(out)[ACCOUNT_SHEET].iter_rows()], ensure_ascii=False, default=str)
    assert "采用后者" in text and "2023-01-08 09:12" in text
    _saved_at(folder / "市民政局.xlsx", "2023-01-09T08:00:00Z")  # the first one re-saved later: it wins
    assert main(["consolidate", str(folder), "-o", str(out), "--name", "某市", "--year", "2022", "-q"]) == 0
    assert govreport_xl.read(out).report.value("T4.R1.C1") == first.value("T4.R1.C1")
