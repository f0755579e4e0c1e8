"""Uploaded files, stored once by content: files/<2 hex digits>/<sha256>. Names come from the hash
alone, so nothing a sender chose ever becomes a path. A file is durable (written, synced, renamed,
its folder synced) before its record is committed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

_HEX = re.compile(r"^[0-9a-f]{64}$")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


class FileStore:
    def __init__(self, data_dir: Path):
        self.root = Path(data_dir) / "files"
        self.tmp = Path(data_dir) / "tmp"

    def path(self, sha256: str) -> Path:
        if not _HEX.match(sha256):
            raise ValueError("not a sha256")
        return self.root / sha256[:2] / f"{sha256}.xlsx"  # every stored file is a workbook (uploads, marked copies)

    def put(self, source: Path, move: bool = True) -> tuple[str, int]:
        """Store a file (moved from the server's own temporary folder, or copied); (sha256, size).
        A content already stored is kept as it is: the same bytes are not written twice."""
        sha = sha256_of(source)
        target = self.path(sha)
        if target.exists() and target.stat().st_size == source.stat().st_size:
            if move:
                source.unlink(missing_ok=True)
            return sha, target.stat().st_size
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = source if move else self._copy(source)
        with open(staged, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(staged, target)
        _fsync_dir(target.parent)
        return sha, target.stat().st_size

    def _copy(self, source: Path) -> Path:
        self.tmp.mkdir(parents=True, exist_ok=True)
        staged = self.tmp / f"copy-{os.getpid()}-{id(source)}-{os.urandom(4).hex()}"
        shutil.copyfile(source, staged)
        return staged

    def clean_tmp(self) -> None:
        """Temporary files of uploads never acknowledged (the server stopped mid-way)."""
        if self.tmp.is_dir():
            for p in self.tmp.iterdir():
                if p.is_file():
                    p.unlink(missing_ok=True)
