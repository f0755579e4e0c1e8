"""A batch survives its worst file: each file runs in a worker under a time and a memory limit;
a file past either, or whose worker the system kills (as the OOM killer does), becomes a record
saying so and costs only itself; SIGTERM and Ctrl-C end a run within seconds, outputs whole or
absent, no worker left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import openpyxl
import pytest

from govreport_xl.bulk.pool import KILLED, MEMORY, TIME, Budget, budgeted_map
from govreport_xl.excel.layout import address
from helpers import EXAMPLE_XLSX, ROOT, session_processes


def _work(item):
    """What a file may do to its worker: answer, hang, eat memory, or be killed from outside."""
    kind, value = item
    if kind == "sleep":
        time.sleep(value)
    elif kind == "eat":
        return len(bytearray(value * 1024 * 1024))
    elif kind == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "lost":  # what CPython raises where a failed allocation was never made a MemoryError
        raise SystemError(value)
    elif kind == "spin":  # C code that never looks at signals (Python < 3.12 cannot interrupt it)
        import re
        re.match(r"(a+)+$", "a" * 40 + "b")
    return value


def _over(item, kind):
    return f"{kind}:{item[1]}"


@pytest.mark.slow
def test_each_item_is_held_to_its_budget_and_costs_only_itself():
    items = [("ok", 1), ("sleep", 30), ("ok", 2), ("eat", 2000), ("ok", 3), ("killed", 0), ("spin", 0), ("ok", 4)] * 2
    out = list(budgeted_map(_work, items, 2, Budget(seconds=3, memory_mb=500), _over))
    assert out == [1, f"{TIME}:30", 2, f"{MEMORY}:2000", 3, f"{KILLED}:0", f"{TIME}:0", 4] * 2  # in input order


def test_an_allocation_failure_cpython_reports_as_systemerror_is_the_memory_budget():
    """Python 3.11 past RLIMIT_AS may raise SystemError('error return without exception set')
    instead of MemoryError (seen reading 30,000 reports of one JSON Lines file): under the memory
    limit that is the budget; any other SystemError, or one without a limit, is no memory verdict."""
    lost = "error return without exception set"
    items = [("lost", lost), ("ok", 1), ("lost", "bad argument to internal function"), ("ok", 2)]
    assert list(budgeted_map(_work, items, 1, Budget(seconds=20, memory_mb=500), _over)) == [
        f"{MEMORY}:{lost}", 1, f"{KILLED}:bad argument to internal function", 2]
    assert list(budgeted_map(_work, items[:2], 1, Budget(seconds=20, memory_mb=None), _over)) == [f"{KILLED}:{lost}", 1]


@pytest.mark.parametrize("limited, words", [(True, "超出内存限制"), (False, "读取时发生内部错误（请报告此问题）：SystemError(")])
def test_a_file_whose_reading_lost_an_allocation_is_said_so(monkeypatch, limited, words):
    from govreport_xl import api
    from govreport_xl.bulk import pool

    monkeypatch.setattr(pool, "_memory_limited", limited)

    def work():
        raise SystemError("error return without exception set")

    [result] = api._guarded("many.jsonl", work)
    assert words in result.error["zh"], result.error


def test_items_in_flight_stay_few_however_many_there_are():
    seen = []

    def items():
        for i in range(200):
            seen.append(i)
            yield ("ok", i)

    got = budgeted_map(_work, items(), 2, Budget(), _over)
    assert next(got) == 0 and len(seen) <= 2 * 4 + 2
    assert list(got) == list(range(1, 200))


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_the_run_within_seconds_with_outputs_whole_or_absent(tmp_path, sig):
    folder = tmp_path / "in"
    folder.mkdir()
    wrong = folder / "wrong.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    sheet, ref = address("T3.R01.C1").split("!")
    wb[sheet][ref] = "/"
    wb.save(wrong)
    for i in range(300):  # reports with findings: marked copies are being written when the signal comes
        (folder / f"r{i:03d}.xlsx").write_bytes(wrong.read_bytes())
    out, marked = tmp_path / "all.json", tmp_path / "marked"
    out.write_text("[]\n", encoding="utf-8")  # last time's export
    proc = subprocess.Popen([sys.executable, "-m", "govreport_xl", "validate", str(folder), "--summary", str(tmp_path / "s.xlsx"),
                             "--marked", str(marked), "--jobs", "2", "-q"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True,
                            # as from a terminal: a run started in the background of a script inherits Ctrl-C ignored
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(4)
    os.kill(proc.pid, sig)  # to the main process only: its workers are its business
    proc.wait(timeout=30)  # it used to wait for ever on a busy worker
    assert proc.returncode == 130
    assert b"Traceback" not in proc.stderr.read()
    deadline = time.monotonic() + 5
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(proc.pid) == []  # no worker left running
    assert not (tmp_path / "s.xlsx").exists()  # a summary is written whole at the end, or not at all
    assert [p.name for p in tmp_path.rglob("*.tmp")] == []  # no temporary file left behind


@pytest.mark.slow
def test_workers_of_a_run_killed_outright_leave_too(tmp_path):
    """SIGKILL gives the main process no chance to stop its workers: they notice it is gone."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(200):
        (folder / f"r{i:03d}.xlsx").write_bytes(EXAMPLE_XLSX.read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "govreport_xl", "export", str(folder), "-o", str(tmp_path / "all.jsonl"),
                             "--jobs", "2", "-q"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    time.sleep(4)
    proc.kill()
    proc.wait(timeout=30)
    deadline = time.monotonic() + 20
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert session_processes(proc.pid) == []  # they used to wait on their pipes for ever


@pytest.mark.slow
def test_a_file_past_its_budget_is_a_record_and_the_batch_goes_on(tmp_path):
    """Many reports in one JSON Lines file make one long item: past --time-limit, or past
    --memory-limit, it is an unreadable record; the file beside it is read."""
    many = tmp_path / "many.jsonl"
    many.write_text('{"meta": {"name": "某局", "year": 2022}, "cells": {}}\n' * 30000, encoding="utf-8")
    good = tmp_path / "good.xlsx"
    good.write_bytes(EXAMPLE_XLSX.read_bytes())
    for limits, words in ((["--time-limit", "1"], "超出处理时限（每个文件 1 秒）"), (["--memory-limit", "150"], "超出内存限制（每个文件 150 MB）")):
        proc = subprocess.run([sys.executable, "-m", "govreport_xl", "export", str(many), str(good), "-o", str(tmp_path / "out.jsonl"),
                               *limits], capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
        assert f"many.jsonl：{words}" in proc.stdout, proc.stdout
        records = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
        assert [r["status"] for r in records] == ["valid", "unreadable"] and records[1]["file"] == str(many)
    proc = subprocess.run([sys.executable, "-m", "govreport_xl", "validate", str(many), "--time-limit", "1"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)  # one file: the same budget
    assert proc.returncode == 2 and "超出处理时限" in proc.stdout


def _warm(value):
    os.environ["GOVREPORT_TEST_WARM"] = value


def _warmed():
    return os.environ.get("GOVREPORT_TEST_WARM")


def _raise(message):
    raise ValueError(message)


def test_a_pool_of_long_lived_workers_holds_each_call_to_its_budget_and_costs_only_that_worker():
    """WorkerPool (the office server's): calls from several threads, each under the budget; one past
    it gives Overrun and a fresh worker, while a call in the other worker finishes untouched."""
    import threading

    from govreport_xl.bulk.pool import Overrun, WorkerPool

    pool = WorkerPool(2, Budget(seconds=3, memory_mb=300), context="spawn", init=_warm, init_args=("yes",))
    try:
        pool.start()  # both workers started (and their init run) before any call
        assert sorted(pool.call(_warmed, seconds=120) for _ in range(4)) == ["yes"] * 4  # however long they take to start
        assert pool.call(_work, ("ok", 1)) == 1
        slow: list = []
        other = threading.Thread(target=lambda: slow.append(pool.call(_work, ("sleep", 2), seconds=20)))
        other.start()
        for item, kind in ((("sleep", 30), TIME), (("eat", 2000), MEMORY), (("killed", 0), KILLED)):
            with pytest.raises(Overrun) as over:
                pool.call(_work, item)
            assert over.value.kind == kind
        other.join(30)
        assert slow == [2]  # the overruns beside it did not touch it
        with pytest.raises(ValueError, match="said in the worker"):
            pool.call(_raise, "said in the worker")
        assert pool.call(_work, ("ok", 7)) == 7 and pool.call(_work, ("sleep", 4), seconds=10) == 4  # a longer call may be allowed
    finally:
        pool.close()
