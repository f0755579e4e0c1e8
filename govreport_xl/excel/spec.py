"""What an intact template has, as the engine judges S-01: its sheets and what identifies each
(so that a renamed sheet is still found), the versions a reader knows, and per version the
formula cells of its in-sheet checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..core.source import TemplateSpec
from ..core.standard import META_FIELDS
from .check_sheet import CHECK_FAILS, formula_cells
from .layout import KNOWN_TEMPLATE_VERSIONS, SHEET_CHECKS, SHEET_COVER, SHEET_OF_TABLE, TEMPLATE_VERSION, defined_name, sheets

SHEETS = (SHEET_COVER, *SHEET_OF_TABLE.values(), SHEET_CHECKS)

# The 2021.2 check sheet as clerks' workbooks of that version have it (templates/ at 1148ee1):
# CHECK_FAILS in E2, the 447 checks' 结果 in I5:I451, and each sheet's summary line in A2.
_FORMULAS_2021_2 = {SHEET_CHECKS: ("E2", *(f"I{r}" for r in range(5, 452))),
                    **{s: ("A2",) for s in SHEETS if s != SHEET_CHECKS}}


def _anchors() -> dict[str, str]:
    """Each sheet's identifying name: the first cell code (or cover field) on it, and CHECK_FAILS."""
    out = {SHEET_CHECKS: CHECK_FAILS}
    for layout in sheets():
        out[layout.name] = next(iter(layout.cells)) if layout.table is not None else META_FIELDS[0].name
    return out


TEMPLATE_SPEC = TemplateSpec(
    SHEETS, KNOWN_TEMPLATE_VERSIONS,
    {"2021.2": _FORMULAS_2021_2, TEMPLATE_VERSION: formula_cells()},
    _anchors(),
)
assert set(TEMPLATE_SPEC.formulas) == set(KNOWN_TEMPLATE_VERSIONS)


def locate_sheets(names: Mapping[str, str], present: Iterable[str]) -> dict[str, str]:
    """Template sheet -> the workbook's sheet its anchor name points at (renamed or not), for the
    sheets found so; `names` maps each defined name to the sheet it points at."""
    present = set(present)
    out = {}
    for sheet, anchor in TEMPLATE_SPEC.anchors.items():
        where = names.get(defined_name(anchor))
        if where in present:
            out[sheet] = where
    return out
