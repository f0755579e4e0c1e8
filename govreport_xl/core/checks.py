"""How each rule checks: a registry keyed by rule id, filled by the `checks` decorator.

A check gets its rule and the context (the reading, last year's report, the narrative) and yields
findings, or `Unchecked` where an instance involves a cell the source does not have. The loop
over the catalogue is in `evaluate.py`; nothing here branches on rule ids.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from . import uscc
from .findings import Finding, Reason
from .reading import Number, Reading, spreadsheet_values
from .result import Unchecked
from .rules import RULES, RULES_MADE, CellCheck, Relation, Rule, Term, cell_checks, previous_year_relations, relations_of
from .standard import CELLS, FIRST_YEAR, FORMAT_2021, FORMAT_NAMES, FORMAT_UNKNOWN, META_FIELDS, TOTAL_CODES, cell_label

if TYPE_CHECKING:
    from .model import Report

Outcome = Finding | Unchecked
Check = Callable[[Rule, "Context"], Iterable[Outcome]]
CHECKS: dict[str, Check] = {}
_META_EN = {"name": "the reporting body's name", "year": "the report year"}


def checks(*rule_ids: str) -> Callable[[Check], Check]:
    """Register the check of one or more rules of the catalogue."""

    def register(fn: Check) -> Check:
        for rule_id in rule_ids:
            assert rule_id in RULES and rule_id not in CHECKS, rule_id
            CHECKS[rule_id] = fn
        return fn

    return register


@dataclass(frozen=True)
class NarrativeFigure:
    """A figure stated in a report's narrative, with the table values it may equal (N-01)."""

    subject: str
    subject_en: str
    stated: int
    codes: tuple[str, ...]
    accepted: tuple[tuple[str, ...], ...]  # each a set of codes whose sum may equal `stated`


@dataclass(frozen=True)
class NarrativeBalance:
    """The narrative's own account of applications (N-02): received and carried over on one
    side, handled and carried forward on the other. Reports count "received" both ways (with or
    without those carried over), so either reading balancing is enough."""

    received: int
    carried: int
    handled: int
    forward: int

    @property
    def balances(self) -> bool:
        right = self.handled + self.forward
        return right in (self.received + self.carried, self.received)


@dataclass
class Context:
    reading: Reading
    previous: Report | Reading | None = None  # last year's: a Reading knows which cells it could not read
    narrative: Sequence[NarrativeFigure | NarrativeBalance] | None = None
    today: _dt.date | None = None

    def __post_init__(self):
        self.values: dict[str, Number] = spreadsheet_values(self.reading.figures.values(), self.reading.problems.values())
        self.today = self.today or _dt.date.today()
        self.roots = wrong_roots(self.reading)
        self.last_values, self.last_unread = last_year(self.previous) if self.previous is not None else ({}, {})
        self.broken = self.reading.broken_totals

    def missing(self, rule: Rule, codes: Sequence[str], summed: Iterable[str] = ()) -> Unchecked | None:
        """The Unchecked of an instance that involves cells the source lacks or could not read
        (but those `summed`: given as a sum the instance can use); None if it has them all."""
        if gone := [c for c in codes if c in self.reading.absent]:
            return Unchecked(rule.id, tuple(codes), Reason("cells_missing", " ".join(gone)))
        if unread := [c for c in codes if c in self.reading.unread and c not in summed]:
            why = "cells_not_given" if all(self.reading.unread[c].key == "not_given" for c in unread) else "cells_unread"
            return Unchecked(rule.id, tuple(codes), Reason(why, " ".join(unread)))
        return None

    def summed(self, rel: Relation) -> dict[str, Decimal]:
        """Where a relation adds every cell of a group the source gives only as their sum (all
        on one side, as T3-03 adds R21–R23): the first cell of each such group with the sum."""
        terms = {t.code: t.sign for t in (*rel.actual, *rel.expected)}
        side = {t.code: n for n, ts in enumerate((rel.actual, rel.expected)) for t in ts}
        return {group[0]: total for group, total in self.reading.combined.items()
                if all(c in terms for c in group) and len({(terms[c], side[c]) for c in group}) == 1}

    def unchecked(self, rule: Rule, codes: Sequence[str], own: str | None = None, summed: Iterable[str] = ()) -> Unchecked | None:
        """As `missing`, and also where the figures depend on a cell filled in wrong: that cell's
        own finding says what to fix, the checks resting on it wait for it. `own` is the cell a
        V-01/V-02 check judges by itself (unless it is a total of wrong cells)."""
        if (gone := self.missing(rule, codes, summed)) is not None:
            return gone
        roots = dict.fromkeys(r for c in codes for r in self.roots.get(c, ()) if r != own or r in self.broken)
        return Unchecked(rule.id, tuple(codes), Reason("depends_on_invalid", " ".join(roots))) if roots else None


def wrong_roots(reading: Reading) -> dict[str, tuple[str, ...]]:
    """For each cell, the cells filled in wrong that its figure rests on: itself if it is one;
    for a computed total, those of the cells it adds up (a total of a wrong figure cannot be
    judged until that figure is put right), or itself alone where its formula is broken (S-01:
    one finding on that cell, the sums it feeds wait for it). TOTAL_CODES lists parts first."""
    broken = reading.broken_totals
    roots: dict[str, tuple[str, ...]] = {c: (c,) for c in reading.problems if c in CELLS}
    for code in TOTAL_CODES:
        under = (code,) if code in broken else tuple(dict.fromkeys(r for part in CELLS[code].total_of for r in roots.get(part, ())))
        if under:
            roots[code] = under
    return roots


def last_year(previous: Report | Reading) -> tuple[dict[str, Number], dict[str, Reason]]:
    """Last year's figures, and the cells among them that cannot be compared, with why. From a
    Reading: the cells it could not read or refused (and the totals resting on them); a blank
    counts 0 as it does this year. From a bare Report, where None is blank or unread alike, every
    None is left out: never a 0 for what may not have been read."""
    if isinstance(previous, Reading):
        unread = {c: Reason("previous_unread") for c in (*previous.absent, *previous.unread, *wrong_roots(previous))}
        return spreadsheet_values(previous.figures.values()), unread
    values = spreadsheet_values(previous.values())
    return values, {c: Reason("previous_blank") for c, v in values.items() if v is None}


def _num(values: Mapping[str, Number], code: str) -> Decimal:
    v = values.get(code)
    return Decimal(0) if v is None else v


def total(values: Mapping[str, Number], terms: Sequence[Term]) -> Decimal:
    return sum((t.sign * _num(values, t.code) for t in terms), Decimal(0))


def check_relation(rel: Relation, values: Mapping[str, Number]) -> Finding | None:
    actual, expected = total(values, rel.actual), total(values, rel.expected)
    if rel.holds(actual, expected):
        return None
    return Finding(rel.rule.id, rel.params, rel.codes, expected=expected, actual=actual)


@checks("T3-01", "T3-02", "T3-03", "T4-01", "P-01")
def _relations(rule: Rule, ctx: Context) -> Iterator[Outcome]:
    for rel in relations_of(rule.id):
        sums = ctx.summed(rel)  # a group given only as its sum counts, in full, in its first cell
        given = {c for group in ctx.reading.combined if group[0] in sums for c in group}
        outcome = ctx.unchecked(rule, rel.codes, summed=given) or check_relation(rel, {**ctx.values, **sums})
        if outcome is not None:
            yield outcome


def _cells(rule: Rule) -> Iterator[CellCheck]:
    return (c for c in cell_checks() if c.rule is rule)


@checks("V-01", "V-02")
def _invalid_values(rule: Rule, ctx: Context) -> Iterator[Outcome]:
    for check in _cells(rule):
        if (gone := ctx.unchecked(rule, check.codes, own=check.code)) is not None:
            yield gone
        elif (problem := ctx.reading.problems.get(check.code)) is not None:
            yield Finding(rule.id, {**check.params, "reason": problem.reason}, check.codes, actual=problem.reason.raw)


@checks("V-03")
def _blanks(rule: Rule, ctx: Context) -> Iterator[Outcome]:
    for check in _cells(rule):
        if (gone := ctx.missing(rule, check.codes)) is not None:
            yield gone
        elif check.code in ctx.broken:  # a deleted total formula is S-01's, said once
            yield Unchecked(rule.id, check.codes, Reason("depends_on_invalid", check.code))
        elif check.code not in ctx.reading.problems and ctx.reading.figures.value(check.code) is None:
            yield Finding(rule.id, check.params, check.codes, actual=None)


@checks("M-01")
def _required_meta(rule: Rule, ctx: Context) -> Iterator[Outcome]:
    for f in META_FIELDS:
        if not f.required:
            continue
        if (gone := ctx.missing(rule, (f.name,))) is not None:
            yield gone
        elif getattr(ctx.reading.figures.meta, f.key) is None:
            p = ctx.reading.problems.get(f.name)
            params = {"field": f.label, "field_en": _META_EN[f.key], "reason": p.reason if p else Reason("blank")}
            yield Finding(rule.id, params, (f.name,))


@checks("M-02")
def _year_range(rule: Rule, ctx: Context) -> Iterator[Outcome]:
    year = ctx.reading.figures.meta.year
    if year is not None and not FIRST_YEAR <= year <= ctx.today.year:
        yield Finding(rule.id, {"year": year, "this_year": ctx.today.year}, ("META_YEAR",), actual=year)


@checks("M-03")
def _uscc(rule: Rule, ctx: Context) -> Iterator[Outcome]:
    code = ctx.reading.figures.meta.uscc
    if code is not None and (bad := uscc.problem(code)):
        yield Finding(rule.id, {"uscc": code, "reason": Reason(*bad)}, ("META_USCC",), actual=code)


def _subject(codes: Sequence[str]) -> dict:
    """What an S-01 message is about: the computed total it names, if any."""
    if len(codes) != 1 or codes[0] not in CELLS:
        return {"subject": "", "subject_en": ""}
    return {"subject": f"「{cell_label(codes[0])}」", "subject_en": f"{codes[0]} ({cell_label(codes[0], 'en')}): "}


@checks("S-01")
def _structure(rule: Rule, ctx: Context) -> Iterator[Outcome]:
    for issue in ctx.reading.structure:
        params = {"reason": issue.reason, **_subject(issue.codes)}
        yield Finding(rule.id, params, issue.codes, issue.cells, actual=issue.reason.raw or None)
    for code in ctx.reading.formulas_unchecked:
        yield Unchecked(rule.id, (code,), Reason("formulas_unreadable"))


@checks("P-02")
def _rule_maker(rule: Rule, ctx: Context) -> Iterator[Outcome]:
    if (gone := ctx.unchecked(rule, (RULES_MADE,))) is not None:
        yield gone
        return
    level, made = ctx.reading.figures.meta.level, _num(ctx.values, RULES_MADE)
    if level is not None and not level.may_make_rules and made > 0:
        yield Finding(rule.id, {"level": level.value, "made": int(made)}, (RULES_MADE,), actual=made)


@checks("X-01", "X-02")
def _previous_year(rule: Rule, ctx: Context) -> Iterator[Outcome]:
    for check in previous_year_relations():
        if check.rule is not rule:
            continue
        if (gone := ctx.unchecked(rule, check.codes)) is not None:
            yield gone
            continue
        if unread := [t.code for t in check.expected_last if t.code in ctx.last_unread]:
            why = ctx.last_unread[unread[0]]
            yield Unchecked(rule.id, tuple(check.codes), Reason(why.key, " ".join(unread)))
            continue
        got = total(ctx.values, check.actual)
        want = total(ctx.values, check.expected) + total(ctx.last_values, check.expected_last)
        if got != want:
            yield Finding(rule.id, check.params, check.codes, expected=want, actual=got)


@checks("N-01")
def _narrative(rule: Rule, ctx: Context) -> Iterator[Outcome]:
    for fig in (f for f in ctx.narrative if isinstance(f, NarrativeFigure)):
        if (gone := ctx.unchecked(rule, fig.codes)) is not None:
            yield gone
            continue
        sums = [total(ctx.values, [Term(c) for c in option]) for option in fig.accepted]
        if fig.stated not in sums:
            params = {"subject": fig.subject, "subject_en": fig.subject_en, "stated": fig.stated}
            yield Finding(rule.id, params, fig.codes, expected=sums[0], actual=fig.stated)


@checks("N-02")
def _narrative_balance(rule: Rule, ctx: Context) -> Iterator[Outcome]:
    for b in (f for f in ctx.narrative if isinstance(f, NarrativeBalance)):
        if not b.balances:
            params = {"received": b.received, "carried": b.carried, "handled": b.handled, "forward": b.forward}
            yield Finding(rule.id, params, expected=Decimal(b.received + b.carried), actual=Decimal(b.handled + b.forward))


@checks("F-01")
def _format(rule: Rule, ctx: Context) -> Iterator[Outcome]:
    fmt, year = ctx.reading.format, ctx.reading.figures.meta.year
    if fmt == FORMAT_UNKNOWN:  # no tables to tell the format by: not a finding against the report
        yield Unchecked(rule.id, (), Reason("format_unknown"))
    elif fmt != FORMAT_2021 and year is not None and year >= FIRST_YEAR:
        names = FORMAT_NAMES[fmt]
        yield Finding(rule.id, {"year": year, "format": names["zh"], "format_en": names["en"]}, actual=fmt)


assert set(CHECKS) == set(RULES), set(RULES) ^ set(CHECKS)
