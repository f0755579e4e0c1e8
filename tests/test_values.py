"""The one set of value rules, cell by cell: what every source's raw content becomes (value, the
reason it is refused, and what a spreadsheet's SUM adds for it), and the small pieces beside it."""

import datetime as dt
from decimal import Decimal

import pytest

from govreport_xl.core import a1, uscc
from govreport_xl.core.cell_values import (
    float_to_decimal, is_blank, parse_amount, parse_count, parse_printed, parse_text, parse_year, printed_number,
)
from govreport_xl.core.evaluate import unknown_rules
from govreport_xl.core.findings import Finding, Reason
from govreport_xl.core.result import Result, Unchecked
from helpers import example_report


def parsed(p):
    return p.value, (p.reason.key, p.reason.raw) if p.reason else None, p.numeric


@pytest.mark.parametrize("raw, expected", [
    (None, (None, None, None)),
    ("", (None, None, None)),
    ("   ", (None, None, None)),
    ("\u3000", (None, None, None)),  # an ideographic space is blank, as in the sheet's formula
    ("\t\u00a0", (None, None, None)),
    (0, (0, None, None)),
    (12, (12, None, None)),
    (12.0, (12, None, None)),
    (Decimal("7"), (7, None, None)),
    (-3, (None, ("negative", "-3"), Decimal(-3))),
    (-0.5, (None, ("negative", "-0.5"), Decimal("-0.5"))),
    (3.5, (None, ("fraction", "3.5"), Decimal("3.5"))),
    (True, (None, ("bool", "TRUE"), None)),
    (False, (None, ("bool", "FALSE"), None)),
    ("/", (None, ("none_word", "/"), None)),
    (" 无 ", (None, ("none_word", "无"), None)),
    ("12", (None, ("numeric_text", "12"), None)),
    ("1,234", (None, ("numeric_text", "1,234"), None)),
    ("１２", (None, ("numeric_text", "１２"), None)),
    ("十二", (None, ("text", "十二"), None)),
    (dt.datetime(2022, 3, 1), (None, ("date", "2022-03-01T00:00:00"), None)),
    (dt.date(2022, 3, 1), (None, ("date", "2022-03-01"), None)),
    (object, (None, ("unreadable", str(object)), None)),
])
def test_counts(raw, expected):
    assert parsed(parse_count(raw)) == expected


def test_error_values_whatever_they_hold():
    assert parsed(parse_count("#REF!", is_error=True)) == (None, ("error", "#REF!"), None)
    assert parsed(parse_amount("#N/A", is_error=True)) == (None, ("error", "#N/A"), None)
    assert parsed(parse_count(None, is_error=True)) == (None, None, None)  # nothing there is blank


@pytest.mark.parametrize("raw, expected", [
    (8715.96, (Decimal("8715.96"), None, None)),
    (5949.088667, (Decimal("5949.088667"), None, None)),
    (0, (Decimal(0), None, None)),
    (Decimal("0.000001"), (Decimal("0.000001"), None, None)),
    (-1.5, (None, ("negative", "-1.5"), Decimal("-1.5"))),
    ("8715.96万元", (None, ("text", "8715.96万元"), None)),
])
def test_amounts(raw, expected):
    assert parsed(parse_amount(raw)) == expected


@pytest.mark.parametrize("x, text", [(0.1 + 0.2, "0.3"), (1e15 + 0.3, "1000000000000000"), (199.0, "199"), (2.50, "2.5")])
def test_a_spreadsheet_number_is_the_decimal_a_person_typed(x, text):
    assert str(float_to_decimal(x)) == text


@pytest.mark.parametrize("raw, expected", [
    ("12", (12, None, None)), ("1,234", (1234, None, None)), ("12件", (12, None, None)), ("３次", (3, None, None)),
    ("/", (0, None, None)), ("—", (0, None, None)), ("", (None, None, None)), (" ", (None, None, None)),
    ("3.5", (None, ("fraction", "3.5"), Decimal("3.5"))), ("1O", (None, ("unreadable", "1O"), None)),
    (64, (64, None, None)), (Decimal("2.0"), (2, None, None)),
])
def test_printed_counts(raw, expected):
    assert parsed(parse_printed(raw)) == expected


def test_printed_amounts_and_numbers():
    assert parsed(parse_printed("8715.96万元", kind_is_amount=True)) == (Decimal("8715.96"), None, None)
    assert parsed(parse_printed("5949.088667", kind_is_amount=True)) == (Decimal("5949.088667"), None, None)
    assert printed_number("12,345.5") == Decimal("12345.5") and printed_number("1,23") is None
    assert printed_number("12元") is None and printed_number("") is None


@pytest.mark.parametrize("raw, value, reason", [
    (2022, 2022, None), (2022.0, 2022, None), ("2022", 2022, None), ("2022年", 2022, None), (" 2022 年度 ", 2022, None),
    ("２０２２年", 2022, None), (Decimal("2022"), 2022, None), (None, None, None), ("", None, None),
    ("2022\u3000年度", 2022, None), ("20２2", 2022, None), ("\u3000", None, None), ("2022度", None, "2022度"),
    ("2022年年", None, "2022年年"), ("202", None, "202"), ("二〇二二", None, "二〇二二"),
    (2022.5, None, "2022.5"), ("去年", None, "去年"), (True, None, "True"), (float("nan"), None, "nan"),
    (float("inf"), None, "inf"),
])
def test_years(raw, value, reason):
    p = parse_year(raw)
    assert p.value == value and (p.reason.raw if p.reason else None) == reason
    assert p.reason is None or p.reason.key == "bad_year"


def test_metadata_text_and_blanks():
    assert parse_text(640200.0) == "640200" and parse_text(" 石嘴山 ") == "石嘴山" and parse_text("  ") is None
    assert parse_text(None) is None and parse_text(12.5) == "12.5"
    assert is_blank(None) and is_blank("  ") and not is_blank(0) and not is_blank("\u3000x")


@pytest.mark.parametrize("code, problem", [
    ("91350100M000100Y43", None),
    ("91350100M000100Y4", ("uscc_length", "17")),
    ("91350100M000100Y433", ("uscc_length", "19")),
    ("91350100M000100YI3", ("uscc_chars", "I")),
    ("9135010OM0S0100Y43", ("uscc_chars", "OS")),
    ("91350100M000100Y44", ("uscc_check", "3")),
    ("11100000000013127D", None),
])
def test_uscc_check_character(code, problem):
    assert uscc.problem(code) == problem


def test_a1_references():
    assert a1.column_index("A") == 1 and a1.column_index("AA") == 27 and a1.column_index("XFD") == 16384
    assert a1.split_address("'a''b'!C3") == ("a'b", 3, 3) and a1.split_address("表!J30") == ("表", 10, 30)
    assert a1.refs("$B$2:C3", "s") == [("s", 2, 2), ("s", 3, 2), ("s", 2, 3), ("s", 3, 3)]
    assert a1.refs("C3:B2", "s") == a1.refs("B2:C3", "s") and a1.refs("B", "s") is None
    assert a1.sum_cells("=SUM('x,y'!A1, B2)", "s") == [("x,y", 1, 1), ("s", 2, 2)]
    assert a1.sum_cells("=SUM(A1,A1)", "s") == [("s", 1, 1), ("s", 1, 1)]
    assert a1.sum_cells("=A1+B2", "s") is None and a1.sum_cells("=SUM(A1:B2*2)", "s") is None


def test_the_record_every_surface_renders():
    report = example_report()
    finding = Finding("T3-01", {"col_label": "自然人", "col_label_en": "natural persons", "col": "C1"}, ("T3.R01.C1",), ("表!D6",), 3, 2)
    gone = Unchecked("T4-01", ("T4.R1.C5",), Reason("cells_missing", "T4.R1.C5"), ("表!N6",))
    result = Result("r.xlsx", "workbook", report, [finding], [gone], ("T3-01",), {"X-01": Reason("no_previous")})
    result.refused = {"T3.R02.C1": "十二"}  # what the clerk typed, kept as typed
    record = result.record("en", with_report=True)
    assert record == {
        "file": "r.xlsx", "status": "invalid", "valid": False, "errors": 1, "warnings": 0,
        "report": report.to_json_dict(), "refused": {"T3.R02.C1": "十二"}, "unread": {},
        "findings": [finding.to_dict("en")],
        "not_checkable": [{"rule": "T4-01", "codes": ["T4.R1.C5"], "cells": ["表!N6"], "reason": "cells missing: T4.R1.C5"}],
        "rules": {"checked": ["T3-01"], "skipped": {"X-01": "no previous report given"}},
    }
    assert "report" not in result.record()
    bad = Result.unreadable("x.xlsx", {"zh": "文件不存在", "en": "no such file"})
    assert bad.status == "unreadable" and not bad.valid and bad.error_message() == "x.xlsx：文件不存在"
    assert bad.error_message("en") == "x.xlsx: no such file" and bad.record("en")["error"] == "no such file"
    assert bad.record(with_report=True)["report"] is None
    complete = Result("ok", report=report, unchecked=[Unchecked("S-01", ("T3.R01.C7",), Reason("formulas_unreadable"))])
    assert complete.valid and complete.status == "valid" and complete.error_message() == ""
    incomplete = Result("p", report=report, unchecked=[gone])
    assert incomplete.status == "incomplete" and not incomplete.valid and incomplete.errors == 0


def test_unknown_rule_ids():
    assert unknown_rules(["T3-01", "X-99", "t3-01"]) == ["X-99", "t3-01"] and unknown_rules([]) == []
