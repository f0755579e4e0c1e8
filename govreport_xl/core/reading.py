"""The engine's first step: a cell source into a Reading — the report model, the cells refused
and why, the cells the source does not have, and the workbook's structural facts.

Every rule about raw cells lives here, once, whatever the source: which values a count or an
amount cell accepts, error values, formulas in input cells and cached results, computed totals
overwritten or rewritten (S-01), the two version stamps, metadata parsing and 统一社会信用代码
normalisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from . import a1
from .cell_values import Parsed, is_blank, parse_amount, parse_count, parse_printed, parse_text, parse_year
from .findings import CellProblem, Reason
from .figures import Figures, ReportField
from .source import CellSource, RawCell, WorkbookFacts
from .standard import CELLS, META_FIELDS, TOTAL_CODES, CellKind, Level

if TYPE_CHECKING:
    from .model import Report

Number = Decimal | None


# S-01 facts about one computed total: the cell is the finding's root, the sums it feeds wait for it
BROKEN_TOTAL = ("total_overwritten", "total_formula_changed", "total_cleared", "total_not_sum")


@dataclass(frozen=True)
class StructureIssue:
    """A fact that makes a workbook not an intact template (S-01)."""

    reason: Reason
    codes: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()

    @property
    def breaks_total(self) -> bool:
        return self.reason.key in BROKEN_TOTAL


@dataclass
class Reading:
    """What the engine read of a source. `report` takes and gives the pydantic Report (built on
    first access); the engine reads `figures`, the same report without pydantic."""

    name: str
    kind: str
    report: Report = ReportField()
    problems: dict[str, CellProblem] = field(default_factory=dict)  # code or META_* name -> why refused
    absent: frozenset[str] = frozenset()  # codes the source does not have at all
    unread: dict[str, Reason] = field(default_factory=dict)  # codes the source has but could not read, and why
    # cells a source gives only as their sum (a published table printing three rows as one): members -> sum
    combined: dict[tuple[str, ...], Decimal] = field(default_factory=dict)
    structure: list[StructureIssue] = field(default_factory=list)
    addresses: dict[str, str] = field(default_factory=dict)  # code -> "sheet!A1"
    workbook: WorkbookFacts | None = None
    format: str | None = None
    formulas_unchecked: tuple[str, ...] = ()  # totals whose formula this source cannot show
    not_template: bool = False  # a workbook with none of the template's names or stamps

    def locate(self, code: str) -> str | None:
        return self.addresses.get(code)

    @property
    def broken_totals(self) -> frozenset[str]:
        """Computed totals whose formula was overwritten, changed or deleted (S-01)."""
        return frozenset(c for issue in self.structure if issue.breaks_total for c in issue.codes)


def spreadsheet_values(values: dict[str, object], problems: Iterable[CellProblem] = ()) -> dict[str, Number]:
    """What a spreadsheet would compute with: valid values, else a refused number, else None."""
    out: dict[str, Number] = {c: (None if v is None else Decimal(v)) for c, v in values.items()}
    for p in problems:
        if p.code in out and out[p.code] is None:
            out[p.code] = p.numeric
    return out


def total_value(code: str, values: dict[str, Number]) -> Decimal:
    """The value the template's formula gives a computed total, from the cells it adds up."""
    return sum((values.get(c) or Decimal(0) for c in CELLS[code].total_of), Decimal(0))


def complete_totals(values: dict[str, object], which: Iterable[str] | None = None) -> dict[str, object]:
    """Fill the computed totals in `which` (default: those that are None) from their inputs.

    TOTAL_CODES is ordered so that a total's parts come before it (T3.R24.C7 after T3.R24.C1–C6).
    """
    out = dict(values)
    numbers = spreadsheet_values(out)
    todo = set(which) if which is not None else {c for c in TOTAL_CODES if out.get(c) is None}
    for code in TOTAL_CODES:
        if code in todo:
            numbers[code] = total = total_value(code, numbers)
            out[code] = int(total) if CELLS[code].kind is CellKind.COUNT and total == int(total) else total
    return out


def _parse(raw: RawCell, kind: CellKind) -> Parsed:
    if raw.reason is not None:
        return Parsed(None, raw.reason)
    if raw.printed:
        return parse_printed(raw.value, kind is CellKind.AMOUNT)
    parse = parse_amount if kind is CellKind.AMOUNT else parse_count
    return parse(raw.value, raw.is_error)


class _Reader:
    def __init__(self, source: CellSource):
        self.source = source
        self.workbook = source.workbook
        self.reading = Reading(source.name, source.kind, Figures.of_reading({}, {}), workbook=self.workbook, format=source.format)
        self.values: dict[str, object] = {}
        self.absent: set[str] = set()
        self.named: set[str] = set()  # codes found through their defined names

    def issue(self, key: str, raw: str = "", codes=(), cells=()) -> None:
        self.reading.structure.append(StructureIssue(Reason(key, raw), tuple(codes), tuple(c for c in cells if c)))

    def refuse(self, code: str, reason: Reason, numeric: Decimal | None = None) -> None:
        self.reading.problems[code] = CellProblem(code, reason, numeric)

    def raw(self, code: str) -> RawCell | None:
        raw = self.source.cell(code)
        if raw is None:
            self.absent.add(code)
            return None
        if raw.address:
            self.reading.addresses[code] = raw.address
        if raw.by_position and self.workbook is not None:
            key, text = ("name_not_a_cell", raw.name_target) if raw.name_target else ("missing_name", code.replace(".", "_"))
            self.issue(key, text, [code] if code in CELLS else [])
        elif not raw.by_position:
            self.named.add(code)
        return raw

    # --- structure -------------------------------------------------------------------------

    def _sheet_found(self, sheet: str) -> bool:
        """A template sheet is there under its name, or renamed: found by what identifies it
        (the defined name anchored on it, as the source or the cells read through names show)."""
        wb = self.workbook
        anchor = wb.spec.anchors.get(sheet)
        return (sheet in wb.sheets or sheet in wb.located
                or (anchor in self.named and self.reading.addresses[anchor].rpartition("!")[0] in wb.sheets))

    def check_structure(self) -> None:
        """The workbook's own facts, once its cells are read (a sheet is found by its names)."""
        wb = self.workbook
        if wb is None:
            return
        found = self.reading.structure
        self.reading.structure = []
        stamps = {v for v in (wb.version_property, parse_text(wb.version_cell)) if v is not None}
        if not stamps and not self.named:  # nothing of ours at all: one finding, nothing else to check
            self.reading.not_template = True
            self.issue("not_template")
            return
        for sheet in wb.spec.sheets:
            if not self._sheet_found(sheet):
                self.issue("missing_sheet", sheet)
        if not stamps:
            self.issue("no_version")
        elif len(stamps) > 1:
            self.issue("version_mismatch", " / ".join(sorted(stamps)))
        elif (version := stamps.pop()) not in wb.spec.versions:
            self.issue("unknown_version", version)
        if wb.constants:
            shown = wb.constants[:5]
            more = f" 等 {len(wb.constants)} 个" if len(wb.constants) > len(shown) else ""
            self.issue("check_overwritten", "、".join(shown) + more, cells=wb.constants)
        self.reading.structure += found

    def _expected_parts(self, code: str) -> list[a1.Ref] | None:
        parts = [self.reading.addresses.get(p) for p in CELLS[code].total_of]
        return None if None in parts else [a1.split_address(p) for p in parts]

    def total_content(self, code: str, raw: RawCell, uncached: list[str]) -> RawCell | None:
        """A computed total: its formula must add up exactly its parts. None: computed later."""
        if raw.formula is not None:
            sheet = a1.split_address(raw.address)[0] if raw.address else ""
            expected = self._expected_parts(code)
            if expected is not None and sorted(a1.sum_cells(raw.formula, sheet, len(expected)) or []) != sorted(expected):
                self.issue("total_formula_changed", raw.formula, [code], [raw.address])
            if raw.value is None and not raw.is_error:
                uncached.append(code)  # written by a script: computed as the formula would
                return None
        elif not self.workbook.reads_formulas:
            self.reading.formulas_unchecked += (code,)
            if self.workbook.results_may_be_missing and is_blank(raw.value):
                uncached.append(code)  # maybe a formula no spreadsheet has calculated: computed as it would
                return None
        elif is_blank(raw.value):
            self.issue("total_cleared", "", [code], [raw.address])
        else:
            self.issue("total_overwritten", str(raw.value), [code], [raw.address])
        return raw

    # --- cells -----------------------------------------------------------------------------

    def accept(self, code: str, parsed: Parsed) -> None:
        self.values[code] = parsed.value
        if parsed.refused:
            self.refuse(code, parsed.reason, parsed.numeric)

    def read_cells(self) -> None:
        uncached: list[str] = []
        raws = {code: self.raw(code) for code in CELLS}  # every address known before totals are checked
        for code, cell in CELLS.items():
            raw = raws[code]
            if raw is None:
                continue
            if raw.unread is not None:  # the reader's uncertainty: no value, and no finding
                self.reading.unread[code] = raw.unread
                continue
            if cell.is_total and self.workbook is not None and raw.reason is None:  # refused: said so, nothing more
                raw = self.total_content(code, raw, uncached)
                if raw is None:
                    continue
            elif raw.formula is not None and raw.value is None and not raw.is_error and raw.reason is None:
                self.refuse(code, Reason("no_cached_value", raw.formula))
                self.values[code] = None
                continue
            self.accept(code, _parse(raw, cell.kind))
        numeric = spreadsheet_values(self.values, self.reading.problems.values())
        for code in TOTAL_CODES:  # parts before the totals that add them up
            if code in uncached:
                numeric[code] = total_value(code, numeric)
                self.accept(code, parse_count(numeric[code]))
            elif code in self.reading.formulas_unchecked and numeric.get(code) is not None:
                # formulas unseen (a live book through xlwings' remote engine): a total that is not
                # the sum of its parts can only have lost its formula, as the sheet's S-01 row says
                if (parts := total_value(code, numeric)) != numeric[code]:
                    shown = lambda d: format(d.normalize(), "f")  # noqa: E731
                    self.issue("total_not_sum", f"{shown(numeric[code])} ≠ {shown(parts)}", [code], [self.reading.addresses.get(code)])

    def read_meta(self) -> dict:
        meta: dict[str, object] = {}
        for f in META_FIELDS:
            raw = self.raw(f.name)
            value = None if raw is None else raw.value
            if raw is not None and raw.reason is not None:  # a cell the source could not read: why, not "blank"
                self.refuse(f.name, Reason("unread_field", raw.reason))
            if f.key == "year":
                parsed = parse_year(value, raw is not None and raw.is_error)
                meta["year"] = parsed.value
                if parsed.refused:
                    self.refuse(f.name, parsed.reason)
            elif f.key == "name" and raw is not None and raw.is_error:
                meta["name"] = None  # an error value names nobody
                self.refuse(f.name, Reason("meta_error", str(value)))
            elif f.key == "level":
                text = parse_text(value)
                meta["level"] = next((lv for lv in Level if lv.value == text), None)
            else:
                text = parse_text(value)
                # codes are compared upper-case: a clerk's 91350100m000100y43 is that code
                meta[f.key] = text.upper() if f.key == "uscc" and text else text
        return meta

    def read(self) -> Reading:
        meta = self.read_meta()
        self.read_cells()
        self.check_structure()
        self.reading.figures = Figures.of_reading(meta, self.values)
        self.reading.absent = frozenset(self.absent)
        self.reading.combined = {tuple(g): Decimal(v) for g, v in (getattr(self.source, "combined", None) or {}).items()}
        return self.reading


def read(source: CellSource) -> Reading:
    """A source into a Reading; never raises on content (only a source's own I/O may raise)."""
    return _Reader(source).read()
