"""The rule catalogue: every rule of the standard with its id, severity and messages, and its
expansion into concrete checks that name the cells they involve.

One catalogue feeds the Python evaluator, the in-sheet formula compiler, the docs and every
surface that renders findings. Pure data and logic: no files, no spreadsheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cache, cached_property

from .standard import (
    CELLS,
    META_FIELDS,
    T2,
    T2_DOCUMENT_ROWS,
    T2_IN_FORCE,
    T2_MADE,
    T2_REPEALED,
    T2_RULES_ROW,
    T3,
    T3_CARRIED_FORWARD,
    T3_CARRIED_OVER,
    T3_COLUMN_TOTAL,
    T3_RECEIVED,
    T3_RESULT_ROWS,
    T3_ROW_TOTAL,
    T4,
    T4_ROW_TOTAL,
    CellKind,
    Table,
    cell_label,
    code,
    columns,
    label,
)


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


class Need(str, Enum):
    """What a rule needs before it can be checked at all; without it the rule is out of scope."""

    REPORT = "report"  # the figures of a report in the 2021 format
    WORKBOOK = "workbook"  # a workbook's structure (sheets, names, formulas, version stamps)
    PREVIOUS = "previous"  # last year's report of the same body
    NARRATIVE = "narrative"  # figures stated in the narrative of an imported report
    FORMAT = "format"  # the format an imported report was written in


Text = dict[str, str]  # {"zh": ..., "en": ...}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: Text  # the rule as stated on the standard page
    message: Text  # template for one failed instance, formatted with the check's params
    needs: tuple[Need, ...] = (Need.REPORT,)  # every one must be met for the rule to be in scope
    in_sheet: bool = False  # compiled into the template's check sheet
    in_sheet_only: Text | None = None  # where the sheet checks only part of the rule: which part
    sides: dict[str, tuple[str, str]] | None = None  # lang -> what the expected and the actual figure are

    def sides_text(self, expected: str, actual: str, lang: str = "zh") -> str | None:
        """"本年新收 + 上年结转 = 37；办理结果总计 + 结转下年度 = 32": both sides named."""
        if not self.sides:
            return None
        want, got = self.sides[lang]
        return f"{want} = {expected}；{got} = {actual}" if lang == "zh" else f"{want} = {expected}; {got} = {actual}"


def _rule(id, severity, summary_zh, summary_en, message_zh, message_en, **kw) -> Rule:
    return Rule(id, Severity(severity), {"zh": summary_zh, "en": summary_en}, {"zh": message_zh, "en": message_en}, **kw)


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        _rule(
            "T3-01", "error",
            "表三各列：一 + 二 = 三（七）总计 + 四",
            "T3, each column C1–C7: R01 + R02 = R24 + R25",
            "{col_label}列：本年新收 + 上年结转 应等于 办理结果总计 + 结转下年度，请核对这一列的数字",
            "column {col} ({col_label_en}): received + carried over must equal total handled + carried forward; check the column's figures",
            in_sheet=True,
            sides={"zh": ('本年新收 + 上年结转', '办理结果总计 + 结转下年度'), "en": ('received + carried over', 'total handled + carried forward')},
        ),
        _rule(
            "T3-02", "error",
            "表三各行：总计 = 各类申请人之和",
            "T3, each row R01–R25: C7 = C1 + … + C6",
            "「{row_label}」：总计应等于各类申请人之和，请核对这一行的数字",
            "row {row} ({row_label_en}): the total must equal the sum of the six applicant columns; check the row's figures",
            in_sheet=True,
            sides={"zh": ('各类申请人之和', '总计'), "en": ('sum of the applicant columns', 'total')},
        ),
        _rule(
            "T3-03", "error",
            "表三各列：（七）总计 = （一）至（六）各项之和",
            "T3, each column C1–C7: R24 = R03 + R04 + … + R23",
            "{col_label}列：（七）总计应等于（一）至（六）各项之和，请核对这一列的数字",
            "column {col} ({col_label_en}): total (7) must equal the sum of items (1)–(6); check the column's figures",
            in_sheet=True,
            sides={"zh": ('（一）至（六）各项之和', '（七）总计'), "en": ('sum of items (1)–(6)', 'total (7)')},
        ),
        _rule(
            "T4-01", "error",
            "表四各组：总计 = 维持 + 纠正 + 其他 + 尚未审结",
            "T4, each row R1–R3: C5 = C1 + C2 + C3 + C4",
            "{row_label}：总计应等于结果维持、结果纠正、其他结果、尚未审结之和，请核对这一行的数字",
            "{row} ({row_label_en}): the total must equal upheld + corrected + other + pending; check the row's figures",
            in_sheet=True,
            sides={"zh": ('维持 + 纠正 + 其他 + 尚未审结', '总计'), "en": ('upheld + corrected + other + pending', 'total')},
        ),
        _rule(
            "V-01", "error",
            "件数单元格应为不小于 0 的整数",
            "every count cell holds a whole number ≥ 0",
            "「{cell_label}」应为不小于 0 的整数：{reason}",
            "{code} ({cell_label_en}) must be a whole number ≥ 0: {reason}",
            in_sheet=True,
        ),
        _rule(
            "V-02", "error",
            "收费金额应为不小于 0 的数",
            "T2.R6.C1 holds an amount ≥ 0",
            "「{cell_label}」应为不小于 0 的金额：{reason}",
            "{code} ({cell_label_en}) must be an amount ≥ 0: {reason}",
            in_sheet=True,
        ),
        _rule(
            "V-03", "warning",
            "数字单元格未填写（按 0 计；官方表格应填 0）",
            "a numeric cell is blank (counted as 0; official tables write 0)",
            "「{cell_label}」未填写，按 0 计算；没有发生的请填 0",
            "{code} ({cell_label_en}) is blank and counted as 0; write 0 where nothing happened",
            in_sheet=True,
        ),
        _rule(
            "M-01", "error",
            "应填写报告机关名称和报告年度",
            "the reporting body's name and the report year are given",
            "未填写{field}{reason}：请在「封面」填写",
            "{field_en} is missing{reason}: fill it in on the cover",
            in_sheet=True,
        ),
        _rule(
            "M-02", "error",
            "报告年度应为 2021 年或以后，且不晚于今年",
            "the report year is 2021 or later and not in the future",
            "报告年度 {year} 不在 2021 至 {this_year} 之间：请填写统计数据所属的年度",
            "report year {year} is not between 2021 and {this_year}: give the year the figures cover",
            in_sheet=True,  # the sheet checks the first year only: "not in the future" needs TODAY(), a volatile function
        ),
        _rule(
            "M-03", "error",
            "统一社会信用代码（如填写）应为 18 位且校验码正确（GB 32100-2015）",
            "a 统一社会信用代码, where given, is 18 characters with a valid GB 32100-2015 check character",
            "统一社会信用代码「{uscc}」{reason}：请按证照核对，不清楚的可以不填",
            "统一社会信用代码 '{uscc}': {reason}; check it against the certificate, or leave it blank",
            in_sheet=True,
        ),
        _rule(
            "S-01", "error",
            "工作簿应为完整的已知版本模板：工作表和名称齐全，合计公式未被改写",
            "(workbooks) the file is an intact template of a known version: sheets and names present, computed totals not overwritten",
            "{subject}{reason}",
            "{subject_en}{reason}",
            needs=(Need.WORKBOOK,),
            # the sheet cannot see its own sheets, names or version stamps: only its totals
            in_sheet=True, in_sheet_only={"zh": "仅合计公式", "en": "computed totals only"},
        ),
        _rule(
            "P-01", "warning",
            "表二规章、规范性文件：现行有效件数 ≥ 本年制发 − 本年废止",
            "T2 R1/R2: C3 (in force) ≥ C1 (made) − C2 (repealed)",
            "「{row_label}」现行有效件数少于本年制发件数减本年废止件数，请核对这三个数",
            "{row} ({row_label_en}): documents in force are fewer than made minus repealed this year; check the three figures",
            in_sheet=True,
            sides={"zh": ('本年制发 − 本年废止', '现行有效'), "en": ('made − repealed', 'in force')},
        ),
        _rule(
            "P-02", "warning",
            "只有国务院部门和省、设区的市、自治州人民政府可以制定规章",
            "规章 made > 0 by a body that cannot make 规章",
            "机关层级为「{level}」，一般不能制定规章，但规章本年制发 {made} 件：请核对机关层级或表二的规章件数",
            "a body of level '{level}' cannot normally make 规章, yet {made} were made: check the level or table 2's 规章",
            in_sheet=True,
        ),
        _rule(
            "X-01", "warning",
            "本年“上年结转”应等于上年报告的“结转下年度继续办理”",
            "with last year's report: this year's T3.R02 = last year's T3.R25, per column",
            "{col_label}列：上年结转应等于上年报告的结转下年度继续办理，请核对本年的上年结转或上年的报告",
            "column {col} ({col_label_en}): carried over must equal last year's carried forward; check this year's carried over or last year's report",
            needs=(Need.REPORT, Need.PREVIOUS),
            sides={"zh": ('上年报告的结转下年度继续办理', '本年的上年结转'), "en": ("last year's carried forward", "this year's carried over")},
        ),
        _rule(
            "X-02", "warning",
            "现行有效件数 = 上年现行有效 + 本年制发 − 本年废止",
            "with last year's report: T2 R1/R2 C3 = last year's C3 + C1 − C2",
            "「{row_label}」现行有效件数应等于上年现行有效件数加本年制发减本年废止，请核对这几个数或上年的报告",
            "{row} ({row_label_en}): in force must equal last year's in force + made − repealed; check these figures or last year's report",
            needs=(Need.REPORT, Need.PREVIOUS),
            sides={"zh": ('上年现行有效 + 本年制发 − 本年废止', '现行有效'), "en": ("last year's in force + made − repealed", 'in force')},
        ),
        _rule(
            "N-01", "warning",
            "正文中的数字应与表格一致",
            "(imported texts) figures stated in the narrative agree with the tables",
            "正文称{subject} {stated} 件，与表格不符，请核对正文或表格",
            "the narrative states {stated} for {subject_en}, which the tables do not give; check the text or the tables",
            needs=(Need.REPORT, Need.NARRATIVE),
            sides={"zh": ('表格中的数字', '正文所述'), "en": ("the tables' figure", "the narrative's")},
        ),
        # Not on the standard page: a narrative whose tables are images still states both sides.
        _rule(
            "N-02", "warning",
            "正文所述申请数字应自相一致：收到 + 上年结转 = 办结 + 结转下年度",
            "(imported texts) the narrative's own figures agree: received + carried over = handled + carried forward",
            "正文称收到申请 {received} 件、上年结转 {carried} 件，办结 {handled} 件、结转下年度 {forward} 件，前后对不上，请核对正文",
            "the narrative states {received} received and {carried} carried over, but {handled} handled and {forward} carried forward; check the text",
            needs=(Need.NARRATIVE,),
            sides={"zh": ("收到 + 上年结转", "办结 + 结转下年度"), "en": ("received + carried over", "handled + carried forward")},
        ),
        # Not numbered on the standard page, which says only that such a report "is itself a finding".
        _rule(
            "F-01", "error",
            "（导入的报告）2021 年度及以后的报告应使用 2021 年格式",
            "(imported texts) a report for 2021 or later uses the 2021 format",
            "{year} 年度报告使用了{format}，应使用 2021 年格式（国办公开办函〔2021〕30号）",
            "the report for {year} uses {format_en}, not the 2021 format",
            needs=(Need.FORMAT,),
        ),
    )
}


# --- Concrete checks ---------------------------------------------------------------------------
# Each rule of the standard expanded over cell codes. Written with the rows and columns that
# standard.py names, so that no row or column code is typed here.


@dataclass(frozen=True)
class Term:
    code: str
    sign: int = 1


def _terms(*codes: str, sign: int = 1) -> tuple[Term, ...]:
    return tuple(Term(c, sign) for c in codes)


def _unique(codes) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


@dataclass(frozen=True)
class Relation:
    """One instance of an arithmetic rule: sum(actual) <op> sum(expected)."""

    rule: Rule
    key: str  # which instance: a row or column code
    actual: tuple[Term, ...]
    op: str  # "=" or ">="
    expected: tuple[Term, ...]
    params: dict = field(default_factory=dict, compare=False)

    @cached_property  # asked for in the importer's inner loops
    def codes(self) -> tuple[str, ...]:
        return _unique(t.code for t in (*self.expected, *self.actual))

    @property
    def table(self) -> str:
        return self.codes[0].split(".")[0]

    def holds(self, actual, expected) -> bool:
        return actual == expected if self.op == "=" else actual >= expected


@dataclass(frozen=True)
class _OneCell:
    rule: Rule
    code: str

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.code,)

    @property
    def table(self) -> str:
        return self.code.split(".")[0]


@dataclass(frozen=True)
class CellCheck(_OneCell):
    """One instance of a per-cell rule (V-01, V-02, V-03)."""

    @property
    def params(self) -> dict:
        return cell_params(self.code)


@dataclass(frozen=True)
class TotalCheck(_OneCell):
    """The part of S-01 a sheet can check itself: a computed total still holds its formula."""


@dataclass(frozen=True)
class MetaCheck:
    """One instance of a rule on the cover: M-01 (name, year), M-02 (year), M-03 (code), and P-02,
    which reads the level on the cover and names 规章 made (RULES_MADE), its finding's cell."""

    rule: Rule
    code: str  # the cell the finding names
    label: str  # what the cover calls the field judged

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.code,)

    @property
    def table(self) -> str:
        return "META"


@cache
def meta_checks() -> tuple[MetaCheck, ...]:
    fields = {f.name: f for f in META_FIELDS}
    name, year, uscc, level = (fields[n] for n in ("META_NAME", "META_YEAR", "META_USCC", "META_LEVEL"))
    return (MetaCheck(RULES["M-01"], name.name, name.label),
            MetaCheck(RULES["M-01"], year.name, year.label),
            MetaCheck(RULES["M-02"], year.name, year.label),
            MetaCheck(RULES["M-03"], uscc.name, uscc.label),
            MetaCheck(RULES["P-02"], RULES_MADE, level.label))


@cache
def total_checks() -> tuple[TotalCheck, ...]:
    return tuple(TotalCheck(RULES["S-01"], c) for c, cell in CELLS.items() if cell.is_total)


@dataclass(frozen=True)
class CrossYear:
    """One instance of X-01/X-02: sum(actual) = sum(expected) + sum(expected_last) of last year's report."""

    rule: Rule
    key: str
    params: dict
    actual: tuple[Term, ...]
    expected: tuple[Term, ...]
    expected_last: tuple[Term, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return _unique(t.code for t in (*self.actual, *self.expected))


def cell_params(cell_code: str) -> dict:
    cell = CELLS[cell_code]
    return {"code": cell_code, "cell_label": cell_label(cell_code), "cell_label_en": cell_label(cell_code, "en"),
            "row": cell.row.code, "col": cell.column.code}


def _col_params(col) -> dict:
    return {"col": col.code, "col_label": col.label, "col_label_en": label(col.label, "en")}


def _row_params(row, with_group: bool = False) -> dict:
    parts = (*row.group, row.label) if with_group else (row.label,)
    return {"row": row.code, "row_label": "／".join(parts), "row_label_en": " / ".join(label(p, "en") for p in parts)}


def _total_relation(rule: Rule, key: str, total_code: str, params: dict) -> Relation:
    """A computed total equals the cells it adds up: the very definition the template's formulas use."""
    return Relation(rule, key, _terms(total_code), "=", _terms(*CELLS[total_code].total_of), params)


def _row_totals(rule: Rule, table: Table, total_col: str, with_group: bool = False) -> list[Relation]:
    return [_total_relation(rule, row.code, code(table.id, row.code, total_col), _row_params(row, with_group)) for row in table.rows]


def _t3_01() -> list[Relation]:
    """The official note: received + carried over = handled + carried forward, per column."""
    rule = RULES["T3-01"]
    return [
        Relation(rule, col.code,
                 _terms(code(T3.id, T3_COLUMN_TOTAL, col.code), code(T3.id, T3_CARRIED_FORWARD, col.code)), "=",
                 _terms(code(T3.id, T3_RECEIVED, col.code), code(T3.id, T3_CARRIED_OVER, col.code)),
                 _col_params(col))
        for col in columns(T3)
    ]


def _t3_03() -> list[Relation]:
    rule = RULES["T3-03"]
    return [
        Relation(rule, col.code, _terms(code(T3.id, T3_COLUMN_TOTAL, col.code)), "=",
                 _terms(*(code(T3.id, r, col.code) for r in T3_RESULT_ROWS)), _col_params(col))
        for col in columns(T3)
    ]


def _p_01() -> list[Relation]:
    rule = RULES["P-01"]
    out = []
    for row in (r for r in T2.rows if r.code in T2_DOCUMENT_ROWS):
        c = lambda col, r=row: code(T2.id, r.code, col)  # noqa: E731
        out.append(Relation(rule, row.code, _terms(c(T2_IN_FORCE)), ">=", (Term(c(T2_MADE)), Term(c(T2_REPEALED), -1)), _row_params(row)))
    return out


@cache
def relations() -> tuple[Relation, ...]:
    """Every arithmetic check, in catalogue order."""
    return (*_t3_01(), *_row_totals(RULES["T3-02"], T3, T3_ROW_TOTAL), *_t3_03(),
            *_row_totals(RULES["T4-01"], T4, T4_ROW_TOTAL, with_group=True), *_p_01())


def relations_of(*rule_ids: str) -> tuple[Relation, ...]:
    return tuple(rel for rel in relations() if rel.rule.id in rule_ids)


@cache
def cell_checks() -> tuple[CellCheck, ...]:
    out = [CellCheck(RULES["V-02" if cell.kind is CellKind.AMOUNT else "V-01"], c) for c, cell in CELLS.items()]
    out += [CellCheck(RULES["V-03"], c) for c in CELLS]
    return tuple(out)


def in_sheet_checks() -> tuple[Relation | MetaCheck | TotalCheck | CellCheck, ...]:
    """Every concrete check the template compiles into live formulas, in check-sheet order."""
    return tuple(ch for ch in (*relations(), *meta_checks(), *total_checks(), *cell_checks()) if ch.rule.in_sheet)


@cache
def previous_year_relations() -> tuple[CrossYear, ...]:
    out = []
    for col in columns(T3):
        c = col.code
        out.append(CrossYear(RULES["X-01"], c, _col_params(col),
                             _terms(code(T3.id, T3_CARRIED_OVER, c)), (), _terms(code(T3.id, T3_CARRIED_FORWARD, c))))
    for row in (r for r in T2.rows if r.code in T2_DOCUMENT_ROWS):
        c = lambda col, r=row: code(T2.id, r.code, col)  # noqa: E731
        out.append(CrossYear(RULES["X-02"], row.code, _row_params(row),
                             _terms(c(T2_IN_FORCE)), (Term(c(T2_MADE)), Term(c(T2_REPEALED), -1)), _terms(c(T2_IN_FORCE))))
    return tuple(out)


RULES_MADE = code(T2.id, T2_RULES_ROW, T2_MADE)  # 规章 本年制发件数, for P-02
