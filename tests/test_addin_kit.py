"""The offline kit, built without network from a local wheelhouse: this package's real wheel and
fakes of its dependencies with Windows names and tags (their dependency markers say Windows, so
resolving them on Linux shows that the target's markers are the ones evaluated). And the add-in
built from an installed wheel, in a fresh virtual environment (issue 17, item 10)."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import xlwings

from govreport_xl.addin import kit as kits
from govreport_xl.addin.build.xlam import built_versions, installed_xlwings
from govreport_xl.cli import main
from oletools.olevba import VBA_Parser

pytestmark = pytest.mark.slow  # wheels and a virtual environment built

PY = "3.12"
WINDOWS = ("win_amd64", "win32")
# name, version, compiled?, Requires-Dist (as the real packages declare them)
FAKES = [
    ("openpyxl", "3.1.5", False, ["et-xmlfile"]),
    ("et_xmlfile", "2.0.0", False, []),
    ("pydantic", "2.14.4", False, ["annotated-types>=0.6.0", "pydantic-core==2.50.5", "typing-extensions>=4.14.1"]),
    ("pydantic_core", "2.50.5", True, ["typing-extensions>=4.14.1", 'uvloop; sys_platform != "win32"']),
    ("annotated_types", "0.8.0", False, []),
    ("typing_extensions", "4.16.0", False, []),
    ("xlwings", xlwings.__version__, True, ['pywin32>=224; platform_system == "Windows"', 'appscript>=1.0.1; platform_system == "Darwin"']),
    ("pywin32", "312", True, []),
    ("defusedxml", "0.7.1", False, []),
    ("tqdm", "4.70.1", False, ['colorama; platform_system == "Windows"']),
    ("colorama", "0.4.6", False, []),
]


def _record(files: dict[str, bytes]) -> str:
    lines = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{name},sha256={digest},{len(data)}")
    return "\n".join(lines) + "\n"


def fake_wheel(folder: Path, name: str, version: str, tag: str, requires: list[str], files: dict[str, bytes]) -> Path:
    dist = f"{name}-{version}.dist-info"
    files = {**files, f"{dist}/METADATA": ("Metadata-Version: 2.1\nName: " + name.replace("_", "-") + f"\nVersion: {version}\n"
                                            + "".join(f"Requires-Dist: {r}\n" for r in requires)).encode(),
             f"{dist}/WHEEL": f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: {tag}\n".encode()}
    files[f"{dist}/RECORD"] = (_record(files) + f"{dist}/RECORD,,\n").encode()
    path = folder / f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    return path


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheelhouse")
    vba = {f"xlwings/{n}": installed_xlwings()(n).encode("ascii") for n in ("xlwings_custom_addin.bas", "addin/Dictionary.cls")}
    for name, version, compiled, requires in FAKES:
        files = vba if name == "xlwings" else {f"{name}/__init__.py": b""}
        tags = [f"cp312-cp312-{p}" for p in WINDOWS] if compiled else ["py3-none-any"]
        for tag in tags:
            fake_wheel(folder, name, version, tag, requires, files)
    return folder


@pytest.fixture(scope="module")
def kit_zip(wheelhouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kit") / "年报校验安装包.zip"
    assert main(["addin", "kit", "-o", str(out), "--python", PY, "--no-index", "--find-links", str(wheelhouse)]) == 0
    return out


def test_the_kit_holds_windows_wheels_the_addin_and_the_scripts(kit_zip, tmp_path):
    with zipfile.ZipFile(kit_zip) as z:
        names = z.namelist()
        z.extractall(tmp_path)
    root = tmp_path / kits.FOLDER
    assert {n.split("/", 1)[1] for n in names if "/wheels/" not in n} == {
        "install.cmd", "uninstall.cmd", "README.txt", "govreport_xl.xlam", "kit.json"}
    assert all(n.isascii() for n in names)  # Windows' own unzip may not read UTF-8 names
    wheels = sorted((root / "wheels").glob("*.whl"))
    by_platform: dict[str, set[str]] = {}
    for w in wheels:
        dist, py, abi, platform = kits.wheel_tags(w.name)
        assert platform in (*WINDOWS, "any"), w.name
        assert platform == "any" or (py, abi) == ("cp312", "cp312"), w.name
        by_platform.setdefault(platform, set()).add(dist.lower())
    compiled = {name.lower() for name, _, c, _ in FAKES if c}
    assert by_platform["win_amd64"] == by_platform["win32"] == compiled  # x64 and x86, every compiled one
    everything = {d for ds in by_platform.values() for d in ds}
    assert {"pywin32", "colorama", "govreport_xl"} <= everything  # Windows-only dependencies are in
    assert "uvloop" not in everything and "appscript" not in everything  # those of other systems are not
    manifest = json.loads((root / "kit.json").read_text(encoding="utf-8"))
    assert manifest["xlwings"] == xlwings.__version__ and manifest["left_out"] == {}
    assert set(manifest["targets"]) == {"Python 3.12 x64", "Python 3.12 x86"}
    assert built_versions(root / "govreport_xl.xlam")["xlwings"] == xlwings.__version__
    parser = VBA_Parser(str(root / "govreport_xl.xlam"))
    assert {Path(n).stem for _, _, n, _ in parser.extract_macros()} >= {"GovReport", "xlwings"}
    parser.close()


def test_install_cmd_installs_offline_into_its_own_environment(kit_zip, tmp_path):
    with zipfile.ZipFile(kit_zip) as z:
        raw = z.read(f"{kits.FOLDER}/install.cmd")
        uninstall = z.read(f"{kits.FOLDER}/uninstall.cmd").decode("ascii")
        readme = z.read(f"{kits.FOLDER}/README.txt")
    text = raw.decode("ascii")  # cmd.exe reads a batch file in the OEM code page: ASCII only
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    lines = [line for line in text.splitlines() if line and not line.startswith(("rem", "@"))]
    assert any('-m pip install --no-index --find-links "%KIT%wheels" govreport-xl' in line for line in lines)
    assert any('addin install --xlam "%KIT%govreport_xl.xlam"' in line for line in lines)
    assert any('rmdir /s /q "%VENV%"' in line for line in lines)  # an upgrade replaces the environment whole
    assert any('>>"%XL%" echo off' in line for line in lines)  # a locked add-in stops it before any change
    assert "addin uninstall" in uninstall and 'rmdir /s /q "%VENV%"' in uninstall
    assert readme.startswith(b"\xef\xbb\xbf") and "install.cmd" in readme.decode("utf-8-sig")


def test_x86_is_left_out_where_a_wheel_is_missing(wheelhouse, tmp_path):
    partial = tmp_path / "wh"
    partial.mkdir()
    for w in wheelhouse.glob("*.whl"):
        if not w.name.startswith("pywin32-") or "win_amd64" in w.name:
            (partial / w.name).write_bytes(w.read_bytes())
    kit = kits.build_kit(tmp_path / "kit.zip", [PY], str(partial), no_index=True)
    assert list(kit.targets) == ["Python 3.12 x64"] and "pywin32" in kit.left_out["Python 3.12 x86"]
    assert "x86：未包含" in kit.summary()


def test_the_addin_builds_from_an_installed_wheel(tmp_path):
    """`pip install .` then `govreport-xl addin build`: the VBA sources travel as package data."""
    wheel = kits.own_wheel(tmp_path / "dist")
    with zipfile.ZipFile(wheel) as z:
        assert {"govreport_xl/addin/macros/GovReport.bas", "govreport_xl/addin/kit_files/install.cmd"} <= set(z.namelist())
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    # the dependencies come from this environment, behind the fresh one's own site-packages
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = subprocess.run([str(python), "-c", "import govreport_xl; print(govreport_xl.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(venv))
    proc = subprocess.run([str(venv / "bin" / "govreport-xl"), "addin", "build", "-o", str(tmp_path / "a.xlam")],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert built_versions(tmp_path / "a.xlam")["xlwings"] == xlwings.__version__
