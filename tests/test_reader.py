"""The reader never crashes on bad content: each oddity becomes a finding naming sheet, cell and code."""

import datetime as dt
import re
import zipfile
import shutil
from decimal import Decimal

import openpyxl
import pytest

from govreport_xl.excel.formulas import total_formula
from govreport_xl.excel.layout import SHEET_OF_TABLE, TEMPLATE_VERSION, VERSION_PROPERTY, address
from govreport_xl.core.source import SourceError
from govreport_xl.api import validate as validate_path
from govreport_xl.excel.filler import fill_workbook
from govreport_xl.api import read as read_workbook
from helpers import EXAMPLE_XLSX, example_report, file_hash


def edited(tmp_path, edit, name="edited.xlsx"):
    """A copy of the example with `edit(wb)` applied, saved by openpyxl (no cached values)."""
    path = tmp_path / name
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    edit(wb)
    wb.save(path)
    return path


def put(code, value):
    def edit(wb):
        sheet, ref = address(code).split("!")
        wb[sheet][ref].value = value
    return edit


def pairs(outcome):
    return sorted((f.rule, ",".join(f.cells), ",".join(f.codes)) for f in outcome.findings)


def test_example_reads_exactly(tmp_path):
    result = read_workbook(EXAMPLE_XLSX)
    assert result.report == example_report()
    assert result.report.value("T2.R6.C1") == Decimal("8715.96")
    assert not result.problems and not result.structure


@pytest.mark.parametrize("value, rule, words", [
    ("/", "V-01", "用「/」表示没有"),
    ("无", "V-01", "用「无」表示没有"),
    ("十二", "V-01", "填的是文字「十二」"),
    ("12", "V-01", "以文本形式存储"),
    (-3, "V-01", "是负数 -3"),
    (3.5, "V-01", "不是整数：3.5"),
    (dt.datetime(2022, 3, 1), "V-01", "填的是日期"),
    (True, "V-01", "逻辑值"),
    (None, "V-03", "未填写"),
    ("  ", "V-03", "未填写"),
])
@pytest.mark.slow
def test_bad_count_cell(tmp_path, value, rule, words):
    code = "T3.R07.C1"  # 三、依申请公开!D12
    outcome = validate_path(edited(tmp_path, put(code, value)))
    mine = [f for f in outcome.findings if f.rule == rule and f.codes == (code,)]
    assert [f.cells for f in mine] == [("三、依申请公开!D12",)]
    assert words in mine[0].message("zh")
    assert outcome.report.value(code) is None
    others = {(f.rule, f.codes) for f in outcome.findings} - {(rule, (code,))}
    if rule == "V-01":  # one wrong cell, one finding; the total built on it waits until it is fixed
        assert others == set()
        assert ("V-01", ("T3.R07.C7",)) in {(u.rule, u.codes) for u in outcome.unchecked}
    else:  # a blank counts as 0 in the sums, as in the sheet
        assert {r for r, _ in others} == {"T3-01"}


@pytest.mark.slow
def test_amount_cell_keeps_decimals_and_refuses_text(tmp_path):
    outcome = validate_path(edited(tmp_path, put("T2.R6.C1", 5949.088667)))
    assert outcome.report.value("T2.R6.C1") == Decimal("5949.088667") and outcome.valid
    outcome = validate_path(edited(tmp_path, put("T2.R6.C1", "251000元"), "b.xlsx"))
    [f] = [f for f in outcome.findings if f.rule == "V-02"]
    assert f.cells == (address("T2.R6.C1"),) and "251000元" in f.message("zh")


def test_total_overwritten_by_constant(tmp_path):
    """One finding on the changed total; the sums it feeds wait for it (issue 21 item 3)."""
    code = "T3.R01.C7"
    outcome = validate_path(edited(tmp_path, put(code, 200)))
    assert pairs(outcome) == [("S-01", address(code), code)]
    assert outcome.findings[0].message() == "「一、本年新收政府信息公开申请数量 / 总计」合计被改成了常量 200：请恢复公式或重新从模板复制"
    waiting = {(u.rule, u.reason.raw) for u in outcome.unchecked}
    assert {("T3-02", code), ("T3-01", code), ("V-01", code)} <= waiting


def test_total_formula_cleared(tmp_path):
    outcome = validate_path(edited(tmp_path, put("T4.R1.C5", None)))
    assert [(f.rule, f.params["reason"].key) for f in outcome.findings] == [("S-01", "total_cleared")]
    assert {u.rule for u in outcome.unchecked} == {"T4-01", "V-01", "V-03"}


def test_missing_sheet(tmp_path):
    def drop(wb):
        del wb[SHEET_OF_TABLE["T4"]]
    outcome = validate_path(edited(tmp_path, drop))
    s01 = [f.message("zh") for f in outcome.findings if f.rule == "S-01"]
    assert any("缺少工作表「四、复议诉讼」" in m for m in s01)
    assert not any(f.rule in ("V-03", "V-01") for f in outcome.findings)


def test_missing_name_falls_back_to_template_position(tmp_path):
    def drop(wb):
        del wb.defined_names["T3_R05_C1"]
    outcome = validate_path(edited(tmp_path, drop))
    [f] = outcome.findings
    assert f.rule == "S-01" and "T3_R05_C1" in f.message("zh")
    assert outcome.report.value("T3.R05.C1") == 4


@pytest.mark.slow
def test_unknown_or_missing_version(tmp_path):
    def bump(wb):
        for p in wb.custom_doc_props:
            if p.name == VERSION_PROPERTY:
                p.value = "1999.9"
        sheet, ref = next(wb.defined_names["TEMPLATE_VERSION"].destinations)
        wb[sheet][ref.replace("$", "")] = "1999.9"
    outcome = validate_path(edited(tmp_path, bump))
    assert [f.message("zh") for f in outcome.findings] == ["模板版本「1999.9」未知：请用最新的模板重新填写"]

    def strip(wb):
        wb.custom_doc_props.props.clear()
        sheet, ref = next(wb.defined_names["TEMPLATE_VERSION"].destinations)
        wb[sheet][ref.replace("$", "")] = None
    outcome = validate_path(edited(tmp_path, strip, "bare.xlsx"))
    assert [f.message("zh") for f in outcome.findings] == ["没有模板版本标记，不是本工具生成的模板：请用 govreport-xl 生成的模板填写"]


def test_version_stamps_must_agree(tmp_path):
    def old_cell(wb):
        sheet, ref = next(wb.defined_names["TEMPLATE_VERSION"].destinations)
        wb[sheet][ref.replace("$", "")] = "2020.9"
    outcome = validate_path(edited(tmp_path, old_cell))
    assert [f.message("zh") for f in outcome.findings] == [
        f"文档属性与隐藏单元格中的模板版本不一致（2020.9 / {TEMPLATE_VERSION}），可能混用了不同版本的模板：请用最新的模板重新填写"
    ]


def test_unreadable_files(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    with pytest.raises(SourceError) as err:
        read_workbook(junk)
    assert "junk.xlsx" in err.value.message("zh") and "无法作为 .xlsx" in err.value.message("zh")
    with pytest.raises(SourceError):
        read_workbook(tmp_path / "nothing.xlsx")


def test_a_foreign_workbook_is_not_a_crash(tmp_path):
    path = tmp_path / "foreign.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "随便什么表"
    wb.save(path)
    outcome = validate_path(path)
    # one finding that says what to do; nothing else judged or listed (issue 21 item 11)
    [f] = outcome.findings
    assert (f.rule, f.params["reason"].key, outcome.status) == ("S-01", "not_template", "invalid")
    assert f.message().startswith("不是政务公开年报的模板") and "templates/report_template.xlsx" in f.message()
    assert outcome.unchecked == [] and outcome.skipped["T3-01"].key == "not_a_template"


def test_input_file_is_never_modified(tmp_path):
    path = tmp_path / "in.xlsx"
    shutil.copy(EXAMPLE_XLSX, path)
    before = (file_hash(path), path.stat().st_mtime_ns)
    validate_path(path)
    assert (file_hash(path), path.stat().st_mtime_ns) == before


def with_cached_result(path, out, formula: str, value: str):
    """A copy whose formula carries a cached result in its <v>, as Excel writes it."""
    f = formula.lstrip("=").encode()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<f>" + re.escape(f) + rb"</f>(?:<v\s*/>|<v></v>)", b"<f>" + f + b"</f><v>" + value.encode() + b"</v>", data)
            dst.writestr(item, data)
    return out


def test_cached_values_are_used_where_they_exist(tmp_path):
    """A workbook saved by a spreadsheet carries totals' results; a stale one is caught."""
    path = fill_workbook(example_report(), tmp_path / "cached.xlsx")
    out = with_cached_result(path, tmp_path / "stale.xlsx", total_formula("T3.R01.C7"), "999")
    outcome = validate_path(out)
    assert outcome.report.value("T3.R01.C7") == 999
    assert any(f.rule == "T3-02" and f.actual == 999 and f.expected == 199 for f in outcome.findings)


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    report = example_report().model_copy(update={"meta": example_report().meta.model_copy(update={"name": "=HYPERLINK(\"x\")"})})
    path = fill_workbook(report, tmp_path / "f.xlsx")
    sheet, ref = address("META_NAME").split("!")
    cell = openpyxl.load_workbook(path)[sheet][ref]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("x")'
    assert read_workbook(path).report.meta.name == '=HYPERLINK("x")'


def test_a_rewritten_total_formula_is_caught(tmp_path):
    code = "T3.R01.C7"
    short = total_formula(code).replace("I", "H")  # one applicant column left out
    outcome = validate_path(edited(tmp_path, put(code, short)))
    [s01] = [f for f in outcome.findings if f.rule == "S-01"]
    assert s01.codes == (code,) and s01.cells == (address(code),) and short in s01.message("zh")
    same = total_formula(code).replace("SUM(", "sum( ").replace("D", "$D")  # spelled differently, adds the same
    assert [f.rule for f in validate_path(edited(tmp_path, put(code, same), "same.xlsx")).findings] == []


def test_a_formula_in_an_input_cell(tmp_path):
    code = "T3.R03.C1"
    path = edited(tmp_path, put(code, "=70+8"))
    outcome = validate_path(path)  # saved by openpyxl: no cached result to read
    [f] = [f for f in outcome.findings if f.codes == (code,)]
    assert f.rule == "V-01" and "没有计算结果" in f.message("zh") and "=70+8" in f.message("zh")
    cached = validate_path(with_cached_result(path, tmp_path / "cached.xlsx", "=70+8", "78"))
    assert cached.findings == [] and cached.report.value(code) == 78


@pytest.mark.slow
@pytest.mark.parametrize("error", ["#REF!", "#DIV/0!", "#N/A"])
def test_error_values_are_named_as_such(tmp_path, error):
    code = "T3.R03.C2"
    outcome = validate_path(edited(tmp_path, put(code, error)))
    [f] = [f for f in outcome.findings if f.codes == (code,)]
    assert f.rule == "V-01" and f"是错误值 {error}" in f.message("zh")


def test_numbers_typed_as_text_with_separators(tmp_path):
    outcome = validate_path(edited(tmp_path, put("T2.R3.C1", "346,342")))
    [f] = outcome.findings
    assert f.rule == "V-01" and "以文本形式存储" in f.message("zh") and "346,342" in f.message("zh")


ODD_VALUES = {
    "T3.R03.C1": "=70+8", "T3.R04.C1": "#REF!", "T3.R05.C1": dt.datetime(2022, 3, 1), "T3.R06.C1": True,
    "T3.R07.C1": 3.25, "T3.R08.C1": "  ", "T3.R09.C1": "十二", "T2.R6.C1": 5949.088667, "META_NAME": "=1+1",
}


@pytest.mark.slow
def test_single_pass_reader_matches_openpyxl(tmp_path):
    """The reader gets formulas and cached results in one pass; on the same files it gives
    exactly what openpyxl gives (values, formulas, types), odd cells and cached totals included."""
    from govreport_xl.excel.ooxml import Package
    from libreoffice import SOFFICE, convert

    def odd(wb):
        for code, value in ODD_VALUES.items():
            put(code, value)(wb)
    files = [EXAMPLE_XLSX, edited(tmp_path, odd, "odd.xlsx")]
    if SOFFICE:  # a file written by a real spreadsheet engine, with cached results
        files += convert([files[1]], tmp_path / "lo")
    for path in files:
        formulas, cached = openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)
        with Package(path) as pkg:
            for name in SHEET_OF_TABLE.values():
                ours = pkg.cells(name)
                theirs = {(c.row, c.column): c for row in formulas[name].iter_rows() for c in row if c.value is not None}
                assert set(ours) == set(theirs), (path, name)
                for (r, col), cell in ours.items():
                    f, v = theirs[(r, col)], cached[name].cell(r, col).value
                    if f.data_type == "f":
                        assert (cell.formula, cell.value) == (f.value, v), (path, name, r, col)
                    else:
                        assert (cell.formula, cell.value, cell.data_type) == (None, f.value, f.data_type), (path, name, r, col)
