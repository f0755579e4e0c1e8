"""Which official label a printed one is, and where a table really starts.

Printed labels vary: numbering as 「1.」「1、」「（1）」 or none, words left out ("规范性文件"), typos
("2.其他法律行政止公开"). A printed label is taken for a row only where it is closer (by edit
distance, over the label as compared by `key`) to that row's label than to any other label of
the table, and close enough; the caller says in a note which printed label it took for which row.

A table heading is known by what follows it: a page's preamble may name every section
("本报告包括总体情况、主动公开政府信息情况、…"), a table of contents may list the headings; the
heading that is the table's is the one followed by the table's own labels in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

from ..core.standard import T4, Table
from .tokens import key

_NUMBERING = re.compile(r"[一二三四五六七八九十]+|\d+")


def distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of a and b; anything above `limit` is reported as limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def tails(printed_key: str, boundaries: Iterable[str]) -> list[str]:
    """The printed text from each place a label may start: the beginning, after a group label or
    a header word it contains, and at each numbering ("1", "三")."""
    starts = {0}
    for word in boundaries:
        starts |= {m.end() for m in re.finditer(re.escape(word), printed_key)}
    starts |= {m.start() for m in _NUMBERING.finditer(printed_key)}
    return [printed_key[s:] for s in sorted(starts) if s < len(printed_key)]


_DIGIT_WORDS = "一二三四五六七八九"


def _number(numbering: str) -> int | None:
    """「6」 and 「六」 as 6, 「十二」 as 12; None for what reads as no number (「一一」)."""
    if numbering.isdigit():
        return int(numbering)
    if "十" not in numbering:
        return _DIGIT_WORDS.index(numbering) + 1 if len(numbering) == 1 else None
    tens, _, ones = numbering.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_DIGIT_WORDS.index(tens) + 1 if tens else 1) * 10 + (_DIGIT_WORDS.index(ones) + 1 if ones else 0)


def _numbered_alike(tail: str, label_key: str) -> bool:
    """Whether a printed text may be a label by its numbering: a text numbered otherwise than
    the label is another row or group (「（六）其他」 is no 「3.其他」, though the numbering is all
    that differs), whatever else it shares with it."""
    a, b = _NUMBERING.match(tail), _NUMBERING.match(label_key)
    return a is None or b is None or _number(a.group()) == _number(b.group())


def closest(printed: str, labels: Sequence[tuple[object, Sequence[str]]], boundaries: Iterable[str] = ()) -> object | None:
    """The one of `labels` ((what, its keys)) the printed text names, by a distance no other
    label shares; None where none is close enough or two are as close. A key numbered is named
    only by a text numbered alike (or not numbered)."""
    candidates = tails(key(printed), boundaries)
    if not candidates:
        return None
    limits = [max(1, max(len(k) for k in keys) // 3) for _, keys in labels]  # a third of the label may differ
    cap = max(limits, default=0) + 1  # every label's distance counted up to where none could be taken
    scored = sorted(((min((distance(t, k, cap) for t in candidates for k in keys if _numbered_alike(t, k)), default=cap), limit, what)
                     for (what, keys), limit in zip(labels, limits)), key=lambda s: s[0])
    if not scored or scored[0][0] > scored[0][1]:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][2]


@cache
def structure(table: Table) -> tuple[str, ...]:
    """What follows a table's heading, in order, as keys: its column header words and row labels."""
    words: list[str] = []
    for block in table.blocks:  # table 4 prints its rows as the header over its one row of figures
        words += [] if table is T4 else [block.columns[0].label]
        for row in block.rows:
            words += [*(row.group if table is T4 else ()), row.label]
        words += [c.label for c in block.columns] if table is T4 else []
    return tuple(dict.fromkeys(k for w in words if len(k := key(w)) >= 2))


def in_order(text_key: str, words: Sequence[str]) -> int:
    """How many of `words` the keyed text has, each after the one before."""
    n, pos = 0, 0
    for w in words:
        at = text_key.find(w, pos)
        if at >= 0:
            n, pos = n + 1, at + len(w)
    return n


def best_heading(spans: Sequence[tuple[int, str]], table: Table, least: int = 2) -> int | None:
    """Of the places a table's heading is printed ((where, the keyed text that follows it up to
    the heading's next appearance)), the one the table's own labels follow best; None where
    none is followed by `least` of them."""
    words = structure(table)
    scored = [(in_order(after, words), -n, where) for n, (where, after) in enumerate(spans)]
    if not scored:
        return None
    score, _, where = max(scored)
    return where if score >= least else None
