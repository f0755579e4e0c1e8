"""Import of texts flattened to one line: every label and figure glued, cells split by the sums.

Reports are made up (`published.made_up_report`) and flattened by `published.render_flat`; the
importer knows nothing of either. The promise checked throughout: a cell is read right, or it is
reported unread (ambiguous, with the true reading among the candidates, or not settled), never
wrong; and the report is never blamed for a cut the importer chose.
"""

from decimal import Decimal

import pytest

from govreport_xl.core.standard import CELLS, T3, CellKind
from govreport_xl.importing.audit import audit_path
from govreport_xl.importing.flat import read_flat
from govreport_xl.importing.importer import import_report
from govreport_xl.importing.solve import Piece, Run, cuttings
from govreport_xl.importing.tables import relations_of_table
from helpers import ROOT, example_report
from published import made_up_report, render_flat, table_rows, with_row
from test_import import OLD_2019



def imported(tmp_path, text, name="flat.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_report(path)


def assert_never_wrong(got, report):
    """Each cell exact, or unread and reported, or missing from the text; where readings are
    listed, the true one is among them."""
    unread = {c: reason for r in got.tables.values() for c, (reason, _) in r.unread.items()}
    read = {c for r in got.tables.values() for c in (*r.values, *r.blank)}
    for c in CELLS:
        if c in unread or c not in read:
            assert got.report.value(c) is None
            continue
        assert got.report.value(c) == report.value(c), c
    for read in got.tables.values():
        for cells, readings in read.candidates.items():
            assert tuple(report.value(c) for c in cells) in readings, cells
        for c, v in read.values.items():  # a count is an int, never a fraction nor a Decimal
            assert c not in CELLS or CELLS[c].kind is not CellKind.COUNT or type(v) is int, (c, v)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(12))
def test_flattened_reports_read_right_or_say_what_they_cannot(tmp_path, seed):
    report = made_up_report(seed)
    text = render_flat(report)
    assert "\n" not in text.strip() and "数量" in text
    got = imported(tmp_path, text)
    assert got.layout == "flattened" and got.format == "2021"
    assert (got.report.meta.name, got.report.meta.year) == (report.meta.name, report.meta.year)
    assert_never_wrong(got, report)
    # the fee keeps its six decimals exactly
    assert got.report.value("T2.R6.C1") == Decimal(str(report.value("T2.R6.C1")))
    assert str(got.report.value("T2.R6.C1")).split(".")[1] == str(report.value("T2.R6.C1")).split(".")[1]
    # table 3 has sums enough to split every row of these reports
    assert got.tables["T3"].status == "complete" and not got.tables["T3"].unread


def test_the_published_example_flattened(tmp_path):
    """The real report with every space and line break taken out: tables 3 and 4 split exactly;
    「行政规范性文件20343138」 splits 16 ways and table 2 has no sum to choose: reported, not picked,
    and not an error of the report (issue 19 item 1): the cells are ambiguous, the checks on
    them not checkable, the report incomplete."""
    got = import_report(ROOT / "examples" / "shizuishan_2022_flat.txt")  # made by examples/make_samples.py
    want = example_report()
    assert got.tables["T3"].status == got.tables["T4"].status == "complete"
    assert_never_wrong(got, want)
    assert {c for c, (reason, _) in got.tables["T2"].unread.items()} == {"T2.R2.C1", "T2.R2.C2", "T2.R2.C3"}
    readings = got.tables["T2"].candidates[("T2.R2.C1", "T2.R2.C2", "T2.R2.C3")]
    assert len(readings) == 16 and (20, 343, 138) in readings
    notes = [n.render() for n in got.notes]
    assert any(n.startswith("T2.R2：数字连在一起「20343138」，有 16 种拆法") and "不作选择" in n for n in notes)
    assert "T3：25 行的数字连在一起，按表内合计唯一拆分出 175 个单元格" in notes
    audit = audit_path(ROOT / "examples" / "shizuishan_2022_flat.txt")
    summary = "\n".join(audit.extra_lines["zh"])
    assert "版式：连成一行的文字（按表内合计拆分）" in summary
    assert "表三：读取 0，从连写数字拆出 175" in summary and "表二：读取 4，从连写数字拆出 3，有歧义 3" in summary
    record = audit.extra_record["en"]["import"]
    assert record["tables"]["T2"]["cells"] == {
        "read": 4, "decoded": 3, "ambiguous": 3, "unread": 0, "blank": 0, "not_given": 0, "missing": 0}
    assert record["tables"]["T2"]["unread"]["T2.R2.C1"] == {"reason": "ambiguous", "printed": "20343138"}
    assert record["layout"] == "flattened"
    [listed] = audit.extra_record["zh"]["import"]["candidates"]  # for a program: the readings left
    assert listed["codes"] == ["T2.R2.C1", "T2.R2.C2", "T2.R2.C3"] and [20, 343, 138] in listed["readings"]
    [note] = [n for n in record["notes"] if n["kind"] == "ambiguous_digits"]
    assert note["cells"] == ["T2.R2.C1", "T2.R2.C2", "T2.R2.C3"] and note["params"]["n"] == 16
    [rows] = [n for n in record["notes"] if n["kind"] == "decoded_rows"]  # every cell of table 3's 25 rows
    assert sorted(rows["cells"]) == sorted(c for c in CELLS if c.startswith("T3.")) and len(rows["cells"]) == 175
    assert audit.findings == [] and audit.status == "incomplete"
    unread = {u.rule: u.reason.key for u in audit.unchecked if "T2.R2.C1" in u.codes}
    assert unread == {"V-01": "cells_unread", "V-03": "cells_unread", "P-01": "cells_unread"}


def test_the_issue_example_is_split_by_the_columns(tmp_path):
    """「一、本年新收…数量120010013」 fits its row sum two ways (12|0|0|1|0|0|13 and 1|2|0|0|10|0|13);
    the column sums single one out."""
    cells = tuple(f"T3.R01.C{i}" for i in range(1, 8))
    alone = cuttings(Run(cells, (Piece("120010013"),)), {}, relations_of_table(T3))
    assert sorted(alone) == [(1, 2, 0, 0, 10, 0, 13), (12, 0, 0, 1, 0, 0, 13)]  # the row alone cannot tell
    report = made_up_report(1)
    row = [12, 0, 0, 1, 0, 0, 13]
    fix = {f"T3.R01.C{i}": v for i, v in enumerate(row, 1)}
    for i, v in enumerate(row, 1):  # received + carried over = handled + carried forward
        fix[f"T3.R02.C{i}"] = report.value(f"T3.R02.C{i}") + report.value(f"T3.R01.C{i}") - v
    report = report.with_values(fix)
    assert all(report.value(f"T3.R02.C{i}") >= 0 for i in range(1, 8))
    text = render_flat(report)
    assert "本年新收政府信息公开申请数量120010013二、" in text
    got = imported(tmp_path, text)
    assert [got.report.value(f"T3.R01.C{i}") for i in range(1, 8)] == row
    assert_never_wrong(got, report)


def test_figures_that_split_two_ways_are_reported_with_both(tmp_path):
    """With （七）总计 gone the columns cannot choose: both readings are listed, none taken."""
    report = with_row(made_up_report(3), "R05", [12, 0, 0, 1, 0, 0, 13])
    text = render_flat(report)
    total = "".join(str(report.value(f"T3.R24.C{i}")) for i in range(1, 8))
    text = text.replace("（七）总计" + total, "")
    got = imported(tmp_path, text)
    readings = got.tables["T3"].candidates[tuple(f"T3.R05.C{i}" for i in range(1, 8))]
    assert set(readings) >= {(12, 0, 0, 1, 0, 0, 13), (1, 2, 0, 0, 10, 0, 13)}
    assert got.tables["T3"].unread["T3.R05.C1"][0] == "ambiguous"
    assert got.report.value("T3.R05.C7") == 13  # every reading agrees on it
    assert_never_wrong(got, report)
    assert any(n.render().startswith("T3.R05：数字连在一起「120010013」，有") for n in got.notes)


@pytest.mark.slow
def test_a_misprinted_total_is_neither_repaired_nor_blamed(tmp_path):
    """A clerk typed 21 for 12 in a row total: 「020010021」. Those digits also fit the row sum as
    0|20|0|1|0|0|21, which would "repair" the row but break four columns. No reading makes every
    sum hold, so the text has a misprint somewhere and any cut could be the printed one: the cells
    cut by choice are not read, and the report is not blamed for a cut the importer chose (the
    earlier reader read the printed cut and reported T3-02; with a wrong cut it reported a wrong one)."""
    report = with_row(example_report(), "R09", [0, 2, 0, 0, 10, 0, 12]).with_values({"T3.R09.C7": 21})
    text = render_flat(report)
    assert "020010021" in text
    got = imported(tmp_path, text)
    # a leading 0 is a cell of its own whatever the cut: that much the digits fix
    assert [got.report.value(f"T3.R09.C{i}") for i in range(1, 8)] == [0] + [None] * 6
    assert_never_wrong(got, report)
    [note] = [n for n in got.notes if n.key == "unsettled"]
    assert "T3.R09" in note.render() and "不予读取" in note.render() and "T3.R09.C2" in note.cells
    audit = audit_path(tmp_path / "flat.txt")
    assert not [f for f in audit.findings if f.is_error] and audit.status == "incomplete"
    # 1 typed for the total 102: 「100001011」, two readings break as many sums: neither is taken
    report = with_row(example_report(), "R09", [1, 0, 0, 0, 0, 101, 102]).with_values({"T3.R09.C7": 1})
    got = imported(tmp_path, render_flat(report))
    assert got.report.value("T3.R09.C7") is None and not got.tables["T3"].candidates
    assert_never_wrong(got, report)


def test_the_issue_17_row_is_not_invented(tmp_path):
    """Printed 1255 4627 1303 432 5 965 8487 (the total misprinted for 8587) fits its row as
    12 55462 71 303 43 2596 58487, which the earlier reader took as "decoded"."""
    report = with_row(example_report(), "R05", [1255, 4627, 1303, 432, 5, 965, 8587]).with_values({"T3.R05.C7": 8487})
    got = imported(tmp_path, render_flat(report))
    assert all(got.report.value(f"T3.R05.C{i}") is None for i in range(1, 8))
    assert_never_wrong(got, report)
    assert not [f for f in audit_path(tmp_path / "flat.txt").findings if f.is_error]


@pytest.mark.slow
def test_stray_spaces_and_a_narrative_between_the_tables(tmp_path):
    report = made_up_report(4)
    between = "本年度共收到申请 12 件，办结 10 件，同比增长 3.5%。"
    for label in ("行政规范性文件", "三、本年度办理结果", "2.重复申请", "复议后起诉"):
        got = imported(tmp_path, render_flat(report, between=between, stray_space=label))
        assert_never_wrong(got, report)
        assert got.tables["T3"].status == "complete"


def test_a_2019_report_flattened_is_recognised(tmp_path):
    got = imported(tmp_path, "".join(OLD_2019.split()) + "(一)予以公开3000003")
    assert got.format == "2019" and got.older and got.tables == {}


def test_text_cut_off_inside_table_3(tmp_path):
    """A text that ends in the middle of table 3: the rows it has are read, the row it ends in
    yields the cells it has, and a check that needs a cell the text lacks is not checkable,
    never failed (no T3-01/T3-03, no N-01 against a table that is not there)."""
    report = made_up_report(2)
    for flat in (False, True):
        if flat:
            text = render_flat(report)
        else:
            from published import render_text
            text = render_text(report, "spaces")
        cut = text.index("3.补正后申请内容仍不明确")
        row = " ".join(str(report.value(f"T3.R15.C{i}")) for i in range(1, 4))
        got = imported(tmp_path, text[:cut] + "3.补正后申请内容仍不明确 " + row)
        assert got.tables["T3"].status == "partial" and got.tables["T4"].status == "missing"
        assert [got.report.value(f"T3.R15.C{i}") for i in range(1, 4)] == [report.value(f"T3.R15.C{i}") for i in range(1, 4)]
        assert got.report.value("T3.R15.C4") is None and got.report.value("T3.R16.C1") is None
        assert any(n.key == "row_cut_off" for n in got.notes)
        audit = audit_path(tmp_path / "flat.txt")
        assert not [f for f in audit.findings if f.rule in ("T3-01", "T3-03", "N-01")], audit.findings
        # no V-01 for the cut row's cells, nor for those the flattened text leaves ambiguous (its
        # 总计 is cut off): the importer's uncertainty is not the report's error
        assert not [f for f in audit.findings if f.rule == "V-01"]
        unread = {c for r in got.tables.values() for c in r.unread}
        assert (flat or not unread) and all(got.tables[c[:2]].unread[c][0] == "ambiguous" for c in unread)
        gone = {u.rule for u in audit.unchecked}
        assert {"T3-01", "T3-03", "T4-01", "N-01"} <= gone
        assert got.report.value("T3.R14.C7") == report.value("T3.R14.C7")


@pytest.mark.slow
def test_hostile_runs_of_digits_are_bounded_and_never_guessed(tmp_path):
    """Far more digits than a row's cells: cutting stops at its bounds (a count of steps, so the
    time is bounded; benchmarks/pdf.py times it), the cells are reported, not filled, and a row
    that cannot be cut at all does not keep the others from being read."""
    import re

    report = made_up_report(1)
    text = render_flat(report)
    label = "一、本年新收政府信息公开申请数量"
    start, end = text.index(label) + len(label), text.index("二、上年结转")
    # more digits than the row holds: the row is not read, the others are
    got = imported(tmp_path, text[:start] + "1" * 400 + text[end:])
    assert all(got.report.value(f"T3.R01.C{i}") is None for i in range(1, 8))
    assert got.tables["T3"].unread["T3.R01.C1"][0] == "unplaced"
    assert sum(1 for c in got.tables["T3"].values if c.startswith("T3.R0")) > 30
    assert_never_wrong(got, report)
    # digits the row could hold but no cut of which fits: a misprint as far as anyone can tell
    got = imported(tmp_path, text[:start] + "1234567890" * 6 + text[end:])
    assert got.tables["T3"].unread["T3.R01.C1"][0] in ("unsettled", "too_many")
    assert_never_wrong(got, report)
    every_row = re.sub(r"(?<=[^\d.])\d{5,}(?=\D)", "9" * 60, text)  # every long row 60 digits
    got = imported(tmp_path, every_row)  # unbounded, this would run for hours
    assert not got.tables["T3"].values and any(n.key == "too_many" for n in got.notes)


@pytest.mark.parametrize("at", [0, 1, 2, 3])
def test_a_stray_figure_on_a_line_of_its_own_is_never_taken_for_a_cell(tmp_path, at):
    """Found by the property test: a figure on a line of its own (a page number) among a row's
    figures, one a line, where the row has no sum to tell it apart. Cutting the run short at a
    line break read 规章 as 2 | 3 | 2 for the printed 3 | 2 | 3; every figure left out is as
    likely a stray, so the cells are unread, never another figure."""
    from published import render_text

    report = made_up_report(2)
    printed = [report.value(f"T2.R1.C{c}") for c in (1, 2, 3)]
    lines = render_text(report, "per_line").splitlines()
    first = lines.index("规章") + 1
    assert [int(x) for x in lines[first:first + 3]] == printed
    path = tmp_path / "stray.txt"
    path.write_text("\n".join(lines[:first + at] + ["2"] + lines[first + at:]) + "\n", encoding="utf-8")
    got = import_report(path)
    for c, want in zip((1, 2, 3), printed):
        assert got.report.value(f"T2.R1.C{c}") in (None, want)
    assert got.report.value("T2.R2.C1") == report.value("T2.R2.C1")  # the next row still read


@pytest.mark.parametrize("printed, want, unplaced, taken", [
    ("7", [7, None, None], None, 1),  # one digit is one cell
    ("123", [None, None, None], None, 0),  # one run of digits: 1|2|3, 12|3, 1|23 or 123 — none is taken
    ("12 3", [12, 3, None], None, 2),  # two figures set apart are two cells
    ("1,200 3.5 /", [1200, None, 0], "T3.R15.C2", 3),  # figures apart; a fraction is no count's figure (R4)
])
def test_a_flattened_text_cut_off_in_a_row_takes_only_the_cells_it_can_tell(tmp_path, printed, want, unplaced, taken):
    """The text ends inside 3.补正后申请内容仍不明确 (seven cells): figures set apart are its
    first cells; digits run together cannot be told apart, so none of them is taken."""
    text = render_flat(made_up_report(2))
    got = imported(tmp_path, text[:text.index("3.补正后申请内容仍不明确")] + "3.补正后申请内容仍不明确" + printed)
    assert [got.report.value(f"T3.R15.C{i}") for i in range(1, 4)] == want
    assert all(type(got.tables["T3"].values.get(f"T3.R15.C{i}", 0)) is int for i in range(1, 8))
    assert got.report.value("T3.R15.C4") is None
    assert {c: why for c, why in got.tables["T3"].unread.items() if c.startswith("T3.R15.")} == (
        {unplaced: ("unplaced", "3.5")} if unplaced else {})
    [note] = [n for n in got.notes if n.key == "row_cut_off"]
    assert note.render() == f"T3.R15：文本在「3.补正后申请内容仍不明确」一行中断，只读入 {taken} 个单元格"


def test_printed_labels_that_are_no_official_ones_in_a_flattened_text(tmp_path):
    """Labels printed with typos or words left out, two of them one after the other, one right
    after a group's subtotal row (「（三）不予公开」 with its sums: text followed by figures that
    names no row), table 2's after a row whose figures end its block, one glued to its group's
    label: each is taken for the row it is closest
    to, its figures are that row's, and a note names what was printed for which label. A
    sentence after table 3 that names a row with a figure is no row of the table."""
    report = made_up_report(7).with_values({"T2.R1.C1": 1, "T2.R1.C2": 0, "T2.R1.C3": 2, "T2.R2.C1": 5, "T2.R2.C2": 0, "T2.R2.C3": 7})
    labels = {
        "行政规范性文件": "规范性文件",
        "1.属于国家秘密": "1.属于国家密秘",
        "2.其他法律行政法规禁止公开": "2.其他法律行政止公开",
        "3.危及“三安全一稳定”": "3.危及“三安全稳定”",
        "1.本机关不掌握相关政府信息": "本机关不掌握相关信息",
        "（七）总计": "（七）合计",
    }
    between = "本年新收政府信息公开申请203件。"
    text = render_flat(report, between=between, labels=labels, subtotal_rows=True).replace("102行政规范性文件507", "102规范性文件507")
    no_subtotal = "（四）无法提供" + "".join(str(sum(report.value(f"T3.R{r}.C{c}") for r in (13, 14, 15))) for c in range(1, 8))
    text = text.replace(no_subtotal, "（四）无法提供")
    assert "规范性文件507第二十条" in text and "（四）无法提供本机关不掌握相关信息" in text and "（三）不予公开" + "".join(str(sum(report.value(f"T3.R{r:02}.C{c}") for r in range(5, 13))) for c in range(1, 8)) in text
    got = imported(tmp_path, text)
    assert got.layout == "flattened"
    for c in CELLS:
        assert got.report.value(c) == report.value(c), c
    taken = sorted((n.params["where"], n.params["printed"], n.params["label"]) for n in got.notes if n.key == "label_taken")
    assert taken == [
        ("T2.R2", "规范性文件", "行政规范性文件"),
        ("T3.R05", ".属于国家密秘", "1.属于国家秘密"),  # its 「1」 glued to the figures before it
        ("T3.R06", ".其他法律行政止公开", "2.其他法律行政法规禁止公开"),
        ("T3.R07", ".危及“三安全稳定”", "3.危及“三安全一稳定”"),
        ("T3.R13", "(四)无法提供本机关不掌握相关信息", "1.本机关不掌握相关政府信息"),
        ("T3.R24", "(七)合计", "（七）总计"),
    ]


def test_a_flattened_text_cut_off_in_table_4_takes_the_figures_set_apart(tmp_path):
    """The text ends after table 4's first five figures, set apart: its first row is read, the
    rest is missing, and the note names the table the text ends in."""
    want = example_report()
    text = render_flat(want)
    text = text[:text.index("五、存在的主要问题")].removesuffix("041050010100000") + "0 4 1 0 5"
    got = imported(tmp_path, text)
    assert got.tables["T4"].values == {"T4.R1.C1": 0, "T4.R1.C2": 4, "T4.R1.C3": 1, "T4.R1.C4": 0, "T4.R1.C5": 5}
    assert not got.tables["T4"].unread and not got.tables["T4"].blank
    [note] = [n for n in got.notes if n.key == "row_cut_off"]
    assert note.render() == "T4：文本在「四、政府信息公开行政复议、行政诉讼情况」一行中断，只读入 5 个单元格"


def test_a_flattened_text_says_what_it_read_as_none_and_which_label_it_took(tmp_path):
    """Every 0 of the seed printed 「/」: read as 0, each table's note counting them (by hand from
    the report); a row printed under a label no official one (「2.其他法律行政止公开」) is taken
    for the row it is closest to, the note naming its cells; nothing else is said of a text
    read whole under its headings."""
    want = example_report()
    got = imported(tmp_path, render_flat(want, none_word="/"))
    assert_never_wrong(got, want)
    for t in ("T2", "T3", "T4"):
        zeros = sum(1 for c in CELLS if c.startswith(t + ".") and want.value(c) == 0)
        [note] = [n for n in got.tables[t].notes if n.key == "none_as_zero"]
        assert note.render() == f"{t}：{zeros} 个单元格写作「/」，表示没有，按 0 读入"
    assert not [n for n in got.notes if n.key in ("label_taken", "no_heading", "figures_unplaced")]
    got = imported(tmp_path, render_flat(want, labels={"2.其他法律行政法规禁止公开": "2.其他法律行政止公开"}))
    assert_never_wrong(got, want)
    [note] = [n for n in got.notes if n.key == "label_taken"]
    assert set(note.cells) == _row("R06") and note.params["label"] == "2.其他法律行政法规禁止公开"
    assert not [n for n in got.notes if n.key in ("none_as_zero", "no_heading", "figures_unplaced")]


SEVEN = range(1, 8)


def _row(row: str) -> set[str]:
    return {f"T3.{row}.C{i}" for i in SEVEN}


def test_a_row_printed_empty_is_blank_only_where_every_figure_is_placed(tmp_path):
    """The seed's 3.要求提供公开出版物 (T3.R18, all 0) printed with nothing after its label: seen
    empty, its cells blank (V-03), as is table 4 printed without a figure. But where a figure of
    the table's rows is left over (a page number glued in between rows) or cannot be placed (a
    cell left empty in a row of | separated cells), the empty row may be where it belongs: its
    cells are unread, and the note says so, never blank."""
    want = example_report()
    text = render_flat(want).replace("3.要求提供公开出版物0000000", "3.要求提供公开出版物")
    got = imported(tmp_path, text)
    t3 = got.tables["T3"]
    assert t3.blank == _row("R18") and not [c for c, (why, _) in t3.unread.items() if why == "unplaced"]
    assert not [n for n in got.notes if n.key in ("figures_unplaced", "label_taken", "no_heading")]
    assert_never_wrong(got, want.with_values(dict.fromkeys(_row("R18"))))  # blank: no figure
    blank = imported(tmp_path, text.replace("总计041050010100000五、", "总计五、")).tables["T4"]
    assert blank.blank == {c for c in CELLS if c.startswith("T4.")} and blank.status == "complete"

    at = text.index("（三）不予公开")  # after （二）部分公开's figures
    got = imported(tmp_path, text[:at] + "第2页" + text[at:])
    t3 = got.tables["T3"]
    assert not t3.blank and {c: t3.unread[c] for c in _row("R18")} == {c: ("unplaced", "") for c in _row("R18")}
    [note] = [n for n in got.notes if n.key == "figures_unplaced"]
    assert set(note.cells) == _row("R18") and note.render() == (
        "T3：有的数字无法确定属于哪一行、哪一格（标签折行、数字与标签不在一起，或有空格位置不明）：这些单元格不予读取，也不按空白计算")
    assert_never_wrong(got, want)

    rows = table_rows(want, {"layout": "flat"})["T3"]
    piped = " ".join("| " + " | ".join(cells) + " |" for cells in rows)
    piped = piped.replace("| 2.没有现成信息需要另行制作 | 4 | 0 |", "| 2.没有现成信息需要另行制作 | 4 |  |")
    piped = piped.replace("| 3.要求提供公开出版物 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "| 3.要求提供公开出版物 |  |  |  |  |  |  |  |")
    got = imported(tmp_path, text[:text.index(T3.heading) + len(T3.heading)] + piped + text[text.index("四、政府信息公开行政复议"):])
    t3 = got.tables["T3"]
    assert {c: t3.unread[c] for c in _row("R14")} == {c: ("unplaced", "4 0 0 0 0 4") for c in _row("R14")}
    assert {c: t3.unread[c] for c in _row("R18")} == {c: ("unplaced", "") for c in _row("R18")}
    assert not t3.blank and len(t3.values) == 175 - 14
    [note] = [n for n in got.notes if n.key == "figures_unplaced"]
    assert set(note.cells) == _row("R14") | _row("R18")
    assert_never_wrong(got, want)


def test_tables_whose_headings_are_lost_are_read_by_their_labels_alone(tmp_path):
    """The three headings lost (printed as images, or a fragment): rows are known by their labels,
    each only where its figures fill it exactly; a label followed by too few figures, too many or
    none may be a sentence's and is not read (nor blank), and the rows after it still are; a label
    no official one is not taken for one (that needs the table's heading); table 2's rows only
    after their block's column header. Each table read says it had no heading."""
    want = example_report()
    text = render_flat(want, apart=True, headings=False)
    got = imported(tmp_path, text)
    assert got.layout == "flattened"
    for t in ("T2", "T3", "T4"):
        assert got.tables[t].status == "complete"
        assert [n.render() for n in got.tables[t].notes] == [f"{t}：没有找到表格标题，按行标签读取"]
    assert_never_wrong(got, want)
    assert [(n.subject, n.stated) for n in got.narrative] == [("收到政府信息公开申请", 203), ("行政复议", 5), ("行政诉讼", 1)]

    odd = (text.replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形） 6 0 0 0 0 0 6",
                        "（二）部分公开（区分处理的，只计这一情形，不计其他情形） 6 0 0 0 0 6")  # a figure short
           .replace("2.重复申请 1 0 0 0 0 0 1", "2.重复申请 1 0 0 0 0 0 1 1")  # one too many
           .replace("3.要求提供公开出版物 0 0 0 0 0 0 0", "3.要求提供公开出版物")  # none
           .replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开")  # no official label
           .replace("本年废止件数 现行有效件数", "本年废止件数"))  # table 2's first block without its header
    got = imported(tmp_path, odd)
    t2, t3 = got.tables["T2"], got.tables["T3"]
    skipped = _row("R04") | _row("R17") | _row("R18") | _row("R06")
    assert set(t3.values) == {c for c in CELLS if c.startswith("T3.")} - skipped
    assert not t3.unread and not t3.blank
    assert set(t2.values) == {c for c in CELLS if c.startswith("T2.R") and c[4] in "3456"} and not t2.unread
    assert [t.notes[0].key for t in got.tables.values()] == ["no_heading"] * 3
    assert not [n for n in got.notes if n.key in ("label_taken", "figures_unplaced")]
    assert_never_wrong(got, want)


def test_without_their_heading_one_row_is_a_sentence_two_rows_a_table():
    """A fragment, the last rows of table 3 as a page of their own (it starts with a label):
    read by their labels; one row of figures alone is no table. The tables it does not hold
    are missing, every cell of them, and say nothing."""
    rows = ("3.其他 11 1 0 0 0 0 12", "（七）总计 186 1 0 0 0 0 187", "四、结转下年度继续办理 16 0 0 0 0 0 16")
    want = {**dict(zip(sorted(_row("R23")), (11, 1, 0, 0, 0, 0, 12))),
            **dict(zip(sorted(_row("R24")), (186, 1, 0, 0, 0, 0, 187))),
            **dict(zip(sorted(_row("R25")), (16, 0, 0, 0, 0, 0, 16)))}
    for n in (3, 2):
        got = read_flat("".join(rows[:n]))
        assert got["T3"].values == {c: v for c, v in want.items() if c[3:6] in ("R23", "R24", "R25")[:n]}
        assert [note.key for note in got["T3"].notes] == ["no_heading"]
        for t, cells in (("T2", 10), ("T4", 15)):
            assert got[t].counts()["missing"] == cells and got[t].notes == []
    got = read_flat(rows[0])
    assert got["T3"].status == "missing" and got["T3"].counts()["missing"] == 175 and got["T3"].notes == []


def test_other_handling_printed_as_one_row_is_read_as_the_sums_of_its_three_rows(tmp_path):
    """（六）其他处理 printed as one row of the seed's figures, its three rows' sums (by hand:
    11 1 0 0 0 0 12, all of 3.其他): read as those sums, the three rows not given. Where the text
    ends inside that row, its figures are no cells: the table's account reads none of them, and
    the rows after it are missing (the earlier reader counted two sums as cells read)."""
    want = example_report()
    text = render_flat(want, other_as_one_row=True)
    got = imported(tmp_path, text)
    t3 = got.tables["T3"]
    groups = [tuple(f"T3.{r}.C{i}" for r in ("R21", "R22", "R23")) for i in SEVEN]
    assert t3.combined == dict(zip(groups, (11, 1, 0, 0, 0, 0, 12)))
    assert {c for c, (why, _) in t3.unread.items() if why == "not_given"} == _row("R21") | _row("R22") | _row("R23")
    assert_never_wrong(got, want)
    at = text.index("（六）其他处理") + len("（六）其他处理")
    got = imported(tmp_path, text[:at] + "11 1")
    t3 = got.tables["T3"]
    assert not t3.combined and set(t3.values) == {c for c in CELLS if "T3.R01" <= c[:6] <= "T3.R20"}
    assert t3.counts() == {"read": 0, "decoded": 140, "ambiguous": 0, "unread": 0, "blank": 0, "not_given": 21, "missing": 14}
    assert_never_wrong(got, want)
    assert [n.key for n in got.notes if n.key.startswith("not_given")] == ["not_given_unread"]  # no sum read: none checked
    # 「1l」 for 11 (a misread letter): the figures cannot be placed, so the sums are not read either, and the note says so
    got = imported(tmp_path, text.replace("（六）其他处理111000012", "（六）其他处理1l1000012"))
    assert not got.tables["T3"].combined and got.tables["T3"].counts()["not_given"] == 21
    assert [n.render() for n in got.notes if n.key.startswith("not_given")] == [
        "T3：「（六）其他处理」只印了一行（1），其下三行没有分项列出，这一行的数字也无法逐列确定：三行之和与三行各自都不予读取，相关的列合计无法核对"]
    assert_never_wrong(got, want)


def test_table_3_printed_as_a_picture_under_its_heading_is_missing(tmp_path):
    """Table 3 kept as an image: its heading is text, its rows are not. Nothing of it is read or
    unread, and no other-handling row is looked for in the rest of the report."""
    text = render_flat(example_report())
    start, end = text.index(T3.heading) + len(T3.heading), text.index("四、政府信息公开行政复议")
    got = imported(tmp_path, text[:start] + "（表格为图片）" + text[end:])
    t3 = got.tables["T3"]
    assert t3.status == "missing" and t3.counts()["missing"] == 175 and not t3.unread and not t3.combined
    assert got.tables["T4"].status == "complete"


def test_other_handling_as_one_row_where_only_the_tail_of_table_3_is_text(tmp_path):
    """Table 3's first page lost (an image, a page the extraction dropped): its text starts at
    （六）其他处理 printed as one row, or at the row before it; a narrative before the tables names
    「（六）其他处理3件」. The row is found in the table, not in the narrative: R21–R23 given
    together (not given one by one), 总计 and 结转 read (by hand from the seed's printed rows:
    186 1 0 0 0 0 187 and 16 0 0 0 0 0 16), the rows before it missing."""
    text = render_flat(example_report(), other_as_one_row=True)
    text = text.replace("本报告由", "全年（五）不予处理4件、（六）其他处理3件。本报告由", 1)
    heading_end = text.index(T3.heading) + len(T3.heading)
    total = dict(zip(SEVEN, (186, 1, 0, 0, 0, 0, 187)))
    carried = dict(zip(SEVEN, (16, 0, 0, 0, 0, 0, 16)))
    for cut, rows_before in (("（六）其他处理", []), ("5.要求行政机关确认", ["R20"])):
        t3 = imported(tmp_path, text[:heading_end] + text[text.index(cut, heading_end):]).tables["T3"]
        want = {f"T3.R24.C{i}": v for i, v in total.items()} | {f"T3.R25.C{i}": v for i, v in carried.items()}
        want |= {c: 0 for r in rows_before for c in _row(r)}
        assert t3.values == want, cut
        assert {c for c, (why, _) in t3.unread.items() if why == "not_given"} == _row("R21") | _row("R22") | _row("R23"), cut
        assert t3.counts()["missing"] == 7 * (20 - len(rows_before)), cut


def test_other_handling_as_one_row_in_a_table_cut_short_after_it(tmp_path):
    """Table 3 printed down to （六）其他处理 as one row, its last two rows lost (a page cut),
    a note under the table that quotes a label, and 「3.其他」 in the report's last section: the
    row is still （六） given together (R21–R23 not given one by one; the sums unread: no
    总计 to cut them by), never R21–R23 "not printed". A 「3.其他」 outside the table used to
    hide the row, its three rows then said to be missing."""
    text = render_flat(example_report(), other_as_one_row=True)
    text = text[:text.index("（七）总计")] + "注：“本年新收政府信息公开申请数量”按申请件数统计。" + text[text.index("四、政府信息公开行政复议"):]
    for last in ("六、其他需要报告的事项无。", "六、其他需要报告的事项1.收费：无。2.其他：无。3.其他：无。"):
        got = imported(tmp_path, text.replace("六、其他需要报告的事项无。", last))
        t3 = got.tables["T3"]
        assert {c for c, (why, _) in t3.unread.items() if why == "not_given"} == _row("R21") | _row("R22") | _row("R23"), last
        assert t3.counts()["missing"] == 14 and not t3.combined, last
        assert [n.key for n in got.notes if n.key.startswith("not_given")] == ["not_given_unread"], last


def test_a_note_that_quotes_other_handling_above_its_row_is_no_row(tmp_path):
    """A note under table 3's heading quotes 「（六）其他处理」 (the clerk explaining the 2019
    row kept in the 2021 table): the row is the one printed after （五）'s rows, read as its
    sums (by hand: 11 1 0 0 0 0 12), not the note, which has no figures."""
    text = render_flat(example_report(), other_as_one_row=True)
    text = text.replace(T3.heading, T3.heading + "注：“（六）其他处理”一行为其下三项之和。", 1)
    t3 = imported(tmp_path, text).tables["T3"]
    groups = [tuple(f"T3.{r}.C{i}" for r in ("R21", "R22", "R23")) for i in SEVEN]
    assert t3.combined == dict(zip(groups, (11, 1, 0, 0, 0, 0, 12)))


def test_a_row_printed_empty_before_other_handling_as_one_row_is_blank(tmp_path):
    """R20 printed with nothing after its label, right before （六）其他处理 printed as one row:
    every figure of the table has its row, so R20 is blank (not unplaced), and the sums,
    with R20 blank no longer checkable by 总计, are unread, not guessed."""
    report = example_report()
    assert all(report.value(f"T3.R20.C{i}") == 0 for i in SEVEN)
    text = render_flat(report.with_values({c: None for c in _row("R20")}), other_as_one_row=True)
    assert "已获取信息（六）其他处理111000012" in text
    got = imported(tmp_path, text)
    t3 = got.tables["T3"]
    assert t3.blank == _row("R20") and not t3.combined
    assert t3.counts() == {"read": 0, "decoded": 147, "ambiguous": 0, "unread": 0, "blank": 7, "not_given": 21, "missing": 0}


def test_what_a_flattened_text_says_outside_its_tables_is_its_narrative(tmp_path):
    """The narrative of a flattened page is the text before the first table and after the last,
    never the tables' text: a cell printed with its unit (「…申请数量199件」) is no statement.
    A preamble that lists the sections, 「五、存在的主要问题…」 among them, does not end the
    tables before they start."""
    want = example_report()
    text = render_flat(want, unit="件")
    text = text[:text.index("一、总体情况")] + "一、总体情况2022年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。" + text[text.index("二、主动公开"):]
    assert "新收政府信息公开申请数量199件" in text
    assert imported(tmp_path, text).narrative == []
    text = text.replace("六、其他需要报告的事项无。", "六、其他需要报告的事项本年度共收到政府信息公开申请 203 件。")
    assert [(n.subject, n.stated) for n in imported(tmp_path, text).narrative] == [("收到政府信息公开申请", 203)]

    toc = "本报告包括：一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况；四、政府信息公开行政复议、行政诉讼情况；五、存在的主要问题及改进情况；六、其他需要报告的事项。"
    text = render_flat(want)
    got = imported(tmp_path, text.replace("一、总体情况", toc + "一、总体情况", 1))
    assert got.format == "2021" and got.tables["T3"].status == got.tables["T4"].status == "complete"
    assert [(n.subject, n.stated) for n in got.narrative] == [("收到政府信息公开申请", 203), ("行政复议", 5), ("行政诉讼", 1)]


def test_a_row_not_printed_is_missing_though_the_text_after_the_tables_names_it(tmp_path):
    """Table 3 printed without its last row, 四、结转下年度继续办理, which the closing section
    names in a sentence: a table's rows are looked for in its own part of the text, so the row
    is missing (its 7 cells), neither taken from the sentence nor unread for it."""
    text = render_flat(example_report()).replace("四、结转下年度继续办理160000016", "")
    text = text.replace("六、其他需要报告的事项无。", "六、其他需要报告的事项：结转下年度继续办理的16件申请将于次年办结。")
    t3 = imported(tmp_path, text).tables["T3"]
    assert t3.counts()["missing"] == 7 and not t3.unread and not (_row("R25") & set(t3.values))


def test_other_handling_printed_as_one_row_in_a_flattened_text(tmp_path):
    """（六）其他处理 printed as one row (the 2019 form) in a flattened 2021 table 3, its 总计
    printed 「（七）合计」, a narrative before the tables that names 其他处理 with a figure, and
    「3.其他」 in the report's last section: the row's figures are the sums of R21–R23, which
    are not given one by one (unread, the printed figures kept), and the sums take their
    place in the column totals, so that T3-03 is checked."""
    report = made_up_report(8)
    sums = [sum(report.value(f"T3.{r}.C{c}") for r in ("R21", "R22", "R23")) for c in range(1, 8)]
    text = render_flat(report, other_as_one_row=True, labels={"（七）总计": "（七）合计"})
    assert "（六）其他处理" + "".join(map(str, sums)) + "（七）合计" in text
    # its figures set apart by spaces, as some pages keep them
    text = text.replace("（六）其他处理" + "".join(map(str, sums)), "（六）其他处理 " + " ".join(map(str, sums)) + " ")
    text = text.replace("本报告由", "全年（五）不予处理4件、（六）其他处理3件。本报告由", 1).replace("六、其他需要报告的事项无。", "六、其他需要报告的事项1.收费：无。2.其他：无。3.其他：无。")
    got = imported(tmp_path, text)
    t3 = got.tables["T3"]
    given = [f"T3.{r}.C{c}" for r in ("R21", "R22", "R23") for c in range(1, 8)]
    assert {c: why for c, why in t3.unread.items()} == {c: ("not_given", " ".join(map(str, sums))) for c in given}
    assert t3.combined == {tuple(f"T3.{r}.C{c}" for r in ("R21", "R22", "R23")): s for c, s in enumerate(sums, 1)}
    [note] = [n for n in got.notes if n.key == "not_given"]
    assert set(note.cells) == set(given)
    for c in (c for c in CELLS if not c.startswith("T2")):  # table 2 has no sums to cut its rows by
        assert got.report.value(c) == (None if c in given else report.value(c)), c
    audit = audit_path(tmp_path / "flat.txt")
    assert not audit.findings
    assert not [u for u in audit.unchecked if u.rule == "T3-03"]


def test_what_the_sums_cut_and_what_they_cannot_each_said_once(tmp_path):
    """A flattened text with its figures set apart by spaces, but some rows glued, and （七）总计
    lost (so each row of table 3 stands alone with its row sum, T3-02). Glued rows that one cut
    of the row sum fits are read, each said with its cut; two glued rows whose totals are
    misprinted fit no cut: only what their digits fix is read and one note names both, first;
    a row set apart whose total is misprinted is read as printed and blamed (T3-02), not said
    unsettled. In table 2, which has no sums, 「102」 in three cells is one cut by its digits
    alone, and four figures in a row of three cells are not read. 「1,234」 is a count: an int."""
    report = made_up_report(3).with_values({"T2.R1.C1": 1, "T2.R1.C2": 0, "T2.R1.C3": 2})
    labels = {"R03": "（一）予以公开", "R04": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
              "R07": "3.危及“三安全一稳定”", "R09": "5.属于三类内部事务信息", "R10": "6.属于四类过程性信息",
              "R11": "7.属于行政执法案卷", "R12": "8.属于行政查询事项"}
    printed = {  # as made up -> as printed here
        "规章 1 0 2": "规章102",
        "行政规范性文件 1234 1234 1235": "行政规范性文件 1234 1234 3 1235",
        labels["R03"] + " 1 40 13 0 3 40 97": labels["R03"] + "1401303 4097",
        labels["R04"] + " 8 120 40 0 40 0 208": labels["R04"] + " 8120400400 208",
        labels["R07"] + " 0 1 120 0 13 5 139": labels["R07"] + " 011200135 139",
        labels["R09"] + " 0 2 0 2 8 40 52": labels["R09"] + "0202840 53",  # 53 for 52
        labels["R10"] + " 1234 5 1234 5 5 1234 3717": labels["R10"] + " 1,234 5 1,234 5 5 1,234 3,717",
        labels["R11"] + " 40 8 0 3 0 0 51": labels["R11"] + "4080300 15",  # 15 for 51
        labels["R12"] + " 0 8 1 2 120 5 136": labels["R12"] + " 0 8 1 2 120 5 163",  # 163 for 136, set apart
        "（七）总计 4133 389 4124 174 317 4327 13464": "",
    }
    text = render_flat(report, apart=True)
    for made, shown in printed.items():
        assert made in text, made
        text = text.replace(made, shown)
    got = imported(tmp_path, text)
    assert got.layout == "flattened"
    row = lambda r: [got.report.value(f"T3.{r}.C{i}") for i in range(1, 8)]  # noqa: E731
    assert (row("R03"), row("R04"), row("R07")) == ([1, 40, 13, 0, 3, 40, 97], [8, 120, 40, 0, 40, 0, 208], [0, 1, 120, 0, 13, 5, 139])
    assert row("R09") == [0] + [None] * 6 and row("R11") == [None] * 7  # a leading 0 is a cell whatever the cut
    assert row("R12") == [0, 8, 1, 2, 120, 5, 163]
    assert [type(got.tables["T3"].values[f"T3.R10.C{i}"]) for i in range(1, 8)] == [int] * 7
    assert [got.report.value(f"T2.R1.C{i}") for i in (1, 2, 3)] == [1, 0, 2]
    assert [got.report.value(f"T2.R2.C{i}") for i in (1, 2, 3)] == [None] * 3
    cells = lambda *rows: tuple(f"T3.{r}.C{i}" for r in rows for i in range(1, 8))  # noqa: E731
    assert [(n.render(), n.cells) for n in got.notes] == [
        ("T2.R1：数字连在一起「102」，只有一种拆法：1 | 0 | 2", ("T2.R1.C1", "T2.R1.C2", "T2.R1.C3")),
        ("T2.R2：数字「1234 1234 3 1235」多于这一行的单元格所能容纳的，无法拆分，不予读取", ("T2.R2.C1", "T2.R2.C2", "T2.R2.C3")),
        ("T2：有的数字无法确定属于哪一行、哪一格（标签折行、数字与标签不在一起，或有空格位置不明）：这些单元格不予读取，也不按空白计算",
         ("T2.R2.C1", "T2.R2.C2", "T2.R2.C3")),
        ("T3：T3.R09、T3.R11 的数字连在一起，无论怎样拆分，表内合计都不能全部成立（可能有印错的数字，或混入了表外的数字），"
         "无法确定怎样拆分：只读取数字本身就能确定的单元格，其余 13 个不予读取", cells("R09", "R11")[1:]),
        ("T3.R03：数字连在一起「1401303 4097」，按表内合计唯一拆分为 1 | 40 | 13 | 0 | 3 | 40 | 97", cells("R03")),
        ("T3.R04：数字连在一起「8120400400 208」，按表内合计唯一拆分为 8 | 120 | 40 | 0 | 40 | 0 | 208", cells("R04")),
        ("T3.R07：数字连在一起「011200135 139」，按表内合计唯一拆分为 0 | 1 | 120 | 0 | 13 | 5 | 139", cells("R07")),
    ]
    audit = audit_path(tmp_path / "flat.txt")
    assert [(f.rule, f.codes[0]) for f in audit.findings] == [("T3-02", "T3.R12.C1")]


def test_a_row_spaced_out_before_a_misread_label_leaves_out_that_labels_number(tmp_path):
    """A flattened table 3 whose rows 1.信访举报投诉类申请 and 2.重复申请 are printed with spaces and
    the second label misread (「2.重复甲请」): the label is not found by its words, so R16's figures
    run on into its 「2」. That 2 is the next label's numbering: R16 reads 1 0 0 0 0 0 1 and the
    misread row 1 0 0 0 0 0 1, the seed's figures (by hand), never an eighth figure."""
    want = example_report()
    text = render_flat(want, other_as_one_row=True)
    printed = "1.信访举报投诉类申请10000012.重复申请1000001"
    assert printed in text
    got = imported(tmp_path, text.replace(printed, "1.信访举报投诉类申请 1 0 0 0 0 0 1 2.重复甲请 1 0 0 0 0 0 1 "))
    t3 = got.tables["T3"]
    for row in ("R16", "R17"):
        assert [t3.values.get(f"T3.{row}.C{i}") for i in SEVEN] == [1, 0, 0, 0, 0, 0, 1]
    assert not t3.unread.keys() - _row("R21") - _row("R22") - _row("R23")
    assert_never_wrong(got, want)


@pytest.mark.parametrize("seed", [3, 5])
def test_other_handling_as_one_row_is_cut_by_its_own_row_sum_where_the_columns_cannot(tmp_path, seed):
    """A flattened table 3 with （六）其他处理 printed as one row and （七）总计 left out: no
    column sum can be checked, but the row's figures are sums of rows whose 总计 adds their
    other cells, so its own 总计 adds its others too. That cuts its digits: the sums of R21–R23
    as made up (by hand), nothing read wrong."""
    report = made_up_report(seed)
    text = render_flat(report, other_as_one_row=True)
    total = "（七）总计" + "".join(str(report.value(f"T3.R24.C{i}")) for i in range(1, 8))
    assert total in text
    got = imported(tmp_path, text.replace(total, ""))
    groups = [tuple(f"T3.{r}.C{i}" for r in ("R21", "R22", "R23")) for i in range(1, 8)]
    assert got.tables["T3"].combined == {g: sum(report.value(c) for c in g) for g in groups}
    assert_never_wrong(got, report)


def test_a_fraction_in_other_handling_as_one_row_is_no_count(tmp_path):
    """A flattened table 3 whose （六）其他处理 row prints 40.5 (a misprint) for 自然人, its
    figures set apart: no count is a fraction, so the row gives no sums to check with (R4),
    and nothing is read wrong."""
    report = made_up_report(3)
    text = render_flat(report, other_as_one_row=True)
    sums = [sum(report.value(f"T3.{r}.C{i}") for r in ("R21", "R22", "R23")) for i in range(1, 8)]
    printed = "（六）其他处理" + "".join(map(str, sums))
    assert printed in text and sums[0] == 40
    got = imported(tmp_path, text.replace(printed, "（六）其他处理" + " ".join(["40.5", *map(str, sums[1:])]) + " "))
    assert got.layout == "flattened" and got.tables["T3"].combined == {}
    assert_never_wrong(got, report)


def test_a_blank_table_4_in_a_flattened_text_with_a_year_after_the_tables(tmp_path):
    """Table 4's header printed and no figure after it, then 五、 and 六、 with a year in a
    sentence: the tables end at 五、, so the year is nobody's figure and table 4 is a blank form
    (15 cells seen empty), not figures left unplaced."""
    report = made_up_report(3)
    text = render_flat(report, apart=True)
    figures = " ".join(str(report.value(f"T4.R{r}.C{c}")) for r in (1, 2, 3) for c in range(1, 6))
    assert "尚未审结 总计" + figures + "五、" in text
    text = text.replace(figures + "五、", "五、").replace("六、其他需要报告的事项无。", "六、其他需要报告的事项本机关2024年度未收取信息处理费。")
    got = imported(tmp_path, text)
    assert got.layout == "flattened" and got.tables["T4"].status == "complete" and not got.tables["T4"].unread
    assert got.tables["T4"].blank == {f"T4.R{r}.C{c}" for r in (1, 2, 3) for c in range(1, 6)}
    assert "T4：15 个单元格空白，按 0 计算并提示（V-03）" in [n.render() for n in got.notes]


@pytest.mark.parametrize("figures, readings", [
    # 3 | 2 | 3 printed one a line, a page number 2 on a line of its own among them: every
    # figure on a line of its own may be the stray one, so each way of leaving one out is a reading
    (["2", "3", "2", "3"], [(2, 2, 3), (2, 3, 2), (2, 3, 3), (3, 2, 3)]),
    (["3", "2", "2", "3"], [(2, 2, 3), (3, 2, 2), (3, 2, 3)]),
    (["3", "2", "3", "2"], [(2, 3, 2), (3, 2, 2), (3, 2, 3), (3, 3, 2)]),
    # figures that share a line are no page number: never left out
    (["3 2", "2", "3"], [(3, 2, 2), (3, 2, 3)]),
    (["3", "2 2", "3"], [(2, 2, 3), (3, 2, 2)]),
])
def test_which_figures_on_lines_of_their_own_may_be_the_stray_one(figures, readings):
    """Table 2's 规章 (three cells, no sum to choose by) as text extracted line by line, four
    figures under it: the readings are exactly the ways of leaving out one figure that stands
    on a line of its own (or of ending the run early); a cell is read only where they agree."""
    from published import render_text

    report = made_up_report(2)
    lines = render_text(report, "per_line").splitlines()
    first = lines.index("规章") + 1
    assert lines[first:first + 4] == ["3", "2", "3", "行政规范性文件"]
    t2 = read_flat("\n".join(lines[:first] + figures + lines[first + 3:]) + "\n")["T2"]
    cells = ("T2.R1.C1", "T2.R1.C2", "T2.R1.C3")
    assert sorted(t2.candidates[cells]) == readings
    agreed = [{r[i] for r in readings} for i in range(3)]
    assert [t2.values.get(c) for c in cells] == [s.pop() if len(s) == 1 else None for s in agreed]


def test_figures_set_apart_with_the_next_label_s_number_apart_too():
    """「1.信访举报投诉类申请 1234 0 1234 3 13 40 2524 2.重复申请」: the last figure set apart
    is 2.重复申请's number, not a cell: the row is its seven figures before it."""
    report = made_up_report(3)
    text = render_flat(report)
    row = [report.value(f"T3.R16.C{c}") for c in range(1, 8)]
    assert row == [1234, 0, 1234, 3, 13, 40, 2524]
    glued = "1.信访举报投诉类申请1234012343134025242.重复申请"
    assert glued in text
    t3 = read_flat(text.replace(glued, "1.信访举报投诉类申请 1234 0 1234 3 13 40 2524 2.重复申请"))["T3"]
    assert [t3.values.get(f"T3.R16.C{c}") for c in range(1, 8)] == row


def test_a_figure_after_a_colon_is_unplaced_never_blank():
    """「行政许可：7」: a figure the reader does not take as the row's (a colon between) is no
    sign of an empty row: the cell is unread, not blank, and not 7."""
    report = made_up_report(3).with_values({"T2.R3.C1": 7})
    text = render_flat(report)
    assert "行政许可7第二十条" in text
    t2 = read_flat(text.replace("行政许可7第二十条", "行政许可：7第二十条"))["T2"]
    assert t2.unread["T2.R3.C1"] == ("unplaced", "") and "T2.R3.C1" not in t2.blank and "T2.R3.C1" not in t2.values


def test_table_4_without_its_column_words_is_missing_never_guessed():
    """Table 4 printed with its groups but not its columns (「结果维持…总计」 lost): nothing
    says where its figures start, so the table is missing, not read."""
    report = made_up_report(3)
    header = "结果维持结果纠正其他结果尚未审结总计"
    text = render_flat(report)
    assert text.count(header) == 3
    read = read_flat(text.replace(header, ""))
    assert read["T4"].status == "missing" and not read["T4"].values and not read["T4"].unread


def test_other_handling_printed_as_one_row_wrapped_over_two_lines(tmp_path):
    """As above, the （六）其他处理 row's seven sums set apart by spaces and wrapped after the
    fourth onto a line of their own: the row is still the sums of R21–R23, not given one by
    one, its printed figures kept (all seven, the line break no end of the row)."""
    report = made_up_report(8)
    sums = [sum(report.value(f"T3.{r}.C{c}") for r in ("R21", "R22", "R23")) for c in range(1, 8)]
    text = render_flat(report, other_as_one_row=True)
    printed = " ".join(map(str, sums[:4])) + "\n" + " ".join(map(str, sums[4:]))
    text = text.replace("（六）其他处理" + "".join(map(str, sums)), "（六）其他处理 " + printed + " ")
    got = imported(tmp_path, text)
    t3 = got.tables["T3"]
    given = [f"T3.{r}.C{c}" for r in ("R21", "R22", "R23") for c in range(1, 8)]
    assert {c: why for c, why in t3.unread.items()} == {c: ("not_given", " ".join(map(str, sums))) for c in given}
    assert t3.combined == {tuple(f"T3.{r}.C{c}" for r in ("R21", "R22", "R23")): s for c, s in enumerate(sums, 1)}


def test_a_headless_table_4_is_found_by_its_last_group_not_a_sentence_naming_the_first():
    """Headings lost, and a sentence before the tables names 未经复议直接起诉 (table 4's first
    litigation group): table 4 is still found after 复议后起诉 in its header, its 15 figures read
    right, not the 总计 of table 3's （七） row taken for table 4's header."""
    text = render_flat(example_report(), apart=True, headings=False)
    text = "本机关本年度的行政诉讼均为未经复议直接起诉。" + text
    t4 = read_flat(text)["T4"]
    figures = (0, 4, 1, 0, 5, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0)
    assert t4.values == {f"T4.R{r}.C{c}": figures[5 * (r - 1) + c - 1] for r in (1, 2, 3) for c in range(1, 6)}
    assert not t4.unread and not t4.blank


def test_a_blank_table_4_with_a_page_number_in_its_header_or_a_dated_note_after_it():
    """Table 4 printed with no figure after its header (a blank form). A page footer 「- 12 -」
    flattened into the header, between two columns of its last group, is no figure after any
    总计: the form is still blank, its 15 cells seen empty. A dated note after the header
    instead, and a 总计 in 六、 after the tables: the note's figures stand where the table's
    would, so its 15 cells are unplaced, never blank (the 总计 after 五、 is no header's)."""
    report = made_up_report(3)
    text = render_flat(report, apart=True)
    figures = " ".join(str(report.value(f"T4.R{r}.C{c}")) for r in (1, 2, 3) for c in range(1, 6))
    assert "尚未审结 总计" + figures + "五、" in text
    blank = text.replace(figures + "五、", "五、")
    cells = {f"T4.R{r}.C{c}" for r in (1, 2, 3) for c in range(1, 6)}
    middle = "尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计五、"
    assert middle in blank
    paged = blank.replace(middle, "尚未审结 总计 结果维持 - 12 - 结果纠正 其他结果 尚未审结 总计五、")
    t4 = read_flat(paged)["T4"]
    assert t4.blank == cells and not t4.values and not t4.unread
    noted = (blank.replace("总计五、", "总计注：本表统计截至2024年12月31日。五、")
             .replace("六、其他需要报告的事项无。", "六、其他需要报告的事项本机关本年度收取信息处理费总计0元。"))
    t4 = read_flat(noted)["T4"]
    assert {c: why for c, (why, _) in t4.unread.items()} == dict.fromkeys(cells, "unplaced")
    assert not t4.blank and not t4.values


MISREAD_2 = [("2.重复申请", "2.重复甲请")]


@pytest.mark.parametrize("row, printed, glued, misread, read, unread", [
    # 「…889902.」: 「02」 is no label's numbering, so the run never ends before 「…90」's 0
    # (which would leave 254008899, a row that adds up as 2 5 4 0 0 88 99): read as printed
    ("R16", [25, 40, 0, 8, 8, 9, 90], "25400889902.", MISREAD_2, dict(zip(SEVEN, [25, 40, 0, 8, 8, 9, 90])), ()),
    # 「…05312.」 may end at a label numbered 12 (leaving 015101053, a row that adds up as
    # 0 1 51 0 1 0 53): its 总计, 31 or 53, stays unread; its 自然人 0, the same in both, is read
    ("R16", [0, 1, 5, 10, 10, 5, 31], "01510105312.", MISREAD_2, {1: 0}, (7,)),
    # （六）其他处理 lost and 「1.申请人」 misread: 「…31521.」 never ends at a label numbered 21
    # (which would leave 000120315, a row that adds up as 0 0 0 12 0 3 15): read as printed
    ("R20", [0, 0, 0, 1, 20, 31, 52], "00012031521.",
     [("（六）其他处理", ""), ("1.申请人无正当理由", "1.申请入无正当理由")], dict(zip(SEVEN, [0, 0, 0, 1, 20, 31, 52])), ()),
])
def test_a_run_glued_to_a_misread_label_ends_only_at_a_numbering_of_1_to_20(tmp_path, row, printed, glued, misread, read,
                                                                           unread):
    """A flattened table 3 with （七）总计 left out, a row run together and glued to the next,
    misread label, so no column sum can choose: the glued digits are the next label's numbering
    only as 1 to 20 with no leading 0, and where two such endings fit the row's sum, the cells
    they disagree on stay unread (expected figures by hand)."""
    report = with_row(made_up_report(3), row, printed)
    text = render_flat(report)
    total = "（七）总计" + "".join(str(report.value(f"T3.R24.C{i}")) for i in range(1, 8))
    assert total in text
    text = text.replace(total, "")
    for was, misprint in misread:
        assert was in text
        text = text.replace(was, misprint)
    assert glued in text
    got = imported(tmp_path, text)
    t3 = got.tables["T3"]
    assert {i: t3.values.get(f"T3.{row}.C{i}") for i in read} == read
    assert all(f"T3.{row}.C{i}" not in t3.values and t3.unread[f"T3.{row}.C{i}"][0] == "ambiguous" for i in unread)
    assert_never_wrong(got, report)


@pytest.mark.parametrize("seed, printed, unread_row", [
    # the 2021 form with its groups' subtotal rows, （六）其他处理's printed 「（六）其他」 (one
    # numbering away from 「3.其他」): the subtotal lies between 5.要求行政机关… and 1.申请人…,
    # which are found (and is numbered otherwise), so it is no row; 3.其他 is read from its own label
    (7, "subtotal", None),
    # 四、结转下年度继续办理 printed before （七）总计: it lies between 3.其他 and （七）总计, where
    # the standard puts no row, so it is not read from there (and never said a misprint of itself)
    (3, "swapped", "R25"),
])
def test_text_between_two_rows_found_is_taken_only_for_a_row_the_standard_puts_between(tmp_path, seed, printed, unread_row):
    """A flattened table 3 with its figures set apart: text followed by figures between two rows
    found by their labels is taken for a row only where the standard puts that row between
    them. Every other cell reads as made up (by hand), and no note says a printed label was
    taken for a row."""
    report = made_up_report(seed)
    if printed == "subtotal":
        text = render_flat(report, apart=True, subtotal_rows=True)
        sums = " ".join(str(sum(report.value(f"T3.{r}.C{c}") for r in ("R21", "R22", "R23"))) for c in SEVEN)
        assert f"（六）其他处理 {sums}1.申请人" in text
        text = text.replace("（六）其他处理", "（六）其他")
    else:
        text = render_flat(report, apart=True)
        total = "（七）总计 " + " ".join(str(report.value(f"T3.R24.C{c}")) for c in SEVEN)
        carried = "四、结转下年度继续办理 " + " ".join(str(report.value(f"T3.R25.C{c}")) for c in SEVEN)
        assert total + carried + "四、政府信息公开行政复议" in text
        text = text.replace(total + carried, carried + total)
    got = imported(tmp_path, text)
    assert got.layout == "flattened"
    unread = _row(unread_row) if unread_row else set()
    assert {c: got.report.value(c) for c in CELLS if c.startswith("T3.") and c not in unread} == {
        c: report.value(c) for c in CELLS if c.startswith("T3.") and c not in unread}
    assert all(got.report.value(c) is None for c in unread)
    assert not [n for n in got.notes if n.key == "label_taken"]
    assert_never_wrong(got, report)


def test_a_misprinted_label_with_no_figures_is_no_row_whatever_label_follows(tmp_path):
    """1.本机关不掌握相关政府信息 printed blank and misprinted 「本机关不掌握相关信息」: no figure
    follows it, so nothing says it is that row (a label is taken for a row by the figures after
    it): the row is not read, blank or not, and no note says its label was taken, whether the
    next label is printed with its numbering 「2.」 (a digit, no figure of the row) or without.
    Every other cell reads as made up (by hand)."""
    report = with_row(made_up_report(7), "R13", [0] * 7)
    shown = report.with_values({f"T3.R13.C{c}": None for c in SEVEN})  # printed blank
    for numbered in (True, False):
        text = render_flat(shown, apart=True)
        assert "（四）无法提供 1.本机关不掌握相关政府信息       2.没有现成信息需要另行制作 " in text
        text = text.replace("1.本机关不掌握相关政府信息", "本机关不掌握相关信息")
        if not numbered:
            text = text.replace("2.没有现成信息需要另行制作", "没有现成信息需要另行制作")
        got = imported(tmp_path, text)
        t3 = got.tables["T3"]
        assert not _row("R13") & {*t3.values, *t3.blank, *t3.unread}, numbered
        assert not [n for n in got.notes if n.key == "label_taken"]
        assert {c: got.report.value(c) for c in CELLS if c.startswith("T3.") and c not in _row("R13")} == {
            c: report.value(c) for c in CELLS if c.startswith("T3.") and c not in _row("R13")}


def test_figures_on_lines_of_their_own_are_left_out_up_to_the_bound_and_no_further():
    """（一）予以公开 with its first four figures on its label's line and its last three one a
    line, four more figures on lines of their own among them (page numbers, a year): leaving
    out four of the seven lone figures, or ending the run after its 4th-7th figure, is exactly
    35 + 21 + 7 + 1 = 64 ways, MAX_STRAY_READINGS: still tried, and the sums pick the row as
    made up. A fifth lone figure makes 56 + 28 + 8 + 1 = 93 ways, past the bound: no figure is
    left out, so the row's twelve figures are unplaced, never a guess."""
    from govreport_xl.importing.flat import MAX_STRAY_READINGS

    assert MAX_STRAY_READINGS == 64
    row = [1234, 120, 40, 13, 0, 5, 1412]
    report = with_row(made_up_report(3), "R03", row)
    text = render_flat(report)
    glued = "（一）予以公开12341204013051412"
    assert glued in text
    for strays, read in ((["12", "13", "2", "2023"], True), (["12", "13", "2", "2023", "14"], False)):
        lines = ["0", strays[0], "5", strays[1], strays[2], "1412", *strays[3:]]
        t3 = read_flat(text.replace(glued, "（一）予以公开 1234 120 40 13\n" + "\n".join(lines) + "\n"))["T3"]
        if read:
            assert [t3.values.get(f"T3.R03.C{c}") for c in SEVEN] == row
        else:
            assert not _row("R03") & t3.values.keys()
            assert {t3.unread[c] for c in _row("R03")} == {("unplaced", " ".join(["1234", "120", "40", "13", *lines]))}
        assert {c: v for c, v in t3.values.items() if c not in _row("R03")} == {c: report.value(c) for c in t3.values if c not in _row("R03")}
