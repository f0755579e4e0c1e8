"""Compiles the standard's totals and the rule catalogue's checks into Excel formulas.

Only functions that Excel 2010+, WPS and LibreOffice compute alike: SUM, IF, IFERROR, AND, OR,
ISNUMBER, INT, LEN, TRIM, COUNTIFS. No volatile functions, no array formulas. Sums always go
through SUM(), which adds numbers and ignores text and blanks exactly as the Python evaluator does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .layout import a1, defined_name, positions
from ..core.rules import CellCheck, MetaCheck, Relation, Term
from ..core.standard import CELLS, FIRST_YEAR

PASS, FAIL, PENDING = "通过", "不通过", "待更正"  # PENDING: rests on a cell filled in wrong


def total_formula(code: str) -> str:
    """The template formula of a computed total, over a contiguous range where there is one."""
    sheet, r, c = positions()[code]
    cells = [positions()[p][1:] for p in CELLS[code].total_of]
    rows, cols = {x for x, _ in cells}, {y for _, y in cells}
    contiguous = (len(rows) == 1 and max(cols) - min(cols) + 1 == len(cells)) or (
        len(cols) == 1 and max(rows) - min(rows) + 1 == len(cells)
    )
    if contiguous:
        return f"=SUM({a1(*cells[0])}:{a1(*cells[-1])})"
    return "=SUM(" + ",".join(a1(*x) for x in cells) + ")"


def _sum(terms: Sequence[Term]) -> str:
    plus = [defined_name(t.code) for t in terms if t.sign > 0]
    minus = [defined_name(t.code) for t in terms if t.sign < 0]
    out = f"SUM({','.join(plus)})" if plus else "0"
    return out + (f"-SUM({','.join(minus)})" if minus else "")


def _status(condition: str, on_error: str = FAIL, waits_for: Sequence[str] = ()) -> str:
    """A check's status; PENDING first where any of `waits_for` (the status cells of the values it
    rests on) is not PASS, as the engine lists such checks as not checkable until they are fixed."""
    judged = f'IF({condition},"{PASS}","{FAIL}")'
    if waits_for:
        judged = f'IF(OR({",".join(f"{ref}<>{chr(34)}{PASS}{chr(34)}" for ref in waits_for)}),"{PENDING}",{judged})'
    return f'=IFERROR({judged},"{on_error}")'


def blank(ref: str) -> str:
    """True for an empty cell or one holding only spaces (as Python's str.strip(" ") == "")."""
    return f"LEN(TRIM({ref}))=0"


def valid_value(rule_id: str, ref: str) -> str:
    """True when `ref` holds an acceptable value for V-01 (whole ≥ 0) or V-02 (≥ 0), or is blank."""
    number = f"AND({ref}>=0,{ref}=INT({ref}))" if rule_id == "V-01" else f"{ref}>=0"
    return f"IF(ISNUMBER({ref}),{number},{blank(ref)})"


def invalid_value(rule_id: str, ref: str) -> str:
    """The negation, for conditional formatting (an error value counts as invalid)."""
    return f"IFERROR(NOT({valid_value(rule_id, ref)}),TRUE)"


def year_written(ref: str) -> str:
    """True for a year as the validator reads one: a whole number, or four digits then 年 or 年度."""
    text = f"TRIM({ref})"
    head = f"LEFT({text},4)"
    typed = (f'AND(LEN({text})>=4,ISNUMBER(--{head}),--{head}=INT(--{head}),'
             f'OR(LEN({text})=4,MID({text},5,9)="年",MID({text},5,9)="年度"))')
    return f"IFERROR(IF(ISNUMBER({ref}),{ref}=INT({ref}),{typed}),FALSE)"


def year_value(ref: str) -> str:
    return f"IF(ISNUMBER({ref}),{ref},--LEFT(TRIM({ref}),4))"


def _meta_formulas(check: MetaCheck) -> tuple[str, str, str]:
    ref = check.code
    shown = f'=IF({blank(ref)},"（空白）",{ref})'
    if check.rule.id == "M-02":  # only a year the validator can read is judged; M-01 speaks for the rest
        return f"{FIRST_YEAR} 年或以后", shown, _status(f"IF({year_written(ref)},{year_value(ref)}>={FIRST_YEAR},TRUE)")
    if check.code.endswith("YEAR"):
        return "4 位年份", shown, _status(year_written(ref))
    return "已填写", shown, _status(f"NOT({blank(ref)})")


def check_formulas(check: Relation | MetaCheck | CellCheck, value_status: Callable[[str], str]) -> tuple[str | object, str, str]:
    """(expected, actual, status) cell contents for one check-sheet row. `value_status(code)` is
    the status cell of the code's V-01/V-02 row: a check whose values rest on a wrong one waits."""
    if isinstance(check, MetaCheck):
        return _meta_formulas(check)
    if isinstance(check, Relation):
        expected, actual = f"={_sum(check.expected)}", f"={_sum(check.actual)}"
        op = "=" if check.op == "=" else ">="
        # compare the two sums directly so that a text cell cannot make the status cell lie
        condition = f"{_sum(check.actual)}{op}{_sum(check.expected)}"
        return expected, actual, _status(condition, waits_for=[value_status(c) for c in check.codes])
    ref = defined_name(check.code)
    shown = f'=IF({blank(ref)},"（空白）",{ref})'
    if check.rule.id == "V-03":
        return "已填写", shown, _status(f"NOT({blank(ref)})", on_error=PASS)
    wanted = "不小于 0 的整数" if check.rule.id == "V-01" else "不小于 0 的数"
    parts = [value_status(p) for p in CELLS[check.code].total_of]  # a total waits for the cells it adds up
    return wanted, shown, _status(valid_value(check.rule.id, ref), waits_for=parts)


def quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def countifs(pairs: Sequence[tuple[str, str]]) -> str:
    return "COUNTIFS(" + ",".join(f'{rng},"{crit}"' for rng, crit in pairs) + ")"


def table_summary(count: Callable[[str], str], title: str = "本表校验") -> str:
    """The 本表校验 line; `count(severity)` gives the COUNTIFS of the failing checks it sums up."""
    errors, warnings = count("错误"), count("警告")
    passed = f'IF({warnings}=0,"{title}：通过","{title}：通过（"&{warnings}&" 项提示，详见「校验」）")'
    return f'=IF({errors}=0,{passed},"{title}："&{errors}&" 项不通过，详见「校验」")'
