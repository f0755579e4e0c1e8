"""The 校验 button's Python side, driven through xlwings itself: the payload an xlwings client
sends is built from real workbooks (recalculated by LibreOffice, so totals carry their results),
opened with xw.Book(json=…), and the actions the add-in asks Excel for are checked."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
import xlwings as xw

import govreport_xl
from govreport_xl.addin import actions
from govreport_xl.core.rules import RULES
from govreport_xl.core.standard import CELLS, META_FIELDS
from govreport_xl.excel.layout import SHEET_OF_TABLE, TEMPLATE_VERSION, VERSION_NAME, address
from govreport_xl.excel.marks import MARK_ERROR, MARK_WARNING, RESULTS_HEADER, RESULTS_SHEET, TEMPLATE_INPUT, TEMPLATE_TOTAL
from helpers import ROOT
from xlwings_payload import payload

pytestmark = pytest.mark.slow  # xlwings' remote engine

WHEN = dt.datetime(2027, 1, 15, 9, 30)
CHECKED = ["example", "t3_01_received", "t3_02_total_overwritten", "v_01_text", "v_01_negative", "v_02_amount_text",
           "v_03_blanks", "p_01_in_force", "many"]


def run(pay: dict, action="check", **kw):
    book = xw.Book(json=json.loads(json.dumps(pay)))  # xlwings keeps and changes the payload it is given
    out = actions.check(book, when=WHEN) if action == "check" else getattr(actions, action)(book, **kw)
    return book, out, book.json()["actions"]


def colours(pay: dict, acts: list) -> dict[str, str]:
    """cell address -> the colour the add-in gave it on the report's sheets, from its
    setRangeColor actions (the results sheet's header colour is not a mark)."""
    sheets = [s["name"] for s in pay["sheets"]]
    out = {}
    for a in acts:
        if a["func"] != "setRangeColor" or a["sheet_position"] >= len(sheets) or sheets[a["sheet_position"]] == RESULTS_SHEET:
            continue
        for r in range(a["row_count"]):
            for c in range(a["column_count"]):
                cell = xw.utils.col_name(a["start_column"] + c + 1) + str(a["start_row"] + r + 1)
                out[f"{sheets[a['sheet_position']]}!{cell}"] = a["args"][0].upper()
    return out


def written_rows(acts: list) -> list[list]:
    [values] = [a["values"] for a in acts if a["func"] == "setValues"]
    return values


def expected_marks(result) -> tuple[set, set]:
    """Error and warning cells of the engine's own findings on the same file. xlwings' remote
    engine sends no formulas: it sees an overwritten total only by its value (S-01, not the sum of
    its parts), which is how every total is overwritten in these cases."""
    errors = {c for f in result.findings if f.is_error for c in f.cells}
    warnings = {c for f in result.findings if not f.is_error for c in f.cells} - errors
    return errors, warnings


@pytest.mark.parametrize("name", CHECKED)
def test_marks_exactly_the_failing_cells(recalculated_cases, name):
    path = recalculated_cases[name][1]
    pay = payload(path)
    book, (alert, result), acts = run(pay)
    engine = govreport_xl.validate(path)
    errors, warnings = expected_marks(engine)
    painted = colours(pay, acts)
    assert {c for c, col in painted.items() if col == MARK_ERROR} == errors
    assert {c for c, col in painted.items() if col == MARK_WARNING} == warnings
    # every other value cell gets the template's own fill back, and nothing else is touched
    value_cells = {address(c) for c in CELLS} | {address(f.name) for f in META_FIELDS}
    assert set(painted) == value_cells
    for code, cell in CELLS.items():
        if address(code) not in errors | warnings:
            assert painted[address(code)] == (TEMPLATE_TOTAL if cell.is_total else TEMPLATE_INPUT)
    assert [f.rule for f in result.findings] == [f.rule for f in engine.findings]
    assert alert == acts[-1]["args"][0] and acts[-1]["func"] == "alert" and acts[-1]["args"][1] == "政务公开年报"
    if engine.errors == engine.warnings == 0:
        assert alert.startswith("校验通过")
    else:
        assert alert.startswith("发现 ") and (f"{result.errors} 个错误" in alert or result.errors == 0)


def test_reads_each_sheet_once_and_writes_in_batches(recalculated_cases, monkeypatch):
    reads = []
    original = xw.main.Range.value

    def counting(self):
        reads.append(self.sheet.name)
        return original.fget(self)

    monkeypatch.setattr(xw.main.Range, "value", property(counting, original.fset))
    pay = payload(recalculated_cases["many"][1])
    _, _, acts = run(pay)
    assert sorted(reads) == sorted(["封面", *SHEET_OF_TABLE.values()])  # one read per sheet, nothing else
    fills = [a for a in acts if a["func"] == "setRangeColor" and a["sheet_position"] < 4]
    assert len(fills) <= 40  # same-coloured rectangles, not one write per cell
    assert [a["func"] for a in acts].count("setValues") == 1  # the whole results sheet in one write


def test_results_sheet_lists_every_finding_with_a_link(recalculated_cases):
    pay = payload(recalculated_cases["many"][1])
    _, (alert, result), acts = run(pay)
    assert [a for a in acts if a["func"] == "addSheet"][0]["args"][1] == RESULTS_SHEET
    rows = written_rows(acts)
    assert rows[1][0] == f"校验时间：2027-01-15 09:30:00　模板版本：{TEMPLATE_VERSION}" and rows[2][0] == f"结果：{alert}"
    header = rows.index(list(RESULTS_HEADER))
    body = [r for r in rows[header + 1:] if r[0] != ""]
    assert [r[1] for r in body] == [f.rule for f in result.findings]
    for row, f in zip(body, result.findings):
        assert row[2] == ("错误" if f.is_error else "警告") and row[3].startswith(f.message("zh"))
        sheet, cell = f.cells[0].split("!")
        assert row[4].startswith(f"=HYPERLINK(\"#'{sheet}'!{cell}\",")
        if f.expected is not None:
            assert row[5] == f.to_dict()["expected"]
            sides = RULES[f.rule].sides_text(str(row[5]), str(row[6]))
            assert sides is None or row[3].endswith(f"（{sides}）")  # both sides named with their figures
    # the engine's limit here is said once, not once per total; so are the checks waiting for a fix
    limits = [r[3] for r in rows if r[2] == "无法校验"]
    assert len(limits) == 2 and limits[0].startswith("另有 ") and "读不到公式" in limits[1]


def _after_first_run(pay: dict, acts: list) -> dict:
    """The payload the client sends on the second click: the results sheet is now there."""
    second = json.loads(json.dumps(pay))
    second["sheets"].append({"name": RESULTS_SHEET, "values": written_rows(acts), "pictures": [], "tables": []})
    return second


def test_running_twice_gives_the_same_result(recalculated_cases):
    pay = payload(recalculated_cases["many"][1])
    _, (alert1, _), acts1 = run(pay)
    second = _after_first_run(pay, acts1)
    _, (alert2, _), acts2 = run(second)
    assert alert1 == alert2 and colours(pay, acts1) == colours(second, acts2)
    assert written_rows(acts1) == written_rows(acts2)
    assert "addSheet" not in [a["func"] for a in acts2]  # the sheet is refreshed, not added twice


def test_clear_restores_the_template_and_removes_the_results(recalculated_cases):
    pay = payload(recalculated_cases["many"][1])
    _, _, acts = run(pay)
    second = _after_first_run(pay, acts)
    _, message, cleared = run(second, "clear")
    painted = colours(second, cleared)
    assert set(painted.values()) == {TEMPLATE_INPUT, TEMPLATE_TOTAL}
    assert all(painted[address(c)] == (TEMPLATE_TOTAL if cell.is_total else TEMPLATE_INPUT) for c, cell in CELLS.items())
    deleted = [a for a in cleared if a["func"] == "sheetDelete"]
    assert len(deleted) == 1 and message == "已清除校验标记和「校验结果」表"


def _edited(pay: dict, sheet: str, cell: tuple[int, int], value) -> dict:
    out = json.loads(json.dumps(pay))
    values = next(s for s in out["sheets"] if s["name"] == sheet)["values"]
    values[cell[0] - 1][cell[1] - 1] = value
    return out


@pytest.mark.parametrize("change, words", [
    ("foreign", "不是政务公开年报的模板"),
    ("unknown_version", "模板版本「1999.9」未知"),
])
def test_a_workbook_that_is_not_our_template_gets_a_clear_alert(recalculated_cases, change, words):
    pay = payload(recalculated_cases["example"][1])
    if change == "foreign":
        pay = {**pay, "names": [], "sheets": [{"name": "Sheet1", "values": [["随便什么表", 1]], "pictures": [], "tables": []}]}
    else:
        sheet, ref = address(VERSION_NAME).split("!")
        row = int("".join(ch for ch in ref if ch.isdigit()))
        pay = _edited(pay, sheet, (row, 1), "1999.9")
    _, (alert, result), acts = run(pay)
    assert result is None and "不是可以校验的政务公开年报模板" in alert and words in alert
    assert [a["func"] for a in acts] == ["alert"]  # nothing marked, nothing added
    assert "Traceback" not in alert


def test_a_renamed_sheet_is_found_by_its_names_and_checked(recalculated_cases):
    """Excel keeps the names on a renamed sheet: the report is found there and checked as usual."""
    pay = json.loads(json.dumps(payload(recalculated_cases["example"][1])))
    next(s for s in pay["sheets"] if s["name"] == SHEET_OF_TABLE["T3"])["name"] = "表三"
    _, (alert, result), _ = run(pay)
    assert result is not None and result.findings == [] and alert.startswith("校验通过")


def test_an_internal_error_is_an_alert_not_a_traceback(monkeypatch, recalculated_cases):
    monkeypatch.setattr(actions, "evaluate", lambda reading: 1 / 0)
    _, (alert, _), acts = run(payload(recalculated_cases["example"][1]))
    assert alert.startswith(actions.INTERNAL) and "ZeroDivisionError" in alert and acts[-1]["func"] == "alert"


def test_export_json_writes_what_the_cli_exports(recalculated_cases, tmp_path):
    path = recalculated_cases["many"][1]
    _, message, acts = run(payload(path), "export_json", folder=tmp_path)
    out = tmp_path / (path.stem + ".json")
    assert message.startswith(f"已导出到 {out}") and acts[-1]["args"][0] == message
    [record] = json.loads(out.read_text(encoding="utf-8"))
    cli = tmp_path / "cli.json"
    subprocess.run([sys.executable, "-m", "govreport_xl", "export", str(path), "-o", str(cli)], cwd=ROOT, check=False)
    [expected] = json.loads(cli.read_text(encoding="utf-8"))
    assert record["report"] == expected["report"] and record["valid"] == expected["valid"]
    _, message, _ = run(payload(path), "export_json")  # an online book has no folder to write into
    assert "无法确定工作簿所在的文件夹" in message


def test_the_scripts_for_xlwings_lite_and_server(recalculated_cases):
    from govreport_xl.addin import scripts

    book = xw.Book(json=payload(recalculated_cases["t3_01_received"][1]))
    scripts.govreport_validate(book)
    assert book.json()["actions"][-1]["args"][0].startswith("发现 2 个错误")


def test_importing_the_addin_loads_nothing_heavy():
    """Each click starts Python: the module a click imports loads no engine until it is used."""
    code = ("import sys, govreport_xl.addin; "
            "print(sorted(m for m in ('xlwings', 'pydantic', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"
