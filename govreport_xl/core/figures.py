"""A report as the engine holds it: the metadata and the 200 cells in plain Python, without pydantic.

The reader makes these and the rules read them; the pydantic `Report` (core/model.py: the public
type, its JSON Schema and validation of JSON input) is built from them only where a caller asks
for one (`figures.report`, `result.report`), so a one-file `validate` never imports pydantic.
Values are of the model's types already (int counts, Decimal amounts, an int year, a Level), and
`to_json_dict` is the model's `model_dump(mode="json", by_alias=True)` (tests/test_model.py
holds the two to each other).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, make_dataclass
from decimal import Decimal
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING

from .standard import CELLS, META_FIELDS

if TYPE_CHECKING:
    from .model import Report

FORMAT_ID = "govreport-xl/report/2021"
TEXT_FIELDS = ("name", "uscc", "region")  # kept stripped, and None for nothing


def stripped(v):
    if isinstance(v, str):
        return v.strip() or None
    return v


# name, year, uscc, region, level (standard.META_FIELDS), each None when blank or unread
MetaValues = make_dataclass("MetaValues", [(f.key, object, None) for f in META_FIELDS], frozen=True)
MetaValues.__module__ = __name__


def _json(value):
    if isinstance(value, Decimal):
        return str(value)  # exact, as pydantic writes a Decimal
    return value.value if isinstance(value, Enum) else value


@dataclass(frozen=True)
class Figures:
    """One report's metadata and cells as the engine holds them (see the module)."""

    meta: MetaValues
    cells: dict[str, int | Decimal | None]  # every code of CELLS, in its order (not to be changed)
    # the metadata keys and codes the reader gave, as the model's fields_set will say
    given: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @classmethod
    def of_reading(cls, meta: Mapping[str, object], values: Mapping[str, object]) -> "Figures":
        """From what the reader made of a source (values of the model's types: see the module)."""
        unknown = [c for c in values if c not in CELLS]
        if unknown:
            raise KeyError(unknown[0])
        text = {k: stripped(v) if k in TEXT_FIELDS else v for k, v in meta.items()}
        return cls(MetaValues(**text), {code: values.get(code) for code in CELLS}, frozenset(meta) | frozenset(values))

    @classmethod
    def of_report(cls, report: "Report") -> "Figures":
        """A pydantic Report's figures; `.report` gives back that very Report."""
        meta = {f.name: getattr(report.meta, f.name) for f in fields(MetaValues)}
        made = cls(MetaValues(**meta), report.values())
        made.__dict__["report"] = report  # what cached_property would hold
        return made

    def value(self, code: str) -> int | Decimal | None:
        return self.cells[code]

    def values(self) -> dict[str, int | Decimal | None]:
        return dict(self.cells)

    def meta_dict(self) -> dict[str, object]:
        return {f.name: getattr(self.meta, f.name) for f in fields(MetaValues)}

    def to_json_dict(self) -> dict:
        return {"format": FORMAT_ID, "meta": {k: _json(v) for k, v in self.meta_dict().items()},
                "cells": {code: _json(v) for code, v in self.cells.items()}}

    @cached_property
    def report(self) -> "Report":
        """The public pydantic Report of these figures (loads pydantic on first use)."""
        from .model import Report

        return Report.of_reading({k: v for k, v in self.meta_dict().items() if k in self.given},
                                 {c: v for c, v in self.cells.items() if c in self.given})


class ReportField:
    """A dataclass field `report` (of Result, Reading) that takes a pydantic Report or Figures and
    always gives back the pydantic Report, built on first access from `obj.figures`, which is
    what the engine reads (so that nothing on its path needs pydantic)."""

    def __get__(self, obj, owner=None):
        if obj is None:
            return None  # the field's default
        return None if obj.figures is None else obj.figures.report

    def __set__(self, obj, value) -> None:
        obj.figures = value if value is None or isinstance(value, Figures) else Figures.of_report(value)
