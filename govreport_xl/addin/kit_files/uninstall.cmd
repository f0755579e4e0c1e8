@echo off
rem Removes what install.cmd placed: the add-in, this user's settings, the environment.
rem Give the same /venv and /folder as to install.cmd.
setlocal
set "VENV=%LOCALAPPDATA%\govreport_xl\venv"
set "FOLDER="
:args
if "%~1"=="" goto run
if /i "%~1"=="/venv" (set "VENV=%~2" & shift & shift & goto args)
if /i "%~1"=="/folder" (set "FOLDER=%~2" & shift & shift & goto args)
echo Unknown option: %1
exit /b 2
:run
set "WHERE="
if defined FOLDER set WHERE=--folder "%FOLDER%"
if exist "%VENV%\Scripts\python.exe" "%VENV%\Scripts\python.exe" -m govreport_xl addin uninstall %WHERE% || exit /b 2
if exist "%VENV%" rmdir /s /q "%VENV%" || exit /b 2
rem The folder that held the environment goes too when nothing else is in it.
for %%d in ("%VENV%\..") do rmdir "%%~fd" 2>nul
exit /b 0
