"""Every rule at its boundary: reports that just pass it, and reports that fail it by the least
step (one more, one less, the first year out of range, the wrong check character …) with the
exact findings that gives — rule, cells, expected and actual — and no finding of any other rule.
The expected findings are written out by the strategies, by hand (see strategies.py)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreport_xl.core.evaluate import evaluate
from govreport_xl.core.reading import read
from govreport_xl.core.rules import RULES
from strategies import TODAY, CaseSource, cases

pytestmark = pytest.mark.slow  # many generated cases through the whole engine


def run(case):
    return evaluate(read(CaseSource(case)), previous=case.previous, narrative=case.narrative, today=TODAY)


def shape(findings) -> list[tuple]:
    return sorted(((f.rule, f.codes, f.expected, f.actual) for f in findings), key=repr)


@pytest.mark.parametrize("rule_id", list(RULES))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rule_at_its_boundary(rule_id, data):
    passing = data.draw(cases(rule_id, fail=False), label="passing")
    result = run(passing)
    assert rule_id in result.checked, result.skipped.get(rule_id)
    assert result.findings == [], [f.message() for f in result.findings]
    assert result.unchecked == []
    failing = data.draw(cases(rule_id, fail=True), label="failing")
    result = run(failing)
    assert rule_id in result.checked, result.skipped.get(rule_id)
    assert shape(result.findings) == sorted(failing.expected, key=repr)  # exactly these, nothing else
    # what rests on a wrong cell or a broken total waits for it, and nothing else is left unchecked
    assert all(u.waits_for_a_fix for u in result.unchecked)
