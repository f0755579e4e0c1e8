"""`govreport-xl addin install`: put the built add-in where Excel loads it at start (XLSTART) and
tell its xlwings module which Python to run. Only Windows and macOS have Excel."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..atomic import atomic_text
from .build.xlam import CONFIG_NAME, build

ADDIN_FILE = "govreport_xl.xlam"


class NoExcelHere(Exception):
    """This system has no Excel to install into."""


def startup_folder(platform: str = sys.platform, home: Path | None = None, env=os.environ) -> Path:
    home = home or Path.home()
    if platform == "win32":
        return Path(env.get("APPDATA", home / "AppData" / "Roaming")) / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return home / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content.localized" / "Startup.localized" / "Excel"
    raise NoExcelHere(platform)


def config_file(platform: str = sys.platform, home: Path | None = None, env=os.environ) -> Path:
    """Where the add-in's xlwings module looks for its settings (GetConfigFilePath)."""
    home = home or Path.home()
    if platform == "win32":
        return Path(env.get("USERPROFILE", home)) / f".{CONFIG_NAME}" / f"{CONFIG_NAME}.conf"
    if platform == "darwin":  # sandboxed Excel's $HOME
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{CONFIG_NAME}.conf"
    raise NoExcelHere(platform)


def config_text(interpreter: str, platform: str = sys.platform) -> str:
    key = "INTERPRETER_WIN" if platform == "win32" else "INTERPRETER_MAC"
    return f'"{key}","{interpreter}"\n'


@dataclass(frozen=True)
class Installed:
    addin: Path
    config: Path


def install(interpreter: str = sys.executable, platform: str = sys.platform, home: Path | None = None, env=os.environ) -> Installed:
    folder, conf = startup_folder(platform, home, env), config_file(platform, home, env)
    folder.mkdir(parents=True, exist_ok=True)
    built = build(folder / ADDIN_FILE)
    atomic_text(conf, config_text(interpreter, platform))
    return Installed(built.path, conf)
