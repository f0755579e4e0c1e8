"""A collecting office's January, measured in one run:

    python benchmarks/bulk.py [-n 2000] [--jobs J]

Generates N filled workbooks (20 reports of varied figures, a quarter of them broken, copied
round-robin), then times, as files per second:
  - the export (`export FOLDER -o all.jsonl`: read, check, write), in J worker processes;
  - a naive baseline: one process, openpyxl.load_workbook and reading the cells one by one
    (on a sample: it is slow);
  - the read limit: python-calamine reading every sheet of the same files, one process;
and the peak memory of the export at N and at 4N files (flat: it does not grow with N). Then where
the time goes, as CPU milliseconds per file: each step of an export in one process (open the
workbook, read its cells, check, the record as JSON, the result's way back from a worker), the
export's own CPU per file (its process and its workers: the rest is starting them, pipes and writing),
and python-calamine's.
Needs python-calamine (`pip install python-calamine`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import openpyxl  # noqa: E402

from govreport_xl.excel.filler import fill_many  # noqa: E402
from govreport_xl.excel.layout import positions  # noqa: E402
from published import made_up_report  # noqa: E402

VARIANTS = 20
NAIVE_SAMPLE = 100


def generate(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    reports = []
    for seed in range(VARIANTS):
        report = made_up_report(seed)
        if seed % 4 == 3:  # a broken one: a figure that does not add up
            report = report.with_values({"T3.R01.C1": (report.value("T3.R01.C1") or 0) + 1})
        reports.append(report)
    models = fill_many(reports, [folder / f"variant{i:02d}.xlsx" for i in range(VARIANTS)])
    out = []
    for i in range(n):
        target = folder / f"{i // 500:03d}" / f"report{i:06d}.xlsx"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(models[i % VARIANTS], target)
        out.append(target)
    for m in models:
        m.unlink()
    return out


def naive(paths: list[Path]) -> float:
    t = time.perf_counter()
    for p in paths:
        wb = openpyxl.load_workbook(p, data_only=True)
        for sheet, row, col in positions().values():
            wb[sheet].cell(row, col).value
    return len(paths) / (time.perf_counter() - t)


def calamine(paths: list[Path]) -> float:
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    for p in paths:
        wb = CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
    return len(paths) / (time.perf_counter() - t)


EXPORT = """
import resource, sys, time
from govreport_xl.cli import main
t = time.perf_counter()
code = main(["export", sys.argv[1], "-o", sys.argv[2], "-q"] + (["--jobs", sys.argv[3]] if sys.argv[3] != "0" else []))
elapsed = time.perf_counter() - t
own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime
print(elapsed, cpu, own.ru_maxrss, workers.ru_maxrss)
"""


def export(folder: Path, out: Path, jobs: int) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds of the process and its workers, their peak memory in KB)."""
    proc = subprocess.run([sys.executable, "-c", EXPORT, str(folder), str(out), str(jobs)], capture_output=True, text=True,
                          cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    elapsed, cpu, own, workers = proc.stdout.split()[-4:]
    return float(elapsed), float(cpu), int(own), int(workers)


def steps(paths: list[Path]) -> dict[str, float]:
    """CPU ms per file of each step of an export, in this process (after one file to warm up)."""
    import json
    import pickle

    from govreport_xl.api import sources_of
    from govreport_xl.core.evaluate import evaluate
    from govreport_xl.core.reading import read

    spent = dict.fromkeys(("open the workbook (zip, parts, the check sheet's formulas)", "read the cells",
                           "check", "the record as JSON", "the result to the parent (pickle)"), 0.0)
    names = list(spent)
    for n, p in enumerate([paths[0], *paths]):
        t0 = time.process_time()
        source = sources_of(p)[0]
        t1 = time.process_time()
        reading = read(source)
        source.close()
        t2 = time.process_time()
        result = evaluate(reading)
        t3 = time.process_time()
        json.dumps(result.record("zh", with_report=True), ensure_ascii=False)
        t4 = time.process_time()
        pickle.loads(pickle.dumps([result]))
        t5 = time.process_time()
        if n:
            for name, a, b in zip(names, (t0, t1, t2, t3, t4), (t1, t2, t3, t4, t5)):
                spent[name] += b - a
    return {name: seconds / len(paths) * 1000 for name, seconds in spent.items()}


def calamine_cpu(paths: list[Path]) -> float:
    t = time.process_time()
    calamine(paths)
    return (time.process_time() - t) / len(paths) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="govreport-bulk-"))
    t = time.perf_counter()
    files = generate(tmp / "n", args.n)
    print(f"generated {len(files)} workbooks in {time.perf_counter() - t:.1f} s ({tmp})")
    elapsed, cpu, own, workers = export(tmp / "n", tmp / "all.jsonl", args.jobs)
    lines = sum(1 for _ in open(tmp / "all.jsonl", encoding="utf-8"))
    assert lines == len(files), (lines, len(files))
    ours = len(files) / elapsed
    slow = naive(files[:NAIVE_SAMPLE])
    fast = calamine(files)
    print(f"{'path':46} {'files/s':>9} {'ratio':>9}")
    print(f"{'export, ' + str(args.jobs) + ' jobs (read, check, write .jsonl)':46} {ours:9.1f} {'1.00':>9}")
    print(f"{'naive: openpyxl load + cells one by one, 1 process':46} {slow:9.1f} {ours / slow:8.1f}x  (export / naive)")
    print(f"{'read limit: python-calamine, every sheet, 1 process':46} {fast:9.1f} {fast / ours:8.2f}x  (calamine / export)")
    sample = files[:NAIVE_SAMPLE]
    print("\nwhere the time goes (CPU ms per file):")
    in_process = steps(sample)
    for name, ms in in_process.items():
        print(f"  {name:60} {ms:7.1f}")
    print(f"  {'= one file in one process':60} {sum(in_process.values()):7.1f}")
    print(f"  {'export, its process and workers, per file':60} {cpu / len(files) * 1000:7.1f}  (the rest: starting, processes, pipes, writing)")
    print(f"  {'python-calamine, every sheet':60} {calamine_cpu(sample):7.1f}")
    print(f"\npeak memory at N={len(files)}: export process {own / 1024:.0f} MB, largest worker {workers / 1024:.0f} MB")
    files4 = generate(tmp / "4n", 4 * args.n)
    _, _, own4, workers4 = export(tmp / "4n", tmp / "all4.jsonl", args.jobs)
    print(f"peak memory at 4N={len(files4)}: export process {own4 / 1024:.0f} MB, largest worker {workers4 / 1024:.0f} MB "
          f"(ratio to N: {own4 / own:.2f}x, {workers4 / max(workers, 1):.2f}x)")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
