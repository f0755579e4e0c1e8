import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # xlwings' remote engine: free for noncommercial use


@pytest.fixture(scope="session")
def recalculated_cases(tmp_path_factory):
    """{case: (as written by openpyxl, as recalculated and saved by LibreOffice)} for every broken copy."""
    from cases import CASES, build
    from libreoffice import convert

    src = tmp_path_factory.mktemp("cases")
    files = [build(src, name) for name in CASES]
    out = convert(files, tmp_path_factory.mktemp("lo"))
    return {name: (f, o) for name, f, o in zip(CASES, files, out)}
