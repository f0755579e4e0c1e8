"""Published files (web pages, Word, PDF) that are well formed and hostile: the cases of issue 18
by name, and a seeded generator of many more. Each file is audited in a child process held to an
address-space limit and an alarm; each must end in a result or a clear refusal, never an internal
error, within the budget: its peak resident memory and its time are measured and bounded (a
bound on the worst case, not a timing of speed: a real report reads in a fraction of it)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

import formats_fuzz
import pdfgen
from helpers import ROOT

pytestmark = pytest.mark.slow  # generated hostile files under a budget, in subprocesses

BUDGET_MB = 700  # peak resident memory of one audit (the process's own baseline included)
BUDGET_SECONDS = 90  # of one audit; the reader's own bounds stop the worst cases well before
ADDRESS_SPACE = 3 * 1024 ** 3  # a hard stop, so that a failure cannot take the machine's memory

RUNNER = r"""
import json, os, resource, signal, sys, time, traceback
import govreport_xl
import govreport_xl.importing.pdf, govreport_xl.importing.html, pdfplumber, lxml.html  # loaded once, before forking
limit, seconds = int(sys.argv[1]), int(sys.argv[2])
for path in sys.argv[3:]:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        signal.alarm(seconds)  # past the time bound the child is killed
        start = time.monotonic()
        try:
            result = govreport_xl.audit(path)
            out = {"status": result.status, "error": (result.error or {}).get("zh", "")}
        except BaseException:
            out = {"status": "crash", "error": traceback.format_exc()[-3000:]}
        out["seconds"] = round(time.monotonic() - start, 2)
        out["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        os.write(w, json.dumps(out, ensure_ascii=False).encode())
        os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.close(r)
    _, status = os.waitpid(pid, 0)
    got = json.loads(data) if data else {"status": "killed", "error": f"wait status {status}"}
    print(json.dumps({"path": path, **got}, ensure_ascii=False), flush=True)
"""


def budgeted(paths) -> dict[str, dict]:
    """Each file audited in its own forked child: {file name: status, error, seconds, rss_mb}."""
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(ADDRESS_SPACE), str(BUDGET_SECONDS), *map(str, paths)],
                          capture_output=True, text=True, cwd=ROOT, timeout=BUDGET_SECONDS * len(paths) + 120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = {}
    for line in proc.stdout.splitlines():
        got = json.loads(line)
        out[got.pop("path").rsplit("/", 1)[-1]] = got
    assert len(out) == len(paths), proc.stdout
    return out


def _within_budget(name: str, got: dict) -> None:
    assert got["status"] in ("valid", "invalid", "incomplete", "unreadable"), (name, got)
    assert "内部错误" not in got["error"], (name, got)
    assert got["rss_mb"] <= BUDGET_MB, (name, got)
    assert got["seconds"] <= BUDGET_SECONDS, (name, got)


def test_the_named_hostile_files(tmp_path):
    """Issue 18's cases: each read or refused with its reason, within the budget."""
    paths = [make(tmp_path / (name + suffix)) for name, (make, suffix, _) in formats_fuzz.NAMED.items()]
    results = budgeted(paths)
    for name, (_, suffix, refusal) in formats_fuzz.NAMED.items():
        got = results[name + suffix]
        _within_budget(name, got)
        if refusal:
            assert got["status"] == "unreadable" and refusal in got["error"], (name, got)
        else:  # read in full: a result, or "not an annual report" for a file with no title and no tables
            assert got["status"] != "unreadable" or "不是政府信息公开工作年度报告" in got["error"], (name, got)
    print(json.dumps(results, ensure_ascii=False, indent=1))  # the measured figures (pytest -s)


@pytest.mark.parametrize("kind", sorted(formats_fuzz.GENERATORS))
def test_generated_hostile_files(tmp_path, kind):
    """A seeded generator of well-formed files with hostile structures and values."""
    paths = [formats_fuzz.generated(kind, seed, tmp_path) for seed in range(10)]
    results = budgeted(paths)
    assert set(results) == {p.name for p in paths}
    for name, got in results.items():
        _within_budget(name, got)
    print(kind, max(g["rss_mb"] for g in results.values()), "MB", max(g["seconds"] for g in results.values()), "s")


def test_pdf_bounds_are_per_document_under_threads(tmp_path):
    """Two documents read at once in threads: the bomb is refused, the report beside it is read
    in full, and pdfminer outside a read decodes as it always does (nothing left swapped)."""
    import zlib

    from pdfminer import pdftypes

    import govreport_xl

    bomb = formats_fuzz.pdf_flate_lzw(tmp_path / "bomb.pdf")
    lines = [(72, 800 - 14 * i, f"line {i} " + " ".join(str(i * 7 + j) for j in range(6))) for i in range(50)]
    plain = pdfgen.pages(tmp_path / "plain.pdf", [pdfgen.stream(pdfgen.flate(pdfgen.text(lines)), b"/Filter /FlateDecode")] * 3)
    from govreport_xl.importing.pdf import pdf_lines

    results: dict = {}

    def read(name, path):
        for _ in range(3):
            try:
                results.setdefault(name, []).append(len(pdf_lines(path)))
            except Exception as exc:  # noqa: BLE001 - the bomb's refusal
                results.setdefault(name, []).append(str(exc))

    threads = [threading.Thread(target=read, args=(n, p)) for n, p in (("bomb", bomb), ("plain", plain), ("plain2", plain))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["plain"] == results["plain2"] == [150, 150, 150]
    assert all("decompression bomb" in r for r in results["bomb"])
    big = zlib.compress(b" " * (40 * 1024 * 1024))
    assert len(pdftypes.zlib.decompress(big)) == 40 * 1024 * 1024  # outside a read: pdfminer's own behaviour
    assert govreport_xl.audit(bomb).status == "unreadable"


def test_word_tables_in_tables_and_content_controls(tmp_path):
    """A layout table's paragraphs are text and the data table inside it gives rows; content
    controls around paragraphs and rows are looked through, at any depth, in one pass."""
    from govreport_xl.importing.extract import docx_lines

    p, sdt = formats_fuzz._p, lambda inner: f"<w:sdt><w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    data = ("<w:tbl>" + sdt("<w:tr><w:tc>" + p("行政许可") + "</w:tc>" + sdt("<w:tc>" + p("3") + p("4") + "</w:tc>") + "</w:tr>")
            + "<w:tr><w:tc>" + p("行政处罚") + "</w:tc><w:tc>" + p("5") + "</w:tc></w:tr></w:tbl>")
    body = p("标题") + "<w:tbl><w:tr><w:tc>" + p("第一段") + data + p("第二段") + "</w:tc><w:tc>" + p("右栏") + "</w:tc></w:tr></w:tbl>"
    path = formats_fuzz._docx(tmp_path / "layout.docx", sdt(sdt(body)))
    assert docx_lines(path) == ["标题", "第一段", "行政许可\t3 4", "行政处罚\t5", "第二段", "右栏"]
    deep = formats_fuzz.docx_nested_sdt(tmp_path / "deep.docx", 5000)
    assert docx_lines(deep) == ["二、主动公开政府信息情况"]
