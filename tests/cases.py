"""Broken copies of the example: workbooks as clerks get them wrong, shared by the in-sheet check
tests and the add-in tests. Each is the example filled into the template, then edited raw."""

from __future__ import annotations

import openpyxl

from govreport_xl.excel.filler import fill_workbook
from govreport_xl.excel.layout import address
from helpers import example_report

# name -> (changes to the report before filling, raw cell contents written afterwards)
CASES = {
    "example": ({}, {}),
    "t3_01_received": ({"T3.R01.C1": 200}, {}),
    "t3_02_total_overwritten": ({}, {"T3.R05.C7": 5}),
    "t3_03_column_total_overwritten": ({}, {"T3.R24.C2": 3}),
    "t4_01_total_overwritten": ({}, {"T4.R2.C5": 2}),
    "t4_01_total_cleared": ({}, {"T4.R1.C5": None}),
    "p_01_in_force": ({"T2.R2.C1": 500, "T2.R2.C2": 0, "T2.R2.C3": 10}, {}),
    "v_01_text": ({}, {"T3.R13.C1": "七十六"}),
    "v_01_slash_and_none": ({}, {"T3.R08.C3": "/", "T4.R3.C1": "无"}),
    "v_01_negative": ({}, {"T3.R14.C1": -4}),
    "v_01_fraction": ({}, {"T4.R1.C2": 3.5}),
    "v_01_number_as_text": ({}, {"T3.R03.C1": "78"}),
    "v_01_total_as_text": ({}, {"T3.R25.C7": "/"}),
    "v_02_amount": ({}, {"T2.R6.C1": -1.5}),
    "v_02_amount_text": ({}, {"T2.R6.C1": "8715.96万元"}),
    "v_03_blanks": ({}, {"T2.R3.C1": None, "T3.R10.C4": None, "T3.R11.C2": "   "}),
    "m_01_blank_cover": ({}, {"META_NAME": None, "META_YEAR": None}),
    "m_01_year_in_words": ({}, {"META_YEAR": "去年"}),
    "m_02_year_before_2021": ({}, {"META_YEAR": 2020}),
    "m_year_typed_with_nian": ({}, {"META_YEAR": "2022年"}),
    "m_year_typed_with_a_space": ({}, {"META_YEAR": "２０２２ 年度"}),
    "m_02_year_in_the_future": ({}, {"META_YEAR": 2099}),
    "m_03_bad_check_character": ({}, {"META_USCC": "91350100M000100Y44"}),
    "p_02_county_makes_rules": ({"T2.R1.C1": 2, "T2.R1.C3": 3}, {"META_LEVEL": "县级人民政府"}),
    "v_01_too_large": ({}, {"T3.R03.C1": 10**15}),
    "v_01_fraction_in_a_count": ({}, {"T3.R06.C1": 2.5}),
    "v_03_whitespace_only": ({}, {"T3.R09.C2": "\u3000", "T4.R2.C2": "\t"}),
    "s_01_total_overwritten_same_value": ({}, {"T3.R03.C7": 78}),
    "s_01_column_total_overwritten_by_text": ({}, {"T3.R24.C1": "/"}),
    "many": ({"T3.R02.C2": 2, "T2.R1.C1": 3}, {"T3.R16.C1": "一", "T3.R19.C6": -1, "T3.R01.C7": 198, "T4.R3.C4": None}),
}


def build(tmp_path, name):
    changes, raw = CASES[name]
    path = fill_workbook(example_report().with_values(changes), tmp_path / f"{name}.xlsx")
    if raw:
        wb = openpyxl.load_workbook(path)
        for code, value in raw.items():
            sheet, ref = address(code).split("!")
            wb[sheet][ref].value = value
        wb.save(path)
    return path


