"""Atomic output: write beside the target, then rename, so a reader never sees half a file."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

TMP_SUFFIX = ".tmp"
_TMP_NAME_BYTES = 60  # of the target's name in the temporary one: a 255-byte name still fits


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    with atomic_path(path) as tmp:
        write(tmp)
    return Path(path)


def atomic_save(workbook, path: str | Path) -> Path:
    return atomic_write(path, lambda tmp: workbook.save(tmp))


def atomic_text(path: str | Path, text: str) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def tmp_prefix(path: Path) -> str:
    """The start of the hidden temporary names beside `path` (`.NAME.` with NAME shortened)."""
    name = path.name.encode("utf-8", "surrogateescape")[:_TMP_NAME_BYTES].decode("utf-8", "ignore")
    return "." + name + "."


def _create_beside(path: Path) -> Path:
    """A new, empty, hidden file beside `path`. Created with mode 0666 so that the kernel applies
    the process's umask itself (asking for the umask means setting it, which races under threads)."""
    prefix = tmp_prefix(path)
    while True:
        tmp = path.parent / f"{prefix}{secrets.token_hex(4)}{TMP_SUFFIX}"
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666))
            return tmp
        except FileExistsError:
            continue


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to in steps; renamed onto `path` only when the
    block ends without an error, removed otherwise (an interrupted export leaves the old file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _create_beside(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def remove_leftovers(path: Path) -> None:
    """Remove the temporary files a writer killed outright left beside `path`."""
    prefix = tmp_prefix(path)
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(prefix) and entry.name.endswith(TMP_SUFFIX) and len(entry.name) == len(prefix) + 8 + len(TMP_SUFFIX):
            Path(entry.path).unlink(missing_ok=True)
