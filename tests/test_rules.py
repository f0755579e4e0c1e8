"""One pass and one fail case for every rule, generated from the catalogue."""

import datetime as dt
from decimal import Decimal

import pytest

from govreport_xl.evaluate import evaluate
from govreport_xl.findings import CellProblem, Reason
from govreport_xl.rules import RULES, Scope, Severity, cell_checks, in_sheet_checks, relations
from govreport_xl.standard import CELLS, CELL_CODES, INPUT_CODES, Level
from helpers import example_report

TODAY = dt.date(2026, 11, 26)


def rules_of(findings):
    return sorted({f.rule for f in findings})


def test_example_passes_every_rule():
    assert evaluate(example_report(), today=TODAY) == []


def test_catalogue_has_every_rule_of_the_standard():
    assert set(RULES) - {"F-01"} == {
        "T3-01", "T3-02", "T3-03", "T4-01", "V-01", "V-02", "V-03",
        "M-01", "M-02", "M-03", "S-01", "P-01", "P-02", "X-01", "X-02", "N-01",
    }
    for rule in RULES.values():
        for lang in ("zh", "en"):
            assert rule.summary[lang] and rule.message[lang]


def test_instance_counts():
    count = {}
    for rel in relations():
        count[rel.rule.id] = count.get(rel.rule.id, 0) + 1
    assert count == {"T3-01": 7, "T3-02": 25, "T3-03": 7, "T4-01": 3, "P-01": 2}
    assert len([c for c in cell_checks() if c.rule.id == "V-01"]) == 199
    assert len([c for c in cell_checks() if c.rule.id == "V-02"]) == 1
    assert len([c for c in cell_checks() if c.rule.id == "V-03"]) == 200
    assert len(in_sheet_checks()) == 44 + 400


@pytest.mark.parametrize("rel", relations(), ids=lambda r: f"{r.rule.id}-{r.key}")
def test_each_relation_fails_when_broken(rel):
    """Raise one cell on the 'expected' side just past what holds: this instance fails, and only
    instances that involve that cell."""
    report = example_report()
    side = lambda terms: sum(t.sign * report.value(t.code) for t in terms)  # noqa: E731
    gap = side(rel.actual) - side(rel.expected)
    assert gap == 0 if rel.op == "=" else gap >= 0
    target = next(t.code for t in rel.expected if t.sign > 0)
    broken = report.with_values({target: report.value(target) + gap + 1})
    findings = evaluate(broken, today=TODAY)
    [f] = [f for f in findings if f.rule == rel.rule.id and f.codes == rel.codes]
    assert f.expected - f.actual == 1
    assert all(target in x.codes for x in findings)
    assert f.cells == ()  # located only by an adapter
    assert f.to_dict()["expected"] == int(f.expected)


def test_p01_fails_when_in_force_falls_short():
    report = example_report().with_values({"T2.R2.C1": 500, "T2.R2.C2": 0, "T2.R2.C3": 10})
    [f] = evaluate(report, today=TODAY)
    assert (f.rule, f.severity, f.expected, f.actual) == ("P-01", Severity.WARNING, 500, 10)


@pytest.mark.parametrize("code", ["T3.R05.C3", "T2.R1.C1", "T4.R2.C4"])
def test_v01_and_v03(code):
    report = example_report().with_values({code: None})
    findings = [f for f in evaluate(report, today=TODAY) if f.rule.startswith("V")]
    assert [(f.rule, f.codes) for f in findings] == [("V-03", (code,))]
    problem = CellProblem(code, Reason("negative", "-3"), Decimal(-3))
    findings = evaluate(report, [problem], today=TODAY)
    assert ("V-01", (code,)) in [(f.rule, f.codes) for f in findings]
    assert "V-03" not in rules_of(findings)
    assert "是负数 -3" in next(f for f in findings if f.rule == "V-01").message("zh")


def test_v02_amount():
    report = example_report().with_values({"T2.R6.C1": None})
    findings = evaluate(report, [CellProblem("T2.R6.C1", Reason("text", "约8千"))], today=TODAY)
    assert rules_of(findings) == ["V-02"]


def test_negative_counts_add_into_sums_like_a_spreadsheet():
    report = example_report().with_values({"T3.R03.C1": None})
    problem = CellProblem("T3.R03.C1", Reason("negative", "-78"), Decimal(-78))
    findings = evaluate(report, [problem], today=TODAY)
    t303 = next(f for f in findings if f.rule == "T3-03" and f.codes[0].endswith("C1"))
    assert t303.expected == 186 - 78 - 78


def test_missing_cells_are_not_reported_as_blank():
    report = example_report().with_values({"T4.R1.C1": None})
    findings = evaluate(report, [CellProblem("T4.R1.C1", Reason("unreadable"), missing=True)], today=TODAY)
    assert rules_of(findings) == []


@pytest.mark.parametrize("meta, rule", [
    ({"name": None}, "M-01"), ({"year": None}, "M-01"), ({"year": 2020}, "M-02"), ({"year": 2027}, "M-02"),
    ({"uscc": "91350100M000100Y44"}, "M-03"), ({"uscc": "9135"}, "M-03"), ({"uscc": "91350100M000100YI3"}, "M-03"),
])
def test_metadata_rules(meta, rule):
    base = example_report()
    report = base.model_copy(update={"meta": base.meta.model_copy(update=meta)})
    assert rules_of(evaluate(report, today=TODAY)) == [rule]


def test_valid_uscc_and_current_year_pass():
    base = example_report()
    report = base.model_copy(update={"meta": base.meta.model_copy(update={"uscc": "91350100M000100Y43", "year": 2026})})
    assert evaluate(report, today=TODAY) == []


def test_p02_rule_making_by_a_county():
    base = example_report().with_values({"T2.R1.C1": 1, "T2.R1.C3": 2})
    county = base.model_copy(update={"meta": base.meta.model_copy(update={"level": Level.COUNTY})})
    assert rules_of(evaluate(county, today=TODAY)) == ["P-02"]
    assert evaluate(base, today=TODAY) == []  # a 设区的市 may make 规章


def test_previous_year_rules():
    this = example_report()
    last = this.with_values({"T3.R25.C1": 3, "T3.R25.C2": 1, "T3.R25.C7": 4, "T2.R1.C3": 1, "T2.R2.C3": 461})
    assert evaluate(this, previous=last, today=TODAY) == []
    last = last.with_values({"T3.R25.C1": 5, "T2.R2.C3": 400})
    found = evaluate(this, previous=last, today=TODAY)
    assert [(f.rule, f.params.get("col") or f.params.get("row")) for f in found] == [("X-01", "C1"), ("X-02", "R2")]
    assert all(RULES[f.rule].scope is Scope.PREVIOUS for f in found)


def test_every_cell_has_a_check_and_totals_are_defined():
    assert set(CELL_CODES) == {c.code for c in cell_checks()}
    for code, cell in CELLS.items():
        assert all(part in CELLS for part in cell.total_of)
    assert len(INPUT_CODES) == 200 - 34
