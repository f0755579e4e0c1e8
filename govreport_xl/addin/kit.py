"""`govreport-xl addin kit`: an install kit for Windows PCs without internet.

It holds the wheels of this package and of every dependency for Windows x64 (and x86 where every
one exists), the add-in built against the xlwings wheel it ships (so the VBA and the Python
package are of one version), and install.cmd / uninstall.cmd (kit_files/). Dependencies are
resolved for the target by uv (`uv pip compile --python-platform`): pip's own `download
--platform` evaluates environment markers for the machine it runs on, so it would leave out
Windows-only dependencies such as xlwings' pywin32. pip then fetches the pinned wheels.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..atomic import atomic_write
from .build.xlam import build, wheel_xlwings
from .install import ADDIN_FILE

KIT_FILES = Path(__file__).resolve().parent / "kit_files"
FOLDER = "govreport_xl_kit"  # the folder inside the zip: ASCII, as Windows' own unzip may not read UTF-8 names
TARGETS = {"win_amd64": ("x86_64-pc-windows-msvc", "x64"), "win32": ("i686-pc-windows-msvc", "x86")}
SOURCE = Path(__file__).resolve().parents[2]  # the source tree, for an editable install


class KitError(Exception):
    """The kit cannot be built; the message says why."""


def _run(cmd: list[str], what: str, stdin: str | None = None) -> str:
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True,
                          env={**os.environ, "UV_PYTHON_DOWNLOADS": "never", "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    if proc.returncode != 0:
        raise KitError(f"{what}失败：\n{(proc.stderr or proc.stdout).strip()[-2000:]}")
    return proc.stdout


def own_wheel(out: Path, source: Path = SOURCE) -> Path:
    """This package as a wheel, built from the source tree it runs from."""
    if not (source / "setup.cfg").is_file():
        raise KitError("生成安装包需要本工具的源代码目录（git clone 后 pip install -e '.[kit]'）"
                       "(the kit is built from a source checkout)")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)],
         "生成本工具的 wheel ")
    [wheel] = out.glob("govreport_xl-*.whl")
    return wheel


def _uv() -> str:
    try:
        from uv import find_uv_bin
    except ImportError:
        raise KitError('生成安装包需要 uv：pip install "govreport-xl[kit]" (the kit needs uv)') from None
    return find_uv_bin()


def _sources(find_links: str | None, no_index: bool) -> list[str]:
    return (["--no-index"] if no_index else []) + (["--find-links", str(find_links)] if find_links else [])


def resolve(wheel: Path, platform: str, python: str, find_links=None, no_index=False) -> list[str]:
    """Every dependency of the wheel as `name==version`, for that Windows platform and Python."""
    out = _run([_uv(), "pip", "compile", "-", "--python-platform", TARGETS[platform][0], "--python-version", python,
                "--only-binary", ":all:", "--no-header", "--no-annotate", "--quiet", *_sources(find_links, no_index)],
               f"解析 {TARGETS[platform][1]} Python {python} 的依赖 ", f"govreport-xl @ {wheel.as_uri()}\n")
    return [line.strip() for line in out.splitlines() if "==" in line and not line.startswith(("#", "govreport-xl"))]


def download(pins: list[str], platform: str, python: str, dest: Path, find_links=None, no_index=False) -> None:
    abi = "cp" + python.replace(".", "")
    _run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--platform", platform,
          "--python-version", python, "--implementation", "cp", "--abi", abi, "-q", "-d", str(dest),
          *_sources(find_links, no_index), *pins], f"下载 {TARGETS[platform][1]} Python {python} 的 wheel ")


def wheel_tags(name: str) -> tuple[str, str, str, str]:
    """(distribution, python tag, abi tag, platform tag) of a wheel's file name."""
    parts = name.removesuffix(".whl").split("-")
    return parts[0], parts[-3], parts[-2], parts[-1]


@dataclass
class Kit:
    path: Path
    pythons: list[str]
    targets: dict[str, list[str]] = field(default_factory=dict)  # "3.12 x64" -> pins
    left_out: dict[str, str] = field(default_factory=dict)  # "3.12 x86" -> why
    wheels: list[str] = field(default_factory=list)
    xlwings: str = ""

    def summary(self) -> str:
        lines = [f"已生成安装包 {self.path}：{len(self.wheels)} 个 wheel，加载项按 xlwings {self.xlwings} 生成",
                 *(f"  {t}：{len(p)} 个依赖" for t, p in self.targets.items()),
                 *(f"  {t}：未包含（{why.splitlines()[-1][:200]}）" for t, why in self.left_out.items())]
        return "\n".join(lines)


def _xlwings_version(pins: list[str]) -> str:
    return next(p.split("==")[1] for p in pins if p.lower().startswith("xlwings=="))


def build_kit(output: str | Path, pythons: list[str] | None = None, find_links: str | None = None,
              no_index: bool = False, log=lambda text: None, source: Path = SOURCE) -> Kit:
    pythons = pythons or [f"{sys.version_info.major}.{sys.version_info.minor}"]
    kit = Kit(Path(output), pythons)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / FOLDER
        wheels = root / "wheels"
        wheels.mkdir(parents=True)
        ours = own_wheel(Path(tmp) / "own", source)
        shutil.copy2(ours, wheels)
        for python in pythons:
            for platform, (_, arch) in TARGETS.items():
                name = f"Python {python} {arch}"
                log(f"解析并下载 {name} 的 wheel …")
                try:
                    pins = resolve(ours, platform, python, find_links, no_index)
                    download(pins, platform, python, wheels, find_links, no_index)
                except KitError as exc:
                    if platform == "win_amd64":
                        raise
                    kit.left_out[name] = str(exc)  # x86 only where every wheel exists
                    continue
                kit.targets[name] = pins
        versions = {_xlwings_version(p) for p in kit.targets.values()}
        if len(versions) != 1:
            raise KitError(f"各目标解析出的 xlwings 版本不同：{sorted(versions)}；请只给一个 --python (targets disagree on xlwings)")
        kit.xlwings = versions.pop()
        xlwings_wheel = next(wheels.glob(f"xlwings-{kit.xlwings}-*.whl"))
        build(root / ADDIN_FILE, xlwings=wheel_xlwings(xlwings_wheel))  # the VBA of the xlwings it ships
        for name in ("install.cmd", "uninstall.cmd"):  # cmd.exe reads them in the OEM code page: ASCII, CRLF
            text = (KIT_FILES / name).read_text(encoding="ascii")
            (root / name).write_bytes(text.replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii"))
        readme = (KIT_FILES / "README.txt").read_text(encoding="utf-8")
        (root / "README.txt").write_bytes(readme.replace("\n", "\r\n").encode("utf-8-sig"))  # Notepad reads it as UTF-8
        kit.wheels = sorted(w.name for w in wheels.glob("*.whl"))
        manifest = {"govreport-xl": __version__, "xlwings": kit.xlwings, "pythons": pythons,
                    "targets": kit.targets, "left_out": kit.left_out, "wheels": kit.wheels}
        (root / "kit.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        atomic_write(kit.path, lambda tmpzip: _zip(root, tmpzip))
    return kit


def _zip(root: Path, path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(root.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(root.parent).as_posix())
