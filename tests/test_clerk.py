"""What a clerk meets (issue 21, items 1–7 and 11): the figures as typed, unfilled tables said as
such, one finding for an overwritten total, messages that say what to do, a check page to hand
over, renamed sheets, years written with 年, workbooks that are not the template, and workbooks
of the earlier template version that clerks have already filled."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from govreport_xl.api import read as read_path
from govreport_xl.api import validate as validate_path
from govreport_xl.excel.filler import fill_workbook
from govreport_xl.excel.layout import SHEET_CHECKS, SHEET_COVER, SHEET_OF_TABLE, TEMPLATE_VERSION, address
from govreport_xl.excel.marks import plan
from govreport_xl.core.standard import CELLS
from helpers import EXAMPLE_XLSX, TEMPLATE, evaluate_values, example_report, example_values
from libreoffice import convert, shown
from govreport_xl.excel.check_sheet import FIRST_SLOT_ROW, SLOTS
from test_in_sheet_checks import Sheet

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_2021_2 = ROOT / "tests" / "fixtures" / "template_2021.2.xlsx"  # templates/ as of 1148ee1


def put(path: Path, out: Path, cells: dict, edit=None) -> Path:
    """A copy of `path` with cells (code or META name -> value) written at their defined names."""
    wb = openpyxl.load_workbook(path)
    for code, value in cells.items():
        name = CELLS[code].name if code in CELLS else code
        sheet, ref = next(wb.defined_names[name].destinations)
        wb[sheet][ref.replace("$", "")] = value
    if edit is not None:
        edit(wb)
    wb.save(out)
    return out


def cell_shown(sheets: dict, code: str) -> str:
    sheet, ref = address(code).split("!")
    cell = openpyxl.utils.cell.coordinate_from_string(ref)
    return sheets[sheet][cell[1] - 1][openpyxl.utils.column_index_from_string(cell[0]) - 1]


@pytest.fixture(scope="module")
def clerk_view(tmp_path_factory):
    """The example with a decimal, and the blank template, as LibreOffice shows them."""
    folder = tmp_path_factory.mktemp("view")
    decimal = put(EXAMPLE_XLSX, folder / "decimal.xlsx", {"T3.R03.C1": 2.5, "T3.R03.C2": 0.5})
    blank = shutil.copy(TEMPLATE, folder / "blank.xlsx")
    return shown([decimal, Path(blank)], folder / "out")


# --- 1. a decimal is shown as typed ---------------------------------------------------------

@pytest.mark.slow  # LibreOffice shows the sheets
def test_a_decimal_is_shown_as_typed_and_so_are_the_totals(clerk_view):
    sheets = next(v for k, v in clerk_view.items() if k.stem == "decimal")
    assert cell_shown(sheets, "T3.R03.C1") == "2.5"  # not a rounded 3 that hides why the cell is red
    assert cell_shown(sheets, "T3.R03.C7") == "3"  # 2.5 + 0.5: the total shows its real sum
    assert cell_shown(sheets, "T3.R24.C1") == str(186 - 78 + 2.5)
    assert cell_shown(sheets, "T2.R6.C1") == "8715.96"


# --- 2. an empty table is unfilled, not passed ------------------------------------------------

@pytest.mark.slow  # LibreOffice shows the sheets
def test_a_blank_template_says_unfilled_on_every_sheet(clerk_view):
    sheets = next(v for k, v in clerk_view.items() if k.stem == "blank")
    assert sheets[SHEET_COVER][1][0] == "全部校验：未填写，黄色单元格待填（没有发生的填 0）；2 个错误，详见「校验」"
    for sheet in SHEET_OF_TABLE.values():
        assert sheets[sheet][1][0] == "本表校验：未填写，黄色单元格待填（没有发生的填 0）"
    assert not any("通过" in sheets[s][1][0].replace("不通过", "") for s in (SHEET_COVER, *SHEET_OF_TABLE.values()))


@pytest.mark.slow  # LibreOffice shows the sheets
def test_a_half_filled_table_says_how_many_cells_are_left(tmp_path):
    """尚未填完 with the count of blank cells, while the other tables are still 未填写."""
    path = put(TEMPLATE, tmp_path / "half.xlsx", {"META_NAME": "某县人民政府", "META_YEAR": 2022,
                                                  "T4.R1.C1": 1, "T4.R1.C2": 0})
    sheets = shown([path], tmp_path / "out")[path]
    assert sheets[SHEET_OF_TABLE["T4"]][1][0] == "本表校验：尚未填完，还有 10 个单元格未填写，详见「校验」"
    assert sheets[SHEET_OF_TABLE["T3"]][1][0].startswith("本表校验：未填写")
    assert sheets[SHEET_COVER][1][0] == "全部校验：尚未填完，还有 164 个单元格未填写，详见「校验」"
    result = validate_path(path)
    assert (result.errors, result.warnings) == (0, 164)  # the CLI's count is the sheet's


# --- 3. an overwritten total (see also test_in_sheet_checks) --------------------------------

def test_an_overwritten_total_marks_only_its_cell(tmp_path):
    path = put(EXAMPLE_XLSX, tmp_path / "total.xlsx", {"T3.R24.C1": 99})
    result = validate_path(path)
    [f] = result.findings
    assert (f.rule, f.cells, f.actual) == ("S-01", ("三、依申请公开!D29",), "99")
    assert f.message() == "「三、本年度办理结果 / （七）总计 / 自然人」合计被改成了常量 99：请恢复公式或重新从模板复制"
    marks = plan(result, read_path(path).addresses)
    painted = {(s, cell) for s, cells in marks.fills.items() for cell, colour in cells.items() if colour.upper() == "#FF9999"}
    assert painted == {("三、依申请公开", (29, 4))} and marks.marked == 1  # not the whole column
    assert "另有" in marks.rows[-1][3]  # the sums it feeds are said to wait, once


# --- 4. every message says what to do ---------------------------------------------------------

@pytest.mark.parametrize("value, message", [
    (-1, "「三、本年度办理结果 / （一）予以公开 / 自然人」应为不小于 0 的整数：是负数 -1，请填实际的数，不能为负；没有发生的填 0"),
    (2.5, "「三、本年度办理结果 / （一）予以公开 / 自然人」应为不小于 0 的整数：不是整数：2.5，件数请填整数"),
    ("20", "「三、本年度办理结果 / （一）予以公开 / 自然人」应为不小于 0 的整数：数字「20」以文本形式存储，合计不会计入："
           "请重新输入（不要加撇号 '），或点单元格旁的提示选“转换为数字”"),
    ("七十八", "「三、本年度办理结果 / （一）予以公开 / 自然人」应为不小于 0 的整数：填的是文字「七十八」，请改填阿拉伯数字，没有发生的填 0"),
    ("/", "「三、本年度办理结果 / （一）予以公开 / 自然人」应为不小于 0 的整数：用「/」表示没有，请改填 0"),
])
def test_a_wrong_figure_says_how_to_put_it_right(value, message):
    [f] = evaluate_values(example_values() | {"T3.R03.C1": value}).findings
    assert f.message() == message


@pytest.mark.slow  # LibreOffice recalculates the sheet
def test_the_check_sheet_says_how_to_put_each_wrong_figure_right(tmp_path):
    """The 校验 sheet's problem list gives the same fix as the command line, for each kind of
    wrong figure (written out by hand here; test_sheet_agrees compares with the engine)."""
    typed = {"T3.R03.C1": "20", "T3.R04.C1": "／", "T3.R05.C1": "七十六", "T3.R06.C1": True, "T3.R07.C1": "=1/0", "T3.R11.C1": False,
             "T3.R08.C1": 1e16, "T3.R10.C1": 10**15 + 3, "T4.R1.C1": -1, "T4.R1.C2": 2.5, "T2.R6.C1": -0.01, "T3.R09.C1": " １,２34 "}
    path = put(EXAMPLE_XLSX, tmp_path / "typed.xlsx", typed)
    [saved] = convert([path], tmp_path / "lo")
    label = "「（三）不予公开 / {} / 自然人」应为不小于 0 的整数："
    expected = [
        "「三、本年度办理结果 / （一）予以公开 / 自然人」应为不小于 0 的整数：数字「20」以文本形式存储，合计不会计入："
        "请重新输入（不要加撇号 '），或点单元格旁的提示选“转换为数字”",
        "「三、本年度办理结果 / （二）部分公开（区分处理的，只计这一情形，不计其他情形） / 自然人」应为不小于 0 的整数："
        "用「／」表示没有，请改填 0",
        label.format("1.属于国家秘密") + "填的是文字「七十六」，请改填阿拉伯数字，没有发生的填 0",
        label.format("2.其他法律行政法规禁止公开") + "填的是逻辑值 TRUE，请改填数字",
        label.format("3.危及“三安全一稳定”") + "是错误值 #DIV/0!，请改填数字（不要填公式）",
        label.format("4.保护第三方合法权益") + "数字 10000000000000000 太大，超出表格能精确保存的 15 位，请核对后重填",
        label.format("6.属于四类过程性信息") + "数字 1000000000000000 太大，超出表格能精确保存的 15 位，请核对后重填",  # 15 digits kept
        label.format("7.属于行政执法案卷") + "填的是逻辑值 FALSE，请改填数字",
        label.format("5.属于三类内部事务信息") + "数字「１,２34」以文本形式存储，合计不会计入："
        "请重新输入（不要加撇号 '），或点单元格旁的提示选“转换为数字”",
        "「行政复议 / 结果维持」应为不小于 0 的整数：是负数 -1，请填实际的数，不能为负；没有发生的填 0",
        "「行政复议 / 结果纠正」应为不小于 0 的整数：不是整数：2.5，件数请填整数",
        "「行政事业性收费 / 本年收费金额（单位：万元）」应为不小于 0 的金额：是负数 -0.01，请填实际的数，不能为负；没有发生的填 0",
    ]
    listed = [row[4] for row in Sheet(saved).listed if row[0] is not None]
    assert sorted(listed) == sorted(expected)
    page = shown([path], tmp_path / "shown")[path][SHEET_CHECKS]  # as LibreOffice shows it, straight from the file
    assert sorted(row[4] for row in page[FIRST_SLOT_ROW - 1:FIRST_SLOT_ROW - 1 + SLOTS] if row[0]) == sorted(expected)
    assert sorted(f.message() for f in validate_path(saved).findings) == sorted(expected)  # the CLI's words


def test_every_message_a_clerk_can_get_says_what_to_do():
    """Each finding of a workbook ends with what to do: a message that only says what is wrong
    would leave the clerk to ask someone."""
    from govreport_xl.core.findings import REASONS
    from govreport_xl.core.rules import RULES

    fixes = ("请", "应使用", "没有发生的")
    for rule in RULES.values():
        if rule.id not in ("V-01", "V-02", "S-01"):  # these take theirs from the reason
            assert any(w in rule.message["zh"] for w in fixes), rule.id
    for key in ("text", "none_word", "numeric_text", "negative", "fraction", "date", "bool", "error", "no_cached_value",
                "not_finite", "too_large", "not_template", "missing_sheet", "missing_name", "unknown_version",
                "version_mismatch", "no_version", "total_overwritten", "total_formula_changed", "total_cleared",
                "check_overwritten"):
        assert any(w in REASONS[key]["zh"] for w in fixes), key
        assert any(sep in REASONS[key]["en"] for sep in (";", ":")), key


# --- 6. a renamed sheet -----------------------------------------------------------------------

def test_the_template_protects_its_structure_without_a_password():
    wb = openpyxl.load_workbook(TEMPLATE)
    assert wb.security.lockStructure and not wb.security.workbookPassword


def _rename(wb, old: str, new: str) -> None:
    """Rename a sheet as Excel does: the names, and the formulas on other sheets, follow it."""
    wb[old].title = new
    quoted_old, quoted_new = "'" + old + "'!", "'" + new + "'!"
    for dn in wb.defined_names.values():
        dn.attr_text = dn.attr_text.replace(quoted_old, quoted_new)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("=") and quoted_old in cell.value:
                    cell.value = cell.value.replace(quoted_old, quoted_new)


@pytest.mark.parametrize("sheet", [SHEET_OF_TABLE["T3"], SHEET_COVER, SHEET_CHECKS])
def test_a_renamed_sheet_is_found_by_its_names(tmp_path, sheet):
    path = put(EXAMPLE_XLSX, tmp_path / "renamed.xlsx", {}, edit=lambda wb: _rename(wb, sheet, "Sheet2"))
    result = validate_path(path)
    assert result.findings == [] and result.valid
    assert result.report == example_report()


def test_a_renamed_check_sheet_is_still_checked_for_overwritten_formulas(tmp_path):
    def edit(wb):
        _rename(wb, SHEET_CHECKS, "核对")
        wb["核对"]["I30"] = "通过"
    result = validate_path(put(EXAMPLE_XLSX, tmp_path / "r.xlsx", {}, edit=edit))
    assert [f.params["reason"].key for f in result.findings] == ["check_overwritten"]
    assert "核对!I30" in result.findings[0].message()


# --- 7. years written with 年 -------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["2022年", "2022年度", "2022 年", "２０２２年度", 2022])
def test_a_year_typed_with_nian_is_read_and_exported_as_a_number(tmp_path, typed):
    path = put(EXAMPLE_XLSX, tmp_path / "y.xlsx", {"META_YEAR": typed})
    result = validate_path(path)
    assert result.findings == [] and result.report.meta.year == 2022
    record = result.record(with_report=True)
    assert json.loads(json.dumps(record))["report"]["meta"]["year"] == 2022  # a number, not "2022年"


# --- 11. a workbook that is not the template ---------------------------------------------------

def test_a_workbook_that_is_not_the_template_is_one_finding_with_no_version_claimed(tmp_path):
    path = tmp_path / "foreign.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "统计表"
    wb.active["A1"] = "收到申请"
    wb.active["B1"] = 12
    wb.save(path)
    result = validate_path(path)
    [f] = result.findings
    assert f.message() == ("不是政务公开年报的模板（没有模板的名称和版本标记）：请在 govreport-xl 生成的模板"
                           "（templates/report_template.xlsx）中填写后再校验")
    assert result.unchecked == []
    marks = plan(result, {}, version=None)
    assert marks.fills == {}  # a foreign workbook keeps its colours
    assert "模板版本" not in marks.rows[1][0]
    assert [r[3] for r in marks.rows[4:]] == [f.message()]  # one row, not 13 pages of 无法校验


# --- the earlier template version, as clerks already filled it ---------------------------------

def test_a_workbook_of_template_2021_2_is_still_read_and_valid(tmp_path):
    values = example_values()
    path = put(TEMPLATE_2021_2, tmp_path / "old.xlsx", {c: v for c, v in values.items() if v is not None and not (c in CELLS and CELLS[c].is_total)})
    result = validate_path(path)
    assert result.findings == [] and result.valid
    assert result.report == example_report()
    assert TEMPLATE_VERSION != "2021.2"


def test_the_2021_2_check_sheet_is_still_guarded(tmp_path):
    def edit(wb):
        wb[SHEET_CHECKS]["I5"] = "通过"  # where 2021.2 has its first check's 结果
    values = {c: v for c, v in example_values().items() if v is not None and not (c in CELLS and CELLS[c].is_total)}
    result = validate_path(put(TEMPLATE_2021_2, tmp_path / "old.xlsx", values, edit=edit))
    assert [f.params["reason"].key for f in result.findings] == ["check_overwritten"]


def test_fill_writes_the_current_template(tmp_path):
    wb = openpyxl.load_workbook(fill_workbook(example_report(), tmp_path / "filled.xlsx"))
    assert {p.name: p.value for p in wb.custom_doc_props}["govreport_xl_template_version"] == TEMPLATE_VERSION
