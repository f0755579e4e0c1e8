"""What the workbook bounds cost: each hostile workbook of the tests (tests/hostile_xlsx.py),
validated in a fresh worker process, plain and with --marked; wall-clock seconds and the
worker's peak resident memory, beside the same for the example workbook (the baseline).

    python benchmarks/workbook_bounds.py [case ...]

The figures in SECURITY.md come from this script.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import hostile_xlsx as H  # noqa: E402
from budget import Worker  # noqa: E402
from helpers import EXAMPLE_XLSX  # noqa: E402

CASES = {
    "example (baseline)": lambda f: EXAMPLE_XLSX,
    "check sheet: <c r=\"A1\" unclosed, 20 KB": H.check_sheet_unclosed,
    "check sheet: 166,000 empty cells": lambda f: H.check_sheet_cells(f, 2_000_000),
    "sharedStrings: <si> unclosed, 66 KB": H.strings_unclosed,
    "sharedStrings: one item 200,000 deep": H.strings_nested,
    "number format of 400,000 '['": H.format_brackets,
    "50 KB shared formula x 20,000 cells (table sheet)": H.shared_formulas,
    "50 KB shared formula x 5,000 cells (extra sheet)": lambda f: H.shared_formulas(f, cells=5_000, extra=True, fault=True),
    "an 8 KB shared formula under every cell of the tables": H.shared_over_the_tables,
    "table sheet of 60 MB of figures (15 MB file)": H.dense_sheet,
    "table sheet of 24 MB of empty cells": lambda f: H.dense_sheet(f, 24, empty=True),
    "zip of one 1 GB mimetype member": H.mimetype_only,
    "1 GB theme part, lying header": lambda f: H.theme_bomb(f, fault=True),
    "extra sheet of 1,000,000 cells": lambda f: H.extra_sheet(f, fault=True),
    "extra sheet with a DTD": lambda f: H.extra_sheet(f, dtd=True, fault=True),
    "100,000 zip members": H.many_members,
    "an input cell 300,000 elements deep": H.deep_cell,
    "one 50 MB attribute": H.huge_attribute,
    "200,000 defined names": H.many_names,
}


def main() -> None:
    wanted = sys.argv[1:]
    folder = Path(tempfile.mkdtemp(prefix="govreport-bounds-"))
    print(f"{'case':52} {'file MB':>8} {'validate s':>11} {'peak MB':>8} {'--marked s':>11} {'peak MB':>8}  outcome")
    try:
        for name, make in CASES.items():
            if wanted and not any(w in name for w in wanted):
                continue
            path = make(folder)
            row = []
            for marked in (None, folder / "marked"):
                with Worker(seconds=600, megabytes=1e9) as worker:
                    out = worker.validate(path, marked=marked)
                [r] = out["results"]
                outcome = (r["error"]["en"][:70] if r["error"] else f"{r['status']} {','.join(r['rules'])}"
                           + (f"; {r['lines'][0][:60]}" if r["lines"] else ""))
                row += [out["seconds"], out["peak_mb"]]
            print(f"{name:52} {path.stat().st_size / 1e6:8.2f} {row[0]:11.2f} {row[1]:8.0f} {row[2]:11.2f} {row[3]:8.0f}  {outcome}", flush=True)
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
