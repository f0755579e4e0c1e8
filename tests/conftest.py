import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # xlwings' remote engine: free for noncommercial use


@pytest.fixture(scope="session")
def _recalculated(tmp_path_factory):
    """Every broken copy and the blank template, recalculated by LibreOffice in one run."""
    import shutil

    from cases import CASES, build
    from helpers import TEMPLATE
    from libreoffice import convert

    src = tmp_path_factory.mktemp("cases")
    files = [build(src, name) for name in CASES] + [shutil.copy(TEMPLATE, src / "blank_template.xlsx")]
    out = convert([Path(f) for f in files], tmp_path_factory.mktemp("lo"))
    return {name: (Path(f), o) for name, f, o in zip([*CASES, "blank_template"], files, out)}


@pytest.fixture(scope="session")
def recalculated_cases(_recalculated):
    """{case: (as written by openpyxl, as recalculated and saved by LibreOffice)} for every broken copy."""
    return {name: paths for name, paths in _recalculated.items() if name != "blank_template"}


@pytest.fixture(scope="session")
def recalculated_template(_recalculated):
    """The committed blank template as LibreOffice recalculates and saves it."""
    return _recalculated["blank_template"][1]
