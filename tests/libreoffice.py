"""LibreOffice headless as the reference spreadsheet engine for tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def require() -> str:
    if SOFFICE is None:
        if os.environ.get("GOVREPORT_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required here: apt-get install libreoffice-calc-nogui fonts-noto-cjk")
        pytest.skip("LibreOffice (soffice) is not installed")
    return SOFFICE


def convert(files: list[Path], outdir: Path, fmt: str = "xlsx") -> list[Path]:
    """Open each file in LibreOffice, recalculate, and save it as `fmt` into `outdir` (one batch)."""
    soffice = require()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    out = [outdir / (f.stem + "." + fmt.split(":")[0]) for f in files]
    missing = [p for p in out if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}: {proc.stdout} {proc.stderr}"
    return out


def require_uno() -> str:
    """The system Python with LibreOffice's UNO bridge (python3-uno), to drive LibreOffice."""
    require()
    python = shutil.which("python3", path="/usr/bin")
    if python and subprocess.run([python, "-c", "import uno"], capture_output=True).returncode == 0:
        return python
    if os.environ.get("GOVREPORT_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("LibreOffice's Python bridge is required here: apt-get install python3-uno")
    pytest.skip("python3-uno is not installed")


# CSV of every sheet, each cell as shown (its number format applied), UTF-8 (filter options of
# LibreOffice's "Text - txt - csv (StarCalc)": separator, quote, charset, first line, ..., as
# shown (token 9), ..., sheet -1 = all sheets, one file each).
_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def shown(files: list[Path], outdir: Path) -> dict[Path, dict[str, list[list[str]]]]:
    """What a clerk sees: {file: {sheet: rows of the cells' displayed text}}, after recalculation."""
    import csv

    soffice = require()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", _AS_SHOWN, "--outdir", str(outdir), *map(str, files)]
        subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    out = {}
    for f in files:
        sheets = {}
        for part in outdir.glob(f"{f.stem}-*.csv"):
            with part.open(encoding="utf-8", newline="") as fh:
                sheets[part.stem[len(f.stem) + 1:]] = list(csv.reader(fh))
        assert sheets, f"LibreOffice showed nothing of {f}"
        out[f] = sheets
    return out
