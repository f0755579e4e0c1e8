"""A one-file run from the shell, against Python importing openpyxl, measured in the same run:

    python benchmarks/startup.py [--repeat N]

Prints the median wall time and CPU time (user + system, of the process and its workers: less
moved by other work on the machine) of `python -c 'import openpyxl'` (the baseline), of
`govreport-xl validate examples/shizuishan_2022.xlsx` and of `govreport-xl --version`, their
ratios to the baseline (the target for validate: 2x or less), and where the time goes: the
modules a validate run spends most importing (python -X importtime, cumulative), the packages
that cost most in all (self time summed), and the validation itself in process.

Every command runs with compiled bytecode cached, as an installed package has it (pip writes
the .pyc files of every package it installs): an environment with PYTHONDONTWRITEBYTECODE set
would otherwise compile this package's modules anew on every run and no other's. The cache is
a temporary folder (PYTHONPYCACHEPREFIX), filled by each command's first run, which is not
counted.
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shizuishan_2022.xlsx"
PYCACHE = tempfile.mkdtemp(prefix="govreport-pycache-")
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
       "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": PYCACHE}


def _run(cmd: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV, check=False)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def timed(cmds: list[list[str]], repeat: int) -> list[tuple[float, float]]:
    """Median (wall, CPU) seconds of each command over `repeat` runs, after one that fills the
    caches. The commands take turns, so that other work on the machine weighs on each alike."""
    runs = [[_run(cmd) for cmd in cmds] for _ in range(repeat + 1)][1:]
    return [(statistics.median(r[i][0] for r in runs), statistics.median(r[i][1] for r in runs)) for i in range(len(cmds))]


def imports(cmd: list[str], top: int = 12) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The `top` modules by cumulative import time, and the `top` packages by self time summed
    (microseconds); this package's counted by subpackage."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *cmd], capture_output=True, text=True, cwd=ROOT, env=ENV)
    rows, packages = [], collections.Counter()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            own, cumulative, name = line[len("import time:"):].split("|")
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
                parts = name.strip().split(".")
                packages[".".join(parts[:2] if parts[0] == "govreport_xl" else parts[:1])] += int(own)
    return sorted(rows, reverse=True)[:top], [(us, name) for name, us in packages.most_common(top)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    py = sys.executable
    paths = {"python -c 'import openpyxl' (baseline)": [py, "-c", "import openpyxl"],
             "govreport-xl validate one.xlsx": [py, "-m", "govreport_xl", "validate", str(EXAMPLE)],
             "govreport-xl --version": [py, "-m", "govreport_xl", "--version"]}
    rows = list(zip(paths, timed(list(paths.values()), repeat)))
    base_wall, base_cpu = rows[0][1]
    print(f"{'path':44} {'wall ms':>8} {'ratio':>6} {'CPU ms':>8} {'ratio':>6}")
    for name, (wall, cpu) in rows:
        print(f"{name:44} {wall * 1000:8.0f} {wall / base_wall:6.2f} {cpu * 1000:8.0f} {cpu / base_cpu:6.2f}")
    sys.path.insert(0, str(ROOT))
    from govreport_xl import api

    api.validate(EXAMPLE)
    t = time.perf_counter()
    for _ in range(repeat):
        api.validate(EXAMPLE)
    print(f"{'validate in process (read + check)':44} {(time.perf_counter() - t) / repeat * 1000:7.0f}")
    modules, packages = imports(["-m", "govreport_xl", "validate", str(EXAMPLE)])
    print("\nwhere a validate run's imports go (cumulative ms, nested modules included):")
    for micros, name in modules:
        print(f"  {micros / 1000:7.0f}  {name.strip()}")
    print("\nby package (self ms summed; python -X importtime adds its own overhead):")
    for micros, name in packages:
        print(f"  {micros / 1000:7.0f}  {name}")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(PYCACHE, ignore_errors=True)
