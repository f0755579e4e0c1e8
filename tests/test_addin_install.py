"""`addin install | uninstall | doctor` on simulated Windows and macOS: the conf as VBA reads it
back (a Chinese path on a cp936 PC), conda environments, pythonw, a locked add-in, xlwings'
AppleScript and the version coupling between the add-in, the conf and the Python it names."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import xlwings

import govreport_xl

from govreport_xl.addin import install as inst
from govreport_xl.addin.build.xlam import build, built_versions, installed_xlwings
from govreport_xl.cli import main

CHINESE_PYTHON = ("Users", "张三", "AppData", "Local", "Programs", "Python", "Python312")


@pytest.fixture
def windows(tmp_path, monkeypatch):
    """A Chinese Windows: ANSI code page 936, a user profile named 张三, python.org's per-user Python."""
    monkeypatch.setattr(inst, "_windows_acp", lambda: 936)
    profile = tmp_path.joinpath(*CHINESE_PYTHON[:2])
    env = {"APPDATA": str(profile / "AppData" / "Roaming"), "USERPROFILE": str(profile)}
    python = tmp_path.joinpath(*CHINESE_PYTHON) / "python.exe"
    python.parent.mkdir(parents=True)
    python.write_bytes(b"")
    return env, python


def test_the_conf_is_written_in_the_ansi_code_page_vba_reads(windows):
    env, python = windows
    done = inst.install(python, "win32", env)
    raw = done.config.read_bytes()
    expected = f'"INTERPRETER_WIN","{python}"\r\n'
    assert raw == expected.encode("gbk")  # what `Open … For Input` reads on a cp936 PC
    assert raw != expected.encode("utf-8")  # the old bug: 张三 read back as 寮犱笁
    assert expected.encode("utf-8").decode("gbk", errors="replace") != expected
    assert inst.read_conf(done.config, "win32") == {"INTERPRETER_WIN": str(python)}
    assert done.addin == Path(env["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART" / "govreport_xl.xlam"
    assert built_versions(done.addin) == {"govreport-xl": govreport_xl.__version__, "xlwings": xlwings.__version__}


def test_a_path_the_code_page_cannot_hold_fails_before_anything_is_written(windows, monkeypatch):
    env, python = windows
    monkeypatch.setattr(inst, "_windows_acp", lambda: 1252)  # a Western-European Windows
    with pytest.raises(inst.InstallError) as err:
        inst.install(python, "win32", env)
    assert "cp1252" in str(err.value) and "张三" in str(err.value) and "英文字母" in str(err.value)
    assert not inst.startup_folder("win32", env).exists() and not inst.config_file("win32", env).exists()


def test_the_hand_edit_note_names_the_encoding(windows):
    assert "cp936" in inst.hand_edit_note("win32") and "ANSI" in inst.hand_edit_note("win32")
    assert "UTF-8" in inst.hand_edit_note("darwin")


def test_pythonw_beside_python_is_written_for_a_silent_start(windows):
    env, python = windows
    python.with_name("pythonw.exe").write_bytes(b"")
    done = inst.install(python, "win32", env)
    assert done.settings == {"INTERPRETER_WIN": str(python.with_name("pythonw.exe"))}


@pytest.mark.parametrize("layout", ["base", "named", "elsewhere"])
def test_conda_environments_get_conda_path_and_env(tmp_path, layout):
    conda = tmp_path / "Miniconda3"
    (conda / "condabin").mkdir(parents=True)
    (conda / "condabin" / "conda.bat").write_text("")
    prefix = {"base": conda, "named": conda / "envs" / "report", "elsewhere": tmp_path / "envs2" / "report"}[layout]
    (prefix / "conda-meta").mkdir(parents=True, exist_ok=True)
    env = {"CONDA_EXE": str(conda / "Scripts" / "conda.exe")}
    settings = inst.conf_settings(prefix / "python.exe", "win32", env)
    assert settings == {"CONDA PATH": str(conda), "CONDA ENV": {"base": "base", "named": "report", "elsewhere": str(prefix)}[layout]}
    assert inst.interpreter_of(settings, "win32") == prefix / "python.exe"  # where doctor looks
    assert inst.conf_settings(prefix / "python.exe", "darwin", env) == {"INTERPRETER_MAC": str(prefix / "python.exe")}
    assert inst.conf_settings(tmp_path / "plain" / "python.exe", "win32", env) == {"INTERPRETER_WIN": str(tmp_path / "plain" / "python.exe")}


def test_a_locked_addin_is_one_line_not_a_traceback(windows, monkeypatch, capsys):
    env, python = windows
    monkeypatch.setattr(inst.sys, "platform", "win32")
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    def locked(src, dst):  # what Windows says while Excel has the add-in open
        raise PermissionError(13, "The process cannot access the file because it is being used by another process", str(dst))

    import govreport_xl.atomic as atomic

    monkeypatch.setattr(atomic.os, "replace", locked)
    assert main(["addin", "install"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "请先关闭所有 Excel 窗口" in err and "Traceback" not in err
    assert not any(inst.startup_folder("win32", env).iterdir())  # no temporary file left in XLSTART


def test_macos_gets_xlwings_applescript_of_the_addins_version(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    done = inst.install(Path(sys.executable), "darwin", {})
    script = tmp_path / "Library" / "Application Scripts" / "com.microsoft.Excel" / f"xlwings-{xlwings.__version__}.applescript"
    assert done.mac_script == script and script.is_file()
    assert done.config == tmp_path / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "govreport_xl.conf"
    assert done.config.read_text(encoding="utf-8") == f'"INTERPRETER_MAC","{sys.executable}"\n'
    assert "Startup.localized" in str(done.addin) and built_versions(done.addin)["xlwings"] == xlwings.__version__
    up = inst.doctor("darwin", {})
    assert up.ok, up.lines
    assert any(f"xlwings {xlwings.__version__}" in line for _, line in up.lines)
    script.unlink()
    up = inst.doctor("darwin", {})
    assert not up.ok and "AppleScript" in up.lines[-1][1]


def _older_xlwings(name: str) -> str:
    return installed_xlwings()(name).replace(f'XLWINGS_VERSION As String = "{xlwings.__version__}"', 'XLWINGS_VERSION As String = "0.30.0"')


def test_doctor_finds_an_addin_built_for_another_xlwings(windows, tmp_path, monkeypatch):
    env, _ = windows
    monkeypatch.setattr(inst, "_windows_acp", lambda: 65001)
    inst.install(Path(sys.executable), "win32", env)  # this Python really answers the probe
    assert inst.doctor("win32", env).ok
    build(inst.startup_folder("win32", env) / inst.ADDIN_FILE, xlwings=_older_xlwings)
    up = inst.doctor("win32", env)
    assert not up.ok and "加载项按 xlwings 0.30.0 生成" in up.lines[-1][1] and xlwings.__version__ in up.lines[-1][1]


def test_a_prebuilt_addin_for_another_xlwings_is_refused(windows, tmp_path):
    env, python = windows
    old = build(tmp_path / "old.xlam", xlwings=_older_xlwings).path
    with pytest.raises(inst.InstallError, match="0.30.0"):
        inst.install(python, "win32", env, xlam=old)
    good = build(tmp_path / "good.xlam").path
    done = inst.install(python, "win32", env, folder=tmp_path / "share", xlam=good)
    assert done.addin.read_bytes() == good.read_bytes()  # placed as it is, so a signature stays valid


def test_doctor_says_what_is_missing_or_misread(windows):
    env, python = windows
    up = inst.doctor("win32", env)
    assert not up.ok and "没有加载项" in up.lines[0][1] and "没有设置文件" in up.lines[1][1]
    done = inst.install(python, "win32", env)
    done.config.write_bytes(f'"INTERPRETER_WIN","{python}"\r\n'.encode("utf-8"))  # saved as UTF-8 by hand
    up = inst.doctor("win32", env)
    assert not up.ok and "不是本机 ANSI 编码（cp936）" in up.lines[-1][1] and "寮犱笁" in up.lines[-1][1]
    done.config.write_bytes(f'"INTERPRETER_WIN","{python}"\r\n'.encode("gbk"))
    up = inst.doctor("win32", env)  # an empty file is no Python
    assert not up.ok and "无法导入" in up.lines[-1][1]
    done.config.write_bytes(b'"PYTHONPATH",""\r\n')
    up = inst.doctor("win32", env)
    assert not up.ok and "没有写明 Python" in up.lines[-1][1]


def test_uninstall_removes_what_install_placed(windows):
    env, python = windows
    done = inst.install(python, "win32", env)
    removed = inst.uninstall("win32", env)
    assert set(removed) == {done.addin, done.config, done.config.parent}
    assert not done.addin.exists() and not done.config.parent.exists()
    assert inst.uninstall("win32", env) == []


def test_cli_on_a_system_without_excel(capsys):
    for command in ("install", "uninstall", "doctor"):
        assert main(["addin", command]) == 2
        assert "没有 Excel" in capsys.readouterr().err
