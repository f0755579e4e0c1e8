"""Every rule at its boundary: reports that just pass it and reports that fail it by the least
step (one more, one less, the first year out of range, the wrong check character …)."""

import pytest
from hypothesis import HealthCheck, given, settings

from govreport_xl.core.evaluate import evaluate
from govreport_xl.core.reading import read
from govreport_xl.core.rules import RULES
from strategies import TODAY, CaseSource, cases

pytestmark = pytest.mark.slow  # many generated cases through the whole engine


def run(case, rule_id):
    result = evaluate(read(CaseSource(case)), previous=case.previous, narrative=case.narrative, today=TODAY)
    assert rule_id in result.checked, result.skipped.get(rule_id)
    return [f for f in result.findings if f.rule == rule_id], result


@pytest.mark.parametrize("rule_id", list(RULES))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=__import__("hypothesis").strategies.data())
def test_rule_at_its_boundary(rule_id, data):
    passing = data.draw(cases(rule_id, fail=False), label="passing")
    found, result = run(passing, rule_id)
    assert found == [], [f.message() for f in found]
    assert result.unchecked == []
    failing = data.draw(cases(rule_id, fail=True), label="failing")
    found, _ = run(failing, rule_id)
    assert found, f"{rule_id} passed a case it must fail"
