"""`govreport-xl addin install | uninstall | doctor`: put the add-in where Excel loads it at start
(XLSTART), tell its xlwings module which Python to run, and check that the three agree.

The add-in's VBA is xlwings' module of one version; the Python it starts must carry the same
xlwings (on the Mac, RunPython calls the AppleScript of that version by name). So `install`
builds against the xlwings installed here, or places a prebuilt add-in only if it was built
against that version, and `doctor` says where they disagree. Only Windows and macOS have Excel;
the platform and environment are parameters so that both are tested anywhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .build.xlam import CONFIG_NAME, build, built_versions

ADDIN_FILE = "govreport_xl.xlam"
MAC_SCRIPTS = Path("Library") / "Application Scripts" / "com.microsoft.Excel"


class NoExcelHere(Exception):
    """This system has no Excel to install into."""


class InstallError(Exception):
    """Something stops the install; the message says what to do, in one line."""


def startup_folder(platform: str | None = None, env=None) -> Path:
    platform = platform or sys.platform
    env = os.environ if env is None else env
    if platform == "win32":
        return Path(env.get("APPDATA") or Path.home() / "AppData" / "Roaming") / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return Path.home() / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content.localized" / "Startup.localized" / "Excel"
    raise NoExcelHere(platform)


def config_file(platform: str | None = None, env=None) -> Path:
    """Where the add-in's xlwings module looks for its settings (GetConfigFilePath)."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    if platform == "win32":
        return Path(env.get("USERPROFILE") or Path.home()) / f".{CONFIG_NAME}" / f"{CONFIG_NAME}.conf"
    if platform == "darwin":  # sandboxed Excel's $HOME
        return Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{CONFIG_NAME}.conf"
    raise NoExcelHere(platform)


def mac_script(version: str) -> Path:
    """xlwings' AppleScript that RunPython calls on the Mac, named for the xlwings version."""
    return Path.home() / MAC_SCRIPTS / f"xlwings-{version}.applescript"


# --- the conf file ---------------------------------------------------------------------------------


def _windows_acp() -> int:
    import ctypes

    return ctypes.windll.kernel32.GetACP()


def conf_encoding(platform: str | None = None) -> str:
    """The encoding VBA's `Open … For Input` reads the conf in: on Windows the ANSI code page
    (GetACP: cp936 on Chinese Windows), whatever Python's own default; on the Mac UTF-8, which
    is what xlwings writes its conf in there."""
    platform = platform or sys.platform
    return f"cp{_windows_acp()}" if platform == "win32" else "utf-8"


def silent_interpreter(python: Path, platform: str | None = None) -> Path:
    """pythonw.exe where it sits beside python.exe: xlwings' documented choice of interpreter
    (and its default for the UDF server), which opens no console window of its own."""
    platform = platform or sys.platform
    if platform == "win32" and python.name.lower() == "python.exe" and python.with_name("pythonw.exe").is_file():
        return python.with_name("pythonw.exe")
    return python


def conda_settings(python: Path, platform: str | None = None, env=None) -> dict[str, str] | None:
    """CONDA PATH and CONDA ENV for a conda environment on Windows, as `xlwings config create`
    writes them (xlwings then runs `conda activate` before Python, so the environment's DLLs load);
    None for any other Python."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    prefix = python.parent
    if platform != "win32" or not (prefix / "conda-meta").is_dir():
        return None
    if (prefix / "condabin" / "conda.bat").is_file():
        return {"CONDA PATH": str(prefix), "CONDA ENV": "base"}
    if prefix.parent.name.lower() == "envs" and (prefix.parent.parent / "condabin" / "conda.bat").is_file():
        return {"CONDA PATH": str(prefix.parent.parent), "CONDA ENV": prefix.name}
    if env.get("CONDA_EXE"):  # an environment outside the installation: xlwings takes its path as the env
        return {"CONDA PATH": str(Path(env["CONDA_EXE"]).parents[1]), "CONDA ENV": str(prefix)}
    return None


def conf_settings(python: Path, platform: str | None = None, env=None) -> dict[str, str]:
    platform = platform or sys.platform
    env = os.environ if env is None else env
    if platform == "win32":
        return conda_settings(python, platform, env) or {"INTERPRETER_WIN": str(silent_interpreter(python, platform))}
    return {"INTERPRETER_MAC": str(python)}


def conf_bytes(settings: dict[str, str], platform: str | None = None) -> bytes:
    """The conf as VBA's `Input #` reads it back: "KEY","VALUE" lines in the PC's code page."""
    platform = platform or sys.platform
    encoding = conf_encoding(platform)
    newline = "\r\n" if platform == "win32" else "\n"
    text = "".join(f'"{k}","{v}"{newline}' for k, v in settings.items())
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = "".join(sorted({ch for v in settings.values() for ch in v if not _encodable(ch, encoding)}))
        value = next(v for v in settings.values() if any(ch in bad for ch in v))
        raise InstallError(
            f"路径「{value}」含有本机 ANSI 代码页（{encoding}）表示不了的字符「{bad}」，Excel 的 VBA 会把它读错。"
            f"请把 Python（或 install.cmd 的 /venv 目录）放在只含英文字母和数字的路径下，如 C:\\govreport_xl，再安装一次。"
            f"(the path cannot be written in this PC's ANSI code page {encoding}: use a plain ASCII path)") from exc


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


def read_conf(path: Path, platform: str | None = None) -> dict[str, str]:
    """The settings as the add-in will read them (raises UnicodeDecodeError where it would misread)."""
    platform = platform or sys.platform
    out = {}
    for line in path.read_bytes().decode(conf_encoding(platform)).splitlines():
        if line.strip():
            key, _, value = line.partition(",")
            out[key.strip().strip('"').upper()] = value.strip().strip('"')
    return out


def _saved_as_utf8(raw: bytes, encoding: str) -> bool:
    """Non-ASCII text saved as UTF-8 where VBA reads another code page (张三 would read as 寮犱笁)."""
    if raw.isascii() or encoding.replace("-", "").lower() in ("utf8", "cp65001"):
        return False
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def hand_edit_note(platform: str | None = None) -> str:
    platform = platform or sys.platform
    encoding = conf_encoding(platform)
    if platform != "win32":
        return "如需手工编辑 conf 文件，请存为 UTF-8 编码。"
    return (f"如需手工编辑 conf 文件，请存为本机 ANSI 编码（{encoding}；中文 Windows 即 GBK：记事本“另存为”→ 编码选 ANSI），"
            "不要存为 UTF-8，否则含中文的路径会被读错。")


# --- install, uninstall ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    addin: Path
    config: Path
    settings: dict[str, str]
    mac_script: Path | None = None


def _place(target: Path, write) -> None:
    try:
        write(target)
    except PermissionError as exc:  # Windows: Excel holds the add-in it loaded
        raise InstallError(f"无法替换 {target}：文件正被使用。请先关闭所有 Excel 窗口，再运行一次。"
                           "(the add-in is open in Excel: close Excel and run this again)") from exc


def _write_atomically(target: Path, data: bytes) -> None:
    from ..atomic import atomic_write

    atomic_write(target, lambda tmp: tmp.write_bytes(data))


def install(python: Path | None = None, platform: str | None = None, env=None,
            folder: Path | None = None, xlam: Path | None = None) -> Installed:
    """Place the add-in (built here, or the prebuilt `xlam` if its xlwings is the one installed
    here) into `folder` (default: this user's XLSTART), write this user's conf, and on the Mac
    xlwings' AppleScript. Everything is checked before anything is written."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    import xlwings

    python = Path(python or sys.executable)
    folder = folder or startup_folder(platform, env)
    conf = config_file(platform, env)
    settings = conf_settings(python, platform, env)
    data = conf_bytes(settings, platform)
    if xlam is not None:
        built = built_versions(xlam).get("xlwings")
        if built != xlwings.__version__:
            raise InstallError(f"加载项 {xlam} 是按 xlwings {built or '未知版本'} 生成的，本机 Python 中是 xlwings {xlwings.__version__}："
                               "请用同一安装包中的文件，或不带 --xlam 运行以在本机生成。"
                               f"(the add-in was built for xlwings {built}, this Python has {xlwings.__version__})")
    target = folder / ADDIN_FILE
    folder.mkdir(parents=True, exist_ok=True)
    if xlam is not None:
        _place(target, lambda t: _write_atomically(t, Path(xlam).read_bytes()))
    else:
        _place(target, build)
    _write_atomically(conf, data)
    script = None
    if platform == "darwin":
        import xlwings.cli

        xlwings.cli.runpython_install(None)  # copies xlwings-<version>.applescript for this xlwings
        script = mac_script(xlwings.__version__)
    return Installed(target, conf, settings, script)


def uninstall(platform: str | None = None, env=None, folder: Path | None = None) -> list[Path]:
    """Remove the add-in and this user's conf (not the Mac AppleScript: xlwings' own add-in and
    others share it). Returns what was removed."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    removed = []
    for path in ((folder or startup_folder(platform, env)) / ADDIN_FILE, config_file(platform, env)):
        if path.is_file():
            _place(path, Path.unlink)
            removed.append(path)
    conf_dir = config_file(platform, env).parent
    if platform == "win32" and conf_dir.is_dir() and not any(conf_dir.iterdir()):
        conf_dir.rmdir()
        removed.append(conf_dir)
    return removed


# --- doctor ----------------------------------------------------------------------------------------


@dataclass
class Checkup:
    lines: list[tuple[bool, str]] = field(default_factory=list)

    def say(self, ok: bool, text: str) -> None:
        self.lines.append((ok, text))

    @property
    def ok(self) -> bool:
        return all(ok for ok, _ in self.lines)


_PROBE = ("import json, sys, xlwings, govreport_xl; "
          "print(json.dumps({'xlwings': xlwings.__version__, 'govreport-xl': govreport_xl.__version__, 'python': sys.version.split()[0]}))")


def interpreter_of(settings: dict[str, str], platform: str | None = None) -> Path | None:
    """The Python the add-in will start with these settings (None: `python` from PATH)."""
    platform = platform or sys.platform
    if platform != "win32":
        return Path(settings["INTERPRETER_MAC"]) if settings.get("INTERPRETER_MAC") else None
    if settings.get("INTERPRETER_WIN"):
        return Path(settings["INTERPRETER_WIN"])
    path, env = settings.get("CONDA PATH"), settings.get("CONDA ENV")
    if path and env:
        prefix = Path(path) if env == "base" else Path(env) if "\\" in env or "/" in env else Path(path) / "envs" / env
        return prefix / "python.exe"
    return None


def probe(python: Path) -> dict[str, str] | str:
    """The versions the Python reports, or why it could not be asked."""
    try:
        proc = subprocess.run([str(python), "-c", _PROBE], capture_output=True, text=True, timeout=120)
    except OSError as exc:
        return str(exc)
    except subprocess.TimeoutExpired:
        return "没有在 120 秒内响应"
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or [f"退出码 {proc.returncode}"])[-1]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def doctor(platform: str | None = None, env=None, folder: Path | None = None) -> Checkup:
    """Whether the add-in, the conf and the Python they name agree, line by line."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    up = Checkup()
    addin = (folder or startup_folder(platform, env)) / ADDIN_FILE
    built = built_versions(addin) if addin.is_file() else {}
    if not addin.is_file():
        up.say(False, f"没有加载项：{addin}（运行 govreport-xl addin install）")
    elif not built:
        up.say(False, f"加载项 {addin} 不是本工具 0.2 以后生成的，说不出它的 xlwings 版本：请重新安装")
    else:
        up.say(True, f"加载项：{addin}（govreport-xl {built.get('govreport-xl')}，xlwings {built.get('xlwings')}）")
    conf = config_file(platform, env)
    try:
        settings = read_conf(conf, platform) if conf.is_file() else None
        misread = settings is not None and _saved_as_utf8(conf.read_bytes(), conf_encoding(platform))
    except UnicodeDecodeError:
        settings, misread = None, True
    if misread:
        up.say(False, f"设置文件 {conf} 不是本机 ANSI 编码（{conf_encoding(platform)}），VBA 会读错其中的中文"
                      + (f"（读成 {'，'.join(settings.values())}）" if settings else "") + "：" + hand_edit_note(platform))
        return up
    if settings is None:
        up.say(False, f"没有设置文件：{conf}（加载项会去 PATH 中找 python；运行 govreport-xl addin install 写入）")
        return up
    python = interpreter_of(settings, platform)
    up.say(python is not None, f"设置文件：{conf}：" + ("，".join(f"{k} = {v}" for k, v in settings.items())
                                                    if python else "没有写明 Python（加载项会去 PATH 中找 python）"))
    if python is None:
        return up
    if not python.is_file():
        up.say(False, f"设置文件中的 Python 不存在：{python}")
        return up
    found = probe(python)
    if isinstance(found, str):
        up.say(False, f"{python} 无法导入 govreport_xl 和 xlwings：{found}")
        return up
    up.say(True, f"Python {found['python']}：{python}（govreport-xl {found['govreport-xl']}，xlwings {found['xlwings']}）")
    if built and built.get("xlwings") != found["xlwings"]:
        up.say(False, f"版本不一致：加载项按 xlwings {built['xlwings']} 生成，Python 中是 xlwings {found['xlwings']}。"
                      "请用这个 Python 重新运行 govreport-xl addin install。")
    if platform == "darwin" and built.get("xlwings"):
        script = mac_script(built["xlwings"])
        up.say(script.is_file(), f"AppleScript：{script}" + ("" if script.is_file() else " 不存在（重新运行 govreport-xl addin install）"))
    return up
