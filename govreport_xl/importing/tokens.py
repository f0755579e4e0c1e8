"""Normalised text and the token stream the table parser reads.

Layouts differ (tabs, |, runs of spaces, a cell per line, blank lines between cells), but every
one of them is, read in order, a stream of label text and value cells. The parser works on that
stream, so it needs to know nothing about the layout.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from ..core.cell_values import NONE_WORDS, printed_number


@functools.cache
def _t2s():
    """Traditional characters, as some reports are published, to Simplified (OpenCC: the [import]
    extra, which import_report asks for first)."""
    from opencc import OpenCC

    return OpenCC("t2s")

# Lines that are page furniture, not content: "- 3 -", "第 3 页 共 9 页", "3/9", "打印本页", navigation.
_FURNITURE = re.compile(
    r"^\s*(?:[-—]\s*\d+\s*[-—]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|共\s*\d+\s*页"
    r"|打印本页|关闭窗口|【?打印】?|【?关闭】?|.*(?:当前位置|您现在的位置).*|.*\s[>›»]\s.*)\s*$"
)
_NUMBERING = re.compile(r"^(?:\d+[.、]|[(（][一二三四五六七八九十\d]+[)）])$")
_CJK = re.compile(r"[\u2e80-\u9fff]")


# Machine-converted pages sometimes keep a character's pinyin after it: 主動(dòng)公開
_PINYIN = re.compile(r"\((?=[^)]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü\s]{1,12}\)")


def normalize(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), inline pinyin readings out,
    Traditional to Simplified."""
    return _t2s().convert(_PINYIN.sub("", unicodedata.normalize("NFKC", text)))


def key(label: str) -> str:
    """A label as compared: no spaces, no punctuation (labels are broken and punctuated freely)."""
    return re.sub(r"[\W_]+", "", label)


MAX_FURNITURE = 80  # a page number or a breadcrumb trail is a short line; a page kept as one line is not

# The heading of the section after the tables (五、存在的主要问题及改进情况): where table 4 ends.
END_HEADING = re.compile(r"^五(?:.*问题|.*改进)")


def is_furniture(line: str) -> bool:
    return len(line) <= MAX_FURNITURE and bool(_FURNITURE.match(line))


class Kind(str, Enum):
    TEXT = "text"
    NUMBER = "number"  # an int, or a decimal where the cell allows one
    NONE = "none"  # "/", "-", "—", "无": the report says none
    BLANK = "blank"  # an empty cell between separators
    UNREADABLE = "unreadable"  # digits with something that is not a number


@dataclass(frozen=True)
class Token:
    kind: Kind
    raw: str
    number: Decimal | None = None

    @property
    def is_value(self) -> bool:
        return self.kind is not Kind.TEXT


def classify(cell: str) -> Token:
    s = cell.strip()
    if not s:
        return Token(Kind.BLANK, "")
    if s in NONE_WORDS:
        return Token(Kind.NONE, s, Decimal(0))
    if (number := printed_number(s)) is not None:
        return Token(Kind.NUMBER, s, number)
    if _NUMBERING.match(s) or _CJK.search(s) or not re.search(r"\d", s):
        return Token(Kind.TEXT, s)
    return Token(Kind.UNREADABLE, s)


def split_line(line: str) -> list[str]:
    """Cells of one line: by tabs or |, where the line has them, else by runs of spaces."""
    if "\t" in line:
        return line.split("\t")
    if "|" in line:
        return [c for c in line.strip().strip("|").split("|")]
    return line.split()


def tokens(lines: list[str]) -> list[Token]:
    out: list[Token] = []
    for line in lines:
        if not line.strip() or is_furniture(line):
            continue
        cells = split_line(line)
        separated = "\t" in line or "|" in line
        for cell in cells:
            # inside a tab/| row, a text cell may hold a label broken by spaces: keep it whole
            parts = [cell] if separated or not cell.strip() else cell.split()
            out.extend(classify(p) for p in parts)
    return out
