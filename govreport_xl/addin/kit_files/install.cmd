@echo off
rem govreport-xl offline install (the kit's README.txt explains every line). Options:
rem   /python C:\Python312\python.exe   the Python to build the environment from (default: py -3)
rem   /venv C:\govreport_xl\venv        where the environment goes (default: %LOCALAPPDATA%\govreport_xl\venv)
rem   /folder "\\server\addins"         the add-in's folder (default: this user's XLSTART)
setlocal
set "KIT=%~dp0"
set "PY="
set "VENV=%LOCALAPPDATA%\govreport_xl\venv"
set "FOLDER="
:args
if "%~1"=="" goto run
if /i "%~1"=="/python" (set "PY=%~2" & shift & shift & goto args)
if /i "%~1"=="/venv" (set "VENV=%~2" & shift & shift & goto args)
if /i "%~1"=="/folder" (set "FOLDER=%~2" & shift & shift & goto args)
echo Unknown option: %1
exit /b 2
:run
set "WHERE="
if defined FOLDER set WHERE=--folder "%FOLDER%"
if not defined PY for /f "delims=" %%p in ('py -3 -c "import sys; print(sys.executable)" 2^>nul') do set "PY=%%p"
if not defined PY (
    echo Python 3 was not found. Install it first, or give its path: install.cmd /python C:\Python312\python.exe
    exit /b 2
)
rem 0. Excel keeps its add-in open: stop before changing anything.
set "XL=%APPDATA%\Microsoft\Excel\XLSTART\govreport_xl.xlam"
if defined FOLDER set "XL=%FOLDER%\govreport_xl.xlam"
if exist "%XL%" 2>nul (>>"%XL%" echo off) || (
    echo Close Excel first: "%XL%" is in use.
    exit /b 3
)
rem 1. A fresh environment of its own: an upgrade replaces the old one whole.
if exist "%VENV%" rmdir /s /q "%VENV%" || exit /b 2
"%PY%" -m venv "%VENV%" || exit /b 2
rem 2. This package and every dependency from the kit's wheels, never from the internet.
"%VENV%\Scripts\python.exe" -m pip install --no-index --find-links "%KIT%wheels" govreport-xl || exit /b 2
rem 3. The kit's add-in (as IT signed it, if it did) and this user's settings; then the check.
"%VENV%\Scripts\python.exe" -m govreport_xl addin install --xlam "%KIT%govreport_xl.xlam" %WHERE% || exit /b 2
"%VENV%\Scripts\python.exe" -m govreport_xl addin doctor %WHERE%
