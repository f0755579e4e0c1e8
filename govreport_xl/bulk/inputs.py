"""What the user named on the command line, as the sorted list of files to process.

Files, folders (searched recursively) and wildcard patterns, expanded here because cmd.exe does
not expand `*.xlsx`. Excel's `~$` lock files and hidden files are skipped with a note; a name that
matches nothing becomes an entry that will be reported unreadable, never silently dropped.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

WILDCARDS = set("*?[")


@dataclass(frozen=True)
class Input:
    path: Path
    relative: Path  # under the folder it was found in (for mirrored outputs such as --marked)


@dataclass
class Inputs:
    files: list[Input] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (path, why) in zh
    unmatched: list[str] = field(default_factory=list)  # patterns that matched no file

    @property
    def paths(self) -> list[Path]:
        return [i.path for i in self.files]


def _skip_reason(path: Path) -> str | None:
    if path.name.startswith("~$"):
        return "Excel 打开文件时留下的临时锁定文件"
    if path.name.startswith(".") or any(part.startswith(".") for part in path.parts[:-1] if part not in (".", "..")):
        return "隐藏文件"
    return None


def _hidden_on_windows(path: Path) -> bool:
    attrs = getattr(os.stat(path), "st_file_attributes", 0)
    return bool(attrs & 2)  # FILE_ATTRIBUTE_HIDDEN


def expand(names: list[str], suffixes: tuple[str, ...]) -> Inputs:
    """Every file the names stand for whose suffix is one of `suffixes`, sorted by path."""
    out = Inputs()
    seen: set[Path] = set()

    def add(path: Path, relative: Path, explicit: bool) -> None:
        key = path.resolve()
        if key in seen:
            return
        seen.add(key)
        why = _skip_reason(relative if not explicit else Path(path.name))
        if why is None and path.exists() and _hidden_on_windows(path):
            why = "隐藏文件"
        if why is not None:
            out.skipped.append((path, why))
        elif explicit or path.suffix.lower() in suffixes:
            out.files.append(Input(path, relative))

    for name in names:
        path = Path(name)
        if path.is_dir():
            for found in sorted(p for p in path.rglob("*") if p.is_file()):
                add(found, found.relative_to(path), explicit=False)
        elif WILDCARDS & set(name) and not path.exists():
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                out.unmatched.append(name)
            for m in matches:
                if Path(m).is_file():
                    add(Path(m), Path(Path(m).name), explicit=False)
        else:
            add(path, Path(path.name), explicit=True)  # a file named outright is tried whatever its suffix
    out.files.sort(key=lambda i: str(i.path))
    return out
