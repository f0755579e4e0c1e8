"""Atomic outputs: the mode follows the umask without ever changing it (threads share one), and a
temporary name fits beside a target whose own name is as long as a file system allows."""

from __future__ import annotations

import os
import stat
import sys
import threading
from pathlib import Path

import pytest

from govreport_xl.atomic import atomic_path, atomic_text, remove_leftovers


def _umask_seen() -> int:
    """The umask as the kernel reports it, read without setting it."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("Umask:"):
            return int(line.split()[1], 8)
    pytest.skip("no Umask line in /proc/self/status")


def test_an_atomic_write_never_sets_the_umask(tmp_path, monkeypatch):
    """Asking for the umask means setting it (os.umask(0) then back): for that moment every other
    thread creates files as if the umask were 0. The write leaves it to the kernel instead."""
    set_to = []
    real = os.umask

    def recording(mask):
        set_to.append(mask)
        return real(mask)

    monkeypatch.setattr(os, "umask", recording)
    old = real(0o027)
    try:
        atomic_text(tmp_path / "a.txt", "x")
        with atomic_path(tmp_path / "b.xlsx") as tmp:
            tmp.write_bytes(b"x")
    finally:
        real(old)
    assert set_to == []
    assert {stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()} == {0o640}


def test_writers_in_threads_never_change_the_umask(tmp_path):
    old, interval = os.umask(0o027), sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch at nearly every step: any window shows
    try:
        seen, stop = set(), threading.Event()

        def watch():
            while not stop.is_set():
                seen.add(_umask_seen())

        def write(n):
            for i in range(300):
                atomic_text(tmp_path / f"{n}-{i}.txt", "x")

        watcher = threading.Thread(target=watch)
        writers = [threading.Thread(target=write, args=(n,)) for n in range(8)]
        watcher.start()
        for w in writers:
            w.start()
        for w in writers:
            w.join()
        stop.set()
        watcher.join()
        assert seen == {0o027}  # os.umask(0) for a moment let another thread create a 0666 file
        modes = {stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
        assert modes == {0o640}
    finally:
        os.umask(old)
        sys.setswitchinterval(interval)


def test_a_long_target_name_gets_a_temporary_name_that_fits(tmp_path):
    target = tmp_path / ("甲" * 83 + ".xlsx")  # 254 bytes
    with atomic_path(target) as tmp:
        assert len(tmp.name.encode()) < 255
        tmp.write_bytes(b"x")
    assert target.read_bytes() == b"x" and [p.name for p in tmp_path.iterdir()] == [target.name]


def test_leftovers_of_a_killed_writer_are_removed(tmp_path):
    target = tmp_path / "out.xlsx"
    keep = tmp_path / ".out.xlsx.notours.tmp"
    keep.write_text("")
    with atomic_path(target) as tmp:
        tmp.write_text("half")
        remove_leftovers(target)
        assert not tmp.exists()
        tmp.write_text("whole")  # the writer may recreate it; only its rename decides
    assert target.read_text() == "whole" and keep.exists()
