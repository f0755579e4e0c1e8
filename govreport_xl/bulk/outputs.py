"""Where a run's outputs may go: never onto one of its inputs (last year's reports included),
under whatever spelling (symlinks, `..`, hard links, case on Windows), and never where a later
run with the same inputs would read them back as reports. Checked before any work starts."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .inputs import Inputs, inside, real

MESSAGES = {
    "input": ("输出「{path}」就是输入文件「{other}」：输入文件从不覆盖，请换一个输出位置",
              "the output '{path}' is the input '{other}': inputs are never overwritten; write elsewhere"),
    "read_back": ("输出「{path}」在输入「{other}」的范围内：下次运行会把它当作报告读入。请写到输入文件夹以外",
                  "the output '{path}' lies within the input '{other}': a later run would read it as a report; write it elsewhere"),
    "each_other": ("输出「{path}」会被「{other}」中的标记副本覆盖：请换一个位置", "the output '{path}' would be overwritten by a marked copy in '{other}'"),
    "loop": ("「{path}」是循环的符号链接，无法写入", "'{path}' is a symbolic link loop and cannot be written"),
}


@dataclass(frozen=True)
class Clash:
    key: str
    path: str
    other: str = ""

    def message(self, lang: str) -> str:
        zh, en = MESSAGES[self.key]
        return (zh if lang == "zh" else en).format(path=self.path, other=self.other)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if st.st_ino else None


def _loops(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


class InputIndex:
    """Every input of a run, indexed by resolved path and by file identity."""

    def __init__(self, runs: Iterable[Inputs]):
        self.runs = [r for r in runs if r is not None]
        self.paths: dict[str, Path] = {}
        self.ids: dict[tuple[int, int], Path] = {}
        for inputs in self.runs:
            for item in inputs.files:
                self.paths[os.path.normcase(real(item.path))] = item.path
                if (ident := _identity(item.path)) is not None:
                    self.ids[ident] = item.path

    def input_at(self, path: Path) -> Path | None:
        found = self.paths.get(os.path.normcase(real(path)))
        if found is None and (ident := _identity(path)) is not None:
            found = self.ids.get(ident)
        return found

    def file_clash(self, path: str | Path) -> Clash | None:
        """Why `path` may not be written as an output file of this run; None if it may."""
        path = Path(path)
        if _loops(path):
            return Clash("loop", str(path))
        if (other := self.input_at(path)) is not None:
            return Clash("input", str(path), str(other))
        for inputs in self.runs:
            if inputs.would_read(path):
                where = next((str(f) for f in inputs.folders if inside(path, f)), None) or next(iter(inputs.patterns), "")
                return Clash("read_back", str(path), where)
        return None

    def folder_clash(self, folder: str | Path, planned: Iterable[Path] = ()) -> Clash | None:
        """Why files `planned` (relative) may not be written under `folder`; None if they may."""
        folder = Path(folder)
        if _loops(folder):
            return Clash("loop", str(folder))
        for rel in planned:
            if (clash := self.file_clash(folder / rel)) is not None:
                return clash
        return None

