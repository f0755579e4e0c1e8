"""The workbook reader reads what openpyxl reads (compared cell by cell on generated workbooks),
finds parts where the package's relationships put them, places cells without r= as openpyxl
does, and says what is wrong with a cell openpyxl would stop at."""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.formula import ArrayFormula

import govreport_xl
from govreport_xl.excel.layout import SHEET_OF_TABLE, address
from govreport_xl.excel.ooxml import Package
from helpers import EXAMPLE_XLSX, example_report
from hostile import _col
from workbooks import Book, C, Row, Sheet, rewrite, write

# --- generated workbooks, compared with openpyxl -------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")) | st.sampled_from(" \t\n"), max_size=12)
NUMFMTS = {164: "yyyy-mm-dd", 165: "0.00", 166: "[h]:mm:ss", 167: "@", 168: '"件"0', 169: "[Red]0;[Blue]-0", 170: "mm:ss.0"}
FORMAT_IDS = [0, 1, 2, 10, 14, 15, 20, 22, 45, 46, 49, *NUMFMTS]
ERRORS = ["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?"]
FORMULAS = ["SUM(A1:B2)", "A1+1", "1/0", '"x"&"y"', "'其他 表'!B3*2", "IF(A1>0,A1,-A1)"]


def _t(text: str, preserve: bool = False) -> str:
    from xml.sax.saxutils import escape
    space = ' xml:space="preserve"' if preserve else ""
    return f"<t{space}>{escape(text)}</t>"


@st.composite
def string_items(draw) -> str:
    """The children of an <si> or <is>: plain, rich runs, with a phonetic reading."""
    kind = draw(st.sampled_from(["plain", "runs", "phonetic", "empty"]))
    if kind == "plain":
        return _t(draw(TEXT), draw(st.booleans()))
    if kind == "runs":
        runs = draw(st.lists(TEXT, min_size=1, max_size=3))
        return "".join(f"<r>{'<rPr><b/></rPr>' if i % 2 else ''}{_t(x, True)}</r>" for i, x in enumerate(runs))
    if kind == "phonetic":
        return _t(draw(TEXT)) + f'<rPh sb="0" eb="1">{_t(draw(TEXT))}</rPh><phoneticPr fontId="0"/>'
    return "<t/>"


def _number(draw, dates: bool) -> str:
    if dates:
        return repr(draw(st.floats(0, 80000, allow_nan=False).map(lambda x: round(x, 4))))
    return draw(st.one_of(st.integers(-10**15, 10**15).map(str), st.floats(allow_nan=False, allow_infinity=False).map(repr)))


@st.composite
def cell_content(draw, strings: int, styles: list[int], masters: list[str], ref: str | None) -> C:
    kinds = ["number", "str", "bool", "error", "iso", "inline", "formula", "array", "empty"]
    kinds += ["shared_string"] if strings else []
    kinds += ["shared_master", "shared_dependent"] if ref else []  # openpyxl translates only cells with r=
    kind = draw(st.sampled_from(kinds))
    style = draw(st.sampled_from([None, *map(str, range(len(styles)))]))
    dated = styles[int(style or 0)] in (14, 15, 20, 22, 45, 46, 164, 166, 170)  # no s=: style 0
    c = C(s=style)
    if kind == "number":
        c.t, c.v = draw(st.sampled_from([None, "n"])), _number(draw, dated)
    elif kind == "shared_string":
        c.t, c.v = "s", str(draw(st.integers(0, strings - 1)))
    elif kind == "str":
        c.t, c.v = "str", draw(TEXT.filter(bool))
    elif kind == "bool":
        c.t, c.v = "b", draw(st.sampled_from(["0", "1"]))
    elif kind == "error":
        c.t, c.v = "e", draw(st.sampled_from(ERRORS))
    elif kind == "iso":
        when = draw(st.datetimes(dt.datetime(1901, 1, 1), dt.datetime(9998, 12, 31)).map(lambda d: d.replace(microsecond=0)))
        c.t, c.v = "d", draw(st.sampled_from([when.isoformat(), when.date().isoformat(), when.time().isoformat()]))
    elif kind == "inline":
        c.t, c.inner = "inlineStr", f"<is>{draw(string_items())}</is>"
    elif kind in ("formula", "array", "shared_master"):
        c.f = draw(st.sampled_from(FORMULAS))
        if kind == "array":
            c.f_attrs = {"t": "array", "ref": ref or "A1"}
        elif kind == "shared_master":
            c.f_attrs = {"t": "shared", "si": str(len(masters)), "ref": "A1:Z99"}
            masters.append(ref)
        cached = draw(st.sampled_from(["none", "number", "str", "bool", "error"]))
        if cached == "number":
            c.v = _number(draw, dated)
        elif cached != "none":
            c.t = {"str": "str", "bool": "b", "error": "e"}[cached]
            c.v = {"str": draw(TEXT.filter(bool)), "bool": "1", "error": "#DIV/0!"}[cached]
    elif kind == "shared_dependent":
        # as Excel writes them: below and to the right of their master (else openpyxl's Translator stops)
        below = [i for i, m in enumerate(masters) if _at(m)[0] <= _at(ref)[0] and _at(m)[1] <= _at(ref)[1]]
        if below:
            c.f, c.f_attrs = "", {"t": "shared", "si": str(draw(st.sampled_from(below)))}
            c.v = _number(draw, dated) if draw(st.booleans()) else None
    return c


def _at(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters):]), sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(letters)))


@st.composite
def sheets(draw, index: int, strings: int, styles: list[int]) -> Sheet:
    rows, row_no, masters = [], 0, []
    for _ in range(draw(st.integers(0, 6))):
        explicit = draw(st.booleans())
        row_no += draw(st.integers(1, 3)) if explicit else 1
        cells, col = [], 0
        for _ in range(draw(st.integers(0, 5))):
            with_ref = draw(st.booleans())
            col += draw(st.integers(1, 3)) if with_ref else 1
            ref = f"{_col(col)}{row_no}" if with_ref else None
            cell = draw(cell_content(strings, styles, masters, ref))
            cell.r = ref
            cells.append(cell)
        rows.append(Row(cells, row_no if explicit else None))
    name = ["Sheet1", "其他 表", "a'b", "三、依申请公开", "x&y"][index]
    where = draw(st.sampled_from(["", f"xl/ws/s{index}.xml", f"other/sheet {index}.xml"]))
    target = ("/" + where) if where and draw(st.booleans()) else ""
    return Sheet(name, rows, where, target)


@st.composite
def books(draw) -> Book:
    strings = draw(st.lists(string_items(), max_size=5))
    styles = draw(st.lists(st.sampled_from(FORMAT_IDS), min_size=1, max_size=6))
    n = draw(st.integers(1, 3))
    return Book(
        [draw(sheets(i, len(strings), styles)) for i in range(n)],
        strings=strings or None, numfmts=NUMFMTS, xfs=styles, date1904=draw(st.booleans()),
        workbook_part=draw(st.sampled_from(["xl/workbook.xml", "xl/book.xml", "main/workbook.xml"])),
        strings_part=draw(st.sampled_from(["xl/sharedStrings.xml", "main/strings.xml"])),
        names=draw(st.lists(st.tuples(st.sampled_from(["N1", "N2", "AREA"]),
                                      st.sampled_from(["'其他 表'!$B$3", "Sheet1!$A$1:$C$4", "#REF!", "'a''b'!$D$6"])), max_size=3)),
    )


def _formula_text(value) -> str:
    return value.text if isinstance(value, ArrayFormula) else value


def same_as_openpyxl(path):
    """Every cell of every sheet: our value, formula and type against openpyxl's two readings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        formulas, cached = openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)
    with Package(path) as pkg:
        assert pkg.sheet_names == tuple(formulas.sheetnames)
        assert pkg.epoch == formulas.epoch
        assert pkg.names == {n: d.attr_text for n, d in formulas.defined_names.items()}
        for name in pkg.sheet_names:
            ours = pkg.cells(name)
            theirs_f = {k: c for k, c in formulas[name]._cells.items() if c.value is not None}
            theirs_v = {k: c for k, c in cached[name]._cells.items() if c.value is not None}
            assert set(ours) == set(theirs_f) | set(theirs_v), name
            for key, cell in ours.items():
                f, v = theirs_f.get(key), theirs_v.get(key)
                assert cell.problem is None, (name, key, cell)
                expected_formula = _formula_text(f.value) if f is not None and f.data_type == "f" else None
                assert cell.formula == expected_formula, (name, key, cell)
                value = None if v is None else v.value
                assert (cell.value, type(cell.value)) == (value, type(value)), (name, key, cell)
                if value is not None:
                    assert cell.data_type == v.data_type, (name, key, cell)


@pytest.mark.slow
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(book=books())
def test_reads_what_openpyxl_reads(tmp_path_factory, book):
    same_as_openpyxl(write(book, tmp_path_factory.mktemp("gen") / "b.xlsx"))


# --- valid workbooks other writers make ---------------------------------------------------------

def _drop_refs(name: str, data: bytes) -> bytes:
    """What writers that leave out references write: no r= on rows or cells (rows and cells then
    follow one another, so the empty ones in between are written out as <row/> and <c/>)."""
    if not name.startswith("xl/worksheets/"):
        return data
    text, last_row = data.decode(), 0

    def row(m):
        nonlocal last_row
        number, attrs, body = int(m.group(1)), m.group(2), m.group(3) or ""
        cells, col = [], 0
        for c in re.finditer(r'<c r="([A-Z]+)\d+"(.*?)(/>|>.*?</c>)', body):
            target = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(c.group(1))))
            cells += ["<c/>"] * (target - col - 1) + [f"<c{c.group(2)}{c.group(3)}"]
            col = target
        padding = "<row/>" * (number - last_row - 1)
        last_row = number
        return f"{padding}<row{attrs}>{''.join(cells)}</row>"

    return re.sub(r'<row r="(\d+)"([^>/]*)(?:/>|>(.*?)</row>)', row, text, flags=re.S).encode()


def test_cells_without_references_are_read(tmp_path):
    """Issue 17 item 6: a valid report whose cells carry no r= was read as blank (37 errors)."""
    path = rewrite(EXAMPLE_XLSX, tmp_path / "no_refs.xlsx", _drop_refs)
    with Package(path) as pkg:
        assert not re.search(r'\sr="', pkg.part(pkg.sheet_parts[SHEET_OF_TABLE["T3"]]).decode())
    result = govreport_xl.validate(path)
    assert result.findings == [] and result.report == example_report()
    same_as_openpyxl(path)


def test_parts_found_through_the_relationships(tmp_path):
    """Issue 17 item 6: a workbook part under another name, reached through the content types and
    the relationships, was refused as "not a workbook"."""
    def move(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            return None
        if name == "[Content_Types].xml":
            return data.replace(b'PartName="/xl/workbook.xml"', b'PartName="/book/main.xml"')
        if name == "_rels/.rels":
            return data.replace(b"xl/workbook.xml", b"book/main.xml")
        if name == "xl/_rels/workbook.xml.rels":
            return None
        return data
    moved = rewrite(EXAMPLE_XLSX, tmp_path / "moved.xlsx", move)
    with zipfile.ZipFile(EXAMPLE_XLSX) as src, zipfile.ZipFile(moved, "a") as z:
        z.writestr("book/main.xml", src.read("xl/workbook.xml"))
        z.writestr("book/_rels/main.xml.rels", src.read("xl/_rels/workbook.xml.rels")
                   .replace(b'Target="styles.xml"', b'Target="../xl/styles.xml"').replace(b'Target="theme/', b'Target="../xl/theme/'))
    result = govreport_xl.validate(moved)
    assert result.error is None and result.findings == [] and result.report == example_report()
    same_as_openpyxl(moved)


# --- an openpyxl workbook, as it holds --------------------------------------------------------------

def _as_openpyxl_holds_it(path) -> None:
    """validate(openpyxl workbook) against validate(the file), with formulas and with results."""
    plain = govreport_xl.validate(path)
    formulas = govreport_xl.validate(openpyxl.load_workbook(path))
    assert formulas.findings == plain.findings == [] and formulas.report == plain.report
    values = govreport_xl.validate(openpyxl.load_workbook(path, data_only=True))
    assert values.findings == [] and values.report == plain.report, (path, values.findings)
    assert {u.rule for u in values.unchecked} == {"S-01"}  # the totals' formulas cannot be seen
    for read_only_values in (False, True):  # a read-only workbook streams its rows: read all the same
        streamed = govreport_xl.validate(openpyxl.load_workbook(path, read_only=True, data_only=read_only_values))
        assert streamed.findings == [] and streamed.report == plain.report
        assert {u.rule for u in streamed.unchecked} == ({"S-01"} if read_only_values else set())


def test_an_openpyxl_workbook_is_read_as_it_holds():
    """Issue 17 item 7: validate(workbook loaded with data_only=True) saved and re-read it: the
    formulas were gone, and 55 S-01 errors said the totals had been overwritten."""
    _as_openpyxl_holds_it(EXAMPLE_XLSX)
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    before = {ws.title: len(ws._cells) for ws in wb.worksheets}
    sheet, ref = address("T3.R03.C1").split("!")
    wb[sheet][ref] = 12.5
    [f] = govreport_xl.validate(wb).findings
    assert (f.rule, f.cells, f.actual) == ("V-01", (address("T3.R03.C1"),), "12.5")
    assert {ws.title: len(ws._cells) for ws in wb.worksheets} == before  # reading added no cell


@pytest.mark.slow
def test_an_openpyxl_workbook_saved_by_libreoffice_is_read_as_it_holds(tmp_path):
    """The same for a workbook whose results a spreadsheet has calculated and saved."""
    from libreoffice import convert

    [calculated] = convert([EXAMPLE_XLSX], tmp_path / "lo")
    _as_openpyxl_holds_it(calculated)


# --- one A1 parser: a defined name that points at a range ---------------------------------------

def _repoint(code: str, target: str):
    name = code.replace(".", "_")

    def edit(part: str, data: bytes) -> bytes:
        if part != "xl/workbook.xml":
            return data
        return re.sub(rf'(<definedName name="{name}">)[^<]*(</definedName>)'.encode(), lambda m: m.group(1) + target.encode() + m.group(2), data)
    return edit


def _name_not_a_cell(path, target: str) -> list:
    result = govreport_xl.validate(path)
    [f] = result.findings
    assert f.rule == "S-01" and f.codes == ("T3.R01.C1",) and "没有指向一个单元格" in f.message("zh")
    assert "T3_R01_C1" in f.message("zh") and target in f.message("zh")
    assert result.report == example_report()
    return result.findings


@pytest.mark.parametrize("target", ["'三、依申请公开'!$D$6:$E$7", "'三、依申请公开'!$D:$D", "'三、依申请公开'!#REF!",
                                    "'三、依申请公开'!$D$6,'三、依申请公开'!$E$6"])
def test_a_name_that_is_not_one_cell(tmp_path, target):
    """Issue 17 item 9: a name pointing at a range was read as its first cell by the CLI and
    refused as missing by the add-in. It is not a cell: S-01 says what it points at, and the cell
    is read at its template position, by every reader alike."""
    path = rewrite(EXAMPLE_XLSX, tmp_path / "range.xlsx", _repoint("T3.R01.C1", target))
    findings = _name_not_a_cell(path, target)
    assert govreport_xl.validate(openpyxl.load_workbook(path)).findings == findings


@pytest.mark.slow
@pytest.mark.parametrize("target", ["'三、依申请公开'!$D$6:$E$7", "'三、依申请公开'!$D:$D"])
def test_a_name_that_is_not_one_cell_through_xlwings(tmp_path, target):
    """The same through the add-in: what an xlwings client sends for it (values recalculated by
    LibreOffice, the target as that client spells it)."""
    from libreoffice import convert
    from xlwings_payload import book

    path = rewrite(EXAMPLE_XLSX, tmp_path / "range.xlsx", _repoint("T3.R01.C1", target))
    [calculated] = convert([path], tmp_path / "lo")
    [f] = _name_not_a_cell(calculated, target)
    [g] = govreport_xl.validate(book(calculated)).findings
    assert (g.rule, g.codes) == (f.rule, f.codes) and "T3_R01_C1" in g.message("zh") and "没有指向一个单元格" in g.message("zh")


# --- cells openpyxl stops at: a finding on that cell ----------------------------------------------

def _set_cell(ref: str, xml: str):
    """Cell `ref` of 三、依申请公开 written as `xml`; s="date" is a style added to show a date."""
    def edit(part: str, data: bytes) -> bytes:
        if part == "xl/styles.xml":
            return re.sub(rb'<cellXfs count="(\d+)">(.*?)</cellXfs>', lambda m: b'<cellXfs count="%d">%s<xf numFmtId="14"/></cellXfs>'
                          % (int(m.group(1)) + 1, m.group(2)), data, flags=re.S)
        if part != "xl/worksheets/sheet3.xml":
            return data
        count = int(re.search(rb'<cellXfs count="(\d+)"', _styles).group(1))
        cell = xml.replace('s="date"', f's="{count}"')
        return re.sub(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)'.encode(), cell.encode(), data, count=1, flags=re.S)
    return edit


with zipfile.ZipFile(EXAMPLE_XLSX) as _z:
    _styles = _z.read("xl/styles.xml")


@pytest.mark.parametrize("xml, words", [
    ('<c r="D8" s="abc"><v>5</v></c>', "样式（abc）"),
    ('<c r="D8" s="9999"><v>5</v></c>', "样式（9999）"),
    ('<c r="D8" t="s"><v>abc</v></c>', "共享字符串「abc」不存在"),
    ('<c r="D8" t="s"><v>99</v></c>', "共享字符串「99」不存在"),
    ('<c r="D8" t="d"><v>2022-13-45</v></c>', "「2022-13-45」不是有效的日期"),
    ('<c r="D8" s="date"><v>1e20</v></c>', "1e20 超出了日期的范围"),
    ('<c r="D8" s="date"><v>1e300</v></c>', "1e300 超出了日期的范围"),
    ('<c r="D8" t="b"><v>yes</v></c>', "无法识别「yes」"),
    ('<c r="D8"><v>12abc</v></c>', "无法识别「12abc」"),
    ('<c r="D8" t="str"><v>' + "长" * 40000 + "</v></c>", "40000 个字符"),
])
def test_a_cell_that_cannot_be_read_is_a_finding_on_it(tmp_path, xml, words):
    """Issue 18 item 8: each of these was "内部错误" (openpyxl stops at it too)."""
    path = rewrite(EXAMPLE_XLSX, tmp_path / "bad.xlsx", _set_cell("D8", xml))
    result = govreport_xl.validate(path)
    assert result.error is None
    mine = [f for f in result.findings if f.codes == ("T3.R03.C1",)]
    assert [(f.rule, f.cells) for f in mine] == [("V-01", ("三、依申请公开!D8",))], result.findings
    assert words in mine[0].message("zh")
    assert result.report.value("T3.R03.C1") is None
    assert {f.rule for f in result.findings} == {"V-01"}  # the totals over it wait for it


def test_a_damaged_cover_cell_is_not_called_blank(tmp_path):
    def edit(part: str, data: bytes) -> bytes:
        if part != "xl/worksheets/sheet1.xml":  # 封面
            return data
        return re.sub(rb'<c r="B3".*?</c>', b'<c r="B3" t="s"><v>7</v></c>', data, count=1, flags=re.S)
    result = govreport_xl.validate(rewrite(EXAMPLE_XLSX, tmp_path / "cover.xlsx", edit))
    [f] = result.findings
    assert f.rule == "M-01" and "单元格无法读取" in f.message("zh") and "共享字符串「7」" in f.message("zh")
