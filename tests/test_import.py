"""Import of published reports: the seed, and made-up figures in every layout met in real texts."""

import json
import re
import subprocess
import sys

import pytest

from govreport_xl.importing.audit import audit_path
from govreport_xl.importing.importer import import_report
from govreport_xl.core.standard import CELLS, T2, T3, T4
from helpers import EXAMPLE_JSON, ROOT, example_report
from published import LAYOUTS, made_up_report, render_html, render_text, with_row, write_docx

SEED = ROOT / "examples" / "shizuishan_2022.txt"


def imported(tmp_path, text, name="r.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_report(path)


def assert_exact(got, report, blank=frozenset()):
    """Every cell as made up; `blank` ones printed empty, so read as blank (None), not as 0."""
    assert got.report.meta.year == report.meta.year and got.report.meta.name == report.meta.name
    assert {t: r.status for t, r in got.tables.items()} == {"T2": "complete", "T3": "complete", "T4": "complete"}
    assert got.layout == "rows"  # read row by row, not rescued by the flattened-text reader
    want = {c: None if c in blank else v for c, v in report.to_json_dict()["cells"].items()}
    assert got.report.to_json_dict()["cells"] == want
    assert set().union(*(r.blank for r in got.tables.values())) == set(blank)


def test_seed_report_equals_the_example():
    got = import_report(SEED)
    assert got.format == "2021" and got.kind == "text"
    assert got.report.to_json_dict()["cells"] == json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))["cells"]
    assert (got.report.meta.name, got.report.meta.year) == ("石嘴山市人民政府", 2022)
    audit = audit_path(SEED)
    assert audit.findings == []
    assert [f.stated for f in got.narrative] == [203, 5, 1]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_reads_exactly(tmp_path, layout, seed):
    report = made_up_report(seed)
    assert_exact(imported(tmp_path, render_text(report, layout)), report)


@pytest.mark.parametrize("opts", [
    {"broken_labels": True},
    {"fullwidth": True},
    {"none_word": "/"}, {"none_word": "—"}, {"none_word": "-"}, {"none_word": "无"},
    {"subtotal_rows": True},
    {"subtotal_column": True},
    {"subtotal_rows": True, "subtotal_column": True},
    {"traditional": True},
    {"furniture": True},
    {"strip_numbering": True},
    {"strip_numbering": True, "subtotal_rows": True, "broken_labels": True},
    {"unit": "件"},
    {"broken_labels": True, "fullwidth": True, "none_word": "/", "traditional": True, "furniture": True},
], ids=lambda o: "+".join(o))
@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_variants_read_exactly(tmp_path, layout, opts):
    report = made_up_report(7)
    got = imported(tmp_path, render_text(report, layout, **opts))
    assert_exact(got, report)
    assert audit_path(tmp_path / "r.txt").findings == []
    notes = " ".join(n.render("zh") for n in got.notes)
    if opts.get("none_word"):
        assert f"写作「{opts['none_word']}」，表示没有，按 0 读入" in notes
    if opts.get("subtotal_column"):
        assert "小计列" in notes
    if opts.get("subtotal_rows"):
        assert "跳过非官方的小计行" in notes


def test_empty_cells_are_blank_as_in_a_workbook(tmp_path):
    """Where separators show them, empty cells are present and blank: summed as 0, each reported
    by V-03 (a warning), with one note a table; never silently 0."""
    report = made_up_report(8)
    text = render_text(report, "pipes", none_word="")
    assert "|  |" in text
    zeros = {c for c in CELLS if report.value(c) == 0}
    got = imported(tmp_path, text)
    assert_exact(got, report, blank=zeros)
    audit = audit_path(tmp_path / "r.txt")
    assert audit.valid and {f.codes[0] for f in audit.findings if f.rule == "V-03"} == zeros
    assert not any(f.rule.startswith("T") for f in audit.findings)  # the sums still hold with blanks as 0
    notes = [n.render() for n in got.notes]
    for t in ("T2", "T3", "T4"):
        n = sum(1 for c in zeros if c.startswith(t))
        assert f"{t}：{n} 个单元格空白，按 0 计算并提示（V-03）" in notes


def test_a_row_printed_with_every_cell_empty_is_present_and_blank(tmp_path):
    report = made_up_report(5).with_values({f"T3.R17.C{i}": 0 for i in range(1, 8)})
    lines = render_text(report, "tabs").splitlines()
    i = next(n for n, line in enumerate(lines) if "2.重复申请" in line)
    lines[i] = lines[i].split("\t")[0] + "\t" * 8
    got = imported(tmp_path, "\n".join(lines))
    row = {f"T3.R17.C{i}" for i in range(1, 8)}
    assert_exact(got, report, blank=row)
    assert not any("没有找到" in n.render() for n in got.notes)


@pytest.mark.parametrize("seed", [8, 12, 13])
def test_empty_cells_beside_a_trailing_tab_are_never_guessed(tmp_path, seed):
    """'规章<tab><tab>5<tab>5<tab>': the first or the last empty cell is a real one. Table 3 and 4
    rows are settled by their sums; table 2 rows, which have none, are reported, never shifted."""
    report = made_up_report(seed)
    got = imported(tmp_path, render_text(report, "tabs", none_word=""))
    blank = set().union(*(r.blank for r in got.tables.values()))
    for code in CELLS:
        value = got.report.value(code)
        if code in blank:
            assert value is None and report.value(code) == 0, code
        elif code.startswith(("T3", "T4")):
            assert value == report.value(code), code
        else:
            assert value == report.value(code) or got.tables["T2"].unread[code][0] == "ambiguous_blanks"
    assert got.tables["T3"].status == got.tables["T4"].status == "complete"


def test_a_row_with_a_non_figure_and_an_empty_cell_that_may_sit_two_ways(tmp_path):
    """'2.重复申请<tab><tab>7<tab>7<tab>1O<tab>0<tab>0<tab>0<tab>': eight cells for seven, so the
    first or the last empty one is layout, and 「1O」 is no figure no sum can weigh. By hand, the
    two ways agree on 7 in the second cell and 0 in the last three; the others are not read."""
    lines = render_text(made_up_report(5), "tabs").splitlines()
    i = next(n for n, line in enumerate(lines) if "2.重复申请" in line)
    lines[i] = lines[i].split("\t")[0] + "\t\t7\t7\t1O\t0\t0\t0\t"
    t3 = imported(tmp_path, "\n".join(lines)).tables["T3"]
    cells = [f"T3.R17.C{i}" for i in range(1, 8)]
    assert [t3.values.get(c) for c in cells] == [None, 7, None, None, 0, 0, 0]
    assert {c: t3.unread[c] for c in cells if c in t3.unread} == {
        c: ("ambiguous_blanks", "（空） 7 7 1O 0 0 0") for c in ("T3.R17.C1", "T3.R17.C3", "T3.R17.C4")}
    assert not {c for c in cells if c in t3.printed or c in t3.blank}


def test_a_row_of_digits_run_together_between_empty_cells_is_cut_by_the_sums(tmp_path):
    """'2.重复申请<tab><tab>0201234<tab>351244<tab><tab><tab>': two runs of digits for seven cells,
    empty cells of layout at its ends. With every other row printed apart, the column sums fix
    each cell: the row reads as made up (0 2 0 1234 3 5 1244), no figure dropped with a blank."""
    report = made_up_report(5)
    assert [report.value(f"T3.R17.C{i}") for i in range(1, 8)] == [0, 2, 0, 1234, 3, 5, 1244]
    lines = render_text(report, "tabs").splitlines()
    i = next(n for n, line in enumerate(lines) if "2.重复申请" in line)
    lines[i] = lines[i].split("\t")[0] + "\t\t0201234\t351244\t\t\t"
    t3 = imported(tmp_path, "\n".join(lines)).tables["T3"]
    assert [t3.values.get(f"T3.R17.C{i}") for i in range(1, 8)] == [0, 2, 0, 1234, 3, 5, 1244]


@pytest.mark.parametrize("figures", ["1 2 3 4 5 6 7 8", "1 2 3"])
def test_a_row_with_more_or_fewer_figures_than_cells_is_not_read(tmp_path, figures):
    """'2.重复申请<tab>1<tab>2<tab>…' with eight figures, or three (too few digits to have run
    together), for seven cells, none of them empty, no subtotal column, the text not ending
    there: which figure is whose cannot be told, so none is read."""
    lines = render_text(made_up_report(5), "tabs").splitlines()
    i = next(n for n, line in enumerate(lines) if "2.重复申请" in line)
    lines[i] = lines[i].split("\t")[0] + "\t" + figures.replace(" ", "\t")
    got = imported(tmp_path, "\n".join(lines))
    t3 = got.tables["T3"]
    cells = [f"T3.R17.C{i}" for i in range(1, 8)]
    assert {c: t3.unread.get(c) for c in cells} == {c: ("cell_count", figures) for c in cells}
    assert not {c for c in cells if c in t3.values or c in t3.printed or c in t3.blank}
    [note] = [n for n in got.notes if n.key == "cell_count"]
    assert (note.params, note.cells) == ({"where": "T3.R17", "raw": figures, "n": len(figures.split()), "cells": 7}, tuple(cells))


@pytest.mark.parametrize("layout", ["tabs", "pipes"])
def test_other_handling_printed_as_one_row_gives_the_sums_of_its_rows(tmp_path, layout):
    """（六）其他处理 printed as one row, as the 2019 form has it: its figures are the sums of
    R21–R23 (by hand, from the made-up rows), which are not given separately: not read, not 0,
    said once; every other cell is read as printed."""
    report = made_up_report(5)
    got = imported(tmp_path, render_text(report, layout, other_as_one_row=True))
    t3 = got.tables["T3"]
    groups = [tuple(f"T3.{r}.C{c}" for r in ("R21", "R22", "R23")) for c in range(1, 8)]
    assert t3.combined == {g: sum(report.value(c) for c in g) for g in groups}
    members = [c for g in groups for c in g]
    assert {c: why for c, (why, _) in t3.unread.items()} == {c: "not_given" for c in members}
    [note] = [n for n in got.notes if n.key == "not_given"]
    assert note.cells == tuple(members)
    assert note.params["raw"].split()[:7] == [str(sum(report.value(c) for c in g)) for g in groups]  # as printed
    assert all(got.report.value(c) == report.value(c) for c in CELLS if c not in members)
    assert got.layout == "rows"  # read row by row, not rescued by the flattened-text reader
    summary = audit_path(tmp_path / "r.txt").extra_lines["zh"]
    assert "    表三：读取 154，未分项列出 21" in summary  # 25 rows of 7 cells, three of them not given


def test_html_and_docx(tmp_path):
    report = made_up_report(11)
    (tmp_path / "r.html").write_text(render_html(report), encoding="utf-8")
    got = import_report(tmp_path / "r.html")
    assert got.kind == "html"
    assert_exact(got, report)
    got = import_report(write_docx(report, tmp_path / "r.docx", broken_labels=True))
    assert got.kind == "docx"
    assert_exact(got, report)


def test_gb18030_text(tmp_path):
    report = made_up_report(5)
    path = tmp_path / "gbk.txt"
    path.write_bytes(render_text(report).encode("gb18030"))
    assert_exact(import_report(path), report)


def test_digits_run_together_decoded_by_the_row_sum(tmp_path):
    report = example_report().with_values({f"T3.R13.C{i}": v for i, v in enumerate([64, 0, 0, 2, 0, 4, 70], 1)})
    report = report.with_values({"T3.R01.C1": 199 - 76 + 64, "T3.R01.C4": 2, "T3.R01.C6": 4, "T3.R01.C7": 199 - 76 + 70,
                                 "T3.R24.C1": 186 - 76 + 64, "T3.R24.C4": 2, "T3.R24.C6": 4, "T3.R24.C7": 187 - 76 + 70})
    text = render_text(report.model_copy(update={"meta": report.meta.model_copy(update={"name": "石嘴山市人民政府"})}), "spaces", run_together="R13")
    assert "640020470" in text
    got = imported(tmp_path, text)
    assert [got.report.value(f"T3.R13.C{i}") for i in range(1, 8)] == [64, 0, 0, 2, 0, 4, 70]
    notes = [n.render("zh") for n in got.notes]
    assert "T3.R13：数字连在一起「640020470」，按表内合计唯一拆分为 64 | 0 | 0 | 2 | 0 | 4 | 70" in notes
    assert "T3.R13: digits run together '640020470' split one way only by the table's sums: 64 | 0 | 0 | 2 | 0 | 4 | 70" in [n.render("en") for n in got.notes]


def test_ambiguous_digits_are_reported_not_invented(tmp_path):
    """"100001112" is 1|0|0|0|0|11|12 or 10|0|0|0|1|1|12. Two rows printed so, one of each, fit the
    columns either way round: the cells they differ in are ambiguous, never picked, and never an
    error of the report (issue 19 item 1): the checks on them are not checkable."""
    one, other = [1, 0, 0, 0, 0, 11, 12], [10, 0, 0, 0, 1, 1, 12]
    report = with_row(with_row(made_up_report(3), "R05", one), "R06", other)
    text = render_text(report, "tabs")
    for row in (one, other):
        text = text.replace("\t".join(map(str, row)) + "\t", "100001112\t")
    got = imported(tmp_path, text)
    assert got.tables["T3"].status == "partial"
    for r in ("R05", "R06"):
        assert got.report.value(f"T3.{r}.C7") == 12 and got.report.value(f"T3.{r}.C2") == 0  # every reading agrees
        assert got.report.value(f"T3.{r}.C1") is None and got.tables["T3"].unread[f"T3.{r}.C1"][0] == "ambiguous"
    audit = audit_path(tmp_path / "r.txt")
    assert audit.findings == [] and audit.status == "incomplete"
    assert {u.rule for u in audit.unchecked if "T3.R05.C1" in u.codes} == {"V-01", "V-03", "T3-02", "T3-03"}
    assert all(u.reason.key == "cells_unread" for u in audit.unchecked)
    # the clerk is told which cells and both readings, none picked
    for r in ("R05", "R06"):
        [note] = [n for n in got.notes if n.params.get("where") == f"T3.{r}"]
        assert note.cells == tuple(f"T3.{r}.C{i}" for i in range(1, 8))
        assert note.render() == (f"T3.{r}：数字连在一起「100001112」，有 2 种拆法都符合表内合计，不作选择："
                                 "1 | 0 | 0 | 0 | 0 | 11 | 12；10 | 0 | 0 | 0 | 1 | 1 | 12")


def test_one_ambiguous_row_is_settled_by_the_column_sums(tmp_path):
    row = [1, 0, 0, 0, 0, 11, 12]
    report = with_row(made_up_report(3), "R05", row)  # the columns kept reconciling
    text = render_text(report, "tabs", run_together="R05")
    got = imported(tmp_path, text)
    assert [got.report.value(f"T3.R05.C{i}") for i in range(1, 8)] == row
    assert "T3.R05：数字连在一起「100001112」，按表内合计唯一拆分为 1 | 0 | 0 | 0 | 0 | 11 | 12" in [n.render() for n in got.notes]


def test_unreadable_cell_missing_rows_and_partial_tables(tmp_path):
    report = made_up_report(2)
    text = render_text(report, "tabs")
    lines = text.splitlines()
    # an unreadable cell, a row that is gone, and table 4 cut off
    i = next(n for n, line in enumerate(lines) if "2.重复申请" in line)
    cells = lines[i].split("\t")
    cells[2] = "1O"
    lines[i] = "\t".join(cells)
    lines = [line for line in lines if "1.信访举报投诉类申请" not in line]
    last = len(lines) - 1 - next(n for n, line in enumerate(reversed(lines)) if line.count("\t") > 10)
    lines[last] = "\t".join(lines[last].split("\t")[:9])
    got = imported(tmp_path, "\n".join(lines))
    assert got.tables["T3"].status == "partial" and got.tables["T4"].status == "partial"
    assert got.tables["T2"].status == "complete"
    assert got.tables["T3"].printed["T3.R17.C2"] == "1O"  # printed so: the checks judge it (V-01)
    assert got.report.value("T3.R17.C2") is None and got.report.value("T3.R17.C1") == report.value("T3.R17.C1")
    assert all(got.report.value(f"T3.R16.C{i}") is None for i in range(1, 8))
    assert got.report.value("T3.R18.C1") == report.value("T3.R18.C1")
    assert all(got.report.value(f"T4.R{r}.C{c}") is None for r in (1, 2, 3) for c in range(1, 6))
    audit = audit_path(tmp_path / "r.txt")
    assert not audit.valid
    assert any(f.rule == "V-01" and f.codes == ("T3.R17.C2",) and "1O" in f.message("zh") for f in audit.findings)
    summary = "\n".join(audit.extra_lines["zh"])
    assert "表三 不完整" in summary and "T3：没有找到 1 行：1.信访举报投诉类申请" in summary
    # 175 cells: 7 of the row that is gone missing; 「1O」 is read as printed (for V-01 to judge)
    assert "    表三：读取 168，缺失 7" in audit.extra_lines["zh"]


def test_narrative_contradicting_the_tables(tmp_path):
    report = made_up_report(4)
    text = render_text(report, "tabs").replace("行政复议 ", "行政复议 9", 1)
    findings = [f for f in audit_path(_write(tmp_path, text)).findings if f.rule == "N-01"]
    assert len(findings) == 1 and "行政复议" in findings[0].message("zh")


def _write(tmp_path, text, name="r.txt"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / name


OLD_2019 = """某县2020年政府信息公开工作年度报告
二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t3\t3\t20
第二十条第（五）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t10\t0\t300
其他对外管理服务事项\t2\t0\t5
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t4\t120.5
三、收到和处理政府信息公开申请情况
"""


def test_format_detection(tmp_path):
    got = imported(tmp_path, OLD_2019)
    assert got.format == "2019" and got.older and got.tables == {}
    assert audit_path(tmp_path / "r.txt").findings == []
    got = imported(tmp_path, OLD_2019.replace("2020年", "2022年"))
    audit = audit_path(tmp_path / "r.txt")
    assert got.format == "2019" and [f.rule for f in audit.findings] == ["F-01"]
    empty = re.sub(r"\t[\d.]+", "\t", OLD_2019.replace("2020年", "2022年"))  # the 2019 form, its cells empty
    assert imported(tmp_path, empty).format == "2019"
    assert [f.rule for f in audit_path(tmp_path / "r.txt").findings] == ["F-01"]
    mixed = render_text(made_up_report(1)).replace("规章\t", "其他对外管理服务事项\t0\t0\t0\t\n规章\t", 1)
    assert imported(tmp_path, mixed).format == "mixed"
    old = imported(tmp_path, "某局2017年政府信息公开工作年度报告\n本年度同意公开答复 12 件，否决公开答复 1 件。\n")
    assert old.format == "pre-2019" and old.older


@pytest.mark.slow
def test_cli_audit_and_import(tmp_path):
    report = made_up_report(9)
    bad = _write(tmp_path, render_text(report, "pipes").replace("行政诉讼 ", "行政诉讼 77", 1), "bad.txt")
    run = lambda *a: subprocess.run([sys.executable, "-m", "govreport_xl", *map(str, a)], capture_output=True, text=True, cwd=ROOT)  # noqa: E731
    proc = run("audit", SEED, bad)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr  # N-01 is a warning
    assert "表二 完整，表三 完整，表四 完整" in proc.stdout and "[警告] N-01" in proc.stdout
    out = tmp_path / "seed.xlsx"
    assert run("import", SEED, "-o", out).returncode == 0
    assert run("validate", out).returncode == 0
    assert run("import", SEED, bad, "-o", tmp_path / "all.jsonl").returncode == 0
    records = [json.loads(x) for x in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["import"]["format"] for r in records] == ["2021", "2021"]
    seed = next(r for r in records if r["file"] == str(SEED))
    assert seed["report"]["cells"] == example_report().to_json_dict()["cells"]
    assert run("audit", tmp_path / "none.txt").returncode == 2
    proc = run("audit", _write(tmp_path, "这是一篇与年报无关的文章，共 3 段。\n", "other.txt"))
    assert proc.returncode == 2 and "不是政府信息公开工作年度报告" in proc.stdout


def test_thousands_separators_and_units_are_read(tmp_path):
    report = made_up_report(6).with_values({"T2.R3.C1": 346342, "T2.R4.C1": 508600})
    text = render_text(report, "tabs").replace("\t346342\t", "\t346,342\t").replace("\t508600\t", "\t508,600件\t")
    assert "346,342" in text and "508,600件" in text
    assert_exact(imported(tmp_path, text), report)


def test_an_ambiguous_row_the_columns_cannot_settle_stays_ambiguous(tmp_path):
    """With （七）总计 gone the column rules cannot be checked, so no reading of the run-together
    row is picked. (Where they can be checked, each column pins its cell: two readings cannot
    both fit, so "take the first fitting one" would be an equivalent mutant.)"""
    row = [1, 0, 0, 0, 0, 11, 12]
    report = made_up_report(3).with_values({f"T3.R05.C{i}": v for i, v in enumerate(row, 1)})
    lines = render_text(report, "tabs", run_together="R05").splitlines()
    text = "\n".join(line for line in lines if not line.startswith("（七）总计"))
    got = imported(tmp_path, text)
    assert got.tables["T3"].unread["T3.R05.C1"][0] == "ambiguous"
    assert got.report.value("T3.R05.C1") is None and got.report.value("T3.R05.C7") == 12
    assert not any("按列合计" in n.render() for n in got.notes)


@pytest.mark.parametrize("name", ["shizuishan_2022.txt", "shizuishan_2022.html", "shizuishan_2022.docx"])
def test_sample_inputs_read_as_the_example(name):
    """The published report, as text, web page and Word file (examples/), reads back exactly."""
    result = audit_path(ROOT / "examples" / name)
    assert result.valid and result.findings == []
    assert result.report.to_json_dict()["cells"] == example_report().to_json_dict()["cells"]


@pytest.mark.slow
def test_sample_inputs_are_current():
    """Regenerate with: python examples/make_samples.py"""
    sys.path.insert(0, str(ROOT / "examples"))
    import make_samples

    text = SEED.read_text(encoding="utf-8")
    assert (ROOT / "examples" / "shizuishan_2022.html").read_text(encoding="utf-8") == make_samples.to_html(text)
    fresh = ROOT / "examples" / "shizuishan_2022.docx"
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(make_samples.to_docx(text))) as z, zipfile.ZipFile(fresh) as committed:
        assert z.read("word/document.xml") == committed.read("word/document.xml")
    assert (ROOT / "examples" / "shizuishan_2022_flat.txt").read_text(encoding="utf-8") == make_samples.to_flat(text)


def test_what_real_texts_showed(tmp_path):
    """The title wrapped or after a page's 标题：, the name on the line above; a 2019 report whose
    table 3 shares one row label with 2021's; inline pinyin after converted characters."""
    report = made_up_report(2)
    text = render_text(report, "tabs")
    title = text.splitlines()[0]
    wrapped = text.replace(title, "标题：" + title[:-2] + "\n" + title[-2:], 1)
    got = imported(tmp_path, wrapped)
    assert (got.report.meta.name, got.report.meta.year) == (report.meta.name, report.meta.year)
    no_title = "\n".join(line for line in text.splitlines() if "年度报告" not in line and "编制" not in line)
    assert "name" not in imported(tmp_path, no_title).report.meta.model_dump(exclude_none=True)  # said, not guessed
    assert imported(tmp_path, OLD_2019 + "3.危及“三安全一稳定”\t0\t0\t0\t0\t0\t0\t0\n").format == "2019"
    pinyin = text.replace("主动公开", "主動(dòng)公開").replace("申请", "申請(qǐng)")
    assert_exact(imported(tmp_path, pinyin), report)


def test_a_fragment_without_its_headings_yields_the_rows_it_has(tmp_path):
    """Rows of tables 2 and 3 copied without "二、主动公开…" or "三、收到…" above them; a sentence
    with a figure ("全年受理行政许可 318 件。") is not taken for a row."""
    report = made_up_report(7)
    lines = render_text(report, "tabs").splitlines()
    headings = {t.heading for t in (T2, T3, T4)}
    fragment = ["全年受理行政许可 318 件。"] + [line for line in lines if line not in headings]
    got = imported(tmp_path, "\n".join(fragment))
    assert got.tables["T2"].status == got.tables["T3"].status == "complete"
    for c in CELLS:
        if c.startswith(("T2", "T3")):
            assert got.report.value(c) == report.value(c), c
    notes = [n.render() for n in got.notes]
    assert "T2：没有找到表格标题，按行标签读取" in notes and "T3：没有找到表格标题，按行标签读取" in notes
    # table 4 has no row labels: without its heading only what follows its column header is read
    assert got.tables["T4"].status == "complete"
    assert [got.report.value(f"T4.R1.C{i}") for i in range(1, 6)] == [report.value(f"T4.R1.C{i}") for i in range(1, 6)]


NARRATIVE_ONLY = """首页 > 政务公开 > 年度报告
某某市交通运输局2022年政府信息公开工作年度报告
一、总体情况
2022年，本局共收到政府信息公开申请 20 件，上年结转 2 件，全部按期答复，办结 {handled} 件，结转下年度继续办理 4 件。共应对行政复议 1 件、行政诉讼 0 件。
二、主动公开政府信息情况
（表格以图片发布）
五、存在的主要问题及改进情况
无。
"""


@pytest.mark.slow
def test_a_narrative_only_text_says_what_it_gives(tmp_path):
    """The tables were images: body, year and what the narrative states are reported, the tables
    said to be missing, every table check not checkable, and the narrative's own account compared."""
    good = _write(tmp_path, NARRATIVE_ONLY.format(handled=18), "good.txt")
    result = audit_path(good)
    assert (result.report.meta.name, result.report.meta.year) == ("某某市交通运输局", 2022)
    assert result.findings == [] and not result.valid  # nothing wrong found, but far from complete
    assert {u.rule for u in result.unchecked} >= {"T3-01", "T3-02", "T4-01", "V-01", "N-01", "F-01"}
    assert "没有找到统计表（可能以图片发布）" in "\n".join(result.extra_lines["zh"])
    bad = audit_path(_write(tmp_path, NARRATIVE_ONLY.format(handled=17), "bad.txt"))
    [finding] = bad.findings
    assert finding.rule == "N-02" and "办结 17 件" in finding.message("zh")
    run = lambda *a: subprocess.run([sys.executable, "-m", "govreport_xl", *map(str, a)], capture_output=True, text=True, cwd=ROOT)  # noqa: E731
    proc = run("audit", good)
    assert proc.returncode == 1 and "某某市交通运输局 2022 年度" in proc.stdout and "Traceback" not in proc.stderr


def test_breadcrumbs_before_the_title_of_a_flattened_page(tmp_path):
    from published import render_flat

    report = made_up_report(3)
    got = imported(tmp_path, "首页>政务公开>政府信息公开年报>" + render_flat(report))
    assert (got.report.meta.name, got.report.meta.year) == (report.meta.name, report.meta.year)


def test_a_header_ending_in_a_label_word_and_empty_cells_is_not_a_blank_row(tmp_path):
    """"…总计" then empty cells in a header (merged cells printed empty) is layout, not （七）总计."""
    report = made_up_report(6)
    lines = render_text(report, "tabs").splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith("自然人\t"))
    lines[i] = lines[i].rstrip("\t") + "\t" * 8
    got = imported(tmp_path, "\n".join(lines))
    assert_exact(got, report)
    assert got.layout == "rows"  # read row by row, not rescued by the flattened-text reader


def test_a_text_ending_in_table_4_with_its_digits_run_together(tmp_path):
    """No 五、 after table 4 (the text ends there), and its figures ran together: they are cut by
    the group totals, not taken for the first cells of a row cut off."""
    report = made_up_report(5)
    lines = render_text(report, "spaces").splitlines()
    end = next(n for n, line in enumerate(lines) if line.startswith("五、"))
    figures = lines[end - 2] if lines[end - 1] == "" else lines[end - 1]
    glued = "".join(figures.split())
    text = "\n".join(lines[:end]).replace(figures, glued)
    assert glued in text and "五、" not in text
    got = imported(tmp_path, text)
    assert got.layout == "rows" and got.tables["T4"].decoded  # cut here, not by the flattened-text reader
    for c in CELLS:
        if c.startswith("T4") and c not in got.tables["T4"].unread:
            assert got.report.value(c) == report.value(c), c
    assert not any(n.key == "row_cut_off" for n in got.notes)


def test_an_import_exported_and_read_again_keeps_what_it_could_not_read(tmp_path):
    """The flattened example's ambiguous T2.R2 and a text without table 4, exported as JSON and
    validated again (from the file and as a dict), stay unread and missing: the report is
    incomplete, never 通过 with the cells taken as blank (V-03) or summed as 0 by consolidate. Its
    workbook says in those cells that they were not read."""
    import govreport_xl
    from govreport_xl.formats.export import write_records

    flat = audit_path(ROOT / "examples" / "shizuishan_2022_flat.txt")
    text = render_text(made_up_report(3))
    no_t4 = audit_path(_write(tmp_path, text[:text.index("四、政府信息公开行政复议")] + text[text.index("五、"):], "no_t4.txt"))
    ambiguous = ("T2.R2.C1", "T2.R2.C2", "T2.R2.C3")
    for result in (flat, no_t4):
        record = result.record("zh", with_report=True)
        path = tmp_path / "record.json"
        write_records([record], path)
        for again in (govreport_xl.validate(path), govreport_xl.validate(record)):
            assert again.status == result.status == "incomplete"
            assert not [f for f in again.findings if f.rule in ("V-01", "V-03", "T4-01")], again.findings
            table_checks = lambda r: {(u.rule, u.reason.key) for u in r.unchecked if not u.rule.startswith("N-")}  # noqa: E731
            assert table_checks(again) == table_checks(result)  # the narrative stays with the text
    assert {c: u["reason"] for c, u in flat.record("zh", with_report=True)["unread"].items()} == dict.fromkeys(ambiguous, "ambiguous")
    assert set(no_t4.record("zh", with_report=True)["unread"]) == {c for c in CELLS if c.startswith("T4.")}
    workbook = govreport_xl.fill(flat, tmp_path / "flat.xlsx")
    back = govreport_xl.validate(workbook)
    assert not [f for f in back.findings if f.rule == "V-03"]  # never blank
    assert {f.codes[0] for f in back.findings if f.rule == "V-01" and "导入时未能读取" in f.message("zh")} == set(ambiguous)
    bad = {**flat.record("zh", with_report=True), "unread": {"T2.R2.C1": {"reason": "whatever"}}}
    refused = govreport_xl.validate(bad)  # a record that says what no reader says: refused, named
    assert refused.status == "unreadable" and "unread" in refused.error["zh"]


_OTHER_ROWS = ("R21", "R22", "R23")
_OTHER_LABELS = ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                 "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")


def _other_handling_printed(rows: tuple[list[int], list[int], list[int]], printed: str) -> tuple[object, str]:
    """A reconciling report with R21–R23 set to `rows`, its （六）其他处理 printed as one row of
    tabs: `printed` (the cells after the label)."""
    report = made_up_report(5)
    for row, values in zip(_OTHER_ROWS, rows):
        report = with_row(report, row, values)
    assert all(report.value(f"T3.R02.C{i}") >= 0 for i in range(1, 8))
    text = render_text(report, "tabs", other_as_one_row=True)
    line = next(line for line in text.splitlines() if line.startswith("（六）其他处理"))
    return report, text.replace(line, "（六）其他处理\t" + printed)


def _other_handling_3_and_0(printed: str) -> tuple[object, str]:
    """R21–R23 adding up to 3 | 0 | 0 | 0 | 0 | 0 | 3."""
    return _other_handling_printed(([2, 0, 0, 0, 0, 0, 2], [0] * 7, [1, 0, 0, 0, 0, 0, 1]), printed)


def test_other_handling_as_one_row_with_empty_cells_and_where_its_cells_may_sit_two_ways(tmp_path):
    """（六）其他处理 printed as one row, its zeros left empty: the row's figures are read as the
    sums of R21–R23 where they sit one way only, and the table is read row by row (the flattened
    reader once won here, counting its sums' pseudo cells as unread: 「缺失 -7」). Where an empty
    cell before them (a merged label's placeholder) and one after (a trailing tab) leave two ways
    (0|3|0|0|0|0|3 or 3|0|0|0|0|3|0), neither is taken, and the note says so: the three rows are
    not given, their sums not read, those columns' sums not checked, nothing found wrong."""
    members = [f"T3.{r}.C{i}" for i in range(1, 8) for r in _OTHER_ROWS]
    report, text = _other_handling_3_and_0("3\t\t\t\t\t\t3")
    got = imported(tmp_path, text)
    t3 = got.tables["T3"]
    groups = [tuple(f"T3.{r}.C{i}" for r in _OTHER_ROWS) for i in range(1, 8)]
    assert t3.combined == dict(zip(groups, [3, 0, 0, 0, 0, 0, 3]))
    assert t3.unread == dict.fromkeys(members, ("not_given", "3 （空） （空） （空） （空） （空） 3"))
    [note] = [n for n in got.notes if n.key.startswith("not_given")]
    assert note.render() == ("T3：「（六）其他处理」只印了一行（3 （空） （空） （空） （空） （空） 3），其下三行没有分项列出："
                             "按三行之和读取并据以核对列合计，三行各自不予读取")
    assert all(got.report.value(c) == report.value(c) for c in CELLS if c not in members)
    assert got.layout == "rows"
    audit = audit_path(tmp_path / "r.txt")
    assert audit.findings == [] and "    表三：读取 154，未分项列出 21" in audit.extra_lines["zh"]

    report, text = _other_handling_printed(([0, 2, 0, 0, 0, 0, 2], [0] * 7, [0, 1, 0, 0, 0, 0, 1]), "\t3\t\t\t\t\t3\t")
    got = imported(tmp_path, text)
    t3 = got.tables["T3"]
    assert t3.combined == {}  # which way the cells sit cannot be told: no sum is taken
    assert t3.unread == dict.fromkeys(members, ("not_given", "（空） 3 （空） （空） （空） （空） 3 （空）"))
    [note] = [n for n in got.notes if n.key.startswith("not_given")]
    assert note.cells == tuple(members)
    assert note.render() == ("T3：「（六）其他处理」只印了一行（（空） 3 （空） （空） （空） （空） 3 （空）），其下三行没有分项列出，"
                             "这一行的数字也无法逐列确定：三行之和与三行各自都不予读取，相关的列合计无法核对")
    assert note.render("en").endswith("its figures cannot be told column by column: neither their sums nor the three rows are read, "
                                      "and those column sums cannot be checked")
    assert all(got.report.value(c) == report.value(c) for c in CELLS if c not in members)
    audit = audit_path(tmp_path / "r.txt")
    assert audit.findings == []
    assert {u.codes[0] for u in audit.unchecked if u.rule == "T3-03" and u.reason.key == "cells_not_given"} == {
        f"T3.R03.C{i}" for i in range(1, 8)}


def test_other_handling_as_one_row_under_its_rows_labels_printed_without_figures(tmp_path):
    """（六）其他处理 printed with figures and the labels of its three rows printed after it with
    none: the figures may be the group's or its first row's, so none of the 21 cells is read, said
    once; every other cell is read, and nothing is found wrong with the report."""
    report, text = _other_handling_3_and_0("3\t\t\t\t\t\t3")
    text = text.replace("（七）总计", "\n".join(_OTHER_LABELS) + "\n（七）总计")
    got = imported(tmp_path, text)
    t3 = got.tables["T3"]
    members = tuple(f"T3.{r}.C{i}" for i in range(1, 8) for r in _OTHER_ROWS)
    assert t3.unread == dict.fromkeys(members, ("unplaced", "3 （空） （空） （空） （空） （空） 3"))
    assert t3.combined == {}
    [note] = got.notes
    assert note.cells == members
    assert note.render() == ("T3：有的数字无法确定属于哪一行、哪一格（标签折行、数字与标签不在一起，或有空格位置不明）："
                             "这些单元格不予读取，也不按空白计算")
    assert all(got.report.value(c) == report.value(c) for c in CELLS if c not in members)
    assert got.layout == "rows"
    audit = audit_path(tmp_path / "r.txt")
    assert audit.findings == [] and audit.status == "incomplete"
    assert "    表三：读取 154，无法识别 21" in audit.extra_lines["zh"]


def test_other_handling_printed_as_a_subtotal_above_its_rows_is_skipped(tmp_path):
    """（六）其他处理 printed with its sums above its three rows, as other groups' subtotals are:
    skipped, named in the note by its label as printed (its last 20 characters, where a page's
    running head printed before it runs into it); its rows are read as printed."""
    report = made_up_report(5)
    text = render_text(report, "tabs", subtotal_rows=True)
    got = imported(tmp_path, text)
    assert_exact(got, report)
    assert "T3：跳过非官方的小计行「(六)其他处理」" in [n.render() for n in got.notes]
    text = text.replace("（六）其他处理\t", "石嘴山市人民政府政府信息公开工作年度报告\n（六）其他处理\t")
    got = imported(tmp_path, text)
    assert_exact(got, report)
    assert "T3：跳过非官方的小计行「府政府信息公开工作年度报告(六)其他处理」" in [n.render() for n in got.notes]


def test_words_for_none_are_counted_in_one_note(tmp_path):
    """Five cells printed 「/」 or 「—」 for none: read as 0, and said once with how many."""
    report = made_up_report(5)
    assert [report.value(f"T3.R17.C{i}") for i in range(1, 8)] == [0, 2, 0, 1234, 3, 5, 1244]
    assert [report.value(f"T3.R19.C{i}") for i in range(1, 8)] == [0, 8, 0, 1234, 0, 40, 1282]
    lines = render_text(report, "tabs").splitlines()
    for label, cells in (("2.重复申请", "/\t2\t—\t1234\t3\t5\t1244"), ("4.无正当理由大量反复申请", "/\t8\t/\t1234\t/\t40\t1282")):
        i = next(n for n, line in enumerate(lines) if line.startswith(label))
        lines[i] = f"{label}\t{cells}"
    got = imported(tmp_path, "\n".join(lines))
    assert_exact(got, report)
    assert "T3：5 个单元格写作「/」「—」，表示没有，按 0 读入" in [n.render() for n in got.notes]


def test_digits_run_together_in_table_2_list_their_readings_those_p01_allows_first(tmp_path):
    """Table 2 has no sum to cut 「12034」 (规章 1 | 20 | 34) or 「13210」 (规范性文件 1 | 32 | 10):
    every reading is listed, none taken. By hand: 12034 is 1|20|34, 1|203|4, 12|0|34, 120|3|4 (the
    last has fewer in force than made − repealed: P-01 fails); 13210 is 1|3|210, 1|32|10, 1|321|0,
    13|2|10, 13|21|0, 132|1|0 (13|2|10 and 132|1|0 fail P-01). The readings P-01 allows come first,
    four at most, then 「……」."""
    report = made_up_report(5).with_values({"T2.R1.C1": 1, "T2.R1.C2": 20, "T2.R1.C3": 34, "T2.R2.C1": 1, "T2.R2.C2": 32, "T2.R2.C3": 10})
    text = render_text(report, "tabs")
    text = text.replace("规章\t1\t20\t34\t", "规章\t12034\t").replace("行政规范性文件\t1\t32\t10\t", "行政规范性文件\t13210\t")
    got = imported(tmp_path, text)
    hint = "P-01 表二规章、规范性文件：现行有效件数 ≥ 本年制发 − 本年废止"
    notes = {n.cells: n.render() for n in got.notes}
    assert notes == {
        ("T2.R1.C1", "T2.R1.C2", "T2.R1.C3"): f"T2.R1：数字连在一起「12034」，有 4 种拆法，表内没有能区分它们的合计（其中 3 种符合 {hint}），"
                                              "不作选择：1 | 20 | 34；1 | 203 | 4；12 | 0 | 34；120 | 3 | 4",
        ("T2.R2.C1", "T2.R2.C2", "T2.R2.C3"): f"T2.R2：数字连在一起「13210」，有 6 种拆法，表内没有能区分它们的合计（其中 4 种符合 {hint}），"
                                              "不作选择：1 | 3 | 210；1 | 32 | 10；1 | 321 | 0；13 | 21 | 0……",
    }
    assert all(got.report.value(f"T2.{r}.C{i}") is None for r in ("R1", "R2") for i in (1, 2, 3))
    assert all(got.report.value(c) == report.value(c) for c in CELLS if not c.startswith(("T2.R1.", "T2.R2.")))


_T4_HEADING = "四、政府信息公开行政复议、行政诉讼情况"
_T4_COLUMNS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def _before_table_4(seed=5):
    text = render_text(made_up_report(seed), "spaces")
    return text[:text.index(_T4_HEADING)]


def test_table_4_printed_in_three_parts_with_a_note_after_it(tmp_path):
    """Table 4 printed as three small tables, a group each (too wide for a narrow page), and the
    text ends with a note under it that has a figure of its own (no 五、 after it): the three
    groups' figures are its 15 cells in order; the note's 2 is not taken for a 16th."""
    lines = [_T4_HEADING, "",
             "行政复议", " ".join(_T4_COLUMNS), "0 1 1 0 2",
             "行政诉讼：未经复议直接起诉", " ".join(_T4_COLUMNS), "3 0 1 0 4",
             "行政诉讼：复议后起诉", " ".join(_T4_COLUMNS), "1 2 0 1 4",
             "", "注：本年度另有行政复议申请 2 件不予受理。"]
    got = imported(tmp_path, _before_table_4() + "\n".join(lines) + "\n")
    assert got.layout == "rows" and got.tables["T4"].status == "complete"
    assert [[got.report.value(f"T4.R{r}.C{c}") for c in range(1, 6)] for r in (1, 2, 3)] == [
        [0, 1, 1, 0, 2], [3, 0, 1, 0, 4], [1, 2, 0, 1, 4]]
    assert [n.render() for n in got.notes] == []  # nothing to say: no column dropped, no cell unread


def test_a_blank_table_4_with_its_header_letter_spaced(tmp_path):
    """「总　计」 as Word tables space two-character headers: the header is still printed for every
    group, and with no figure after it the form's cells are seen empty (blank, V-03), not missing."""
    header = "   ".join([*_T4_COLUMNS[:-1], "总　计"] * 3)
    text = (_before_table_4() + f"{_T4_HEADING}\n\n行政复议   行政诉讼\n未经复议直接起诉   复议后起诉\n{header}\n"
            "\n五、存在的主要问题及改进情况\n一是……。\n六、其他需要报告的事项\n无。\n")
    got = imported(tmp_path, text)
    assert got.layout == "rows"  # seen by the row reader, not left to the flattened-text one
    assert got.tables["T4"].blank == {f"T4.R{r}.C{c}" for r in (1, 2, 3) for c in range(1, 6)}
    assert "T4：15 个单元格空白，按 0 计算并提示（V-03）" in [n.render() for n in got.notes]


def test_a_text_cut_off_inside_table_4(tmp_path):
    """The text ends inside table 4. In its header (the last group's 总计 not printed): no cell
    is seen, and none is taken for blank. After seven figures, too few to be digits run
    together: they are its first seven cells, and a note says the row was cut off."""
    header = f"{_T4_HEADING}\n\n行政复议   行政诉讼\n未经复议直接起诉   复议后起诉\n"
    columns = "   ".join(_T4_COLUMNS * 3)
    got = imported(tmp_path, _before_table_4() + header + columns[:columns.rindex("总计")] + "\n")
    assert got.tables["T4"].status == "missing" and not got.tables["T4"].blank
    assert all(got.report.value(f"T4.R{r}.C{c}") is None for r in (1, 2, 3) for c in range(1, 6))
    got = imported(tmp_path, _before_table_4() + header + columns + "\n0 1 1 0 2 3 0\n")
    assert got.layout == "rows" and got.tables["T4"].status == "partial"
    assert got.tables["T4"].values == {"T4.R1.C1": 0, "T4.R1.C2": 1, "T4.R1.C3": 1, "T4.R1.C4": 0, "T4.R1.C5": 2,
                                       "T4.R2.C1": 3, "T4.R2.C2": 0}
    assert [n.render() for n in got.notes] == ["T4：文本在「四、政府信息公开行政复议、行政诉讼情况」一行中断，只读入 7 个单元格"]


def _t3_row(lines, label):
    return next(n for n, line in enumerate(lines) if line.startswith(label))


def test_empty_cells_a_row_may_have_at_either_end_are_blank_only_where_the_sums_put_them(tmp_path):
    """'2.重复申请<tab><tab>2<tab><tab>1234<tab>3<tab>5<tab>1244<tab>': eight cells for seven. Kept
    as printed, the first cell is empty and the last tab is layout (0+2+0+1234+3+5 = 1244); the
    other way round the row sum fails. So 自然人 and 科研机构 are printed empty (blank, not 0), no
    figure is shifted, and the row has no subtotal column."""
    report = made_up_report(5)
    assert [report.value(f"T3.R17.C{i}") for i in range(1, 8)] == [0, 2, 0, 1234, 3, 5, 1244]
    lines = render_text(report, "tabs").splitlines()
    i = _t3_row(lines, "2.重复申请")
    lines[i] = "2.重复申请\t\t2\t\t1234\t3\t5\t1244\t"
    got = imported(tmp_path, "\n".join(lines))
    assert_exact(got, report, blank={"T3.R17.C1", "T3.R17.C3"})
    assert not [n for n in got.notes if n.key == "subtotal_column"]


def test_a_row_whose_empty_cell_may_sit_two_ways_and_whose_sum_fails_keeps_what_both_ways_agree_on(tmp_path):
    """'2.重复申请<tab><tab>7<tab>7<tab>1<tab>/<tab>/<tab>/<tab>': the empty cell is the first or the
    trailing tab, and neither way makes the row sum hold (a misprint). By hand, both ways give
    7 in 商业企业 and none in the last three (「/」, said once for the three); 自然人, 科研机构 and
    社会公益组织 differ between them: not read, named with the row as printed."""
    lines = render_text(made_up_report(5), "tabs").splitlines()
    i = _t3_row(lines, "2.重复申请")
    lines[i] = "2.重复申请\t\t7\t7\t1\t/\t/\t/\t"
    got = imported(tmp_path, "\n".join(lines))
    assert got.layout == "rows"
    t3 = got.tables["T3"]
    cells = [f"T3.R17.C{i}" for i in range(1, 8)]
    assert [t3.values.get(c) for c in cells] == [None, 7, None, None, 0, 0, 0]
    assert {c: t3.unread[c] for c in cells if c in t3.unread} == {
        c: ("ambiguous_blanks", "（空） 7 7 1 / / /") for c in ("T3.R17.C1", "T3.R17.C3", "T3.R17.C4")}
    assert not {c for c in cells if c in t3.blank}
    [none] = [n for n in t3.notes if n.key == "none_as_zero"]
    assert (none.params["n"], none.params["words"]) == (3, "/")


def test_a_subtotal_column_and_empty_cells_are_told_apart_by_the_sums(tmp_path):
    """Tabs, zeros printed as empty cells and a 小计 column after 自然人: a row whose 自然人 is
    empty has one cell too many at each end, and only the sums tell the subtotal from the
    empty cells. Every figure is read as made up, every empty cell blank, the 25 rows of table
    3 said to have a subtotal column; a table 2 row whose empty cell may be its first or the
    trailing tab is not read, named with its cells as printed."""
    report = made_up_report(5)
    text = render_text(report, "tabs", none_word="", subtotal_column=True)
    assert [report.value(f"T2.R1.C{i}") for i in range(1, 4)] == [0, 1, 1234] and "规章\t\t1\t1234\t\n" in text
    got = imported(tmp_path, text)
    zeros = {c for c in CELLS if report.value(c) == 0}
    t2 = [f"T2.R1.C{i}" for i in range(1, 4)]
    assert got.tables["T2"].unread == {c: ("ambiguous_blanks", "（空） 1 1234") for c in t2}
    for c in CELLS:
        assert got.report.value(c) == (None if c in zeros or c in t2 else report.value(c)), c
    assert {c for r in got.tables.values() for c in r.blank} == zeros - set(t2)
    [note] = [n for n in got.notes if n.key == "subtotal_column"]
    assert note.params == {"where": "T3", "n": 25}


def test_digits_run_together_beside_other_handling_printed_as_one_row(tmp_path):
    """（六）其他处理 printed as one row, and 1.属于国家秘密's digits run together ("100001112":
    1|0|0|0|0|11|12 or 10|0|0|0|1|1|12 by its own sum). The column sums, through the printed
    sums of R21–R23, settle it as made up."""
    row = [1, 0, 0, 0, 0, 11, 12]
    report = with_row(made_up_report(3), "R05", row)
    got = imported(tmp_path, render_text(report, "tabs", run_together="R05", other_as_one_row=True))
    assert got.layout == "rows"
    assert [got.report.value(f"T3.R05.C{i}") for i in range(1, 8)] == row
    assert "T3.R05：数字连在一起「100001112」，按表内合计唯一拆分为 1 | 0 | 0 | 0 | 0 | 11 | 12" in [n.render() for n in got.notes]


def test_a_note_under_table_3_that_names_a_row_is_not_that_row(tmp_path):
    """「注：“3.其他”中含咨询类申请 12 件。」 after the table: rows come in order, and 3.其他 has been
    read; its figures stay as printed."""
    report = made_up_report(5)
    lines = render_text(report, "tabs").splitlines()
    lines.insert(_t3_row(lines, "四、结转下年度继续办理") + 1, "注：“3.其他”中含咨询类申请 12 件。")
    assert_exact(imported(tmp_path, "\n".join(lines)), report)


def test_a_fragment_with_a_comparison_of_two_years_before_its_rows(tmp_path):
    """Table 2's rows copied without their heading, after a line comparing two years
    (「行政许可 318 296」: two figures for one cell): that line is no row and takes nothing; the
    rows after it are read."""
    report = made_up_report(7)
    lines = [line for line in render_text(report, "tabs").splitlines() if line not in {T2.heading, T3.heading, T4.heading}]
    got = imported(tmp_path, "\n".join(["事项\t2022年\t2021年", "行政许可\t318\t296"] + lines))
    assert got.layout == "rows" and got.tables["T2"].status == "complete"  # read row by row, not from the flattened text
    assert all(got.report.value(c) == report.value(c) for c in CELLS if c.startswith("T2"))


def test_a_misprinted_label_is_taken_for_the_row_it_is_closest_to(tmp_path):
    """「2.其他法律行政止公开」 (法规禁 left out) names no row exactly: the row it is closest to is
    read, and the note names that row's seven cells."""
    report = made_up_report(6)
    got = imported(tmp_path, render_text(report, "tabs", labels={"2.其他法律行政法规禁止公开": "2.其他法律行政止公开"}))
    assert_exact(got, report)
    [note] = [n for n in got.notes if n.key == "label_taken"]
    assert note.cells == tuple(f"T3.R06.C{i}" for i in range(1, 8))


@pytest.mark.parametrize("layout", ["flat", "tabs", "per_line"])
def test_other_handling_as_one_row_printed_as_its_short_name_is_never_read_as_3_other(tmp_path, layout):
    """（六）其他处理 printed as one row (the sums of R21–R23, as the 2019 form does) and named
    「（六）其他」: one numbering away from 3.其他's label, but another number, so another row or
    group: it is never taken for 3.其他, whose figures would then be the sums (R23's 1244 for
    the 8 made up). R21–R23 are not read; every other cell of table 3 reads as made up."""
    from published import render_flat

    report = made_up_report(7)
    text = (render_flat(report, apart=True, other_as_one_row=True) if layout == "flat"
            else render_text(report, layout, other_as_one_row=True))
    assert text.count("（六）其他处理") == 1
    got = imported(tmp_path, text.replace("（六）其他处理", "（六）其他"))
    other = {f"T3.{r}.C{c}" for r in ("R21", "R22", "R23") for c in range(1, 8)}
    assert [got.report.value(c) for c in sorted(other)] == [None] * 21
    assert {c: got.report.value(c) for c in CELLS if c.startswith("T3.") and c not in other} == {
        c: report.value(c) for c in CELLS if c.startswith("T3.") and c not in other}
    assert not [n for n in got.notes if n.key == "label_taken"]


def test_a_label_wrapped_around_its_figures_one_character_after_them(tmp_path):
    """A narrow label cell of a PDF: 「行政规范性文」, the figures on a line of their own, then 「件」:
    the label is found whole, not taken for the closest one."""
    report = made_up_report(5)
    text = render_text(report, "spaces")
    figures = "   ".join(str(report.value(f"T2.R2.C{i}")) for i in range(1, 4))
    assert f"行政规范性文件   {figures}\n" in text
    got = imported(tmp_path, text.replace(f"行政规范性文件   {figures}\n", f"行政规范性文\n{figures}\n件\n"))
    assert_exact(got, report)
    assert not [n for n in got.notes if n.key == "label_taken"]


def test_a_row_with_too_many_cells_one_of_them_empty_is_named_as_printed(tmp_path):
    lines = render_text(made_up_report(5), "tabs").splitlines()
    i = _t3_row(lines, "2.重复申请")
    lines[i] = "2.重复申请\t1\t2\t\t3\t4\t5\t6\t7\t8"
    t3 = imported(tmp_path, "\n".join(lines)).tables["T3"]
    assert {t3.unread.get(f"T3.R17.C{i}") for i in range(1, 8)} == {("cell_count", "1 2 （空） 3 4 5 6 7 8")}


_T4_ROWS = {"R1": [10, 12, 0, 3, 25], "R2": [11, 0, 2, 0, 13], "R3": [0, 1, 0, 0, 1]}


def _table_4_in_parts(tmp_path, parts):
    """The made-up report with table 4 printed a part per group: `parts` gives what is printed
    before each group's figures."""
    report = made_up_report(5).with_values({f"T4.{r}.C{i}": v for r, vs in _T4_ROWS.items() for i, v in enumerate(vs, 1)})
    lines = render_text(report, "tabs").splitlines()
    start, end = _t3_row(lines, "行政复议\t行政诉讼"), _t3_row(lines, "五、")
    t4 = [f"{part}\n" + "\t".join(map(str, _T4_ROWS[r])) for part, r in zip(parts, ("R1", "R2", "R3"))]
    path = tmp_path / "r.txt"
    path.write_text("\n".join(lines[:start] + t4 + [""] + lines[end:]), encoding="utf-8")
    return report, path


_T4_HEADER = "结果维持\t结果纠正\t其他结果\t尚未审结\t总　计"


@pytest.mark.parametrize("parts", [
    ["行政复议", "行政诉讼：未经复议直接起诉", "复议后起诉"],
    [f"行政复议\t{_T4_HEADER}", f"行政诉讼：未经复议直接起诉\t{_T4_HEADER}", f"复议后起诉\t{_T4_HEADER}"],
    [_T4_HEADER] * 3,
], ids=["labels", "labels_and_header", "header"])
def test_table_4_printed_a_part_per_group_is_read_whole(tmp_path, parts):
    """Table 4 printed a part per group (行政复议 / 未经复议直接起诉 / 复议后起诉), under its label,
    its label and its columns' header, or the header alone; its figures apart. The first two
    parts have 15 digits (10 12 0 3 25 / 11 0 2 0 13): enough for 15 cells only if digits ran
    together, which they did not; the third part is the table's too. Every cell as printed, no
    finding (it was: the 15 digits cut one a cell, T4-01 and N-01 blamed on the report)."""
    report, path = _table_4_in_parts(tmp_path, parts)
    assert_exact(import_report(path), report)
    assert audit_path(path).findings == []


def test_table_4_in_parts_under_titles_of_its_own_is_not_cut(tmp_path):
    """The parts titled 「（一）行政复议情况」…: the text does not tell whether what follows the
    first two parts' 15 digits is more of the table or another section's figures, so the row
    reader does not cut them into figures nobody printed (it leaves table 4 unread, said so);
    whatever is read is as printed, and nothing is blamed on the report."""
    from govreport_xl.importing.tables import read_t4
    from govreport_xl.importing.tokens import tokens

    titles = ["（一）行政复议情况", "（二）未经复议直接起诉案件", "（三）复议后起诉案件"]
    report, path = _table_4_in_parts(tmp_path, titles)
    part = path.read_text(encoding="utf-8").split(titles[0])[1].split("五、")[0]
    read = read_t4(tokens([titles[0], *part.splitlines()]))
    assert not read.values and {why for why, _ in read.unread.values()} == {"cell_count"}
    got = import_report(path)
    assert all(got.report.value(c) == report.value(c) for c in got.tables["T4"].values)
    assert not [f for f in audit_path(path).findings if f.rule in ("T4-01", "N-01")]


NEXT_SECTION = "五、下一步工作打算\n2024\n年，继续推进。\n2025\t2026\n"


def test_table_4_with_empty_cells_ends_with_its_15_cells(tmp_path):
    """Zeros printed as empty cells (2 _ 5 _ 7 _ 1 2 _ 3 _ 40 13 2 55: 14 digits), then a section
    headed otherwise with figures of its own (2024, 2025 2026): an empty cell is a cell, so the
    table ends with its 15th, and the years are not taken."""
    report = made_up_report(14)
    assert [report.value(f"T4.R{r}.C{c}") for r in (1, 2, 3) for c in range(1, 6)] == [2, 0, 5, 0, 7, 0, 1, 2, 0, 3, 0, 40, 13, 2, 55]
    text = render_text(report, "tabs", none_word="").replace("五、存在的主要问题及改进情况\n", NEXT_SECTION)
    got = imported(tmp_path, text)
    zeros = {c for c in CELLS if c.startswith("T4") and report.value(c) == 0}
    assert got.tables["T4"].blank == zeros
    assert all(got.report.value(c) == (None if c in zeros else report.value(c)) for c in CELLS if c.startswith("T4"))


def test_table_4_digits_run_together_before_another_sections_figures_are_not_cut():
    """Table 4's figures run together (one string of digits), then a section headed otherwise
    with figures (2024, 2025 2026): whether those are more of the table the text does not
    tell, so the row reader cuts nothing; its cells are unread, named with the digits printed."""
    from govreport_xl.importing.tables import read_t4
    from govreport_xl.importing.tokens import tokens

    report = made_up_report(5)
    glued = "".join(str(report.value(f"T4.R{r}.C{c}")) for r in (1, 2, 3) for c in range(1, 6))
    assert glued == "012341234224708012340124204013558"
    read = read_t4(tokens(["行政复议\t行政诉讼", " ".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3), glued,
                           *NEXT_SECTION.splitlines()]))
    assert not read.values and set(read.unread.values()) == {("cell_count", glued)}


def test_table_4_in_parts_with_words_for_none_and_a_thousands_separator_is_read_whole(tmp_path):
    """Three parts under titles of their own, zeros printed 「/」, one figure 1,200: the first two
    parts' ten figures are ten cells (a 「/」 or 「1,200」 is one), too few to end the table, so the
    third part is its too."""
    rows = {"R1": [1200, 0, 0, 0, 1200], "R2": [1, 0, 0, 0, 1], "R3": [1, 0, 1, 0, 2]}
    report = made_up_report(5).with_values({f"T4.{r}.C{i}": v for r, vs in rows.items() for i, v in enumerate(vs, 1)})
    lines = render_text(report, "tabs").splitlines()
    start, end = _t3_row(lines, "行政复议\t行政诉讼"), _t3_row(lines, "五、")
    titles = ["（一）行政复议情况", "（二）未经复议直接起诉案件", "（三）复议后起诉案件"]
    show = lambda v: "/" if v == 0 else f"{v:,}"  # noqa: E731
    t4 = [f"{title}\n" + "\t".join(map(show, rows[r])) for title, r in zip(titles, ("R1", "R2", "R3"))]
    got = imported(tmp_path, "\n".join(lines[:start] + t4 + [""] + lines[end:]))
    assert got.layout == "rows"
    assert [got.report.value(f"T4.{r}.C{c}") for r in ("R1", "R2", "R3") for c in range(1, 6)] == [*rows["R1"], *rows["R2"], *rows["R3"]]



def test_a_row_cut_off_after_an_empty_cell_is_not_shifted_into_it(tmp_path):
    """The text ends inside a row printed with tabs whose first cell is empty
    (「3.补正后申请内容仍不明确<tab><tab>5<tab>3」: C1 empty, C2 = 5, C3 = 3): an empty cell before the
    figures may be the row's first cell or a merged label's placeholder, so which cells the
    figures are cannot be told; they are not read, never shifted one cell left (C1 = 5, C2 = 3
    was read, wrong in both cells)."""
    lines = render_text(made_up_report(5), "tabs").splitlines()
    t3 = next(n for n, line in enumerate(lines) if line.startswith("3.补正后申请内容仍不明确"))
    got = imported(tmp_path, "\n".join(lines[:t3] + ["3.补正后申请内容仍不明确\t\t5\t3"]) + "\n")
    assert all(got.report.value(f"T3.R15.C{c}") is None for c in range(1, 8))
    assert {"T3.R15.C1", "T3.R15.C2", "T3.R15.C3"} <= set(got.tables["T3"].unread)
    assert not [f for f in audit_path(tmp_path / "r.txt").findings if f.rule.startswith(("T3", "V-"))]


def test_table_4_cut_off_after_an_empty_cell_is_not_shifted_into_it(tmp_path):
    """As above for table 4 (「<tab>1<tab>1<tab>0<tab>2<tab>3<tab>0」 after its header, C1 empty): its
    figures read as C1 = 1 … R2.C1 = 0 were wrong in every cell (the flattened-text reader, which
    takes over where the rows give fewer cells, saw no empty cell at a line's start)."""
    lines = render_text(made_up_report(5), "tabs").splitlines()
    t4 = lines.index(_T4_HEADING)
    got = imported(tmp_path, "\n".join(lines[:t4 + 5] + ["\t1\t1\t0\t2\t3\t0"]) + "\n")
    assert got.tables["T4"].values == {}
