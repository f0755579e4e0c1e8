"""The 校验 button's cost, measured through xlwings' remote engine in one run:

    python benchmarks/addin.py [--repeat N]

For the example and for a workbook with about 50 findings: the Range reads and writes validate
makes (counted on the engine's Range reads and its actions), its Python time, and beside it the
command line's validate of the same file (the baseline). Then `import govreport_xl.addin` in a
fresh interpreter, alone and with a whole click (import, read, check, mark). Needs LibreOffice
(the workbooks are recalculated by it, so that totals carry results as Excel sends them).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl  # noqa: E402
import xlwings as xw  # noqa: E402

import govreport_xl  # noqa: E402
from govreport_xl.addin import actions  # noqa: E402
from govreport_xl.core.standard import INPUT_CODES  # noqa: E402
from govreport_xl.excel.layout import address  # noqa: E402
from libreoffice import convert  # noqa: E402
from run import best  # noqa: E402  (benchmarks/run.py: median of repeated calls after a warm-up)
from xlwings_payload import payload  # noqa: E402

EXAMPLE = ROOT / "examples" / "shizuishan_2022.xlsx"


def broken(tmp: Path) -> Path:
    """The example with 25 input cells written as "/" and 25 others negative."""
    wb = openpyxl.load_workbook(EXAMPLE)
    codes = [c for c in INPUT_CODES if c.startswith("T3")]
    for i, code in enumerate(codes[:50]):
        sheet, ref = address(code).split("!")
        wb[sheet][ref] = "/" if i % 2 else -1 - i
    wb.save(tmp / "broken50.xlsx")
    return tmp / "broken50.xlsx"


def median_ms(fn, repeat: int) -> float:
    return best(fn, repeat) * 1000


def counted(pay: dict) -> tuple[int, int, int]:
    """(Range reads, writes, findings) of one validate."""
    reads = []
    original = xw.main.Range.value
    xw.main.Range.value = property(lambda self: reads.append(1) or original.fget(self), original.fset)
    try:
        book = xw.Book(json=json.loads(json.dumps(pay)))
        _, result = actions.check(book)
    finally:
        xw.main.Range.value = original
    writes = [a for a in book.json()["actions"] if a["func"] != "alert"]
    return len(reads), len(writes), len(result.findings)


def fresh_python_ms(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", f"import time; t=time.perf_counter(); {code}; print(time.perf_counter()-t)"],
                             capture_output=True, text=True, cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}"})
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    tmp = Path(tempfile.mkdtemp())
    books = convert([EXAMPLE, broken(tmp)], tmp / "lo")
    print(f"{'workbook':14} {'findings':>8} {'reads':>6} {'writes':>7} {'add-in ms':>10} {'CLI validate ms':>16} {'ratio':>7}")
    for path in books:
        pay = payload(path)
        reads, writes, findings = counted(pay)
        addin = median_ms(lambda: actions.check(xw.Book(json=json.loads(json.dumps(pay)))), repeat)
        cli = median_ms(lambda: govreport_xl.validate(path), repeat)
        print(f"{path.stem:14} {findings:8} {reads:6} {writes:7} {addin:10.1f} {cli:16.1f} {addin / cli:6.2f}x")
    fresh = max(3, repeat // 3)
    imp = fresh_python_ms("import govreport_xl.addin", fresh)
    sent = tmp / "payload.json"  # what the client sends with a click
    sent.write_text(json.dumps(payload(books[1]), ensure_ascii=False, default=str), encoding="utf-8")
    click = fresh_python_ms(
        "import json, xlwings as xw, govreport_xl.addin as a; "
        f"b = xw.Book(json=json.load(open({str(sent)!r}, encoding='utf-8'))); a.validate(b)", fresh)
    base = fresh_python_ms("pass", fresh)
    print(f"import govreport_xl.addin in a fresh Python: {imp:.1f} ms (an empty statement: {base:.2f} ms)")
    print(f"a whole click in a fresh Python (import xlwings and the engine, read, check, mark): {click:.0f} ms")


if __name__ == "__main__":
    main()
