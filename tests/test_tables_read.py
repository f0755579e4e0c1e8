"""The row reader of tables.py on texts that keep their rows (tabs, spaces): what it reads itself.

Where the row reader fails, the flattened-text reader may rescue a table; each test here says
`layout == "rows"` so that a rescue does not hide what the row reader did. Expected figures are
copied by hand from the printed lines (made_up_report(3) and (5) of tests/published.py)."""

import pytest

from govreport_xl.importing.importer import import_report
from published import made_up_report, render_text, with_row

T3_ROW = [f"T3.R15.C{i}" for i in range(1, 8)]


def imported(tmp_path, text):
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    return import_report(path)


def _replace_line(text: str, starts: str, new: str) -> str:
    lines = text.splitlines()
    [i] = [n for n, line in enumerate(lines) if line.startswith(starts)]
    lines[i] = new
    return "\n".join(lines)


def test_a_row_short_of_figures_is_unread_unless_the_text_ends_in_it(tmp_path):
    """A text that ends in table 3, its last row with 3 of its 7 figures: those 3 are its first
    cells (the text was cut, nothing is missing before them), said once. A row short of figures
    in the middle of the table (「4.保护第三方合法权益 5 3」: two figures for seven cells, too few
    to be digits run together) is not cut off: which cells the 5 and 3 are cannot be told, so
    none of its cells is read."""
    text = render_text(made_up_report(5), "tabs")
    assert "4.保护第三方合法权益\t0\t0\t0\t40\t40\t8\t88\t" in text
    assert "3.补正后申请内容仍不明确\t0\t2\t3\t2\t8\t1234\t1249\t" in text
    text = _replace_line(text, "4.保护第三方合法权益", "4.保护第三方合法权益\t5\t3\t")
    text = text[:text.index("3.补正后申请内容仍不明确")] + "3.补正后申请内容仍不明确\t0\t2\t3"
    got = imported(tmp_path, text)
    assert got.layout == "rows"
    assert [got.report.value(f"T3.R15.C{i}") for i in range(1, 8)] == [0, 2, 3, None, None, None, None]
    t3 = got.tables["T3"]
    assert {c: why for c, (why, _) in t3.unread.items()} == {f"T3.R08.C{i}": "cell_count" for i in range(1, 8)}
    assert [got.report.value(f"T3.R08.C{i}") for i in range(1, 8)] == [None] * 7
    assert [got.report.value(f"T3.R09.C{i}") for i in range(1, 8)] == [0, 0, 0, 0, 1, 1, 2]  # the row after it
    said = [n.render() for n in got.notes if n.key in ("cell_count", "row_cut_off")]
    assert said == ["T3.R08：印出 2 个数字（「5 3 （空）」），这一行有 7 格，无法确定各是哪一格的：不予读取",
                    "T3.R15：文本在「3.补正后申请内容仍不明确」一行中断，只读入 3 个单元格"]


def test_table_4_printed_empty_under_a_header_with_empty_cells_is_blank(tmp_path):
    """Table 4 of a body with no review or suit, printed empty: its line of 15 empty cells is all
    tabs (no text at all), under a header whose merged cells leave empty cells of their own
    (「行政复议<tab>行政诉讼<tab>」). Its 15 cells are present and blank, not unread: the header's
    empty cells are layout, not a row of too few cells."""
    report = made_up_report(5)
    text = render_text(report, "tabs")
    figures = text.splitlines()[text.splitlines().index("五、存在的主要问题及改进情况") - 2]
    assert figures == "0\t1234\t1234\t2\t2470\t8\t0\t1234\t0\t1242\t0\t40\t13\t5\t58\t"
    text = text.replace(figures, "\t" * 15)
    assert "行政复议\t行政诉讼\t\n未经复议直接起诉\t复议后起诉\t\n" in text
    got = imported(tmp_path, text)
    assert got.layout == "rows"
    t4 = got.tables["T4"]
    assert (t4.status, t4.values, t4.unread) == ("complete", {}, {})
    assert t4.blank == {f"T4.R{r}.C{c}" for r in (1, 2, 3) for c in range(1, 6)}
    assert "T4：15 个单元格空白，按 0 计算并提示（V-03）" in [n.render() for n in got.notes]


def test_digits_run_together_are_cut_with_other_handling_printed_as_one_row(tmp_path):
    """「1.属于国家秘密 100001112」 is 1|0|0|0|0|11|12 or 10|0|0|0|1|1|12 by its own row sum; the
    column sums settle it (to the first, as made up), and they can only where the sums of
    （六）其他处理, printed as one row (40 45 53 2 18 1275 1433), stand in for its three rows."""
    row = [1, 0, 0, 0, 0, 11, 12]
    report = with_row(made_up_report(3), "R05", row)
    text = render_text(report, "tabs", run_together="R05", other_as_one_row=True)
    assert "（三）不予公开\t1.属于国家秘密\t100001112\t" in text
    assert "（六）其他处理\t40\t45\t53\t2\t18\t1275\t1433\t" in text
    got = imported(tmp_path, text)
    assert got.layout == "rows"
    assert [got.report.value(f"T3.R05.C{i}") for i in range(1, 8)] == row
    assert "T3.R05：数字连在一起「100001112」，按表内合计唯一拆分为 1 | 0 | 0 | 0 | 0 | 11 | 12" in [n.render() for n in got.notes]
    assert {why for why, _ in got.tables["T3"].unread.values()} == {"not_given"}


def test_figures_after_a_misprinted_label_are_not_read_into_the_row_printed_empty_before_it(tmp_path):
    """A cell per line, 「1.属于国家秘密」 printed with its cells left empty (so nothing at all after
    its label), then 「2.其他法律行政止公开」 (法规禁 left out) and its figures: the figures are
    the misprinted row's (R06), taken for it as a misprinted label is, never read into R05, whose
    label merely comes before them; R05 is not found (its cells are not known to be 0)."""
    report = with_row(made_up_report(5), "R05", [0] * 7)
    text = render_text(report, "per_line")
    empty = "1.属于国家秘密\n" + "0\n" * 7
    misprinted = "2.其他法律行政法规禁止公开\n5\n13\n0\n40\n1\n0\n59\n"
    assert empty + misprinted in text
    text = text.replace(empty + misprinted, "1.属于国家秘密\n" + misprinted.replace("法规禁止公开", "止公开"))
    got = imported(tmp_path, text)
    assert got.layout == "rows"
    assert [got.report.value(f"T3.R06.C{i}") for i in range(1, 8)] == [5, 13, 0, 40, 1, 0, 59]
    assert [got.report.value(f"T3.R05.C{i}") for i in range(1, 8)] == [None] * 7
    assert [got.report.value(f"T3.R07.C{i}") for i in range(1, 8)] == [1234, 1, 5, 2, 0, 5, 1247]  # the row after
    [taken] = [n for n in got.notes if n.key == "label_taken"]
    assert taken.cells == tuple(f"T3.R06.C{i}" for i in range(1, 8))
    assert taken.render() == "T3.R06：把印出的标签「2.其他法律行政止公开」当作「2.其他法律行政法规禁止公开」一行（与其他行的标签都不如与它接近）"
    [missing] = [n.render() for n in got.notes if n.key == "rows_not_found"]
    assert missing == "T3：没有找到 1 行：1.属于国家秘密"


HEAD = "石嘴山市人民政府政府信息公开工作年度报告"  # a page's running head, as a page break inside a table leaves it


def test_misprinted_and_garbled_labels_and_subtotal_rows_in_a_tabbed_table_3(tmp_path):
    """Table 3 with its groups' unofficial subtotal rows, a page's running head before two of its
    lines, two labels misprinted (R22 「申请」 as 「申情」, the last row 「办理」 as 「力理」) and two
    garbled beyond recognition (R16 「1.信访类」, R18 「3.出版物」): each misprinted row is taken
    for its label, said with what was printed before its figures (its last 40 characters); the
    garbled rows are not found, the rows after them are read; each subtotal row is skipped and
    named (its last 20 characters)."""
    report = made_up_report(5)
    text = render_text(report, "tabs", subtotal_rows=True)
    r22 = "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t"
    for old, new in ((r22, f"{HEAD}\n{r22.replace('申请' + chr(9), '申情' + chr(9))}"),
                     ("四、结转下年度继续办理\t", "四、结转下年度继续力理\t"),
                     ("1.信访举报投诉类申请\t", "1.信访类\t"), ("3.要求提供公开出版物\t", "3.出版物\t"),
                     ("（四）无法提供\t40\t", f"{HEAD}\n（四）无法提供\t40\t")):
        assert text.count(old) == 1
        text = text.replace(old, new)
    got = imported(tmp_path, text)
    assert got.layout == "rows"
    garbled = {f"T3.{r}.C{i}" for r in ("R16", "R18") for i in range(1, 8)}
    from govreport_xl.core.standard import CELLS
    assert {c: got.report.value(c) for c in CELLS if c not in garbled} == {c: report.value(c) for c in CELLS if c not in garbled}
    assert all(got.report.value(c) is None for c in garbled)
    taken = [(n.params["where"], n.params["printed"], n.cells) for n in got.notes if n.key == "label_taken"]
    assert taken == [("T3.R22", "度报告2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申情",
                      ("T3.R22.C1", "T3.R22.C2", "T3.R22.C3", "T3.R22.C4", "T3.R22.C5", "T3.R22.C6", "T3.R22.C7")),
                     ("T3.R25", "四、结转下年度继续力理",
                      ("T3.R25.C1", "T3.R25.C2", "T3.R25.C3", "T3.R25.C4", "T3.R25.C5", "T3.R25.C6", "T3.R25.C7"))]
    skipped = [n.render() for n in got.notes if n.key == "subtotal_row"]
    assert skipped == ["T3：跳过非官方的小计行「(三)不予公开」", "T3：跳过非官方的小计行「府政府信息公开工作年度报告(四)无法提供」",
                       "T3：跳过非官方的小计行「(五)不予处理」", "T3：跳过非官方的小计行「(六)其他处理」"]
    [missing] = [n.render() for n in got.notes if n.key == "rows_not_found"]
    assert missing == "T3：没有找到 2 行：1.信访举报投诉类申请；3.要求提供公开出版物"


def test_a_label_wrapped_around_its_figures_in_a_text_cut_off_in_the_next_row(tmp_path):
    """Spaces between cells (as a PDF's text gives them), R22's long label wrapped around its
    figures, and the text cut off in the row after it (「3.其他」 with 3 of its 7 figures): R22
    is read from the figures between the two halves of its label, with no note (the label is
    printed in full), and the cut row yields the cells it has."""
    report = made_up_report(5)
    text = render_text(report, "spaces")
    r22 = "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请   1234   3   2   0   5   0   1244"
    assert r22 in text and "3.其他   1   3   13   40   3   0   60" in text
    text = text[:text.index(r22)] + ("2.申请人逾期未按收费通知要求缴纳费用、\n1234   3   2   0   5   0   1244\n"
                                     "行政机关不再处理其政府信息公开申请\n3.其他   1   3   13")
    got = imported(tmp_path, text)
    assert got.layout == "rows"
    assert [got.report.value(f"T3.R22.C{i}") for i in range(1, 8)] == [1234, 3, 2, 0, 5, 0, 1244]
    assert [got.report.value(f"T3.R23.C{i}") for i in range(1, 8)] == [1, 3, 13, None, None, None, None]
    assert [got.report.value(f"T3.R21.C{i}") for i in range(1, 8)] == [3, 13, 2, 8, 0, 40, 66]  # the row before
    assert [n.key for n in got.notes if n.key in ("label_taken", "row_cut_off", "cell_count")] == ["row_cut_off"]


def test_other_handling_as_one_row_and_its_first_rows_label_broken_over_two_lines_of_empty_cells(tmp_path):
    """（六）其他处理 printed as one row, and below it R21's label printed with its cells empty,
    broken over two lines (each with empty cells of its own): its label is there, so the one
    row's figures may be R21's as well as the group's: none of the 21 cells is read."""
    report = made_up_report(5)
    text = render_text(report, "tabs", other_as_one_row=True)
    line = next(line for line in text.splitlines() if line.startswith("（六）其他处理"))
    assert line == "（六）其他处理\t1238\t19\t17\t48\t8\t40\t1370\t"
    text = text.replace(line, line + "\n1.申请人无正当理由逾期不补正、\t\t\t\n行政机关不再处理其政府信息公开申请\t\t\t\t")
    got = imported(tmp_path, text)
    assert got.layout == "rows"
    members = {f"T3.{r}.C{i}" for r in ("R21", "R22", "R23") for i in range(1, 8)}
    t3 = got.tables["T3"]
    assert {c: why for c, (why, _) in t3.unread.items()} == dict.fromkeys(members, "unplaced")
    assert t3.combined == {}
    assert [n.key for n in got.notes] == ["figures_unplaced"]


def test_a_misprinted_label_after_a_label_already_read_printed_again(tmp_path):
    """A row's label printed a second time with nothing after it (a copy-paste leftover), then
    the next row's label without its numbering and misprinted (「要求提供公开出板物」): the text
    before the figures is both labels; the misprinted one is read from where the label already
    read ends, and taken for R18, said so."""
    report = made_up_report(5)
    text = render_text(report, "spaces")
    r17, r18 = "2.重复申请   0   2   0   1234   3   5   1244", "3.要求提供公开出版物   0   13   5   3   5   40   66"
    assert f"{r17}\n{r18}\n" in text
    text = text.replace(f"{r17}\n{r18}\n", f"{r17}\n2.重复申请\n要求提供公开出板物   0   13   5   3   5   40   66\n")
    got = imported(tmp_path, text)
    assert got.layout == "rows"
    assert [got.report.value(f"T3.R17.C{i}") for i in range(1, 8)] == [0, 2, 0, 1234, 3, 5, 1244]
    assert [got.report.value(f"T3.R18.C{i}") for i in range(1, 8)] == [0, 13, 5, 3, 5, 40, 66]
    [taken] = [n for n in got.notes if n.key == "label_taken"]
    assert (taken.params["where"], taken.params["label"]) == ("T3.R18", "3.要求提供公开出版物")


def test_the_row_reader_alone_leaves_a_row_cut_off_after_an_empty_cell_unread(tmp_path):
    """The row reader on its own (as for a PDF, whose rows are never re-read flattened): table 3
    ends inside 「3.补正后申请内容仍不明确<tab><tab>5<tab>3」. The empty cell before 5 and 3 may be
    the row's C1 or a merged label's placeholder, so 5 and 3 are C1–C2 or C2–C3: exactly those
    three cells are unread, said with the printed cells, and none is read."""
    from govreport_xl.core.standard import T3
    from govreport_xl.importing.tables import read_table
    from govreport_xl.importing.tokens import tokens
    lines = render_text(made_up_report(5), "tabs").splitlines()
    heading = lines.index("三、收到和处理政府信息公开申请情况")
    cut = next(n for n, line in enumerate(lines) if line.startswith("3.补正后申请内容仍不明确"))
    read = read_table(T3, tokens(lines[heading + 1:cut] + ["3.补正后申请内容仍不明确\t\t5\t3"]), cut_off=True)
    assert read.unread == {c: ("ambiguous_blanks", "（空） 5 3") for c in ("T3.R15.C1", "T3.R15.C2", "T3.R15.C3")}
    assert not [c for c in read.values if c.startswith("T3.R15.")]
    assert [n.params for n in read.notes if n.key == "row_cut_off"] == [{"where": "T3.R15", "label": "3.补正后申请内容仍不明确", "n": 0}]


def test_table_4_too_few_figures_not_cut_off_is_unread_and_its_figures_end_at_its_cells():
    """Table 4 read by the row reader alone. Six figures for its 15 cells (「1 1 0 2 3 0」), too
    few to be digits run together, in a text that goes on after the table: which cells they are
    cannot be told, so none of the 15 is read (not its first six), said once with the printed
    figures. Its 15 figures printed in full, then its columns' header printed again (a page
    break) with two figures under it: the 15 are the table's, the rest is not taken."""
    from govreport_xl.core.standard import T4
    from govreport_xl.importing.tables import read_table
    from govreport_xl.importing.tokens import tokens
    lines = render_text(made_up_report(5), "tabs").splitlines()
    start = lines.index("四、政府信息公开行政复议、行政诉讼情况")
    head = lines[start + 1:start + 5]
    cells = [f"T4.R{r}.C{c}" for r in (1, 2, 3) for c in range(1, 6)]
    read = read_table(T4, tokens(head + ["1\t1\t0\t2\t3\t0\t"]))
    assert read.values == {}
    assert read.unread == {c: ("cell_count", "1 1 0 2 3 0") for c in cells}
    assert [(n.key, n.params["where"], n.cells) for n in read.notes] == [("cell_count", "T4", tuple(cells))]
    printed = "0\t1234\t1234\t2\t2470\t8\t0\t1234\t0\t1242\t0\t40\t13\t5\t58\t"
    read = read_table(T4, tokens(head + [printed, "结果维持\t结果纠正\t其他结果\t尚未审结\t总计", "3\t4"]))
    assert read.unread == {}
    assert [read.values[c] for c in cells] == [0, 1234, 1234, 2, 2470, 8, 0, 1234, 0, 1242, 0, 40, 13, 5, 58]
    # eight figures (digits enough for 15 cells) and, after a mark that is no label of the
    # table, seven more: the seven may be the table's or another section's, so none is read
    read = read_table(T4, tokens(head + ["0\t1234\t1234\t2\t2470\t8\t0\t1234", "*", "0\t1242\t0\t40\t13\t5\t58"]))
    assert read.values == {}
    assert set(read.unread) == set(cells)


def test_a_long_misprinted_label_after_a_row_printed_empty_is_said_by_its_last_40_characters(tmp_path):
    """A cell per line, 「1.申请人无正当理由逾期不补正…」 (R21) printed with its cells left out, then
    R22's long label misprinted with words added (「收费通知书（含网上缴费）」 for 「收费通知」) and its
    figures: they are R22's, never R21's; the note quotes the printed label's last 40 characters."""
    text = render_text(made_up_report(5), "per_line")
    r21 = "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\n"
    r22 = "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\n"
    assert f"{r21}3\n13\n2\n8\n0\n40\n66\n{r22}1234\n3\n2\n0\n5\n0\n1244\n" in text
    text = text.replace(f"{r21}3\n13\n2\n8\n0\n40\n66\n{r22}", r21 + r22.replace("收费通知", "收费通知书（含网上缴费）"))
    got = imported(tmp_path, text)
    assert got.layout == "rows"
    assert [got.report.value(f"T3.R22.C{i}") for i in range(1, 8)] == [1234, 3, 2, 0, 5, 0, 1244]
    assert [got.report.value(f"T3.R21.C{i}") for i in range(1, 8)] == [None] * 7
    [taken] = [n for n in got.notes if n.key == "label_taken"]
    assert taken.params["where"] == "T3.R22"
    assert taken.params["printed"] == "逾期未按收费通知书(含网上缴费)要求缴纳费用、行政机关不再处理其政府信息公开申请"


def test_a_label_printed_again_misprinted_names_the_row_already_found(tmp_path):
    """R18's label printed right, then again misprinted (「要求提供公开出板物」), then its figures:
    the figures are R18's, and nothing is said of a label taken (the misprint names the row
    already found, no later one)."""
    text = render_text(made_up_report(5), "spaces")
    r18 = "3.要求提供公开出版物   0   13   5   3   5   40   66"
    assert f"{r18}\n" in text
    got = imported(tmp_path, text.replace(f"{r18}\n", "3.要求提供公开出版物\n要求提供公开出板物   0   13   5   3   5   40   66\n"))
    assert got.layout == "rows"
    assert [got.report.value(f"T3.R18.C{i}") for i in range(1, 8)] == [0, 13, 5, 3, 5, 40, 66]
    assert not [n for n in got.notes if n.key == "label_taken"]


@pytest.mark.parametrize(("leftover", "quoted"), [("2.重复申请", "要求提供公开出板物"),
                                                  ("1.信访举报投诉类申请", "1.信访举报投诉类申请要求提供公开出板物")])
def test_a_misprinted_label_after_a_row_printed_empty_and_a_label_left_over(tmp_path, leftover, quoted):
    """A cell per line, 「2.重复申请」 (R17) printed with its cells left out, a label left over
    after it (R17's again, or R16's, already read), then R18's label misprinted and without its
    numbering (「要求提供公开出板物」) and its figures: they are R18's, never R17's; the label
    taken is told, quoted from where the last copy of R17's label ends."""
    text = render_text(made_up_report(5), "per_line")
    printed = "2.重复申请\n0\n2\n0\n1234\n3\n5\n1244\n3.要求提供公开出版物\n0\n13\n5\n3\n5\n40\n66\n"
    assert printed in text
    got = imported(tmp_path, text.replace(printed, f"2.重复申请\n{leftover}\n要求提供公开出板物\n0\n13\n5\n3\n5\n40\n66\n"))
    assert got.layout == "rows"
    assert [got.report.value(f"T3.R18.C{i}") for i in range(1, 8)] == [0, 13, 5, 3, 5, 40, 66]
    assert [got.report.value(f"T3.R17.C{i}") for i in range(1, 8)] == [None] * 7
    [taken] = [n for n in got.notes if n.key == "label_taken"]
    assert (taken.params["where"], taken.params["printed"]) == ("T3.R18", quoted)


def test_other_handling_as_one_row_with_a_cell_that_is_no_figure_reads_none_of_its_sums(tmp_path):
    """（六）其他处理 printed as one row, its seven cells in place but one of them 「l9」 (a letter
    for 1, as a PDF's text may give it): the cells line up one way only, yet that cell is no
    figure, so no sum of R21–R23 is read (never a blank, never the others alone), the 21 cells
    are not given one by one, and the note says the sums are not read either."""
    report = made_up_report(5)
    text = render_text(report, "tabs", other_as_one_row=True)
    line = next(line for line in text.splitlines() if line.startswith("（六）其他处理"))
    assert line == "（六）其他处理\t1238\t19\t17\t48\t8\t40\t1370\t"
    got = imported(tmp_path, text.replace(line, "（六）其他处理\t1238\tl9\t17\t48\t8\t40\t1370\t"))
    assert got.layout == "rows"
    members = {f"T3.{r}.C{i}" for r in ("R21", "R22", "R23") for i in range(1, 8)}
    t3 = got.tables["T3"]
    assert t3.combined == {}
    assert {c: why for c, (why, _) in t3.unread.items() if c in members} == dict.fromkeys(members, "not_given")
    assert [n.key for n in got.notes if n.key.startswith("not_given")] == ["not_given_unread"]
