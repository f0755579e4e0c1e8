"""The report model as the reader builds it (`Report.of_reading`, without validating again) is
the model `Report.build` validates from the same values: equal, of the same types, with the same
fields set. Checked on raw cell values of every kind a source hands over (Hypothesis), on printed
cells, and on the examples; and a one-file `validate` builds no validator (it loads no more than
it uses)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreport_xl import api
from govreport_xl.core.model import Report
from govreport_xl.core.reading import read
from govreport_xl.core.source import MappingSource, RawCell
from govreport_xl.core.standard import CELLS, META_FIELDS, Level
from helpers import ROOT

CODES = list(CELLS)
BLANKS = " \t\u3000\u00a0\u2003"

raw_numbers = st.one_of(
    st.integers(-10**16, 10**16), st.decimals(allow_nan=True, allow_infinity=True), st.floats(),
    st.booleans(), st.none(), st.dates(), st.datetimes(),
)
raw_texts = st.one_of(
    st.sampled_from(["/", "无", "—", "12", " 12 ", "１２", "2.5", "-1", "1,234", "12件", "8715.96万元", "", "#REF!"]),
    st.text(alphabet=BLANKS + "0123456789.,-甲县年度", max_size=8),
)
raw_cells = st.one_of(raw_numbers, raw_texts)
meta_texts = st.one_of(st.none(), st.text(alphabet=BLANKS + "甲乙县人民政府91350100M000100Y43", max_size=12),
                       st.integers(0, 10**18), st.floats(), st.booleans())
meta_levels = st.one_of(st.none(), st.sampled_from([lv.value for lv in Level]), st.just(" 县级人民政府 "), st.text(max_size=4))
meta_years = st.one_of(st.none(), st.integers(1900, 2100), st.sampled_from(["2022年", "2023年度", " 2022 ", "２０２２", "二〇二二"]),
                       st.floats(), st.text(max_size=6))


def _meta(draw) -> dict:
    kinds = {"name": meta_texts, "uscc": meta_texts, "region": meta_texts, "level": meta_levels, "year": meta_years}
    return {f.name: draw(kinds[f.key]) for f in META_FIELDS}


@st.composite
def sources(draw):
    values = {**_meta(draw), **{code: draw(raw_cells) for code in draw(st.lists(st.sampled_from(CODES), max_size=40))}}
    printed = draw(st.booleans())  # a published table's cells: the text is the figure
    absent = frozenset(draw(st.lists(st.sampled_from(CODES), max_size=5)))

    class Source(MappingSource):
        def cell(self, code):
            raw = super().cell(code)
            return raw if raw is None or not printed or code not in CELLS else RawCell(raw.value, printed=True)

    return Source("t", values, absent=absent)


def _same(made: Report, built: Report) -> None:
    assert made == built
    assert made.model_fields_set == built.model_fields_set
    assert made.meta.model_fields_set == built.meta.model_fields_set
    assert made.cells.model_fields_set == built.cells.model_fields_set
    for f in META_FIELDS:
        assert type(getattr(made.meta, f.key)) is type(getattr(built.meta, f.key)), f.key
    for code in CELLS:
        assert type(made.value(code)) is type(built.value(code)), code
    assert made.to_json_dict() == built.to_json_dict()


@pytest.fixture
def checked(monkeypatch):
    """Every report the reader builds, checked against `Report.build` of the same values."""
    made_by_reader = Report.of_reading.__func__
    count = []

    def of_reading(cls, meta, values):
        made = made_by_reader(cls, meta, values)
        _same(made, Report.build(meta, values))
        count.append(1)
        return made

    monkeypatch.setattr(Report, "of_reading", classmethod(of_reading))
    return count


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=sources())
def test_the_reader_builds_what_validation_would(checked, source):
    before = len(checked)
    read(source)
    assert len(checked) == before + 2  # the empty report it starts from, and the report read


def test_the_examples_are_read_to_what_validation_would(checked):
    for name in ("shizuishan_2022.xlsx", "shizuishan_2022.json"):
        result = api.validate(ROOT / "examples" / name)
        assert result.report.meta.name == "石嘴山市人民政府" and result.report.meta.year == 2022
    assert len(checked) >= 4


def test_text_is_stripped_as_validation_strips_it():
    made = Report.of_reading({"name": " 甲县\u3000", "uscc": " ", "region": None, "year": 2022, "level": Level.PROVINCE}, {})
    assert made.meta.name == "甲县" and made.meta.uscc is None and made.meta.level is Level.PROVINCE
    assert made == Report.build({"name": " 甲县\u3000", "uscc": " ", "year": 2022, "level": "省级人民政府"})


def test_a_one_file_validate_loads_only_what_it_uses():
    """Behaviour, not timing: what `validate one.xlsx` leaves in sys.modules. The report model's
    validator is not built (pydantic's plugin scan and schema generation), and the importer, the
    PDF and Word readers, the exports, the server and the template writer are not loaded."""
    code = ("import sys\nfrom govreport_xl.cli import main\n"
            "status = main(['validate', sys.argv[1]])\n"
            "from govreport_xl.core.model import Cells, Report\n"
            "print(status, Report.__pydantic_complete__, Cells.__pydantic_complete__)\n"
            "print(' '.join(sorted(sys.modules)))\n")
    proc = subprocess.run([sys.executable, "-c", code, str(ROOT / "examples" / "shizuishan_2022.xlsx")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    lines = proc.stdout.splitlines()
    assert lines[-2] == "0 False False", proc.stdout + proc.stderr
    loaded = set(lines[-1].split())
    never = ["pdfplumber", "pdfminer", "docx", "lxml.html", "fastapi", "starlette", "sqlalchemy", "jinja2", "xlwings",
             "tqdm", "jsonschema", "govreport_xl.importing", "govreport_xl.render", "govreport_xl.server",
             "govreport_xl.formats.report_json", "govreport_xl.excel.template",
             "govreport_xl.excel.marked", "govreport_xl.core.docs"]
    assert [m for m in never if m in loaded or any(n.startswith(m + ".") for n in loaded)] == []
