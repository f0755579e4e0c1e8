"""A one-file run from the shell, against Python importing openpyxl, measured in the same run:

    python benchmarks/startup.py [--repeat N]

Prints the median wall time of `python -c 'import openpyxl'` (the baseline), of `govreport-xl
validate examples/shizuishan_2022.xlsx` and of `govreport-xl --version`, their ratios to the
baseline (the target for validate: 2x or less), and where the time goes: the modules a validate
run spends most importing (python -X importtime, cumulative), and the validation itself in
process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shizuishan_2022.xlsx"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def wall(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat + 1):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times[1:])  # the first warms the file cache


def imports(cmd: list[str], top: int = 12) -> list[tuple[int, str]]:
    proc = subprocess.run([sys.executable, "-X", "importtime", *cmd], capture_output=True, text=True, cwd=ROOT, env=ENV)
    rows = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|")
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    py = sys.executable
    base = wall([py, "-c", "import openpyxl"], repeat)
    rows = [("python -c 'import openpyxl' (baseline)", base),
            ("govreport-xl validate one.xlsx", wall([py, "-m", "govreport_xl", "validate", str(EXAMPLE)], repeat)),
            ("govreport-xl --version", wall([py, "-m", "govreport_xl", "--version"], repeat))]
    print(f"{'path':44} {'ms':>7} {'ratio':>7}")
    for name, seconds in rows:
        print(f"{name:44} {seconds * 1000:7.0f} {seconds / base:7.2f}")
    sys.path.insert(0, str(ROOT))
    from govreport_xl import api

    api.validate(EXAMPLE)
    t = time.perf_counter()
    for _ in range(repeat):
        api.validate(EXAMPLE)
    print(f"{'validate in process (read + check)':44} {(time.perf_counter() - t) / repeat * 1000:7.0f}")
    print("\nwhere a validate run's imports go (cumulative ms, nested modules included):")
    for micros, name in imports(["-m", "govreport_xl", "validate", str(EXAMPLE)]):
        print(f"  {micros / 1000:7.0f}  {name.strip()}")


if __name__ == "__main__":
    main()
