"""The layers the folders show: imports point inward only, toward the core."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "govreport_xl"
# layer -> the layers of ours it may import (besides itself)
ALLOWED = {
    "core": set(),
    "atomic": set(),
    "extras": {"core"},
    "excel": {"core", "atomic"},
    "formats": {"core", "atomic"},
    "importing": {"core", "extras"},
    "bulk": {"core", "excel", "formats", "atomic"},
    "render": {"core", "excel", "atomic", "extras"},
    "addin": {"core", "excel", "formats", "atomic", "api"},
    "api": {"core", "excel", "formats", "importing", "addin", "atomic", "bulk"},
    "cli": {"core", "excel", "formats", "importing", "api", "atomic", "addin", "bulk", "render", "server"},
    "server": {"core", "excel", "formats", "api", "atomic", "bulk", "addin"},
}


def layer_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 or rel.stem not in ("__init__", "__main__") else "package"


def imported_layers(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    depth = len(path.relative_to(PACKAGE).parts) - 1
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and (node.module or "").startswith("govreport_xl."):
                out.add(node.module.split(".")[1])
            elif node.level > depth and node.module:  # reaches the package root
                out.add(node.module.split(".")[0])
            elif node.level > depth:
                out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names if a.name.startswith("govreport_xl."))
    return out


FILES = sorted(p for p in PACKAGE.rglob("*.py") if layer_of(p) in ALLOWED)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_inward(path):
    layer = layer_of(path)
    outside = imported_layers(path) - {layer, "__version__"}
    assert outside <= ALLOWED[layer], f"{path.relative_to(PACKAGE)} imports {outside - ALLOWED[layer]}"


def test_the_core_imports_no_spreadsheet_or_file_library():
    for path in (PACKAGE / "core").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for lib in ("openpyxl", "xlwings", "zipfile", "defusedxml"):
            assert f"import {lib}" not in text and f"from {lib}" not in text, (path.name, lib)
