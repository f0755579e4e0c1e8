"""Speed of the main paths, as ratios against a baseline measured in the same run.

    python benchmarks/run.py [--repeat N]

Baselines: reading and decoding the seed text (for import), openpyxl loading the example
workbook (for validate), openpyxl writing an empty workbook (for template and fill). A ratio
near 1 means the path costs about what the library underneath it costs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreport_xl.importing.importer import import_report  # noqa: E402
from govreport_xl.core.model import Report  # noqa: E402
from govreport_xl.excel.template import build_template  # noqa: E402
from govreport_xl.api import validate as validate_path  # noqa: E402
from govreport_xl.excel.filler import fill_workbook  # noqa: E402

SEED = ROOT / "examples" / "shizuishan_2022.txt"
EXAMPLE_XLSX = ROOT / "examples" / "shizuishan_2022.xlsx"
EXAMPLE_JSON = ROOT / "examples" / "shizuishan_2022.json"


def best(fn, repeat: int) -> float:
    """Median seconds of `repeat` calls after one warm-up."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    tmp = Path(tempfile.mkdtemp())
    report = Report.model_validate_json(EXAMPLE_JSON.read_text(encoding="utf-8"))

    def empty_workbook():
        openpyxl.Workbook().save(tmp / "empty.xlsx")

    rows = [
        ("import seed text", lambda: import_report(SEED), "read+decode text", lambda: SEED.read_bytes().decode("utf-8").splitlines()),
        ("validate example .xlsx", lambda: validate_path(EXAMPLE_XLSX), "openpyxl load", lambda: openpyxl.load_workbook(EXAMPLE_XLSX)),
        ("template build+save", lambda: build_template().save(tmp / "t.xlsx"), "empty workbook save", empty_workbook),
        ("fill example", lambda: fill_workbook(report, tmp / "f.xlsx"), "empty workbook save", empty_workbook),
    ]
    print(f"{'path':26} {'ms':>9}   {'baseline':22} {'ms':>9}   ratio")
    for name, fn, base_name, base in rows:
        t, b = best(fn, repeat), best(base, repeat)
        print(f"{name:26} {t * 1000:9.2f}   {base_name:22} {b * 1000:9.2f}   {t / b:6.1f}x")


if __name__ == "__main__":
    main()
