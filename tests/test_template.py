"""The committed template equals what the generator writes today, and has what a clerk needs."""

import re

import openpyxl
import pytest

from govreport_xl.excel.layout import KNOWN_TEMPLATE_VERSIONS, SHEET_OF_TABLE, VERSION_NAME, VERSION_PROPERTY, address
from govreport_xl.core.standard import CELLS, META_FIELDS, CellKind
from govreport_xl.excel.template import write_template
from helpers import EXAMPLE_XLSX, TEMPLATE, workbook_digest


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("t") / "template.xlsx")


@pytest.fixture(scope="module")
def wb(fresh):
    return openpyxl.load_workbook(fresh)


@pytest.mark.slow
def test_committed_template_is_current(fresh):
    """Regenerate with: govreport-xl template -o templates/report_template.xlsx"""
    assert workbook_digest(TEMPLATE) == workbook_digest(fresh)


@pytest.mark.slow
def test_generation_is_deterministic(fresh, tmp_path):
    assert workbook_digest(write_template(tmp_path / "again.xlsx")) == workbook_digest(fresh)


def test_every_cell_and_metadata_field_has_a_workbook_scoped_name(wb):
    names = dict(wb.defined_names.items())
    for code, cell in CELLS.items():
        dn = names[cell.name]
        assert dn.localSheetId is None
        sheet, ref = next(dn.destinations)
        assert f"{sheet}!{ref.replace('$', '')}" == address(code)
    for f in META_FIELDS:
        assert f.name in names
    assert {"CHECK_FAILS", VERSION_NAME} <= set(names)
    assert len([n for n in names if n[:2] in ("T2", "T3", "T4")]) == 200


def test_version_stamp_in_property_and_hidden_cell(wb):
    assert {p.name: p.value for p in wb.custom_doc_props}[VERSION_PROPERTY] in KNOWN_TEMPLATE_VERSIONS
    sheet, ref = next(wb.defined_names[VERSION_NAME].destinations)
    cell = wb[sheet][ref.replace("$", "")]
    assert cell.value in KNOWN_TEMPLATE_VERSIONS
    assert wb[sheet].row_dimensions[cell.row].hidden


def test_inputs_unlocked_totals_locked_formulas_and_protection_without_password(wb):
    for code, cell in CELLS.items():
        sheet, ref = next(wb.defined_names[cell.name].destinations)
        c = wb[sheet][ref.replace("$", "")]
        if cell.is_total:
            assert c.protection.locked and str(c.value).startswith("=SUM(")
        else:
            assert not c.protection.locked and c.value is None
            assert c.fill.fgColor.rgb.endswith("FFF2CC")
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password


def test_official_wording_and_layout(wb):
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for cell in CELLS.values():
        assert cell.row.label in texts and cell.column.label in texts
    assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in texts
    assert {"申请人情况", "法人或其他组织", "三、本年度办理结果", "（三）不予公开", "行政诉讼", "未经复议直接起诉", "复议后起诉"} <= texts
    t3 = wb[SHEET_OF_TABLE["T3"]]
    merged = {str(r) for r in t3.merged_cells.ranges}
    assert "A3:C5" in merged and "D3:J3" in merged and "E4:I4" in merged  # note, 申请人情况, 法人或其他组织
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4


def test_data_validation_with_chinese_messages(wb):
    checked = {}
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                for row in ws.iter_rows(min_row=rng.min_row, max_row=rng.max_row, min_col=rng.min_col, max_col=rng.max_col):
                    for c in row:
                        checked[(ws.title, c.coordinate)] = dv
    for code, cell in CELLS.items():
        if cell.is_total:
            continue
        sheet, ref = address(code).split("!")
        dv = checked[(sheet, ref)]
        assert (dv.type, dv.operator, dv.formula1) == ("whole" if cell.kind is CellKind.COUNT else "decimal", "greaterThanOrEqual", "0")
        assert "不小于 0" in dv.error and dv.showErrorMessage and dv.prompt


def test_names_follow_the_excel_name_grammar(wb):
    """MS-XLSB 2.5.166: not TRUE/FALSE, not an A1 reference, not beginning with an R1C1 reference."""
    import re

    a1 = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d{1,7}$")
    r1c1_start = re.compile(r"^([Rr]\d*([Cc]\d*)?|[Cc]\d*([Rr]\d*)?)(?![A-Za-z])")
    for name in wb.defined_names:
        assert re.fullmatch(r"[A-Za-z_\\][A-Za-z0-9_.?]*", name), name
        assert name.upper() not in ("TRUE", "FALSE") and not a1.match(name) and not r1c1_start.match(name), name


@pytest.mark.slow
def test_the_workbook_prints_a_page_a_sheet(tmp_path):
    """Each table on one A4 page; of the check sheet one page a clerk can hand over: the counts
    and the problems to put right, errors first (not 25 pages of every check)."""
    import shutil
    import subprocess

    from libreoffice import convert

    broken = tmp_path / "broken.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    for code, value in {"T3.R13.C1": "/", "T3.R03.C2": -1, "T2.R2.C1": 500, "T2.R2.C3": 1}.items():
        sheet, ref = address(code).split("!")
        wb[sheet][ref] = value
    wb.save(broken)
    blank = shutil.copy(TEMPLATE, tmp_path / "blank.xlsx")
    for pdf in convert([broken, blank], tmp_path / "pdf", "pdf"):
        pages = len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
        assert pages == len(openpyxl.load_workbook(TEMPLATE).sheetnames) == 5
    last = subprocess.run(["pdftotext", "-f", "5", "-l", "5", "-layout", str(tmp_path / "pdf" / "broken.pdf"), "-"],
                          capture_output=True, text=True).stdout
    assert "需要改正的问题：3 项，先错误、后警告" in last
    lines = [line for line in last.splitlines() if re.search(r"\b(V-01|P-01)\b", line)]
    assert [re.search(r"\b(V-01|P-01)\b", line).group(1) for line in lines] == ["V-01", "V-01", "P-01"]  # errors first
    assert "全部检查" not in last  # the list of every check stays on screen


def test_the_check_sheet_can_be_filtered_on_its_protected_sheet(wb):
    from govreport_xl.excel.check_sheet import HEADER_ROW
    from govreport_xl.excel.layout import SHEET_CHECKS

    ws = wb[SHEET_CHECKS]
    assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:") and ws.protection.sheet and not ws.protection.autoFilter


def test_figures_are_shown_as_typed(wb):
    """No number format rounds what was typed: 2.5 shows 2.5 (a "0" format showed 3)."""
    for code in CELLS:
        sheet, ref = address(code).split("!")
        assert wb[sheet][ref].number_format == "General", code
