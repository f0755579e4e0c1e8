"""Dependencies by need: the core installs without PDF reading or Word writing, a command that
needs one names the extra to install, and the extras in setup.cfg hold together."""

from __future__ import annotations

import configparser
import json
import subprocess
import sys

import pytest

from govreport_xl.extras import OPTIONAL
from helpers import EXAMPLE_JSON, EXAMPLE_XLSX, ROOT

pytestmark = pytest.mark.slow  # fresh virtual environments

HEAVY = {"pdfplumber", "pypdfium2", "pillow", "python-docx", "pdfminer.six", "opencc", "lxml"}


ALL_OPTIONAL = ["pdfplumber", "pdfminer", "docx", "PIL", "pypdfium2", "opencc", "lxml"]


def _without_extras(tmp_path, *argv, blocked=ALL_OPTIONAL) -> subprocess.CompletedProcess:
    """The CLI in a Python where these optional packages cannot be imported."""
    code = (f"import sys; sys.modules.update(dict.fromkeys({blocked!r})); "
            "from govreport_xl.cli import main; sys.exit(main(sys.argv[1:]))")
    return subprocess.run([sys.executable, "-c", code, *map(str, argv)], capture_output=True, text=True, cwd=tmp_path,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_the_core_works_without_the_extras_and_names_them_when_needed(tmp_path):
    assert _without_extras(tmp_path, "validate", EXAMPLE_XLSX).returncode == 0
    proc = _without_extras(tmp_path, "render", EXAMPLE_JSON, "-o", tmp_path / "r.html")
    assert proc.returncode == 0 and (tmp_path / "r.html").is_file()
    proc = _without_extras(tmp_path, "render", EXAMPLE_JSON, "-o", tmp_path / "r.docx")
    assert proc.returncode == 2 and 'pip install "govreport-xl[render]"' in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "r.docx").exists()
    (tmp_path / "published.pdf").write_bytes(b"%PDF-1.4\n")
    proc = _without_extras(tmp_path, "audit", tmp_path / "published.pdf", "--json", "-q", blocked=ALL_OPTIONAL[:5])
    [record] = json.loads(proc.stdout)
    assert proc.returncode == 2 and record["status"] == "unreadable" and "Traceback" not in proc.stderr
    assert 'govreport-xl[pdf]' in json.dumps(record, ensure_ascii=False)
    (tmp_path / "published.txt").write_text("2023年政府信息公开工作年度报告", encoding="utf-8")
    proc = _without_extras(tmp_path, "audit", tmp_path / "published.txt", "--json", "-q")
    assert proc.returncode == 2 and 'govreport-xl[import]' in proc.stdout and "Traceback" not in proc.stderr


def _setup_cfg() -> configparser.ConfigParser:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    return cfg


def _names(text: str) -> set[str]:
    return {line.split(";")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower()
            for line in text.strip().splitlines() if line.strip()}


def _expanded(extras: dict[str, set[str]], name: str) -> set[str]:
    """An extra's packages, its references to other extras of this package (govreport-xl[a,b]) followed."""
    out = set()
    for req in extras[name]:
        if req.startswith("govreport-xl["):
            for other in req.removeprefix("govreport-xl[").rstrip("]").split(","):
                out |= _expanded(extras, other.strip())
        else:
            out.add(req.split("[")[0])
    return out


def test_extras_hold_together():
    cfg = _setup_cfg()
    raw = {k: _names(v) for k, v in cfg["options.extras_require"].items()}
    extras = {k: _expanded(raw, k) for k in raw}
    core = _names(cfg["options"]["install_requires"])
    assert not core & HEAVY  # a clerk's PC gets none of them
    named = {extra for extra, _, _ in OPTIONAL.values()}
    assert named <= set(extras)  # every message names an extra that exists
    for module, (extra, _, _) in OPTIONAL.items():  # and that extra installs the module
        assert {"docx": "python-docx"}.get(module, module) in extras[extra]
    assert extras["all"] == set().union(*(v for k, v in extras.items() if k not in ("all", "test", "bench")))
    assert extras["all"] <= extras["test"]  # `pip install -e '.[test]'` installs what every test needs
