"""What the user named on the command line, as the sorted list of files to process.

Files, folders (searched recursively) and wildcard patterns, expanded here because cmd.exe does
not expand `*.xlsx`. Excel's `~$` lock files and hidden files are skipped with a note; a name that
matches nothing becomes an entry that will be reported unreadable, never silently dropped.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

WILDCARDS = set("*?[")


@dataclass(frozen=True)
class Input:
    path: Path
    relative: Path  # under the folder it was found in (for mirrored outputs such as --marked)
    root: Path | None = None  # the folder named on the command line it was found in; None for a file named outright


@dataclass
class Inputs:
    files: list[Input] = field(default_factory=list)
    skipped: list[tuple[Path, dict[str, str]]] = field(default_factory=list)  # (path, why in zh and en)
    unmatched: list[str] = field(default_factory=list)  # patterns that matched no file
    folders: list[Path] = field(default_factory=list)  # the folders named, searched recursively
    patterns: list[str] = field(default_factory=list)  # the wildcard patterns named
    suffixes: tuple[str, ...] = ()

    def would_read(self, path: str | Path) -> bool:
        """A later run with the same names would take `path` as an input (an output put there
        would be read back as a report)."""
        if Path(path).suffix.lower() not in self.suffixes:
            return False
        if any(inside(path, f) for f in self.folders):
            return True
        target = os.path.normcase(os.path.abspath(path))
        return any(fnmatch.fnmatch(target, os.path.normcase(os.path.abspath(p))) for p in self.patterns)

    @property
    def paths(self) -> list[Path]:
        return [i.path for i in self.files]


def real(path: str | Path) -> Path:
    """The path with symlinks and `..` resolved as far as they can be; a symlink loop is left as
    an absolute path rather than an error."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def same_file(a: str | Path, b: str | Path) -> bool:
    """One file under two spellings: symlinks, `..`, hard links, case on Windows."""
    try:
        if os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b):
            return True
    except OSError:
        pass
    return os.path.normcase(real(a)) == os.path.normcase(real(b))


def inside(path: str | Path, folder: str | Path) -> bool:
    """`path` is `folder` or somewhere under it, after both are resolved."""
    p, f = os.path.normcase(real(path)), os.path.normcase(real(folder))
    return p == f or p.startswith(f.rstrip(os.sep) + os.sep)


LOCK_FILE = {"zh": "Excel 打开文件时留下的临时锁定文件", "en": "a lock file Excel leaves while the workbook is open"}
HIDDEN = {"zh": "隐藏文件", "en": "a hidden file"}
BAD_LINK = {"zh": "符号链接无效或循环，无法打开", "en": "a broken or looping symbolic link"}
NOT_REGULAR = {"zh": "不是普通文件（命名管道、设备等），不读取", "en": "not a regular file (a pipe, a device …): not read"}


def _skip_reason(path: Path) -> dict[str, str] | None:
    if path.name.startswith("~$"):
        return LOCK_FILE
    if path.name.startswith(".") or any(part.startswith(".") for part in path.parts[:-1] if part not in (".", "..")):
        return HIDDEN
    return None


def _hidden_on_windows(path: Path) -> bool:
    attrs = getattr(os.stat(path), "st_file_attributes", 0)
    return bool(attrs & 2)  # FILE_ATTRIBUTE_HIDDEN


def _not_a_file(path: Path) -> dict[str, str] | None:
    """Why a path found in a folder is not read: a pipe, a device, a socket, a broken or looping link."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return BAD_LINK
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else NOT_REGULAR


def _walk(folder: Path) -> list[Path]:
    """Every entry under `folder` that is not a folder, without following links to folders."""
    out = []
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        out += [Path(top) / name for name in files]
        out += [Path(top) / d for d in dirs if os.path.islink(os.path.join(top, d)) and not os.path.isdir(os.path.join(top, d))]
    return sorted(out)


def expand(names: list[str], suffixes: tuple[str, ...]) -> Inputs:
    """Every file the names stand for whose suffix is one of `suffixes`, sorted by path."""
    out = Inputs(suffixes=suffixes)
    seen: set[Path] = set()

    def add(path: Path, relative: Path, explicit: bool, root: Path | None) -> None:
        key = real(path)
        if key in seen:
            return
        seen.add(key)
        if not explicit and path.suffix.lower() not in suffixes:
            return
        why = _skip_reason(relative if not explicit else Path(path.name))
        if why is None and not explicit:
            why = _not_a_file(path)  # a file named outright is refused with its reason when read
        if why is None and path.exists() and _hidden_on_windows(path):
            why = HIDDEN
        if why is not None:
            out.skipped.append((path, why))
        else:
            out.files.append(Input(path, relative, root))

    for name in names:
        path = Path(name)
        if path.is_dir():
            out.folders.append(path)
            for found in _walk(path):
                add(found, found.relative_to(path), explicit=False, root=path)
        elif WILDCARDS & set(name) and not os.path.lexists(path):
            out.patterns.append(name)
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                out.unmatched.append(name)
            for m in matches:
                if not Path(m).is_dir():
                    add(Path(m), Path(Path(m).name), explicit=False, root=None)
        else:
            add(path, Path(path.name), explicit=True, root=None)  # a file named outright is tried whatever its suffix
    out.files.sort(key=lambda i: str(i.path))
    return out


def mirrored_names(items: list[tuple[Path, Path, Path | None]]) -> list[Path]:
    """For (path, relative, root) of each input, the relative path its mirrored output takes
    (a marked copy): the input's own relative path where that is unique in the run; where two
    inputs share one (`a/x.xlsx` and `b/x.xlsx` both `x.xlsx`), it is prefixed with as many of
    the folders above as tell them apart, and numbered where even that does not. Names are
    compared as Windows compares them (case-insensitive), so that no copy overwrites another."""

    def key(p: Path) -> str:
        return str(p).casefold()

    def above(path: Path, root: Path | None) -> list[str]:
        base = real(root) if root is not None else real(path).parent
        return [p for p in reversed(base.parts) if p not in (os.sep, "/", "\\") and not p.endswith((":\\", ":/"))]

    names = [rel for _, rel, _ in items]
    for depth in range(1, 64):
        counts: dict[str, int] = {}
        for n in names:
            counts[key(n)] = counts.get(key(n), 0) + 1
        clashing = [i for i, n in enumerate(names) if counts[key(n)] > 1]
        if not clashing:
            return names
        progressed = False
        for i in clashing:
            path, rel, root = items[i]
            folders = above(path, root)
            if depth <= len(folders):
                names[i] = Path(*reversed(folders[:depth]), rel)
                progressed = True
        if not progressed:
            break
    used: set[str] = set()
    out = []
    for n in names:  # the same folders all the way up: number them
        candidate, k = n, 2
        while key(candidate) in used:
            candidate, k = n.with_name(f"{n.stem}（{k}）{n.suffix}"), k + 1
        used.add(key(candidate))
        out.append(candidate)
    return out
