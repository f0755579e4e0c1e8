"""Compiles the standard's totals and the rule catalogue's checks into Excel formulas.

Each predicate here is the formula form of the engine's own definition, built from the same data
(`core/cell_values.py`: what a blank cell holds, how a year is written, the 15-digit limit;
`core/uscc.py`: the check character; `core/standard.py`: the levels that may make 规章), so that
the sheet and the engine give the same verdict on every cell. What no formula can see (a number
shown as a date, a total's formula replaced by another with the same value, the workbook's own
sheets and stamps) is said on the sheets as needing the 校验 button or the command line.

Only functions that Excel 2010+, WPS and LibreOffice compute alike: SUM, IF, IFERROR, AND, OR, NOT,
ISNUMBER, ISLOGICAL, ISTEXT, ISERROR, ERROR.TYPE, INT, MOD, ABS, ROUND, LOG10, LEN, TRIM, SUBSTITUTE, UPPER, LEFT,
MID, RIGHT, FIND, TEXT, CHOOSE, COUNTIFS, SMALL, INDEX, MATCH, and two more: TODAY() (volatile, for
M-02's "not in the future") and ISFORMULA (Excel 2013+; where it is unknown, IFERROR falls back to comparing the total's value).
No array formulas. Sums always go through SUM(), which adds numbers and ignores text and blanks
exactly as the Python evaluator does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .layout import a1, defined_name, positions
from ..core.cell_values import BLANK_CHARACTERS, FULL_WIDTH, LIMIT, NONE_WORDS, YEAR_DIGITS, YEAR_SUFFIXES
from ..core.findings import REASONS
from ..core.rules import CellCheck, MetaCheck, Relation, Term, TotalCheck
from ..core.standard import CELLS, FIRST_YEAR, Level, cell_label
from ..core.uscc import CHARSET, WEIGHTS

PASS, FAIL, PENDING = "通过", "不通过", "待更正"  # PENDING: rests on a cell filled in wrong
_LIMIT = f"{LIMIT:.0E}".replace("+", "")  # 1E15


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


def _text(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _char(ch: str) -> str:
    """A character as a formula operand: control characters through CHAR(), the rest quoted."""
    return f"CHAR({ord(ch)})" if ord(ch) < 32 else _text(ch)


def _blanks_to(ref: str, to: str) -> str:
    """`ref` with every blank character (BLANK_CHARACTERS) replaced by `to`."""
    out = ref
    for ch in BLANK_CHARACTERS:
        if ch != to:
            out = f"SUBSTITUTE({out},{_char(ch)},{_text(to)})"
    return out


def _trimmed(ref: str) -> str:
    """Text with blank characters at its ends removed (and inner runs made one space)."""
    return f"TRIM({_blanks_to(ref, ' ')})"


def _status(condition: str, on_error: str = FAIL, waits_for: Sequence[str] = ()) -> str:
    """A check's status; PENDING first where any of `waits_for` (the status cells of the values it
    rests on) is not PASS, as the engine lists such checks as not checkable until they are fixed."""
    judged = f'IF({condition},"{PASS}","{FAIL}")'
    if waits_for:
        judged = f'IF(OR({",".join(f"{ref}<>{chr(34)}{PASS}{chr(34)}" for ref in waits_for)}),"{PENDING}",{judged})'
    return f'=IFERROR({judged},"{on_error}")'


def blank(ref: str) -> str:
    """True for an empty cell or one holding only blank characters (cell_values.is_blank)."""
    return f"LEN({_trimmed(ref)})=0"


def is_number(ref: str) -> str:
    """A number, not a logical value (LibreOffice counts TRUE as a number; the engine does not)."""
    return f"AND(ISNUMBER({ref}),NOT(ISLOGICAL({ref})))"


def valid_value(rule_id: str, ref: str) -> str:
    """True when `ref` holds an acceptable value for V-01 (whole, 0 ≤ x < 10^15) or V-02
    (0 ≤ x < 10^15), or is blank: parse_count / parse_amount."""
    bounds = f"{ref}>=0,{ref}<{_LIMIT}"
    number = f"AND({bounds},{ref}=INT({ref}))" if rule_id == "V-01" else f"AND({bounds})"
    return f"IF({is_number(ref)},{number},{blank(ref)})"


def invalid_value(rule_id: str, ref: str) -> str:
    """The negation, for conditional formatting (an error value counts as invalid)."""
    return f"IFERROR(NOT({valid_value(rule_id, ref)}),TRUE)"


def typed_text(ref: str) -> str:
    """What a text cell holds, as the engine quotes it: blank characters at its ends left out
    ('' for anything but text). For a helper cell that `value_problem` reads."""
    return f'=IF(ISTEXT({ref}),{_trimmed(ref)},"")'


def numeric_form(typed: str) -> str:
    """The text in `typed` (a typed_text cell) as cell_values._NUMBER reads it: full-width digits
    and signs made ASCII, spaces left out. For a helper cell that `numeric_text` reads."""
    t = typed
    for wide, ascii_ in zip(*FULL_WIDTH):
        t = f"SUBSTITUTE({t},{_text(wide)},{_text(ascii_)})"
    return f'=SUBSTITUTE({t}," ","")'


def numeric_text(t: str) -> str:
    """True where `t` (a numeric_form cell) matches cell_values._NUMBER, a number stored as text:
    a sign, a digit, digits and thousands separators, at most one decimal point, digits only after it."""
    rest = f"MID({t},2,LEN({t}))"
    for ch in "0123456789,.":
        rest = f'SUBSTITUTE({rest},{_text(ch)},"")'
    first_digit = f'MID({t},1+(LEFT({t},1)="+")+(LEFT({t},1)="-"),1)'
    return (f'AND(LEN({t})>0,ISNUMBER(FIND(LEFT({t},1),"0123456789+-")),{first_digit}<>"",'
            f'ISNUMBER(FIND({first_digit},"0123456789")),LEN({rest})=0,'
            f'LEN({t})-LEN(SUBSTITUTE({t},".",""))<=1,RIGHT({t},1)<>".",'
            f'ISERROR(FIND(",",{t},IFERROR(FIND(".",{t}),LEN({t})+1))))')


def _reason(key: str, raw: str) -> str:
    """REASONS[key] in Chinese with the formula `raw` where the text has {raw}."""
    before, _, after = REASONS[key]["zh"].partition("{raw}")
    return "&".join(x for x in (_text(before) if before else "", raw, _text(after) if after else "") if x)


ERROR_TEXTS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")  # by ERROR.TYPE


def value_problem(value: str, typed: str, number_form: str, whole: str, logical: str) -> str:
    """Why `value` fails V-01 / V-02, in the words of the engine's reason (cell_values.parse_count /
    parse_amount, in their order): an error value, a logical value, a number too large, negative or
    (where the formula `whole` is true, V-01) not whole, a word for none, a number stored as text,
    other text. `typed` is the cell holding typed_text(value), `number_form` the one holding
    numeric_form(typed), `logical` a formula true for a logical value (ISLOGICAL of the cell itself:
    LibreOffice does not keep a value logical through INDEX). A date cannot be told from a number
    here (the sheet says so)."""
    quote = '"'
    error = _reason("error", f'IFERROR(CHOOSE(ERROR.TYPE({value}),{",".join(map(_text, ERROR_TEXTS))}),"#N/A")')
    # shown as the engine shows it: to the 15 significant digits a spreadsheet keeps
    fifteen = f"ROUND({value},14-INT(LOG10(ABS({value}))))"
    large = _reason("too_large", f'IF(ABS({value})>=1E21,TEXT({value},"0.000000E+00"),TEXT({fifteen},"0"))')
    not_whole = f'IF(AND({whole},{value}<>INT({value})),{_reason("fraction", value)},"")'
    number = f'IF(ABS({value})>={_LIMIT},{large},IF({value}<0,{_reason("negative", value)},{not_whole}))'
    none_word = "OR(" + ",".join(f"{typed}={_text(w)}" for w in sorted(NONE_WORDS)) + ")"
    text = (f'IF({none_word},{_reason("none_word", typed)},'
            f'IF({numeric_text(number_form)},{_reason("numeric_text", typed)},{_reason("text", typed)}))')
    said = _reason("bool", f"IF({value},{quote}TRUE{quote},{quote}FALSE{quote})")
    return f"IF(ISERROR({value}),{error},IF({logical},{said},IF(ISNUMBER({value}),{number},{text})))"


def message_start(check: CellCheck) -> str:
    """The rule's message for the check's cell up to its reason: 「label」应为不小于 0 的整数："""
    before, _, after = check.rule.message["zh"].format(cell_label=cell_label(check.code), reason="{reason}").partition("{reason}")
    assert not after, "value_problem ends the message"
    return before


def total_description(code: str, status: str, passing: str) -> str:
    """A total's S-01 row's 说明 once `status` says 不通过, in the engine's words (reading.py):
    a constant in its place (cleared, or overwritten with the value shown), else a value that is not
    the sum of its parts (where ISFORMULA is unknown, as the engine says when it cannot read formulas)."""
    ref, parts = defined_name(code), _sum([Term(p) for p in CELLS[code].total_of])
    constant = f'IF({blank(ref)},{_reason("total_cleared", "")},{_reason("total_overwritten", ref)})'
    changed = _reason("total_not_sum", f'{ref}&" ≠ "&{parts}')
    why = f"IF(IFERROR(_xlfn.ISFORMULA({ref}),TRUE),{changed},{constant})"
    return f'=IF({status}="{FAIL}",IFERROR({_text(f"「{cell_label(code)}」")}&{why},{_text(passing)}),{_text(passing)})'


def _digit(s: str, i: int) -> str:
    """The value of the i-th character of `s` as a year digit (an error where it is none)."""
    return f"MOD(FIND(MID({s},{i},1),{_text(YEAR_DIGITS)})-1,10)"


def year_written(ref: str) -> str:
    """True for a year as cell_values.parse_year reads one: a whole number, or four digits and a
    suffix of YEAR_SUFFIXES once blank characters are left out."""
    s = _blanks_to(ref, "")
    suffix = "OR(" + ",".join(f"MID({s},5,9)={_text(x)}" for x in YEAR_SUFFIXES) + ")"
    digits = ",".join(f"ISNUMBER({_digit(s, i)})" for i in range(1, 5))
    return (f"IFERROR(IF({is_number(ref)},{ref}=INT({ref}),"
            f"IF(ISTEXT({ref}),AND(LEN({s})>=4,{suffix},{digits}),FALSE)),FALSE)")


def year_value(ref: str) -> str:
    s = _blanks_to(ref, "")
    return f"IF({is_number(ref)},{ref}," + "+".join(f"{_digit(s, i)}*{10 ** (4 - i)}" for i in range(1, 5)) + ")"


def uscc_valid(ref: str) -> str:
    """A 统一社会信用代码 as uscc.problem() accepts it (after the engine's trim and upper-casing),
    or blank: 18 characters of CHARSET whose last is the GB 32100-2015 check character."""
    code = f"UPPER({_trimmed(ref)})"
    index = lambda i: f"(FIND(MID({code},{i},1),{_text(CHARSET)})-1)"  # noqa: E731
    weighted = "+".join(f"{index(i)}*{w}" for i, w in enumerate(WEIGHTS, start=1))
    valid = f"AND(LEN({code})=18,{index(18)}=MOD(31-MOD({weighted},31),31))"
    return f"IF({blank(ref)},TRUE,IFERROR({valid},FALSE))"


def may_not_make_rules(ref: str) -> str:
    """True where the cover's level is one that cannot make 规章 (Level.may_make_rules)."""
    level = _trimmed(ref)
    return "IFERROR(OR(" + ",".join(f"{level}={_text(lv.value)}" for lv in Level if not lv.may_make_rules) + "),FALSE)"


def total_intact(code: str) -> str:
    """The part of S-01 a sheet can see: the total still holds a formula (where ISFORMULA is
    known) and its value is the sum of its parts (an error there only where the parts have one)."""
    ref, parts = defined_name(code), _sum([Term(p) for p in CELLS[code].total_of])
    return f"AND(IFERROR(_xlfn.ISFORMULA({ref}),TRUE),IFERROR({ref}={parts},ISERROR({parts})))"


def _shown(ref: str) -> str:
    """What the cell holds, for the 实际 column (a logical value as the word, not the 1 it sums to)."""
    return f'=IF({blank(ref)},"（空白）",IF(ISLOGICAL({ref}),IF({ref},"TRUE","FALSE"),{ref}))'


def _meta_formulas(check: MetaCheck, value_status: Callable[[str], str]) -> tuple[str, str, str]:
    rule, ref = check.rule.id, check.code
    if rule == "M-02":  # only a year the engine can read is judged; M-01 speaks for the rest
        year = year_value(ref)
        return (f"{FIRST_YEAR} 年至今年", _shown(ref),
                _status(f"IF({year_written(ref)},AND({year}>={FIRST_YEAR},{year}<=YEAR(TODAY())),TRUE)"))
    if rule == "M-03":
        return "18 位，校验码正确", _shown(ref), _status(uscc_valid(ref))
    if rule == "P-02":
        level = "META_LEVEL"
        return ("只有国务院部门和省、设区的市、自治州人民政府", f'=IF({blank(level)},"（空白）",{level})',
                _status(f"NOT(AND({may_not_make_rules(level)},SUM({defined_name(ref)})>0))", waits_for=[value_status(ref)]))
    if ref.endswith("YEAR"):
        return "4 位年份", _shown(ref), _status(year_written(ref))
    return "已填写", _shown(ref), _status(f"NOT({blank(ref)})")


def check_formulas(check: Relation | MetaCheck | TotalCheck | CellCheck, value_status: Callable[[str], str],
                   total_status: Callable[[str], str]) -> tuple[str | object, str, str]:
    """(expected, actual, status) cell contents for one check-sheet row. `value_status(code)` is
    the status cell of the code's V-01/V-02 row, `total_status(code)` that of a total's S-01 row:
    a check whose values rest on a wrong one waits, as the engine's do."""
    if isinstance(check, MetaCheck):
        return _meta_formulas(check, value_status)
    if isinstance(check, Relation):
        expected, actual = f"={_sum(check.expected)}", f"={_sum(check.actual)}"
        op = "=" if check.op == "=" else ">="
        # compare the two sums directly so that a text cell cannot make the status cell lie
        condition = f"{_sum(check.actual)}{op}{_sum(check.expected)}"
        return expected, actual, _status(condition, waits_for=[value_status(c) for c in check.codes])
    ref = defined_name(check.code)
    if isinstance(check, TotalCheck):
        return "由公式计算", _shown(ref), _status(total_intact(check.code))
    own = [total_status(check.code)] if CELLS[check.code].is_total else []  # a broken total is S-01's
    if check.rule.id == "V-03":
        return "已填写", _shown(ref), _status(f"NOT({blank(ref)})", on_error=PASS, waits_for=own)
    wanted = "不小于 0 的整数" if check.rule.id == "V-01" else "不小于 0 的数"
    parts = [value_status(p) for p in CELLS[check.code].total_of]  # a total waits for the cells it adds up
    return wanted, _shown(ref), _status(valid_value(check.rule.id, ref), waits_for=own + parts)


def quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def countifs(pairs: Sequence[tuple[str, str]]) -> str:
    return "COUNTIFS(" + ",".join(f'{rng},"{crit}"' for rng, crit in pairs) + ")"
