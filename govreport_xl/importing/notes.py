"""What the importer tells the reader about how it read a text, in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass, field

TEMPLATES = {
    "none_as_zero": ("{where}：{n} 个单元格写作「{words}」，表示没有，按 0 读入",
                     "{where}: {n} cells written as '{words}' (none) read as 0"),
    "subtotal_column": ("{where}：{n} 行去掉了非官方的“法人或其他组织”小计列", "{where}: dropped the non-official subtotal column in {n} rows"),
    "subtotal_row": ("{where}：跳过非官方的小计行「{label}」", "{where}: skipped the non-official subtotal row '{label}'"),
    "decoded": ("{where}：数字连在一起「{raw}」，按{by}唯一拆分为 {values}",
                "{where}: digits run together '{raw}' split one way only by {by_en}: {values}"),
    "rows_not_found": ("{where}：没有找到 {n} 行：{labels}", "{where}: {n} rows not found: {labels}"),
    "older_format": ("旧格式的报告：识别其格式，不按 2021 年表格读取", "an older format: recognised, not read into the 2021 tables"),
}
BY = {"row": ("行合计", "the row total"), "columns": ("列合计", "the column sums"), "groups": ("各组总计", "the group totals")}


@dataclass(frozen=True)
class Note:
    key: str
    params: dict = field(default_factory=dict)

    def render(self, lang: str = "zh") -> str:
        by = BY.get(self.params.get("by", ""), ("", ""))
        return TEMPLATES[self.key][lang == "en"].format(**{**self.params, "by": by[0], "by_en": by[1]})
