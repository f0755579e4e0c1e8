"""Findings: one failed instance of a rule, the single shape every surface renders.

Also the cell-level problems that adapters (workbook, text) hand to the evaluator: what a cell
held when it could not become a valid value of the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .rules import RULES, Severity

# Why a value was refused; formatted with {raw}. Keys are stable (they appear in JSON).
REASONS: dict[str, dict[str, str]] = {
    "text": {"zh": "填的是文字「{raw}」，请改填阿拉伯数字，没有发生的填 0", "en": "holds the text '{raw}'; write the figure in digits, 0 where nothing happened"},
    "none_word": {"zh": "用「{raw}」表示没有，请改填 0", "en": "'{raw}' is used for none; write 0"},
    "numeric_text": {
        "zh": "数字「{raw}」以文本形式存储，合计不会计入：请重新输入（不要加撇号 '），或点单元格旁的提示选“转换为数字”",
        "en": "the number '{raw}' is stored as text and left out of sums: delete it and type the number again (no leading '), or use the cell's 'Convert to Number'",
    },
    "negative": {"zh": "是负数 {raw}，请填实际的数，不能为负；没有发生的填 0", "en": "is negative: {raw}; write the actual figure, never below 0 (0 where nothing happened)"},
    "fraction": {"zh": "不是整数：{raw}，件数请填整数", "en": "is not a whole number: {raw}; a count is a whole number"},
    "date": {"zh": "填的是日期 {raw}，请把单元格格式改为“常规”后重新填写数字", "en": "holds a date {raw}; set the cell's format to General and type the figure again"},
    "bool": {"zh": "填的是逻辑值 {raw}，请改填数字", "en": "holds the logical value {raw}; write a figure"},
    "error": {"zh": "是错误值 {raw}，请改填数字（不要填公式）", "en": "is the error value {raw}; write a figure (not a formula)"},
    "no_cached_value": {
        "zh": "公式「{raw}」没有计算结果，请在 Excel 或 WPS 中打开并保存后再试",
        "en": "the formula '{raw}' has no computed result; open and save the file in Excel or WPS",
    },
    "unreadable": {"zh": "无法识别「{raw}」", "en": "'{raw}' cannot be read"},
    "not_finite": {"zh": "不是一个数（{raw}），请改填数字", "en": "is not a number ({raw}); write a figure"},
    "out_of_range": {
        "zh": "数字「{raw}」位数过多或指数过大，不是表中的数字，请核对后重填",
        "en": "the number '{raw}' has too many digits or too large an exponent to be a figure of these tables; check it and write it again",
    },
    "too_large": {"zh": "数字 {raw} 太大，超出表格能精确保存的 15 位，请核对后重填", "en": "{raw} is too large to be kept exactly (15 digits); check it and write it again"},
    "ambiguous": {"zh": "数字连在一起「{raw}」，有不止一种拆法，无法确定", "en": "digits run together '{raw}' split more than one way"},
    "ambiguous_blanks": {
        "zh": "空单元格的位置无法确定（「{raw}」），表内合计也不能判断",
        "en": "where the empty cells belong in '{raw}' cannot be told, not even by the sums",
    },
    "unsettled": {"zh": "数字连在一起「{raw}」，无论怎样拆分表内合计都不能全部成立，无法确定", "en": "digits run together '{raw}' split no way that makes every sum hold; not settled"},
    "too_many": {"zh": "数字连在一起「{raw}」，拆法太多，无法逐一核对", "en": "digits run together '{raw}' split too many ways to check"},
    "unplaced": {"zh": "无法确定「{raw}」中的数字属于哪个单元格", "en": "which cell each figure of '{raw}' belongs to cannot be told"},
    "not_given": {"zh": "报告没有分项列出，只给出合计「{raw}」", "en": "not given separately; only their total '{raw}' is printed"},
    "cell_count": {"zh": "这一行的数字个数与表格列数不符：「{raw}」", "en": "this row has the wrong number of cells: '{raw}'"},
    "not_found": {"zh": "没有找到", "en": "not found"},
    # a workbook cell that cannot be read (a damaged or crafted file)
    "bad_style": {"zh": "数字的样式（{raw}）在工作簿中不存在或无法识别，不能确定是否为日期",
                  "en": "its style ({raw}) is missing or unreadable, so whether it is a date cannot be told"},
    "bad_shared_string": {"zh": "引用的共享字符串「{raw}」不存在", "en": "refers to shared string '{raw}', which does not exist"},
    "bad_date": {"zh": "「{raw}」不是有效的日期", "en": "'{raw}' is not a valid date"},
    "date_out_of_range": {"zh": "设为日期格式，但 {raw} 超出了日期的范围", "en": "is formatted as a date, but {raw} is outside the range of dates"},
    "too_long": {"zh": "内容长达 {raw} 个字符，超过表格单元格的上限", "en": "holds {raw} characters, more than a spreadsheet cell can"},
    "duration": {"zh": "填的是时长 {raw}", "en": "holds a duration {raw}"},
    # metadata
    "blank": {"zh": "", "en": ""},
    "bad_year": {"zh": "（「{raw}」不是年份，请填 4 位数字，如 2022）", "en": " ('{raw}' is not a year: write four digits, such as 2022)"},
    "unread_field": {"zh": "（单元格无法读取：{raw}）", "en": " (the cell cannot be read: {raw})"},  # raw: the cell's Reason
    "meta_error": {"zh": "（是错误值 {raw}）", "en": " (the error value {raw})"},
    "uscc_length": {"zh": "应为 18 位，实际 {raw} 位", "en": "must have 18 characters, has {raw}"},
    "uscc_chars": {"zh": "含有不允许的字符「{raw}」", "en": "contains characters not allowed: '{raw}'"},
    "uscc_check": {"zh": "校验码应为「{raw}」", "en": "the check character should be '{raw}'"},
    # workbook structure (S-01): each says what to do, as the whole message of its finding
    "not_template": {
        "zh": "不是政务公开年报的模板（没有模板的名称和版本标记）：请在 govreport-xl 生成的模板（templates/report_template.xlsx）中填写后再校验",
        "en": "not a report template (none of its names or version stamps): fill in the template govreport-xl makes (templates/report_template.xlsx) and check that",
    },
    "missing_sheet": {"zh": "缺少工作表「{raw}」：请用模板重新填写", "en": "sheet '{raw}' is missing: fill in a fresh template"},
    "missing_name": {"zh": "缺少名称 {raw}，已按模板位置读取：请用模板重新填写", "en": "defined name {raw} is missing and was read from the template position: fill in a fresh template"},
    "name_not_a_cell": {
        "zh": "名称 {raw}没有指向一个单元格，已按模板位置读取：请用模板重新填写",
        "en": "defined name {raw} does not point at one cell and was read from the template position: fill in a fresh template",
    },
    "unknown_version": {"zh": "模板版本「{raw}」未知：请用最新的模板重新填写", "en": "unknown template version '{raw}': fill in the current template"},
    "version_mismatch": {
        "zh": "文档属性与隐藏单元格中的模板版本不一致（{raw}），可能混用了不同版本的模板：请用最新的模板重新填写",
        "en": "the template version in the document property and in the hidden cell differ ({raw}): fill in the current template",
    },
    "no_version": {"zh": "没有模板版本标记，不是本工具生成的模板：请用 govreport-xl 生成的模板填写",
                   "en": "no template version stamp: not a govreport-xl template; fill in the template govreport-xl makes"},
    "total_overwritten": {
        "zh": "合计被改成了常量 {raw}：请恢复公式或重新从模板复制",
        "en": "the total was overwritten by the constant {raw}: restore its formula or copy it again from the template",
    },
    "total_formula_changed": {
        "zh": "合计的公式被改为「{raw}」：请恢复公式或重新从模板复制",
        "en": "the total's formula was changed to '{raw}': restore it or copy it again from the template",
    },
    "total_not_sum": {
        "zh": "合计与各项之和不符（{raw}），公式可能被改写：请恢复公式或重新从模板复制",
        "en": "the total does not equal the sum of its parts ({raw}), so its formula may have been overwritten: restore it or copy it again from the template",
    },
    "total_cleared": {"zh": "合计的公式被删除：请恢复公式或重新从模板复制",
                      "en": "the total's formula was deleted: restore it or copy it again from the template"},
    "check_overwritten": {
        "zh": "表内校验的公式被改成了常量或删除（{raw}），表中的“通过”不再可信：请用模板重新填写",
        "en": "formulas of the in-sheet checks were overwritten or deleted ({raw}), so the sheet's 'pass' cannot be trusted: fill in a fresh template",
    },
    # why a check could not be made, or a rule was not in scope
    "cells_missing": {"zh": "缺少单元格 {raw}", "en": "cells missing: {raw}"},
    "cells_not_given": {"zh": "报告没有分项列出单元格 {raw}（只印了合计）", "en": "cells not given separately: {raw} (only their sum is printed)"},
    "cells_unread": {"zh": "单元格 {raw} 未能读取（导入时无法确定，见导入说明）",
                     "en": "cells not read: {raw} (the import could not settle them; see its notes)"},
    "format_unknown": {"zh": "没有统计表，无法判断格式", "en": "no tables to tell the format by"},
    "depends_on_invalid": {
        "zh": "要等填写有误的 {raw} 改正后才能检查",
        "en": "can be checked once {raw}, filled in wrong, is put right",
    },
    "formulas_unreadable": {
        "zh": "此环境读不到公式，无法确认合计公式未被改写",
        "en": "formulas cannot be read here, so overwritten totals cannot be told",
    },
    "not_a_workbook": {"zh": "不是工作簿", "en": "not a workbook"},
    "no_previous": {"zh": "未提供上年度报告", "en": "no previous report given"},
    "previous_unread": {
        "zh": "上年度报告中的 {raw} 未能读出或填写有误，无法比较",
        "en": "last year's {raw} could not be read or was filled in wrong: not compared",
    },
    "previous_blank": {
        "zh": "上年度报告中的 {raw} 为空或未能读出，无法比较",
        "en": "last year's {raw} is blank or was not read: not compared",
    },
    "previous_not_found": {"zh": "上年度报告中没有「{raw}」的报告", "en": "no report of '{raw}' among last year's"},
    "previous_wrong_year": {"zh": "找到的本机关报告是 {raw}，不是上一年度的", "en": "this body's other report is for {raw}, not the year before"},
    "previous_unnamed": {"zh": "本报告没有机关名称和统一社会信用代码，无法对应上年度报告", "en": "no body name or code to match last year's report by"},
    "not_imported": {"zh": "不是导入的已发布报告", "en": "not an imported published report"},
    "not_a_template": {"zh": "不是模板，表格未校验", "en": "not a template: its tables were not checked"},
    "older_format": {"zh": "旧格式的报告，不按 2021 年表格校验", "en": "an older format, not checked against the 2021 tables"},
    "not_selected": {"zh": "未选择此规则", "en": "rule not selected"},
}


@dataclass(frozen=True)
class Reason:
    key: str
    raw: str = ""

    def render(self, lang: str) -> str:
        raw = self.raw.render(lang) if isinstance(self.raw, Reason) else self.raw
        return REASONS[self.key][lang].format(raw=raw)


@dataclass(frozen=True)
class CellProblem:
    """A cell whose content is not a valid value of the model.

    `numeric` is what a spreadsheet's SUM would add for it (a negative or fractional number),
    None where SUM ignores it (text, logical values, dates kept as text by the reader).
    """

    code: str
    reason: Reason
    numeric: Decimal | None = None


def plain(value: Any) -> Any:
    """Numbers as JSON shows them: counts as int, amounts as exact decimal strings."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


@dataclass(frozen=True)
class Finding:
    rule: str
    params: dict = field(default_factory=dict)
    codes: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()
    expected: Any = None
    actual: Any = None

    @property
    def severity(self) -> Severity:
        return RULES[self.rule].severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def message(self, lang: str = "zh") -> str:
        params = {k: (v.render(lang) if isinstance(v, Reason) else v) for k, v in self.params.items()}
        return RULES[self.rule].message[lang].format(**params)

    def located(self, locate) -> "Finding":
        cells = tuple(a for a in (locate(c) for c in self.codes) if a)
        return Finding(self.rule, self.params, self.codes, cells, self.expected, self.actual)

    def to_dict(self, lang: str = "zh") -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message(lang),
            "cells": list(self.cells),
            "codes": list(self.codes),
            "expected": plain(self.expected),
            "actual": plain(self.actual),
        }
