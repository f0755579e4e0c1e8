"""The rule catalogue: every rule of the standard with its id, severity and messages, and its
expansion into concrete checks that name the cells they involve.

One catalogue feeds the Python evaluator, the in-sheet formula compiler, the docs and every
surface that renders findings. Pure data and logic: no files, no spreadsheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cache

from .standard import (
    CELLS,
    T2,
    T3,
    T3_COLUMN_TOTAL,
    T3_RESULT_ROWS,
    T4,
    CellKind,
    Table,
    cell_label,
    code,
)


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


class Scope(str, Enum):
    """What a rule needs to be checked."""

    REPORT = "report"  # the figures of one report
    WORKBOOK = "workbook"  # a workbook's structure
    PREVIOUS = "previous"  # last year's report of the same body
    NARRATIVE = "narrative"  # the narrative text of an imported report


Text = dict[str, str]  # {"zh": ..., "en": ...}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: Text  # the rule as stated on the standard page
    message: Text  # template for one failed instance, formatted with the check's params
    scope: Scope = Scope.REPORT
    in_sheet: bool = False  # compiled into the template's check sheet


def _rule(id, severity, summary_zh, summary_en, message_zh, message_en, **kw) -> Rule:
    return Rule(id, Severity(severity), {"zh": summary_zh, "en": summary_en}, {"zh": message_zh, "en": message_en}, **kw)


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        _rule(
            "T3-01", "error",
            "表三各列：一 + 二 = 三（七）总计 + 四",
            "T3, each column C1–C7: R01 + R02 = R24 + R25",
            "{col_label}列：本年新收 + 上年结转 应等于 办理结果总计 + 结转下年度",
            "column {col_label}: received + carried over must equal total handled + carried forward",
            in_sheet=True,
        ),
        _rule(
            "T3-02", "error",
            "表三各行：总计 = 各类申请人之和",
            "T3, each row R01–R25: C7 = C1 + … + C6",
            "「{row_label}」：总计应等于各类申请人之和",
            "row {row}: the total must equal the sum of the six applicant columns",
            in_sheet=True,
        ),
        _rule(
            "T3-03", "error",
            "表三各列：（七）总计 = （一）至（六）各项之和",
            "T3, each column C1–C7: R24 = R03 + R04 + … + R23",
            "{col_label}列：（七）总计应等于（一）至（六）各项之和",
            "column {col_label}: row R24 must equal the sum of rows R03–R23",
            in_sheet=True,
        ),
        _rule(
            "T4-01", "error",
            "表四各组：总计 = 维持 + 纠正 + 其他 + 尚未审结",
            "T4, each row R1–R3: C5 = C1 + C2 + C3 + C4",
            "{row_label}：总计应等于结果维持、结果纠正、其他结果、尚未审结之和",
            "{row}: the total must equal upheld + corrected + other + pending",
            in_sheet=True,
        ),
        _rule(
            "V-01", "error",
            "件数单元格应为不小于 0 的整数",
            "every count cell holds a whole number ≥ 0",
            "「{cell_label}」应为不小于 0 的整数：{reason}",
            "{code} must be a whole number ≥ 0: {reason}",
            in_sheet=True,
        ),
        _rule(
            "V-02", "error",
            "收费金额应为不小于 0 的数",
            "T2.R6.C1 holds an amount ≥ 0",
            "「{cell_label}」应为不小于 0 的金额：{reason}",
            "{code} must be an amount ≥ 0: {reason}",
            in_sheet=True,
        ),
        _rule(
            "V-03", "warning",
            "数字单元格未填写（按 0 计；官方表格应填 0）",
            "a numeric cell is blank (counted as 0; official tables write 0)",
            "「{cell_label}」未填写，按 0 计算；没有发生的请填 0",
            "{code} is blank and counted as 0; write 0 where nothing happened",
            in_sheet=True,
        ),
        _rule(
            "M-01", "error",
            "应填写报告机关名称和报告年度",
            "the reporting body's name and the report year are given",
            "未填写{field}{reason}",
            "{field_en} is missing{reason}",
        ),
        _rule(
            "M-02", "error",
            "报告年度应为 2021 年或以后，且不晚于今年",
            "the report year is 2021 or later and not in the future",
            "报告年度 {year} 不在 2021 至 {this_year} 之间",
            "report year {year} is not between 2021 and {this_year}",
        ),
        _rule(
            "M-03", "error",
            "统一社会信用代码（如填写）应为 18 位且校验码正确（GB 32100-2015）",
            "a 统一社会信用代码, where given, is 18 characters with a valid GB 32100-2015 check character",
            "统一社会信用代码「{uscc}」{reason}",
            "统一社会信用代码 '{uscc}': {reason}",
        ),
        _rule(
            "S-01", "error",
            "工作簿应为完整的已知版本模板：工作表和名称齐全，合计公式未被改写",
            "(workbooks) the file is an intact template of a known version: sheets and names present, computed totals not overwritten",
            "工作簿结构不完整：{reason}",
            "the workbook is not an intact template: {reason}",
            scope=Scope.WORKBOOK,
        ),
        _rule(
            "P-01", "warning",
            "表二规章、规范性文件：现行有效件数 ≥ 本年制发 − 本年废止",
            "T2 R1/R2: C3 (in force) ≥ C1 (made) − C2 (repealed)",
            "「{row_label}」现行有效件数少于本年制发件数减本年废止件数",
            "{row}: documents in force are fewer than made minus repealed this year",
            in_sheet=True,
        ),
        _rule(
            "P-02", "warning",
            "只有国务院部门和省、设区的市、自治州人民政府可以制定规章",
            "规章 made > 0 by a body that cannot make 规章",
            "机关层级为「{level}」，一般不能制定规章，但规章本年制发 {made} 件",
            "a body of level '{level}' cannot normally make 规章, yet {made} were made",
        ),
        _rule(
            "X-01", "warning",
            "本年“上年结转”应等于上年报告的“结转下年度继续办理”",
            "with last year's report: this year's T3.R02 = last year's T3.R25, per column",
            "{col_label}列：上年结转应等于上年报告的结转下年度继续办理",
            "column {col_label}: carried over must equal last year's carried forward",
            scope=Scope.PREVIOUS,
        ),
        _rule(
            "X-02", "warning",
            "现行有效件数 = 上年现行有效 + 本年制发 − 本年废止",
            "with last year's report: T2 R1/R2 C3 = last year's C3 + C1 − C2",
            "「{row_label}」现行有效件数应等于上年现行有效件数加本年制发减本年废止",
            "{row}: in force must equal last year's in force + made − repealed",
            scope=Scope.PREVIOUS,
        ),
        _rule(
            "N-01", "warning",
            "正文中的数字应与表格一致",
            "(imported texts) figures stated in the narrative agree with the tables",
            "正文称{subject} {stated} 件，与表格不符",
            "the narrative states {stated} for {subject_en}, which the tables do not give",
            scope=Scope.NARRATIVE,
        ),
        # Not numbered on the standard page, which says only that such a report "is itself a finding".
        _rule(
            "F-01", "error",
            "（导入的报告）2021 年度及以后的报告应使用 2021 年格式",
            "(imported texts) a report for 2021 or later uses the 2021 format",
            "{year} 年度报告使用了{format}，应使用 2021 年格式（国办公开办函〔2021〕30号）",
            "the report for {year} uses {format_en}, not the 2021 format",
            scope=Scope.NARRATIVE,
        ),
    )
}


# --- Concrete checks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    code: str
    sign: int = 1


@dataclass(frozen=True)
class Relation:
    """One instance of an arithmetic rule: sum(actual) <op> sum(expected)."""

    rule: Rule
    key: str  # which instance: a row or column code
    actual: tuple[Term, ...]
    op: str  # "=" or ">="
    expected: tuple[Term, ...]
    params: dict = field(default_factory=dict, compare=False)

    @property
    def codes(self) -> tuple[str, ...]:
        seen = dict.fromkeys(t.code for t in (*self.expected, *self.actual))
        return tuple(seen)

    @property
    def table(self) -> str:
        return self.codes[0].split(".")[0]

    def holds(self, actual, expected) -> bool:
        return actual == expected if self.op == "=" else actual >= expected


@dataclass(frozen=True)
class CellCheck:
    """One instance of a per-cell rule (V-01, V-02, V-03)."""

    rule: Rule
    code: str

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.code,)

    @property
    def table(self) -> str:
        return self.code.split(".")[0]

    @property
    def params(self) -> dict:
        return cell_params(self.code)


def cell_params(cell_code: str) -> dict:
    cell = CELLS[cell_code]
    return {"code": cell_code, "cell_label": cell_label(cell_code), "row": cell.row.code, "col": cell.column.code}


def _terms(*codes: str, sign: int = 1) -> tuple[Term, ...]:
    return tuple(Term(c, sign) for c in codes)


def _columns(table: Table):
    return table.blocks[0].columns


def _total_relation(rule: Rule, key: str, total_code: str, params: dict) -> Relation:
    """A computed total equals the cells it adds up: the very definition the template's formulas use."""
    return Relation(rule, key, _terms(total_code), "=", _terms(*CELLS[total_code].total_of), params)


@cache
def relations() -> tuple[Relation, ...]:
    out: list[Relation] = []
    for col in _columns(T3):
        params = {"col": col.code, "col_label": col.label}
        c = col.code
        out.append(
            Relation(
                RULES["T3-01"], c,
                _terms(code("T3", "R24", c), code("T3", "R25", c)), "=",
                _terms(code("T3", "R01", c), code("T3", "R02", c)),
                params,
            )
        )
    for row in T3.rows:
        total = next(cell for cell in T3.cells if cell.row == row and cell.column.code == "C7")
        out.append(_total_relation(RULES["T3-02"], row.code, total.code, {"row": row.code, "row_label": row.label}))
    for col in _columns(T3):
        total = code("T3", T3_COLUMN_TOTAL, col.code)
        params = {"col": col.code, "col_label": col.label}
        out.append(
            Relation(RULES["T3-03"], col.code, _terms(total), "=", _terms(*(code("T3", r, col.code) for r in T3_RESULT_ROWS)), params)
        )
    for row in T4.rows:
        label = "／".join((*row.group, row.label))
        out.append(_total_relation(RULES["T4-01"], row.code, code("T4", row.code, "C5"), {"row": row.code, "row_label": label}))
    for row in T2.blocks[0].rows:
        out.append(
            Relation(
                RULES["P-01"], row.code,
                _terms(code("T2", row.code, "C3")), ">=",
                (Term(code("T2", row.code, "C1")), Term(code("T2", row.code, "C2"), -1)),
                {"row": row.code, "row_label": row.label},
            )
        )
    return tuple(out)


@cache
def cell_checks() -> tuple[CellCheck, ...]:
    out = [
        CellCheck(RULES["V-02" if cell.kind is CellKind.AMOUNT else "V-01"], c)
        for c, cell in CELLS.items()
    ]
    out += [CellCheck(RULES["V-03"], c) for c in CELLS]
    return tuple(out)


def in_sheet_checks() -> tuple[Relation | CellCheck, ...]:
    """Every concrete check the template compiles into live formulas, in check-sheet order."""
    return tuple(ch for ch in (*relations(), *cell_checks()) if ch.rule.in_sheet)


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
        return tuple(dict.fromkeys(t.code for t in (*self.actual, *self.expected)))


@cache
def previous_year_relations() -> tuple[CrossYear, ...]:
    out = []
    for col in _columns(T3):
        c = col.code
        out.append(CrossYear(RULES["X-01"], c, {"col": c, "col_label": col.label},
                             _terms(code("T3", "R02", c)), (), _terms(code("T3", "R25", c))))
    for row in T2.blocks[0].rows:
        r = row.code
        out.append(CrossYear(RULES["X-02"], r, {"row": r, "row_label": row.label},
                             _terms(code("T2", r, "C3")),
                             (Term(code("T2", r, "C1")), Term(code("T2", r, "C2"), -1)),
                             _terms(code("T2", r, "C3"))))
    return tuple(out)
