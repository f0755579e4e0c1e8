"""A worker process that validates files one at a time under a time and a memory budget: each
call must answer within SECONDS (wall clock, else the worker is killed and the call fails), and
the worker's peak resident memory, measured by the worker itself, must stay under MEGABYTES.
The worker also runs under an address-space limit, so a runaway allocation ends in a
MemoryError there rather than on the machine. A budget is a bound, not a speed assertion."""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import subprocess
import sys

from helpers import ROOT

SECONDS = 30
MEGABYTES = 400
ADDRESS_SPACE = 2 * 1024 ** 3

_WORKER = r"""
import json, resource, sys, time
from govreport_xl.api import validate_many

for line in sys.stdin:
    job = json.loads(line)
    started = time.perf_counter()
    try:
        out = {"results": [{
            "error": r.error, "status": r.status, "rules": sorted({f.rule for f in r.findings}),
            "messages": [f.message("zh") for f in r.findings][:40], "lines": r.extra_lines.get("zh", []),
        } for r in validate_many([job["path"]], jobs=1, marked=job.get("marked"), budget=None)]}  # here, not in a pool
    except BaseException as exc:  # reported to the test, which fails on it
        out = {"crash": repr(exc)[:2000]}
    out["seconds"] = time.perf_counter() - started
    out["peak_mb"] = max(resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    print(json.dumps(out, ensure_ascii=False), flush=True)
"""


def _limits(fsize: int | None):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
        if fsize is not None:  # a disk that takes no more: writes past it fail (EFBIG) instead of killing
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return apply


class Worker:
    def __init__(self, seconds: float = SECONDS, megabytes: float = MEGABYTES, fsize: int | None = None):
        self.seconds, self.megabytes, self.fsize = seconds, megabytes, fsize
        self.proc = None

    def _start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=ROOT, text=True, encoding="utf-8",
                                     preexec_fn=_limits(self.fsize), env={**os.environ, "PYTHONPATH": str(ROOT)})

    def validate(self, path, marked=None) -> dict:
        """One file through validate_many, held to the budget; the worker's answer. A worker
        past its budget is killed (the next call starts another)."""
        if self.proc is None or self.proc.poll() is not None:
            self.close()
            self._start()
        self.proc.stdin.write(json.dumps({"path": str(path), "marked": None if marked is None else str(marked)}) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], self.seconds)
        if not ready:
            self.close()
            raise AssertionError(f"{path}: no answer within the budget of {self.seconds} s")
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"{path}: the worker died: {self.proc.stderr.read()[-2000:]}")
        out = json.loads(line)
        assert "crash" not in out, (path, out["crash"])
        if out["peak_mb"] > self.megabytes:
            self.close()  # its peak stays: the next call gets a fresh worker
            raise AssertionError(f"{path}: peak memory {out['peak_mb']:.0f} MB, over the budget of {self.megabytes} MB")
        for r in out["results"]:
            assert r["error"] is None or "内部错误" not in r["error"]["zh"], (path, r["error"])
        return out

    def close(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            stream.close()
        self.proc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
