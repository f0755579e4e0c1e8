"""The report as the reader builds it (the plain `Figures`, and the pydantic `Report` made from
it without validating again) is the model `Report.build` validates from the same values: equal,
of the same types, with the same fields set, and the same JSON to the byte. Checked on raw cell
values of every kind a source hands over (Hypothesis), on printed cells, on typed values of the
whole space the model allows, and on the examples; and a one-file `validate` loads neither
pydantic nor the model (it loads no more than it uses)."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreport_xl import api
from govreport_xl.core.figures import Figures
from govreport_xl.core.model import Report
from govreport_xl.core.reading import read
from govreport_xl.core.result import Result
from govreport_xl.core.source import MappingSource, RawCell
from govreport_xl.core.standard import CELLS, META_FIELDS, CellKind, Level
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


def _same_figures(figures: Figures, built: Report) -> None:
    """The engine's plain report against the model: values of the same types, the same JSON
    (keys in the same order), and the model it gives is the model validation gives."""
    assert figures.values() == built.values()
    for code in CELLS:
        assert type(figures.value(code)) is type(built.value(code)), code
    for f in META_FIELDS:
        assert getattr(figures.meta, f.key) == getattr(built.meta, f.key), f.key
        assert type(getattr(figures.meta, f.key)) is type(getattr(built.meta, f.key)), f.key
    as_json = lambda d: json.dumps(d, ensure_ascii=False)  # noqa: E731
    assert as_json(figures.to_json_dict()) == as_json(built.model_dump(mode="json", by_alias=True))
    _same(figures.report, built)


@pytest.fixture
def checked(monkeypatch):
    """Every report the reader builds, checked against `Report.build` of the same values."""
    made_by_reader = Figures.of_reading.__func__
    count = []

    def of_reading(cls, meta, values):
        made = made_by_reader(cls, meta, values)
        _same_figures(made, Report.build(meta, values))
        count.append(1)
        return made

    monkeypatch.setattr(Figures, "of_reading", classmethod(of_reading))
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


def _typed(cell):
    if cell.kind is CellKind.AMOUNT:
        return st.one_of(st.none(), st.decimals(min_value=0, allow_nan=False, allow_infinity=False),
                         st.integers(0, 10**20).map(Decimal), st.sampled_from([Decimal("0.10"), Decimal("1E+3"), Decimal("-0")]))
    return st.one_of(st.none(), st.integers(0, 10**18))


meta_text = st.one_of(st.none(), st.text(alphabet=BLANKS + "甲县人民政府91350100M000100Y43", max_size=12))
typed_meta = st.fixed_dictionaries({}, optional={"name": meta_text, "uscc": meta_text, "region": meta_text,
                                                 "year": st.one_of(st.none(), st.integers(1900, 2100)),
                                                 "level": st.one_of(st.none(), st.sampled_from(list(Level)))})


@settings(max_examples=300, deadline=None)
@given(meta=typed_meta, values=st.dictionaries(st.sampled_from(CODES), st.none(), max_size=60).flatmap(
    lambda d: st.fixed_dictionaries({code: _typed(CELLS[code]) for code in d})))
def test_the_plain_report_is_the_model_to_the_byte(meta, values):
    """Differential, over the space the model allows: whatever the engine holds (Figures), its
    JSON is the model's, byte for byte, and the Report a Result gives is the one validated."""
    built = Report.build(meta, values)
    figures = Figures.of_reading(meta, values)
    _same_figures(figures, built)
    again = Figures.of_report(built)  # a Report given to the engine: the same figures, that very Report back
    assert again == figures and again.report is built
    result = pickle.loads(pickle.dumps(Result("r", "report", figures)))  # as a worker process sends it back
    assert result.figures == figures and result.report == built
    assert result.record(with_report=True)["report"] == built.to_json_dict()


def test_a_result_takes_a_report_and_gives_it_back():
    built = Report.build({"name": "甲县", "year": 2022}, {"T2.R1.C1": 3})
    result = Result("r", report=built)
    assert result.report is built and result.figures.value("T2.R1.C1") == 3 and result.figures.meta.name == "甲县"
    result.report = None
    assert result.report is None and result.figures is None and Result("r").report is None


def test_text_is_stripped_as_validation_strips_it():
    made = Report.of_reading({"name": " 甲县\u3000", "uscc": " ", "region": None, "year": 2022, "level": Level.PROVINCE}, {})
    assert made.meta.name == "甲县" and made.meta.uscc is None and made.meta.level is Level.PROVINCE
    assert made == Report.build({"name": " 甲县\u3000", "uscc": " ", "year": 2022, "level": "省级人民政府"})


def test_a_one_file_validate_loads_only_what_it_uses():
    """Behaviour, not timing: what `validate one.xlsx` leaves in sys.modules. Neither pydantic
    nor the report model is loaded (the engine holds the report as plain Figures), and the
    importer, the PDF and Word readers, the exports, the server and the template writer are not."""
    code = ("import sys\nfrom govreport_xl.cli import main\n"
            "status = main(['validate', sys.argv[1]])\n"
            "print(status)\n"
            "print(' '.join(sorted(sys.modules)))\n")
    proc = subprocess.run([sys.executable, "-c", code, str(ROOT / "examples" / "shizuishan_2022.xlsx")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    lines = proc.stdout.splitlines()
    assert lines[-2] == "0", proc.stdout + proc.stderr
    loaded = set(lines[-1].split())
    never = ["pydantic", "pydantic_core", "govreport_xl.core.model",
             "pdfplumber", "pdfminer", "docx", "lxml.html", "fastapi", "starlette", "sqlalchemy", "jinja2", "xlwings",
             "tqdm", "jsonschema", "govreport_xl.importing", "govreport_xl.render", "govreport_xl.server",
             "govreport_xl.formats.report_json", "govreport_xl.excel.template",
             "govreport_xl.excel.marked", "govreport_xl.core.docs"]
    assert [m for m in never if m in loaded or any(n.startswith(m + ".") for n in loaded)] == []


def test_the_version_is_said_without_loading_the_commands():
    """`govreport-xl --version` says what the parser's --version says, and loads neither the
    commands nor openpyxl to say it (the console script and `python -m` run the same `run`)."""
    quick = ("import sys\nsys.argv = ['govreport-xl', '--version']\nfrom govreport_xl.__main__ import run\nrun()\n"
             "print(' '.join(sorted(sys.modules)))\n")
    proc = subprocess.run([sys.executable, "-c", quick], capture_output=True, text=True, cwd=ROOT, timeout=60)
    said, loaded = proc.stdout.splitlines()
    parser = subprocess.run([sys.executable, "-c", "from govreport_xl.cli import main; main(['--version'])"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert said == parser.stdout.strip() and parser.returncode == proc.returncode == 0, proc.stderr + parser.stderr
    assert [m for m in loaded.split() if m.startswith(("openpyxl", "pydantic", "govreport_xl.cli"))] == []
    module = subprocess.run([sys.executable, "-m", "govreport_xl", "--version"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert module.stdout == parser.stdout
