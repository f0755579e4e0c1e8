"""The report model: metadata and all 200 cells, with its JSON Schema.

Counts are `int`, the one amount is `Decimal` (serialised as an exact string). A cell is None
when it is blank or could not be read; why is told by findings, not by the model.

The engine itself holds a report as plain `Figures` (core/figures.py) and never imports this
module on a one-file `validate`: pydantic alone is a fifth of such a run. A Report is made from
the engine's figures where a caller asks for one (`result.report`, `reading.report`), without
validating again (`Report.of_reading`); its validators and serialisers are built on first use
(`defer_build`), for the JSON input, the schema and the API's own callers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from .figures import FORMAT_ID, TEXT_FIELDS, stripped
from .standard import CELLS, STANDARD_ID, CellKind, Level, cell_label

Count = Annotated[int, Field(ge=0)]
Amount = Annotated[Decimal, Field(ge=0)]


class Meta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: Optional[str] = Field(None, title="报告机关名称", description="reporting body's full name")
    year: Optional[int] = Field(None, title="报告年度", description="the year the figures cover")
    uscc: Optional[str] = Field(None, title="统一社会信用代码", description="18 characters, GB 32100-2015")
    region: Optional[str] = Field(None, title="行政区划代码", description="administrative division code")
    level: Optional[Level] = Field(None, title="机关层级", description="kind of reporting body")

    @field_validator(*TEXT_FIELDS, mode="before")
    @classmethod
    def _strip(cls, v):
        return stripped(v)


def _cell_field(cell):
    kind = Amount if cell.kind is CellKind.AMOUNT else Count
    desc = f"{cell.code}: {cell_label(cell.code)}" + ("（总计，由公式计算）" if cell.is_total else "")
    return (Optional[kind], Field(None, alias=cell.code, title=cell.code, description=desc))


Cells = create_model(
    "Cells",
    __config__=ConfigDict(extra="forbid", populate_by_name=True, frozen=True, defer_build=True),
    **{cell.name: _cell_field(cell) for cell in CELLS.values()},
)


class Report(BaseModel):
    """One annual report in the 2021 format."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        defer_build=True,
        title="政府信息公开工作年度报告",
        json_schema_extra={"description": f"A 政府信息公开工作年度报告 in the format of {STANDARD_ID}."},
    )

    format: Literal["govreport-xl/report/2021"] = FORMAT_ID
    meta: Meta = Field(default_factory=Meta)
    cells: Cells = Field(default_factory=Cells)  # type: ignore[valid-type]

    def value(self, code: str) -> int | Decimal | None:
        return getattr(self.cells, CELLS[code].name)

    def values(self) -> dict[str, int | Decimal | None]:
        return {code: self.value(code) for code in CELLS}

    @classmethod
    def build(cls, meta: Meta | dict | None = None, values: dict[str, object] | None = None) -> "Report":
        return cls.model_validate({"meta": meta or {}, "cells": values or {}})

    @classmethod
    def of_reading(cls, meta: dict[str, object], values: dict[str, object]) -> "Report":
        """A report from what the engine's reader made of a source: values already of the
        model's types (int counts and Decimal amounts, none below 0; a year as int, a level as
        Level), so built without validating them again (tests/test_model.py holds it to `build`)."""
        text = {k: stripped(v) if k in TEXT_FIELDS else v for k, v in meta.items()}
        cells = {CELLS[code].name: v for code, v in values.items()}
        return cls.model_construct(meta=Meta.model_construct(**text), cells=Cells.model_construct(**cells))

    def with_values(self, values: dict[str, object]) -> "Report":
        return Report.build(self.meta, {**self.values(), **values})

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json", by_alias=True)


def json_schema() -> dict:
    return Report.model_json_schema(by_alias=True)
