"""A corpus of published reports as they really are, each with its truth (issue 19).

Each pattern seen in real published files (none of them is in this repository) is built here
from the seed report or a made-up one, rendered by `published` (which knows nothing of the
importer), and written to tests/corpus/ with a truth file:

    python tests/corpus.py

`test_corpus.py` checks that the files are current and that each reads as its truth says. A
truth gives the figures as printed (None where a cell is printed empty or not printed at all),
the cells that may be left unread (every other one must be read exactly; none is ever read wrong), the cells
printed empty, the cells not given separately, the findings (rule and first cell) the audit must
make, the notes it must give, and the result's status.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE)]

from govreport_xl.core.model import Report  # noqa: E402
from govreport_xl.core.standard import CELLS  # noqa: E402
from helpers import example_report  # noqa: E402
from published import made_up_report, render_flat, render_text, write_docx  # noqa: E402

CORPUS = HERE / "corpus"
OTHER_ROWS = ("R21", "R22", "R23")
SEED_AMBIGUOUS = ("T2.R2.C1", "T2.R2.C2", "T2.R2.C3")  # 「行政规范性文件20343138」 splits 16 ways, no sum to choose


def _seed() -> Report:
    """The published report under a made-up body, so that its figures are the real ones."""
    report = example_report()
    return Report.build({"name": "测试县人民政府", "year": 2022}, report.values())


def printed(report: Report, blank=(), not_given=()) -> dict[str, object]:
    return {c: None if c in blank or c in not_given else _json(report.value(c)) for c in CELLS}


def _json(v):
    return v if v is None or isinstance(v, int) else str(v)


def truth(report: Report, *, unread_ok=(), blank=(), not_given=(), findings=(), notes=(), status="valid") -> dict:
    return {"printed": printed(report, blank, not_given), "unread_ok": sorted(unread_ok), "blank": sorted(blank),
            "not_given": sorted(not_given), "findings": [list(f) for f in findings], "notes": list(notes), "status": status}


# --- the patterns ---------------------------------------------------------------------------------


def flat_ambiguous():
    """Item 1: the seed flattened to one line; one row of table 2 splits 16 ways and has no sum
    to choose: its cells are ambiguous, the report incomplete, never wrong (no V-01)."""
    report = _seed()
    return render_flat(report), truth(report, unread_ok=SEED_AMBIGUOUS, notes=["ambiguous_digits"], status="incomplete")


def flat_label_typo():
    """Item 2: a label with a typo ("2.重复申清"): its numbering runs into the row above's figures
    ("…10000012.重复申清…"); the row is found by the closest label, the "2" is not a figure."""
    report = _seed()
    text = render_flat(report, labels={"2.重复申请": "2.重复申清"})
    assert "10000012.重复申清" in text  # 1.信访举报投诉类申请 1 0 0 0 0 0 1, then 「2.」
    return text, truth(report, unread_ok=SEED_AMBIGUOUS, notes=["label_taken"], status="incomplete")


def flat_next_section_figures():
    """Item 2: no 「五、…问题」 heading after table 4, and the next section's figures (2024, 2025)
    on the line after its figures: the table ends with its 15 cells."""
    report = _seed()
    text = render_flat(report).replace("五、存在的主要问题及改进情况一是……。六、其他需要报告的事项无。",
                                       "\n2024\n年，本机关将继续推进政务公开；2025\n年完成平台改版。")
    return text, truth(report, unread_ok=SEED_AMBIGUOUS, status="incomplete")


def tabs_next_section_figures():
    """Item 2: the row-by-row text, the section after table 4 headed otherwise ("五、下一步工作打算")
    with lines of figures (a plan's years) in it."""
    report = made_up_report(2)
    text = render_text(report, "tabs").replace("五、存在的主要问题及改进情况\n",
                                               "五、下一步工作打算\n2024\n年，继续推进。\n2025\t2026\n")
    return text, truth(report)


BREADCRUMBS = "首页 > 政务公开 > 政府信息公开年报 > 正文 "
PREAMBLE = ("发布日期：2023-01-20 来源：办公室 字号：[大 中 小] "
            "本报告依据《中华人民共和国政府信息公开条例》编制，包括一、总体情况二、主动公开政府信息情况"
            "三、收到和处理政府信息公开申请情况四、政府信息公开行政复议、行政诉讼情况五、存在的主要问题及改进情况"
            "六、其他需要报告的事项。")


def flat_preamble():
    """Item 3: a page kept as one line: breadcrumbs, title, a preamble naming every section
    (with its numbering), then the report."""
    report = _seed()
    text = render_flat(report)
    title_end = text.index("本报告由")
    return BREADCRUMBS + text[:title_end] + PREAMBLE + text[title_end:], truth(report, unread_ok=SEED_AMBIGUOUS, status="incomplete")


def tabs_contents():
    """Item 3: a table of contents listing every heading before the report's text."""
    report = made_up_report(4)
    lines = render_text(report, "tabs").splitlines()
    contents = ["目录", "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    return "\n".join(lines[:2] + contents + lines[2:]) + "\n", truth(report)


def pipes_split_header():
    """Item 4: a `|` layout with trailing pipes, table 3's column header split over lines
    ("商业 | 科研" / "企业 | 机构") and the merged label column printed as empty cells."""
    report = made_up_report(7)
    text = render_text(report, "pipes")
    head = text[text.index("| （本列数据"):text.index("| 一、本年新收")]
    split = ("| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | | 申请人情况 | | | | | | |\n"
             "| | | 自然人 | 法人或其他组织 | | | | | 总计 |\n"
             "| | | | 商业 | 科研 | 社会公益 | 法律服务 | 其他 | |\n"
             "| | | | 企业 | 机构 | 组织 | 机构 | | |\n")
    text = text.replace(head, split)
    # rows of table 3 with an empty cell for the merged label column
    t3 = text[text.index("三、收到和处理"):text.index("四、政府信息公开行政复议")]
    rows = re.sub(r"^\| ((?:[一二四]、|（[一二七]）|\d\.)[^|]*) \| (?=\d)", r"| \1 | | ", t3, flags=re.M)
    return text.replace(t3, rows), truth(report)


def text_wrapped_labels():
    """Item 4: text extracted from a PDF, where long labels wrap and the figures stand on a line
    of their own: above the label's end, or above the whole label. Such figures may be left
    unread, never taken as blank, never read into another row."""
    report = made_up_report(3)
    text = render_text(report, "spaces")
    figures = lambda row: "   ".join(str(report.value(f"T3.{row}.C{i}")) for i in range(1, 8))  # noqa: E731
    r04 = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    text = text.replace(f"{r04}   {figures('R04')}", f"（二）部分公开（区分处理的，只\n{figures('R04')}\n计这一情形，不计其他情形）")
    r22 = "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    text = text.replace(f"{r22}   {figures('R22')}", f"{figures('R22')}\n2.申请人逾期未按收费通知要求缴纳费用、\n行政机关不再处理其政府信息公开申请")
    assert "只\n" in text and "费用、\n" in text
    unread_ok = [c for c in CELLS if c.startswith(("T3.R04", "T3.R21", "T3.R22", "T3.R23"))]
    return text, truth(report, unread_ok=unread_ok, status="incomplete")


def tabs_other_as_one_row():
    """Item 5: （六）其他处理 printed as one row (the 2019 layout) inside 2021 tables."""
    report = made_up_report(5)
    given = [c for c in CELLS if c.split(".")[1] in OTHER_ROWS]
    return render_text(report, "tabs", other_as_one_row=True), truth(report, not_given=given, notes=["not_given"], status="incomplete")


def tabs_other_as_one_row_wrong():
    """Item 5: as above, its 自然人 figure printed one too many: T3-03 for that column can still
    be checked with the row, and fails."""
    report = made_up_report(5)
    text = render_text(report, "tabs", other_as_one_row=True)
    sums = [sum(report.value(f"T3.{r}.C{i}") for r in OTHER_ROWS) for i in range(1, 8)]
    wrong = [sums[0] + 1, *sums[1:]]
    text = text.replace("（六）其他处理\t" + "\t".join(map(str, sums)), "（六）其他处理\t" + "\t".join(map(str, wrong)))
    given = [c for c in CELLS if c.split(".")[1] in OTHER_ROWS]
    return text, truth(report, not_given=given, findings=[("T3-03", "T3.R03.C1")], notes=["not_given"], status="invalid")


def flat_other_as_one_row():
    """Item 5: the same flattened to one line; the row's figures are cut with the others."""
    report = _seed()
    given = [c for c in CELLS if c.split(".")[1] in OTHER_ROWS]
    return render_flat(report, other_as_one_row=True), truth(report, unread_ok=SEED_AMBIGUOUS, not_given=given,
                                                             notes=["not_given"], status="incomplete")


LABEL_VARIANTS = {
    "2.其他法律行政法规禁止公开": "2.其他法律行政止公开",  # a typo: 法规禁 left out
    "行政规范性文件": "规范性文件",
    "1.属于国家秘密": "1、属于国家秘密",
    "3.危及“三安全一稳定”": "（3）危及“三安全一稳定”",
    "4.保护第三方合法权益": "保护第三方合法权益",
    "1.本机关不掌握相关政府信息": "1.本机关不掌握相关政\n府信息",  # broken in the middle of a word
}


def tabs_label_variants():
    """Item 6: label variants, typos and numbering styles, a label broken across lines."""
    report = made_up_report(6)
    return render_text(report, "tabs", labels=LABEL_VARIANTS), truth(report, notes=["label_taken"])


def flat_label_variants():
    """Item 6: the same flattened to one line."""
    report = _seed()
    labels = {k: v.replace("\n", "") for k, v in LABEL_VARIANTS.items()}
    return render_flat(report, labels=labels), truth(report, unread_ok=SEED_AMBIGUOUS, notes=["label_taken"], status="incomplete")


def _blank_form() -> Report:
    return Report.build({"name": "测试镇人民政府", "year": 2023})


def tabs_blank_form():
    """Item 10: a blank form printed as text: every cell printed empty, table 4's too."""
    report = _blank_form()
    return render_text(report, "tabs"), truth(report, blank=list(CELLS), findings=[("V-03", c) for c in CELLS])


PATTERNS = {
    "flat_ambiguous.txt": flat_ambiguous,
    "flat_label_typo.txt": flat_label_typo,
    "flat_next_section_figures.txt": flat_next_section_figures,
    "tabs_next_section_figures.txt": tabs_next_section_figures,
    "flat_preamble.txt": flat_preamble,
    "tabs_contents.txt": tabs_contents,
    "pipes_split_header.txt": pipes_split_header,
    "text_wrapped_labels.txt": text_wrapped_labels,
    "tabs_other_as_one_row.txt": tabs_other_as_one_row,
    "tabs_other_as_one_row_wrong.txt": tabs_other_as_one_row_wrong,
    "flat_other_as_one_row.txt": flat_other_as_one_row,
    "tabs_label_variants.txt": tabs_label_variants,
    "flat_label_variants.txt": flat_label_variants,
    "tabs_blank_form.txt": tabs_blank_form,
}


def docx_blank_form(path: Path) -> tuple[Path, dict]:
    """Item 10 as a Word file: table 4's row of empty cells is not even a row once extracted."""
    report = _blank_form()
    return write_docx(report, path), truth(report, blank=list(CELLS), findings=[("V-03", c) for c in CELLS])


def build(name: str) -> tuple[str, dict]:
    return PATTERNS[name]()


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    for name in PATTERNS:
        text, want = build(name)
        (CORPUS / name).write_text(text, encoding="utf-8")
        lines = ",\n".join(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in want.items())
        (CORPUS / (name + ".truth.json")).write_text("{\n" + lines + "\n}\n", encoding="utf-8")
    print(f"wrote {len(PATTERNS)} texts and their truths to {CORPUS}")


if __name__ == "__main__":
    main()
