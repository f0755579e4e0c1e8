"""One pass and one fail case for every rule, generated from the catalogue, through the engine
(raw cell values in, Result out), and the registry that carries the checks."""

from decimal import Decimal

import pytest

from govreport_xl.core.checks import CHECKS
from govreport_xl.core.rules import RULES, Need, Severity, cell_checks, in_sheet_checks, relations
from govreport_xl.core.standard import CELLS, CELL_CODES, INPUT_CODES, Level
from helpers import evaluate_report, evaluate_values, example_report, example_values


def rules_of(result):
    return sorted({f.rule for f in result.findings})


def test_example_passes_every_rule():
    result = evaluate_report(example_report())
    assert result.findings == [] and result.unchecked == [] and result.valid
    assert (result.source, result.kind, result.report) == ("test", "json", example_report())


def test_catalogue_has_every_rule_of_the_standard_each_with_one_check():
    assert set(RULES) - {"F-01"} == {
        "T3-01", "T3-02", "T3-03", "T4-01", "V-01", "V-02", "V-03",
        "M-01", "M-02", "M-03", "S-01", "P-01", "P-02", "X-01", "X-02", "N-01",
    } | {"N-02"}  # N-02 is ours: the narrative's own balance, where the tables are images
    assert set(CHECKS) == set(RULES)
    for rule in RULES.values():
        for lang in ("zh", "en"):
            assert rule.summary[lang] and rule.message[lang]
        assert rule.needs and all(isinstance(n, Need) for n in rule.needs)


def test_instance_counts():
    count = {}
    for rel in relations():
        count[rel.rule.id] = count.get(rel.rule.id, 0) + 1
    assert count == {"T3-01": 7, "T3-02": 25, "T3-03": 7, "T4-01": 3, "P-01": 2}
    assert len([c for c in cell_checks() if c.rule.id == "V-01"]) == 199
    assert len([c for c in cell_checks() if c.rule.id == "V-02"]) == 1
    assert len([c for c in cell_checks() if c.rule.id == "V-03"]) == 200
    assert len(in_sheet_checks()) == 44 + 5 + 34 + 400  # relations, the cover (M-01 twice, M-02, M-03, P-02), totals, cells


def _instances():
    """Every arithmetic check, written out by hand from the official tables (not from the rule
    catalogue under test): (rule, actual side, expected side, op); P-01's expected is made − repealed."""
    t3 = lambda r, c: f"T3.{r}.C{c}" if isinstance(c, int) else f"T3.{r}.{c}"  # noqa: E731
    rows = [f"R{i:02d}" for i in range(1, 26)]
    out = [("T3-01", [t3("R24", c), t3("R25", c)], [t3("R01", c), t3("R02", c)], "=") for c in range(1, 8)]
    out += [("T3-02", [t3(r, 7)], [t3(r, c) for c in range(1, 7)], "=") for r in rows]
    out += [("T3-03", [t3("R24", c)], [t3(f"R{i:02d}", c) for i in range(3, 24)], "=") for c in range(1, 8)]
    out += [("T4-01", [f"T4.{r}.C5"], [f"T4.{r}.C{c}" for c in range(1, 5)], "=") for r in ("R1", "R2", "R3")]
    out += [("P-01", [f"T2.{r}.C3"], [f"T2.{r}.C1", f"-T2.{r}.C2"], ">=") for r in ("R1", "R2")]
    return out


@pytest.mark.parametrize("rule, actual, expected, op", _instances(), ids=lambda x: x if isinstance(x, str) and "-" in x else "")
def test_each_relation_fails_when_broken(rule, actual, expected, op):
    """Raise one cell on the 'expected' side just past what holds: this instance fails, with the
    sums worked out here, and only instances that involve that cell fail."""
    report = example_report()
    value = lambda code: -report.value(code[1:]) if code.startswith("-") else report.value(code)  # noqa: E731
    gap = sum(map(value, actual)) - sum(map(value, expected))
    assert gap == 0 if op == "=" else gap >= 0  # the example holds
    target = expected[0]
    found = evaluate_report(report.with_values({target: report.value(target) + gap + 1})).findings
    codes = {c.lstrip("-") for c in (*actual, *expected)}
    [f] = [f for f in found if f.rule == rule and set(f.codes) == codes]
    assert (f.expected, f.actual) == (sum(map(value, expected)) + gap + 1, sum(map(value, actual)))
    assert all(target in x.codes for x in found)
    assert f.cells == ()  # a dict source has no cells to name
    assert f.to_dict()["expected"] == int(f.expected)
    assert len(_instances()) == len(relations())  # every instance of the catalogue is written out above


def test_p01_fails_when_in_force_falls_short():
    report = example_report().with_values({"T2.R2.C1": 500, "T2.R2.C2": 0, "T2.R2.C3": 10})
    [f] = evaluate_report(report).findings
    assert (f.rule, f.severity, f.expected, f.actual) == ("P-01", Severity.WARNING, 500, 10)


@pytest.mark.parametrize("code", ["T3.R05.C3", "T2.R1.C1", "T4.R2.C4"])
def test_v01_and_v03(code):
    values = example_values() | {code: None}
    findings = [f for f in evaluate_values(values).findings if f.rule.startswith("V")]
    assert [(f.rule, f.codes) for f in findings] == [("V-03", (code,))]
    result = evaluate_values(values | {code: -3})
    assert ("V-01", (code,)) in [(f.rule, f.codes) for f in result.findings]
    assert "V-03" not in rules_of(result)
    assert "是负数 -3" in next(f for f in result.findings if f.rule == "V-01").message("zh")


def test_v02_amount():
    assert rules_of(evaluate_values(example_values() | {"T2.R6.C1": "约8千"})) == ["V-02"]


@pytest.mark.parametrize("wrong", [2.5, -78, "七十八", "/"])
def test_a_wrong_cell_is_one_finding_and_the_checks_resting_on_it_wait(wrong):
    result = evaluate_values(example_values() | {"T3.R03.C1": wrong})
    assert [(f.rule, f.codes) for f in result.findings] == [("V-01", ("T3.R03.C1",))]
    waiting = {(u.rule, u.codes) for u in result.unchecked}
    assert all(u.reason.key == "depends_on_invalid" and u.reason.raw == "T3.R03.C1" for u in result.unchecked)
    # the row and column totals built on it, and every sum those totals enter, wait for it
    assert {("V-01", ("T3.R03.C7",)), ("V-01", ("T3.R24.C1",)), ("V-01", ("T3.R24.C7",))} <= waiting
    assert {u.rule for u in result.unchecked} == {"V-01", "T3-01", "T3-02", "T3-03"}
    assert ("T3-02", ("T3.R03.C1", "T3.R03.C2", "T3.R03.C3", "T3.R03.C4", "T3.R03.C5", "T3.R03.C6", "T3.R03.C7")) in waiting
    assert not any("R05" in c for _, codes in waiting for c in codes[:1] if _ == "T3-02")  # other rows are checked
    assert result.complete  # it can all be checked once the cell is fixed: not a missing part


def test_cells_a_source_lacks_are_not_checkable_never_blank_or_zero():
    """A published text with table 4 gone: its checks are listed, not passed and not failed."""
    t4 = [c for c in CELLS if c.startswith("T4")]
    result = evaluate_values({k: v for k, v in example_values().items() if k not in t4}, absent=t4)
    assert result.findings == []
    assert {u.rule for u in result.unchecked} == {"T4-01", "V-01", "V-03"}
    assert len(result.unchecked) == 3 + 15 + 15
    assert not result.complete and not result.valid and result.status == "incomplete"
    assert all(set(u.reason.raw.split()) <= set(t4) for u in result.unchecked)


@pytest.mark.parametrize("meta, rule", [
    ({"META_NAME": None}, "M-01"), ({"META_YEAR": None}, "M-01"), ({"META_YEAR": "二〇二二"}, "M-01"),
    ({"META_YEAR": 2020}, "M-02"), ({"META_YEAR": 2027}, "M-02"),
    ({"META_USCC": "91350100M000100Y44"}, "M-03"), ({"META_USCC": "9135"}, "M-03"), ({"META_USCC": "91350100M000100YI3"}, "M-03"),
])
def test_metadata_rules(meta, rule):
    result = evaluate_values(example_values() | meta)
    assert rules_of(result) == [rule]
    if meta.get("META_YEAR") == "二〇二二":
        assert result.findings[0].message() == "未填写报告年度（「二〇二二」不是年份，请填 4 位数字，如 2022）：请在「封面」填写"


@pytest.mark.parametrize("meta", [
    {"META_USCC": "91350100M000100Y43", "META_YEAR": 2026}, {"META_USCC": "91350100m000100y43"},
    {"META_YEAR": "2022年"}, {"META_YEAR": "2022 年度"}, {"META_YEAR": 2021}, {"META_YEAR": Decimal("2022")},
])
def test_metadata_that_passes_whatever_the_source_wrote(meta):
    """The same normalisation for every source: a lower-case code, a year written with 年."""
    result = evaluate_values(example_values() | meta)
    assert result.findings == [], [f.message() for f in result.findings]


def test_p02_rule_making_by_a_county():
    values = example_values() | {"T2.R1.C1": 1, "T2.R1.C3": 2}
    assert rules_of(evaluate_values(values | {"META_LEVEL": Level.COUNTY.value})) == ["P-02"]
    assert evaluate_values(values).findings == []  # a 设区的市 may make 规章
    assert evaluate_values(values | {"META_LEVEL": Level.COUNTY.value, "T2.R1.C1": 0}).findings == []


def test_previous_year_rules():
    this = example_report()
    last = this.with_values({"T3.R25.C1": 3, "T3.R25.C2": 1, "T3.R25.C7": 4, "T2.R1.C3": 1, "T2.R2.C3": 461})
    assert evaluate_report(this, previous=last).findings == []
    last = last.with_values({"T3.R25.C1": 5, "T2.R2.C3": 400})
    found = evaluate_report(this, previous=last).findings
    assert [(f.rule, f.params.get("col") or f.params.get("row")) for f in found] == [("X-01", "C1"), ("X-02", "R2")]
    assert all(Need.PREVIOUS in RULES[f.rule].needs for f in found)


def test_rules_out_of_scope_say_why_and_selection_is_honoured():
    result = evaluate_report(example_report())
    assert result.skipped["X-01"].key == "no_previous" and result.skipped["S-01"].key == "not_a_workbook"
    assert "T3-01" in result.checked
    values = example_values() | {"T3.R01.C1": 200, "T2.R6.C1": -1}
    assert rules_of(evaluate_values(values, rules=["V-02"])) == ["V-02"]
    assert rules_of(evaluate_values(values, skip=["V-02"])) == ["T3-01", "T3-02"]  # the stated total stays 199
    assert evaluate_values(values, skip=["V-02"]).skipped["V-02"].key == "not_selected"


def test_every_cell_has_a_check_and_totals_are_defined():
    assert set(CELL_CODES) == {c.code for c in cell_checks()}
    for code, cell in CELLS.items():
        assert all(part in CELLS for part in cell.total_of)
    assert len(INPUT_CODES) == 200 - 34
