"""What every batch command shares: inputs expanded by the tool itself (files, folders, patterns),
notes for what was skipped, a progress bar on a terminal, and the closing list of the files that
did not pass."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator

from ..bulk.inputs import Inputs, expand
from ..core.result import Result
from ..core.safe_text import shown, terminal_line
from .render import FAIL_MARK, UI


class Console:
    """Lines for the user, each where the rule in `cli/main.py` puts it: `say` the account
    (stdout, or stderr where stdout is `data`), `data` the data, `refuse` a reason the command
    stops (stderr). While a progress bar is drawn, lines go above it."""

    def __init__(self, quiet: bool = False, data: bool = False):
        self.quiet = quiet
        self.data_out = data  # stdout carries data (--json, import without -o): the account goes to stderr
        self.bar = None

    def say(self, text: str) -> None:
        """A line of the run's account."""
        self._print(text, sys.stderr if self.data_out else sys.stdout)

    def data(self, text: str) -> None:
        self._print(text, sys.stdout)

    def refuse(self, text: str) -> None:
        self._print(text, sys.stderr)

    def _print(self, text: str, stream) -> None:
        """Text from inputs in it is escaped (no terminal control sequence gets through)."""
        text = terminal_line(text)
        if self.bar is not None and stream.isatty():
            self.bar.write(text, file=stream)
        else:
            print(text, file=stream)

    def progress(self, items: Iterable, total: int, unit: str = "份") -> Iterator:
        """A progress bar on stderr when it is a terminal, nothing when piped or --quiet."""
        if self.quiet or not sys.stderr.isatty() or total < 2:
            yield from items
            return
        from tqdm import tqdm

        with tqdm(items, total=total, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True) as bar:
            self.bar = bar
            try:
                yield from bar
            finally:
                self.bar = None


SKIPPED = {"zh": "跳过 {path}：{why}", "en": "skipped {path}: {why}"}  # why: {"zh": …, "en": …} from bulk.inputs
UNMATCHED = {"zh": "没有与之匹配的文件", "en": "no file matches it"}


def gather(names: list[str], suffixes: tuple[str, ...], console: Console, lang: str) -> Inputs:
    inputs = expand(names, suffixes)
    for path, why in inputs.skipped:
        console.say(SKIPPED[lang].format(path=shown(path), why=why[lang]))
    return inputs


def unmatched(inputs: Inputs) -> list[Result]:
    return [Result.unreadable(name, dict(UNMATCHED)) for name in inputs.unmatched]


FAILING = {"zh": "未通过或无法读取的报告（{n} 份）：", "en": "reports that did not pass or could not be read ({n}):"}
STATUS = {"zh": {"invalid": "不通过", "incomplete": "不完整", "unreadable": "无法读取"},
          "en": {"invalid": "invalid", "incomplete": "incomplete", "unreadable": "unreadable"}}


def failing_lines(failing: list[tuple[str, str]], lang: str) -> list[str]:
    if not failing:
        return []
    paren = UI[lang]["paren"]
    return [FAILING[lang].format(n=len(failing)), *(f"  {FAIL_MARK} {shown(src)}{paren.format(STATUS[lang][status])}" for src, status in failing)]
