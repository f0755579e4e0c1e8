"""The cell-source seam: what every reader (openpyxl, xlwings, report JSON, imported text) hands
to the engine, and the one error for a file that cannot be read at all.

A source answers, by cell code (or META_* name): what the cell holds, its cached value, whether
it is a formula or an error value, and where it sits. Workbook sources add their structure:
sheet names, version stamps, and whether formulas could be read. Every rule about raw cells
(S-01, version stamps, error values, formula inputs, blank vs 0, metadata parsing) is applied by
the engine (`reading.py`), never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .findings import Reason
from .standard import META_FIELDS


class SourceError(Exception):
    """A file that cannot be read at all (exit status 2); `reason` holds zh and en text."""

    def __init__(self, path, reason: dict[str, str]):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason['en']}")

    def message(self, lang: str = "zh") -> str:
        return f"{self.path}：{self.reason['zh']}" if lang == "zh" else f"{self.path}: {self.reason['en']}"


def refuse(path, zh: str, en: str) -> SourceError:
    return SourceError(path, {"zh": zh, "en": en})


@dataclass(frozen=True)
class RawCell:
    """One cell as a source found it, before any rule looked at it."""

    value: object = None  # the constant, or the formula's cached result (None: nothing cached)
    formula: str | None = None  # the formula text ("=SUM(D6:I6)") where the cell holds one
    is_error: bool = False  # the value is an error value such as #REF!
    address: str | None = None  # "sheet!A1" where it was read
    by_position: bool = False  # found at the template position: its defined name is missing or not one cell
    printed: bool = False  # a published table's text: the text is the figure
    reason: Reason | None = None  # the value the source could not take (a number too large …): refused, a finding
    # the source has the cell but could not read it (digits run together several ways …): its
    # reader's uncertainty, not the report's error; no finding, the checks that need it are not checkable
    unread: Reason | None = None
    name_target: str | None = None  # by position because the name points at something else: "NAME（target）"


@dataclass(frozen=True)
class TemplateSpec:
    """What an intact template has: its sheets, the versions a reader knows, per version the cells
    of its in-sheet checks that must hold formulas ({version: {sheet: ("I5", …)}}), and for each
    sheet the defined name (or cell code) that identifies it when it has been renamed."""

    sheets: tuple[str, ...]
    versions: tuple[str, ...]
    formulas: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    anchors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkbookFacts:
    """The structure of a workbook source, as found (the engine compares it with the spec)."""

    spec: TemplateSpec
    sheets: tuple[str, ...]
    version_property: str | None  # the custom document property
    version_cell: str | None  # the hidden cell TEMPLATE_VERSION
    reads_formulas: bool = True  # False where the engine sees values only (xlwings remote)
    constants: tuple[str, ...] | None = None  # "sheet!A1" of the spec's formula cells that hold none; None: not looked at
    located: dict[str, str] = field(default_factory=dict)  # template sheet -> the sheet its anchor name points at
    results_may_be_missing: bool = False  # a blank may be a formula never calculated (openpyxl's data_only view)


class CellSource(Protocol):
    name: str  # the file path or book name, for messages
    kind: str  # "workbook" | "book" | "json" | "text"
    workbook: WorkbookFacts | None  # None: not a workbook (no S-01)
    format: str | None  # an imported text's format ("2021", "2019", …); None where not detected

    def cell(self, code: str) -> RawCell | None:
        """The cell of a code or META_* name; None where the source does not have it at all."""


@dataclass
class MappingSource:
    """A source over ready values: a report dict or model. Every cell is present (a code not
    given is blank), so nothing is 'not checkable' for want of a cell."""

    name: str
    values: dict[str, object]  # cell codes and META_* names -> raw value
    kind: str = "json"
    workbook: WorkbookFacts | None = None
    format: str | None = None
    absent: frozenset[str] = field(default_factory=frozenset)
    reasons: dict[str, Reason] = field(default_factory=dict)  # cells whose value could not be taken, and why
    unread: dict[str, Reason] = field(default_factory=dict)  # cells its reader could not read (no finding), and why

    def cell(self, code: str) -> RawCell | None:
        if code in self.absent:
            return None
        return RawCell(self.values.get(code), reason=self.reasons.get(code), unread=self.unread.get(code))


def meta_values(meta) -> dict[str, object]:
    """A model's metadata as the raw values of its META_* cells (the level as its text)."""
    return {f.name: getattr(v, "value", v) for f in META_FIELDS for v in [getattr(meta, f.key)]}


def report_source(report, name: str = "report") -> MappingSource:
    """A Report model as a source."""
    return MappingSource(name, {**meta_values(report.meta), **report.values()}, kind="report")
