"""Runs under the system Python with LibreOffice's UNO bridge (python3-uno), not the project's venv.

    python3 run_vba.py BOOK.xlam MODULE.FUNCTION [MODULE.FUNCTION …]

Opens the add-in in LibreOffice headless with the VBA-aware filter, lists the VBA project's
modules and calls each function (no arguments) through the document's script provider. Prints JSON.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(path, *targets):
    pipe = f"govreport{os.getpid()}"
    with tempfile.TemporaryDirectory() as profile:
        office = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                                   "--nologo", f"--accept=pipe,name={pipe};urp;"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            local = uno.getComponentContext()
            resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
            for _ in range(120):
                try:
                    ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                    break
                except Exception:
                    time.sleep(0.5)
            else:
                raise SystemExit("LibreOffice did not start")
            desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            props = (prop("FilterName", "Calc MS Excel 2007 VBA XML"), prop("Hidden", True), prop("MacroExecutionMode", 4))
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0, props)
            libraries = doc.BasicLibraries
            out = {"libraries": list(libraries.getElementNames()), "modules": {}}
            for name in out["libraries"]:
                libraries.loadLibrary(name)
                out["modules"][name] = sorted(libraries.getByName(name).getElementNames())
            library = next(n for n in out["libraries"] if n != "Standard")
            provider = doc.getScriptProvider()
            out["results"] = {target: provider.getScript(
                f"vnd.sun.star.script:{library}.{target}?language=Basic&location=document").invoke((), (), ())[0]
                for target in targets}
            doc.close(True)
            try:
                desktop.terminate()
            except Exception:  # the bridge closes as the office quits
                pass
        finally:
            try:
                office.wait(timeout=30)
            except subprocess.TimeoutExpired:
                office.kill()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
