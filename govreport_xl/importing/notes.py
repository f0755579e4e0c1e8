"""What the importer tells the reader about how it read a text, in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass, field

TEMPLATES = {
    "none_as_zero": ("{where}：{n} 个单元格写作「{words}」，表示没有，按 0 读入",
                     "{where}: {n} cells written as '{words}' (none) read as 0"),
    "subtotal_column": ("{where}：{n} 行去掉了非官方的“法人或其他组织”小计列", "{where}: dropped the non-official subtotal column in {n} rows"),
    "subtotal_row": ("{where}：跳过非官方的小计行「{label}」", "{where}: skipped the non-official subtotal row '{label}'"),
    "decoded": ("{where}：数字连在一起「{raw}」，按表内合计唯一拆分为 {values}",
                "{where}: digits run together '{raw}' split one way only by the table's sums: {values}"),
    "decoded_rows": ("{where}：{n} 行的数字连在一起，按表内合计唯一拆分出 {cells} 个单元格",
                     "{where}: digits run together in {n} row(s); {cells} cells split one way only by the table's sums"),
    "unsettled": ("{where}：{rows} 的数字连在一起，无论怎样拆分，表内合计都不能全部成立（可能有印错的数字，或混入了表外的数字），"
                  "无法确定怎样拆分：只读取数字本身就能确定的单元格，其余 {n} 个不予读取",
                  "{where}: digits run together in {rows} split no way that makes every sum of the table hold (a misprinted "
                  "figure, or figures from outside the table): only cells the digits alone fix are read; {n} cells not read"),
    "too_many": ("{where}：数字连在一起「{raw}」，拆法太多，无法逐一核对：只读取数字本身就能确定的单元格",
                 "{where}: digits run together '{raw}' split too many ways to check: only cells the digits alone fix are read"),
    "unplaced": ("{where}：数字「{raw}」多于这一行的单元格所能容纳的，无法拆分，不予读取",
                 "{where}: the digits '{raw}' are more than the row's cells can hold; not read"),
    "figures_unplaced": ("{where}：有的数字无法确定属于哪一行、哪一格（标签折行、数字与标签不在一起，或有空格位置不明）：这些单元格不予读取，也不按空白计算",
                         "{where}: some figures cannot be placed in a row or cell (labels wrapped, figures apart from their labels, empty cells whose place is unknown): those cells are not read, nor taken as blank"),
    "label_taken": ("{where}：把印出的标签「{printed}」当作「{label}」一行（与其他行的标签都不如与它接近）",
                    "{where}: the printed label '{printed}' was taken for the row '{label}' (closer to it than to any other row's label)"),
    "not_given": ("{where}：「{label}」只印了一行（{raw}），其下三行没有分项列出：按三行之和读取并据以核对列合计，三行各自不予读取",
                  "{where}: '{label}' is printed as one row ({raw}), its three rows not given separately: read as their sum, checked in the column sums; the three rows themselves not read"),
    "not_given_unread": ("{where}：「{label}」只印了一行（{raw}），其下三行没有分项列出，这一行的数字也无法逐列确定：三行之和与三行各自都不予读取，相关的列合计无法核对",
                         "{where}: '{label}' is printed as one row ({raw}), its three rows not given separately, and its figures cannot be told column by column: neither their sums nor the three rows are read, and those column sums cannot be checked"),
    "cell_count": ("{where}：印出 {n} 个数字（「{raw}」），这一行有 {cells} 格，无法确定各是哪一格的：不予读取",
                   "{where}: {n} figures printed ('{raw}') for the row's {cells} cells; which is whose cannot be told: not read"),
    "decoded_digits": ("{where}：数字连在一起「{raw}」，只有一种拆法：{values}", "{where}: digits run together '{raw}' split one way only: {values}"),
    "ambiguous_digits": ("{where}：数字连在一起「{raw}」，有 {n} 种拆法，表内没有能区分它们的合计（其中 {hinted} 种符合 {hint}），不作选择：{candidates}",
                         "{where}: digits run together '{raw}' split {n} ways and no sum of the table tells them apart ({hinted} fit {hint_en}); none is picked: {candidates}"),
    "ambiguous": ("{where}：数字连在一起「{raw}」，有 {n} 种拆法都符合表内合计，不作选择：{candidates}",
                  "{where}: digits run together '{raw}' split {n} ways that all fit the table's sums; none is picked: {candidates}"),
    "row_cut_off": ("{where}：文本在「{label}」一行中断，只读入 {n} 个单元格", "{where}: the text ends inside the row '{label}'; {n} cells read"),
    "blank": ("{where}：{n} 个单元格空白，按 0 计算并提示（V-03）", "{where}: {n} cells are blank, summed as 0 and reported (V-03)"),
    "no_heading": ("{where}：没有找到表格标题，按行标签读取", "{where}: no table heading found; rows read by their labels"),
    "tables_missing": ("没有找到统计表（可能以图片发布）：只读取了标题和正文中的数字，表内检查无法进行",
                       "no tables found (perhaps published as images): only the title and the narrative's figures were read; the tables cannot be checked"),
    "rows_not_found": ("{where}：没有找到 {n} 行：{labels}", "{where}: {n} rows not found: {labels}"),
    "older_format": ("旧格式的报告：识别其格式，不按 2021 年表格读取", "an older format: recognised, not read into the 2021 tables"),
}


@dataclass(frozen=True)
class Note:
    key: str
    params: dict = field(default_factory=dict)
    cells: tuple[str, ...] = ()  # the cells it concerns, where it concerns some

    def render(self, lang: str = "zh") -> str:
        return TEMPLATES[self.key][lang == "en"].format(**self.params)

    def record(self, lang: str = "zh") -> dict:
        """The note as data: its kind, the cells it concerns, its facts, and the sentence."""
        return {"kind": self.key, "cells": list(self.cells),
                "params": {k: v for k, v in self.params.items() if k != "hint_en"}, "text": self.render(lang)}
