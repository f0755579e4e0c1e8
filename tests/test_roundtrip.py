"""Round trip fill -> read -> export gives the same report, for random valid and invalid reports."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreport_xl.core.model import Report
from govreport_xl.core.standard import CELLS, INPUT_CODES, TOTAL_CODES, CellKind, Level
from govreport_xl.api import validate as validate_path
from govreport_xl.excel.filler import fill_workbook
from strategies import with_totals
import pytest

pytestmark = pytest.mark.slow  # workbooks written, read back and exported, many times

counts = st.one_of(st.none(), st.integers(0, 10), st.integers(0, 10**9))
amounts = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
)
metas = st.fixed_dictionaries({
    "name": st.one_of(st.none(), st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(str.strip)),
    "year": st.one_of(st.none(), st.integers(1990, 2100)),
    "uscc": st.one_of(st.none(), st.from_regex(r"[0-9A-HJ-NPQRTUWXY]{18}", fullmatch=True)),
    "region": st.one_of(st.none(), st.from_regex(r"[0-9]{6}", fullmatch=True)),
    "level": st.one_of(st.none(), st.sampled_from(list(Level))),
})


@st.composite
def reports(draw):
    values = {c: draw(amounts if CELLS[c].kind is CellKind.AMOUNT else counts) for c in INPUT_CODES}
    computed = with_totals({c: v or 0 for c, v in values.items()})  # the official sums, by hand; blank adds 0
    for code in TOTAL_CODES:  # each total either reconciles or is some other number (invalid)
        values[code] = draw(st.one_of(st.just(computed[code]), st.integers(0, 10**6)))
    return Report.build(draw(metas), values)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report=reports())
def test_fill_read_export_round_trip(tmp_path, report):
    path = fill_workbook(report, tmp_path / "r.xlsx")
    outcome = validate_path(path)
    assert outcome.report == report
    exported = outcome.record(with_report=True)
    assert Report.model_validate(exported["report"]) == report
    assert exported["valid"] == outcome.valid
    amount = report.value("T2.R6.C1")
    if amount is not None:
        assert isinstance(outcome.report.value("T2.R6.C1"), Decimal)
