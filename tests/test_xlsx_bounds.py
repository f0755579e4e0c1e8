"""Workbooks that once hung, exploded or ended in "内部错误" (issue 18 items 1, 2 and 8), and a
fuzzer over well-formed workbooks with hostile values and structures: each validated (and copied
with --marked) in a worker held to a time and a memory budget (tests/budget.py), never an
internal error, never past the budget."""

from __future__ import annotations

import pyexpat
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile_xlsx as H
from budget import Worker
from govreport_xl.excel.layout import address, positions
from hostile import _members, _sheet_part, _write

pytestmark = pytest.mark.slow  # each file validated in a worker process, some of them gigabyte bombs


@pytest.fixture(scope="module")
def worker():
    with Worker() as w:
        yield w


def _one(out: dict) -> dict:
    [result] = out["results"]
    return result


QUARTER_GB = 256 * 1024 * 1024  # a bomb four times the part bound is as good as a gigabyte, and quicker to make

# what each file is, and what validating it must say (an unreadable file: words of its message)
CASES = {
    "check_unclosed": (H.check_sheet_unclosed, "工作表「校验」无法读取"),
    "check_cells": (lambda f: H.check_sheet_cells(f, 2_000_000), ["S-01"]),
    "strings_unclosed": (H.strings_unclosed, "无法读取（文件损坏或不安全）：part xl/sharedStrings.xml"),
    "strings_nested": (H.strings_nested, ["M-01"]),  # openpyxl's reading of it: an empty name
    "format_brackets": (H.format_brackets, ["V-01"]),
    "shared_report": (H.shared_formulas, []),
    "shared_extra": (lambda f: H.shared_formulas(f, extra=True), []),
    "shared_tables": (H.shared_over_the_tables, ["S-01", "V-01", "V-02"]),  # every total rewritten, every figure a formula
    "dense": (lambda f: H.dense_sheet(f, 30), "more than 1000000 tags"),
    "dense_empty": (lambda f: H.dense_sheet(f, 24, empty=True), "more than 1000000 tags"),
    "mimetype": (lambda f: H.mimetype_only(f, 2 * QUARTER_GB), "不是 .xlsx 工作簿"),  # past the memory budget if read whole
    "theme_bomb": (lambda f: H.theme_bomb(f, size=QUARTER_GB), []),
    "extra_cells": (H.extra_sheet, []),
    "extra_dtd": (lambda f: H.extra_sheet(f, dtd=True), []),
    "members": (lambda f: H.many_members(f, 40_000), "部件过多"),
    "deep_cell": (H.deep_cell, ["T3-01", "V-03"]),  # an inline string with no text of its own: blank
    "huge_attribute": (H.huge_attribute, []),
    "names": (H.many_names, "more than 100000 elements"),
}


@pytest.mark.parametrize("name", CASES)
def test_small_files_that_hung_or_exploded(worker, tmp_path, name):
    make, expected = CASES[name]
    result = _one(worker.validate(make(tmp_path)))
    if isinstance(expected, str):
        assert result["error"] is not None and expected in result["error"]["zh"], result["error"]
    else:
        assert result["error"] is None and result["rules"] == expected, (result["rules"], result["messages"][:3])


def test_a_format_code_openpyxl_cannot_judge_is_a_finding_on_its_cell(worker, tmp_path):
    result = _one(worker.validate(H.format_brackets(tmp_path)))
    [message] = result["messages"]
    assert "三、依申请公开" not in message and "样式" in message and "不能确定是否为日期" in message


# --- --marked: the copy is bounded as the reader is, and its failure is not the report's ---------

MARKED = {
    "theme_bomb": (lambda f: H.theme_bomb(f, size=QUARTER_GB, fault=True), "过大或不能安全读取的部件（part xl/theme/theme1.xml: Bad CRC-32"),
    "theme_bomb_declared": (lambda f: H.theme_bomb(f, size=QUARTER_GB, declared=None, fault=True),
                            "过大或不能安全读取的部件（part xl/theme/theme1.xml declares"),
    "extra_cells": (lambda f: H.extra_sheet(f, fault=True), "工作表过大"),
    "extra_dtd": (lambda f: H.extra_sheet(f, dtd=True, fault=True), "过大或不能安全读取的部件（part xl/worksheets/junk.xml: declares a DTD）"),
    "shared_extra": (lambda f: H.shared_formulas(f, cells=5_000, extra=True, fault=True), "共享公式过多过长"),
    "format_brackets": (H.format_brackets, "有无法识别的数字格式"),
    "empty_date_cell": (H.empty_date_cell, "openpyxl 无法写出此工作簿（AttributeError"),  # found by the fuzzer below
}


@pytest.mark.parametrize("name", MARKED)
def test_marked_copies_within_the_same_bounds(worker, tmp_path, name):
    make, words = MARKED[name]
    result = _one(worker.validate(make(tmp_path), marked=tmp_path / "marked"))
    assert result["error"] is None and result["status"] == "invalid" and "V-01" in result["rules"]
    assert [line for line in result["lines"] if "未写出标记副本" in line] and words in result["lines"][0], result["lines"]
    assert not (tmp_path / "marked").exists() or not list((tmp_path / "marked").rglob("*.xlsx"))


def test_a_full_disk_loses_the_copies_not_the_reports(tmp_path):
    """150 valid reports were shown as unreadable when the marked copies could not be written."""
    path = _write(tmp_path / "broken.xlsx", H.broken(_members()))
    with Worker(fsize=40_000) as disk_full:  # the copy (about 60 KB) does not fit; nothing else is written
        result = _one(disk_full.validate(path, marked=tmp_path / "marked"))
    assert result["error"] is None and result["status"] == "invalid" and result["rules"] == ["V-01"]
    assert len(result["lines"]) == 1 and "未写出标记副本：无法写入" in result["lines"][0], result["lines"]
    assert not list((tmp_path / "marked").rglob("*.xlsx*"))  # no half copy, no temporary file left
    with Worker() as room:
        assert _one(room.validate(path, marked=tmp_path / "marked"))["lines"] == []
    assert [p.name for p in (tmp_path / "marked").rglob("*")] == ["broken.xlsx"]


# --- the fuzzer: well-formed workbooks, hostile values and structures -------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")), max_size=20)
_VALUES = st.one_of(
    _TEXT,
    st.sampled_from(["", "NaN", "inf", "-inf", "1e309", "1e-400", "9" * 5000, "-0", "1_000", " 12 ", "0x1F", "１２",
                     "2022-13-45", "2022-02-30T25:61:61", "P1Y", "PT99999999999H", "1e20", "1e300", "-1e300", "4.9e-324",
                     "#REF!", "TRUE", "1.7976931348623157e308", "2958466", "-693594", "60", "99999999999999999999"]),
    st.integers(-10 ** 30, 10 ** 30).map(str),
    st.floats(allow_nan=False).map(repr),
)
_FORMULAS = st.sampled_from([
    "", "SUM(D6:I6)", "SUM(A:XFD)", "SUM(A1:XFD1048576)", "SUM(1:1048576)", "SUM(" + "A1," * 3000 + "A1)",
    "A1+" * 2700 + "1", "'" * 500, '"' * 9000, "[" * 9000, "SUM(" * 2000, "=1", "#REF!+1", "SUM(D6:I6" + ")" * 5000,
])
_INNER = st.sampled_from([
    "", "<is><t>x</t></is>", "<is>" + "<r>" * 5000 + "<t>1</t>" + "</r>" * 5000 + "</is>",
    "<is>" + "<r><t>1</t></r>" * 20000 + "</is>", "<is><t>" + "长" * 40000 + "</t></is>", "<!-- <f>1</f> -->",
    "<![CDATA[<v>1</v>]]>", "<?pi x?>", "<x:f xmlns:x='urn:other'>1</x:f>", "<extLst><ext><f>1</f></ext></extLst>",
    "<v>1</v><v>2</v>", "<f>1</f><f>2</f>",
])


@st.composite
def hostile_cell(draw, ref: str) -> str:
    attrs = {
        "r": draw(st.sampled_from([ref, ref, None, "$" + ref, ref.lower(), "XFE1", "A1048577", "A0", "1A", ref * 3])),
        "t": draw(st.sampled_from([None, "n", "s", "str", "b", "e", "d", "inlineStr", "x", ""])),
        "s": draw(st.sampled_from([None, "0", "1", "abc", "-1", "99999", "", " 1", "1e3", "9" * 30])),
    }
    head = "<c" + "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items() if v is not None)
    body = ""
    if draw(st.booleans()):
        f_attrs = draw(st.sampled_from(["", ' t="shared" si="0" ref="A1:Z99"', ' t="shared" si="0"', ' t="shared" si="x"',
                                        ' t="array" ref="D6:D8"', ' t="dataTable" ref="A1:B2" dt2D="1"', ' t="bogus"']))
        body += f"<f{f_attrs}>{escape(draw(_FORMULAS))}</f>"
    if draw(st.booleans()):
        body += f"<v>{escape(draw(_VALUES))}</v>"
    body += draw(_INNER)
    return f"{head}>{body}</c>"


_NAME_TARGETS = st.sampled_from([
    "'三、依申请公开'!$D$6:$E$7", "#REF!", "=1", "'nosheet'!$A$1", "'三、依申请公开'!$XFD$1048576", "A1", "'三、依申请公开'!D0",
    "'三、依申请公开'!$D$6,'三、依申请公开'!$E$6", "[1]Sheet1!$A$1", "'" + "x" * 10000 + "'!A1", "'三、依申请公开'!$D:$D",
    "'三、依申请公开'!$6:$6", "OFFSET('三、依申请公开'!$D$6,0,0)",
])
_FORMATS = st.sampled_from(["yyyy-mm-dd", "[h]:mm", "[" * 255, '"' * 300, "0" * 256, "[$-F800]dddd", "@", "", ";;;", "[Red][<0]0"])


@st.composite
def hostile_workbooks(draw) -> dict[str, bytes]:
    members = _members()
    codes = draw(st.lists(st.sampled_from(sorted(positions())), min_size=1, max_size=6, unique=True))
    for code in codes:
        sheet, ref = address(code).split("!")
        part = _sheet_part(members, sheet)
        cell = draw(hostile_cell(ref)).encode()
        members[part] = re.sub(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)'.encode(), lambda m: cell, members[part], count=1, flags=re.S)
    if draw(st.booleans()):  # rows without r= (the cells keep theirs, or not)
        part = _sheet_part(members, "三、依申请公开")
        members[part] = re.sub(rb'<row r="\d+"', b"<row", members[part])
    if draw(st.booleans()):
        for code in draw(st.lists(st.sampled_from(sorted(positions())), max_size=3)):
            name = code.replace(".", "_").encode()
            target = escape(draw(_NAME_TARGETS)).encode()
            members["xl/workbook.xml"] = re.sub(rb'(<definedName name="' + name + rb'">)[^<]*', lambda m: m.group(1) + target, members["xl/workbook.xml"])
    if draw(st.booleans()):
        fmt = escape(draw(_FORMATS), {'"': "&quot;"}).encode()
        members["xl/styles.xml"] = H.with_number_format(members["xl/styles.xml"], 164, fmt)
        members["xl/styles.xml"] = members["xl/styles.xml"].replace(b'<xf numFmtId="0" fontId="0"', b'<xf numFmtId="164" fontId="0"', 1)
    if draw(st.booleans()):
        items = "".join(f"<si><t>{escape(t)}</t></si>" for t in draw(st.lists(_TEXT, max_size=3)))
        items += draw(st.sampled_from(["", "<si/>", "<si><r><t>a</t></r><rPh><t>b</t></rPh></si>", "<si><t>" + "x" * 40000 + "</t></si>"]))
        members["xl/sharedStrings.xml"] = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{items}</sst>'.encode()
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    if draw(st.booleans()):
        members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(b"<workbookPr/>", b'<workbookPr date1904="1"/>')
    return members


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                                 HealthCheck.data_too_large])
@given(members=hostile_workbooks(), marked=st.booleans())
def test_well_formed_hostile_workbooks(worker, tmp_path_factory, members, marked):
    folder = tmp_path_factory.mktemp("fuzz")
    path = _write(folder / "hostile.xlsx", members)
    with zipfile.ZipFile(path) as z:  # well-formed, every part: the hostility is in what it says
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                pyexpat.ParserCreate().Parse(z.read(name), True)
    result = _one(worker.validate(path, marked=folder / "marked" if marked else None))
    assert result["error"] is None or "无法读取" in result["error"]["zh"], result["error"]
