import json

import jsonschema
import pytest

from govreport_xl.core.model import Report, json_schema
from govreport_xl.core.standard import CELLS
from helpers import ROOT, example_report

SCHEMA = ROOT / "schema" / "report.schema.json"


def test_committed_schema_is_current():
    """Regenerate with: govreport-xl schema -o schema/report.schema.json"""
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == json_schema()


def test_schema_names_all_200_cells_with_types():
    cells = json_schema()["$defs"]["Cells"]["properties"]
    assert list(cells) == list(CELLS)
    assert cells["T3.R01.C1"]["anyOf"][0] == {"minimum": 0, "type": "integer"}
    assert "string" in json.dumps(cells["T2.R6.C1"])  # the amount travels as an exact decimal string


def test_example_json_conforms():
    data = json.loads((ROOT / "examples" / "shizuishan_2022.json").read_text(encoding="utf-8"))
    assert Report.model_validate(data) == example_report()
    jsonschema.validate(data, json_schema())


@pytest.mark.slow
def test_schema_refuses_what_the_model_refuses():
    data = json.loads((ROOT / "examples" / "shizuishan_2022.json").read_text(encoding="utf-8"))
    for bad in ({"T3.R01.C1": -1}, {"T3.R01.C1": 1.5}, {"T9.R1.C1": 1}, {"T3.R01.C1": "12"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**data, "cells": {**data["cells"], **bad}}, json_schema())
