"""The 2021 annual-report format (国办公开办函〔2021〕30号) as data.

This module is the single source of truth for tables, rows, columns, official labels, cell codes
and the kind of every cell. The template, the reader, the rules, the exports and the docs are all
derived from it; nothing here knows about files or spreadsheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

STANDARD_ID = "国办公开办函〔2021〕30号"
FIRST_YEAR = 2021


class CellKind(str, Enum):
    COUNT = "count"  # whole number >= 0
    AMOUNT = "amount"  # decimal >= 0, 万元, kept exactly


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    group: tuple[str, ...] = ()  # header labels above this one (e.g. 法人或其他组织)


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    group: tuple[str, ...] = ()  # label-only group rows this row sits under


@dataclass(frozen=True)
class Block:
    """Rows sharing one header; table 2 has four, the others one."""

    heading: str | None
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    kind: CellKind = CellKind.COUNT


@dataclass(frozen=True)
class Cell:
    code: str  # "T3.R01.C1"
    table: str  # "T3"
    row: Row
    column: Column
    kind: CellKind
    total_of: tuple[str, ...] = ()  # codes this computed total adds up; () for an input cell

    @property
    def name(self) -> str:
        """The Excel defined name, where a dot is not allowed."""
        return self.code.replace(".", "_")

    @property
    def is_total(self) -> bool:
        return bool(self.total_of)


@dataclass(frozen=True)
class Table:
    id: str  # "T2"
    number: str  # "二"
    title: str
    blocks: tuple[Block, ...]
    note: str | None = None
    cells: tuple[Cell, ...] = field(default=(), compare=False)

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(r for b in self.blocks for r in b.rows)


def code(table: str, row: str, col: str) -> str:
    return f"{table}.{row}.{col}"


# --- Table 2 -----------------------------------------------------------------------------------

_COUNT_ONE = (Column("C1", "本年处理决定数量"),)
T2 = Table(
    "T2",
    "二",
    "主动公开政府信息情况",
    (
        Block(
            "第二十条第（一）项",
            (Column("C1", "本年制发件数"), Column("C2", "本年废止件数"), Column("C3", "现行有效件数")),
            (Row("R1", "规章"), Row("R2", "行政规范性文件")),
        ),
        Block("第二十条第（五）项", _COUNT_ONE, (Row("R3", "行政许可"),)),
        Block("第二十条第（六）项", _COUNT_ONE, (Row("R4", "行政处罚"), Row("R5", "行政强制"))),
        Block(
            "第二十条第（八）项",
            (Column("C1", "本年收费金额（单位：万元）"),),
            (Row("R6", "行政事业性收费"),),
            CellKind.AMOUNT,
        ),
    ),
)

# --- Table 3 -----------------------------------------------------------------------------------

_LEGAL = "法人或其他组织"
_T3_COLUMNS = (
    Column("C1", "自然人"),
    Column("C2", "商业企业", (_LEGAL,)),
    Column("C3", "科研机构", (_LEGAL,)),
    Column("C4", "社会公益组织", (_LEGAL,)),
    Column("C5", "法律服务机构", (_LEGAL,)),
    Column("C6", "其他", (_LEGAL,)),
    Column("C7", "总计"),
)
_RESULT = "三、本年度办理结果"
_T3_GROUPS = {
    "（三）不予公开": ("R05", "R12"),
    "（四）无法提供": ("R13", "R15"),
    "（五）不予处理": ("R16", "R20"),
    "（六）其他处理": ("R21", "R23"),
}
_T3_LABELS = (
    ("R01", "一、本年新收政府信息公开申请数量"),
    ("R02", "二、上年结转政府信息公开申请数量"),
    ("R03", "（一）予以公开"),
    ("R04", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("R05", "1.属于国家秘密"),
    ("R06", "2.其他法律行政法规禁止公开"),
    ("R07", "3.危及“三安全一稳定”"),
    ("R08", "4.保护第三方合法权益"),
    ("R09", "5.属于三类内部事务信息"),
    ("R10", "6.属于四类过程性信息"),
    ("R11", "7.属于行政执法案卷"),
    ("R12", "8.属于行政查询事项"),
    ("R13", "1.本机关不掌握相关政府信息"),
    ("R14", "2.没有现成信息需要另行制作"),
    ("R15", "3.补正后申请内容仍不明确"),
    ("R16", "1.信访举报投诉类申请"),
    ("R17", "2.重复申请"),
    ("R18", "3.要求提供公开出版物"),
    ("R19", "4.无正当理由大量反复申请"),
    ("R20", "5.要求行政机关确认或重新出具已获取信息"),
    ("R21", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("R22", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("R23", "3.其他"),
    ("R24", "（七）总计"),
    ("R25", "四、结转下年度继续办理"),
)


def _t3_group(row_code: str) -> tuple[str, ...]:
    if not "R03" <= row_code <= "R24":
        return ()
    for label, (first, last) in _T3_GROUPS.items():
        if first <= row_code <= last:
            return (_RESULT, label)
    return (_RESULT,)


T3 = Table(
    "T3",
    "三",
    "收到和处理政府信息公开申请情况",
    (Block(None, _T3_COLUMNS, tuple(Row(c, label, _t3_group(c)) for c, label in _T3_LABELS)),),
    note="（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
)
T3_APPLICANT_HEADING = "申请人情况"
# The rows and columns the official note and totals speak of: the rules are written with these.
T3_RECEIVED = "R01"  # 一、本年新收
T3_CARRIED_OVER = "R02"  # 二、上年结转
T3_COLUMN_TOTAL = "R24"  # （七）总计
T3_CARRIED_FORWARD = "R25"  # 四、结转下年度继续办理
T3_ROW_TOTAL = "C7"  # 总计 column
T3_RESULT_ROWS = tuple(f"R{i:02d}" for i in range(3, 24))  # （一）…（六） items summed by （七）总计

# --- Table 4 -----------------------------------------------------------------------------------

_LAWSUIT = "行政诉讼"
T4 = Table(
    "T4",
    "四",
    "政府信息公开行政复议、行政诉讼情况",
    (
        Block(
            None,
            (
                Column("C1", "结果维持"),
                Column("C2", "结果纠正"),
                Column("C3", "其他结果"),
                Column("C4", "尚未审结"),
                Column("C5", "总计"),
            ),
            (
                Row("R1", "行政复议"),
                Row("R2", "未经复议直接起诉", (_LAWSUIT,)),
                Row("R3", "复议后起诉", (_LAWSUIT,)),
            ),
        ),
    ),
)
T4_ROW_TOTAL = "C5"

# Table 2's document rows (规章, 行政规范性文件) and their columns: made, repealed, in force.
T2_DOCUMENT_ROWS = ("R1", "R2")
T2_MADE, T2_REPEALED, T2_IN_FORCE = "C1", "C2", "C3"
T2_RULES_ROW = "R1"  # 规章: only some bodies may make them (P-02)


# --- Cells -------------------------------------------------------------------------------------


def _total_of(table: Table, block: Block, row: Row, col: Column) -> tuple[str, ...]:
    """The official computed totals: T3 column 总计, T3 row （七）总计 and T4 column 总计."""
    cols = [c.code for c in block.columns]
    if table.id == "T3" and col.code == T3_ROW_TOTAL:
        return tuple(code("T3", row.code, c) for c in cols if c != T3_ROW_TOTAL)
    if table.id == "T3" and row.code == T3_COLUMN_TOTAL:
        return tuple(code("T3", r, col.code) for r in T3_RESULT_ROWS)
    if table.id == "T4" and col.code == T4_ROW_TOTAL:
        return tuple(code("T4", row.code, c) for c in cols if c != T4_ROW_TOTAL)
    return ()


def _build_cells(table: Table) -> Table:
    cells = tuple(
        Cell(code(table.id, row.code, col.code), table.id, row, col, block.kind, _total_of(table, block, row, col))
        for block in table.blocks
        for row in block.rows
        for col in block.columns
    )
    object.__setattr__(table, "cells", cells)
    return table


TABLES: tuple[Table, ...] = tuple(_build_cells(t) for t in (T2, T3, T4))
CELLS: dict[str, Cell] = {c.code: c for t in TABLES for c in t.cells}
CELL_CODES: tuple[str, ...] = tuple(CELLS)
INPUT_CODES: tuple[str, ...] = tuple(c for c, cell in CELLS.items() if not cell.is_total)
TOTAL_CODES: tuple[str, ...] = tuple(c for c, cell in CELLS.items() if cell.is_total)

assert len(CELLS) == 200, len(CELLS)


def columns(table: Table) -> tuple[Column, ...]:
    """The columns of a one-block table (T3, T4)."""
    return table.blocks[0].columns


# The official labels in English, for messages in English (the standard page gives only Chinese).
LABELS_EN = {
    "规章": "rules", "行政规范性文件": "normative documents", "行政许可": "administrative licensing",
    "行政处罚": "administrative penalties", "行政强制": "administrative coercion", "行政事业性收费": "administrative fees",
    "本年制发件数": "made this year", "本年废止件数": "repealed this year", "现行有效件数": "in force",
    "本年处理决定数量": "decisions this year", "本年收费金额（单位：万元）": "fees this year (10,000 yuan)",
    "一、本年新收政府信息公开申请数量": "I. applications received this year",
    "二、上年结转政府信息公开申请数量": "II. applications carried over from last year",
    "三、本年度办理结果": "III. handled this year",
    "（一）予以公开": "(1) disclosed",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "(2) partly disclosed",
    "（三）不予公开": "(3) not disclosed",
    "1.属于国家秘密": "1. state secret", "2.其他法律行政法规禁止公开": "2. barred by other laws and regulations",
    "3.危及“三安全一稳定”": "3. endangers security or stability", "4.保护第三方合法权益": "4. protects third parties' rights",
    "5.属于三类内部事务信息": "5. internal affairs information", "6.属于四类过程性信息": "6. process information",
    "7.属于行政执法案卷": "7. enforcement case files", "8.属于行政查询事项": "8. administrative inquiry matters",
    "（四）无法提供": "(4) cannot be provided",
    "1.本机关不掌握相关政府信息": "1. not held by this body", "2.没有现成信息需要另行制作": "2. would have to be newly made",
    "3.补正后申请内容仍不明确": "3. still unclear after correction",
    "（五）不予处理": "(5) not processed",
    "1.信访举报投诉类申请": "1. petitions, reports and complaints", "2.重复申请": "2. repeated applications",
    "3.要求提供公开出版物": "3. asks for published material", "4.无正当理由大量反复申请": "4. mass repeated applications",
    "5.要求行政机关确认或重新出具已获取信息": "5. asks to confirm or reissue information already obtained",
    "（六）其他处理": "(6) handled otherwise",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": "1. not corrected in time, no longer processed",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": "2. fee not paid in time, no longer processed",
    "3.其他": "3. other", "（七）总计": "(7) total", "四、结转下年度继续办理": "IV. carried forward to next year",
    "自然人": "natural persons", "法人或其他组织": "legal persons and other organisations", "商业企业": "businesses",
    "科研机构": "research institutions", "社会公益组织": "public-interest organisations",
    "法律服务机构": "legal service providers", "其他": "other", "总计": "total",
    "行政复议": "administrative reconsideration", "行政诉讼": "administrative litigation",
    "未经复议直接起诉": "sued directly", "复议后起诉": "sued after reconsideration",
    "结果维持": "upheld", "结果纠正": "corrected", "其他结果": "other outcome", "尚未审结": "pending",
}


def label(text: str, lang: str = "zh") -> str:
    return LABELS_EN.get(text, text) if lang == "en" else text


def cell_label(cell_code: str, lang: str = "zh") -> str:
    """A short human label: 「三、…」表 row label / column label."""
    cell = CELLS[cell_code]
    parts = [*cell.row.group[-1:], cell.row.label, *cell.column.group, cell.column.label]
    return " / ".join(label(p, lang) for p in parts)


# --- Metadata ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetaField:
    key: str  # model attribute
    name: str  # Excel defined name
    label: str
    required: bool
    hint: str


META_FIELDS: tuple[MetaField, ...] = (
    MetaField("name", "META_NAME", "报告机关名称", True, "全称，如：石嘴山市人民政府"),
    MetaField("year", "META_YEAR", "报告年度", True, "统计数据所属年度，如：2022"),
    MetaField("uscc", "META_USCC", "统一社会信用代码", False, "18 位，可不填"),
    MetaField("region", "META_REGION", "行政区划代码", False, "6 位数字，可不填"),
    MetaField("level", "META_LEVEL", "机关层级", False, "从下拉列表中选择，可不填"),
)


class Level(str, Enum):
    """Kinds of reporting body; the first four may make 规章 (立法法 第九十三条)."""

    STATE_COUNCIL_DEPARTMENT = "国务院部门"
    PROVINCE = "省级人民政府"
    CITY_WITH_DISTRICTS = "设区的市级人民政府"
    AUTONOMOUS_PREFECTURE = "自治州人民政府"
    COUNTY = "县级人民政府"
    TOWNSHIP = "乡镇人民政府"
    DEPARTMENT = "政府部门"
    OTHER = "其他"

    @property
    def may_make_rules(self) -> bool:
        return self in _RULE_MAKERS


_RULE_MAKERS = {
    Level.STATE_COUNCIL_DEPARTMENT,
    Level.PROVINCE,
    Level.CITY_WITH_DISTRICTS,
    Level.AUTONOMOUS_PREFECTURE,
}


# --- Formats a published report may be written in (for detection; only the 2021 one is read) --

FORMAT_2021, FORMAT_2019, FORMAT_PRE_2019, FORMAT_MIXED, FORMAT_UNKNOWN = "2021", "2019", "pre-2019", "mixed", "unknown"
FORMAT_NAMES = {
    FORMAT_2021: {"zh": "2021 年格式（国办公开办函〔2021〕30号）", "en": "the 2021 format"},
    FORMAT_2019: {"zh": "2019 年试行格式（国办公开办函〔2019〕60号）", "en": "the 2019 trial format"},
    FORMAT_PRE_2019: {"zh": "2019 年以前的格式", "en": "a pre-2019 format"},
    FORMAT_MIXED: {"zh": "新旧混合的格式", "en": "a mix of the 2021 and 2019 formats"},
    FORMAT_UNKNOWN: {"zh": "未识别的格式（没有找到统计表）", "en": "no recognisable tables"},
}
OLDER_FORMATS = (FORMAT_2019, FORMAT_PRE_2019)  # recognised, never forced into the 2021 tables
