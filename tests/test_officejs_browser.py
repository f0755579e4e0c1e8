"""The add-in's pages in a real headless Chromium, against the real server: what can run outside
Excel. office.js is replaced by tests/officejs_stub.js (the `Office` and `Excel` globals over a
workbook model loaded from a real file, with Office.js' load/sync rules), so that a click runs the
page's own code end to end — gather, post, apply — and the workbook that comes out is checked."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest

import govreport_xl
from govreport_xl.core.standard import CELLS, META_FIELDS
from govreport_xl.excel.layout import address
from govreport_xl.excel.marks import MARK_ERROR, MARK_WARNING, RESULTS_HEADER, RESULTS_SHEET, TEMPLATE_INPUT, TEMPLATE_TOTAL
from govreport_xl.server.app import create_app
from govreport_xl.server.settings import Settings
from helpers import ROOT
from officejs_payload import payload
from test_addin import expected_marks

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
STUB = Path(__file__).with_name("officejs_stub.js")
pytestmark = [pytest.mark.slow,  # a server and a real browser
              pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                                 reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`govreport-xl serve`'s app in uvicorn on a free port of 127.0.0.1, its office.js the stub."""
    import uvicorn
    from fastapi.responses import FileResponse

    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), public_url="https://report.example.gov.cn",
                        check_workers=1, extra={"office_js_url": "/test/office-stub.js"})
    app = create_app(settings)
    app.get("/test/office-stub.js", include_in_schema=False)(lambda: FileResponse(STUB, media_type="text/javascript"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(30)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def model(path: Path, excel_api: str = "1.12") -> dict:
    """The workbook as the stub holds it: every sheet's cached values, the names as Excel gives
    NamedItem.value (the address, quoted where Excel quotes)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = [{"name": ws.title, "values": [[c.value for c in row] for row in ws.iter_rows()]} for ws in wb.worksheets]
    names = [{"name": n, "value": dn.attr_text, "type": "Range"} for n, dn in wb.defined_names.items()]
    return {"url": f"C:\\Users\\clerk\\Documents\\{path.name}", "sheets": sheets, "names": names, "excelApi": excel_api}


def open_page(browser, url: str, book: dict) -> None:
    browser.get(url)
    wait(browser, "return document.body.getAttribute('data-ready') === 'true'")
    browser.execute_script("OfficeStub.open(arguments[0]);", book)


def wait(browser, condition: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = browser.execute_script(condition)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {condition}")


def press(browser, action: str) -> tuple[str, str]:
    """Click a task pane button; wait until the page says how it went: (its class, its text)."""
    browser.execute_script("document.getElementById('status').className = 'status';")
    browser.find_element("css selector", f"button[data-action='{action}']").click()
    wait(browser, "const s = document.getElementById('status'); return /done|failed/.test(s.className)"
                  " && document.body.getAttribute('aria-busy') === 'false';")
    status = browser.find_element("id", "status")
    return status.get_attribute("class"), status.text


def dump(browser) -> dict:
    return browser.execute_script("return OfficeStub.dump();")


def no_script_errors(browser) -> None:
    """Nothing Chromium counts as an error since the last look: an uncaught exception, a script or
    stylesheet that failed to load, a failed request."""
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []


def fills_of_report(book: dict) -> dict[str, str]:
    return {f"{s['name']}!{cell}": colour for s in book["sheets"] if s["name"] != RESULTS_SHEET
            for cell, colour in s["fills"].items()}


def test_the_page_gathers_exactly_the_payload_the_server_tests_post(server, browser, recalculated_cases):
    path = recalculated_cases["many"][1]
    open_page(browser, f"{server}/addin/taskpane.html", model(path))
    sent = browser.execute_async_script(
        "const done = arguments[0]; Excel.run(ctx => govreport.gather(ctx)).then(done, e => done(String(e)));")
    expected = payload(path)
    expected["book"]["name"] = path.name
    assert sent == json.loads(json.dumps(expected))
    # three round trips to Excel whatever the size, and the one Excel.run closes with
    assert browser.execute_script("return OfficeStub.syncs") == 4
    no_script_errors(browser)


def test_the_three_buttons_end_to_end(server, browser, recalculated_cases, tmp_path):
    path = recalculated_cases["many"][1]
    engine = govreport_xl.validate(path)
    open_page(browser, f"{server}/addin/taskpane.html", model(path))
    assert [b.text for b in browser.find_elements("css selector", "button[data-action]")] == ["校验", "清除标记", "导出JSON"]

    kind, text = press(browser, "check")
    assert kind == "status done" and text.startswith("发现 5 个错误、2 个警告")
    book = dump(browser)
    painted = fills_of_report(book)
    errors, warnings = expected_marks(engine)
    assert {c for c, col in painted.items() if col == MARK_ERROR} == errors
    assert {c for c, col in painted.items() if col == MARK_WARNING} == warnings
    assert set(painted) == {address(c) for c in CELLS} | {address(f.name) for f in META_FIELDS}
    [results] = [s for s in book["sheets"] if s["name"] == RESULTS_SHEET]
    assert book["active"] == [s["name"] for s in book["sheets"]].index(RESULTS_SHEET)
    assert results["cells"]["A3"] == f"结果：{text}"
    assert [results["cells"][f"{col}4"] for col in "ABCDEFG"] == list(RESULTS_HEADER)
    # every finding, an overwritten total (S-01) too: the add-in sees it from the values alone
    for n, f in enumerate(engine.findings, start=5):
        sheet, cell = f.cells[0].split("!")
        assert results["cells"][f"B{n}"] == f.rule
        assert results["cells"][f"E{n}"].startswith(f"=HYPERLINK(\"#'{sheet}'!{cell}\",")
    assert results["widths"]["3"] == officejs_points(60)  # 说明 column, converted from characters to points

    kind, text = press(browser, "check")  # again: the sheet is refreshed, not added twice
    assert kind == "status done" and [s["name"] for s in dump(browser)["sheets"]].count(RESULTS_SHEET) == 1

    kind, text = press(browser, "clear")
    assert (kind, text) == ("status done", "已清除校验标记和「校验结果」表")
    book = dump(browser)
    assert RESULTS_SHEET not in [s["name"] for s in book["sheets"]]
    assert set(fills_of_report(book).values()) == {TEMPLATE_INPUT, TEMPLATE_TOTAL}

    kind, text = press(browser, "export")
    assert kind == "status done" and text.startswith(f"已生成 {path.stem}.json")
    link = browser.find_element("id", "download")
    assert link.is_displayed() and link.get_attribute("download") == f"{path.stem}.json"
    downloads = tmp_path / "downloads"
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    link.click()  # as the clerk does: the file lands in the download folder
    target = downloads / f"{path.stem}.json"
    deadline = time.monotonic() + 30
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    saved = target.read_text(encoding="utf-8")
    cli = tmp_path / "cli.json"
    subprocess.run([sys.executable, "-m", "govreport_xl", "export", str(path), "-o", str(cli)], cwd=ROOT, check=False)
    assert json.loads(saved)[0]["report"] == json.loads(cli.read_text(encoding="utf-8"))[0]["report"]
    no_script_errors(browser)


def officejs_points(characters: float) -> float:
    return (characters * 7 + 5) * 0.75


def test_a_foreign_workbook_and_an_unreachable_server_are_said_in_the_pane(server, browser, tmp_path):
    path = tmp_path / "预算表.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["科目", "金额"])
    wb.save(path)
    open_page(browser, f"{server}/addin/taskpane.html", model(path))
    kind, text = press(browser, "check")
    assert kind == "status done" and "不是可以校验的政务公开年报模板" in text
    assert [s["name"] for s in dump(browser)["sheets"]] == ["Sheet"] and dump(browser)["sheets"][0]["fills"] == {}
    browser.execute_script("govreport.config.api = 'http://127.0.0.1:9/addin/api/';")  # nobody listens there
    kind, text = press(browser, "check")
    assert kind == "status failed" and "连不上校验服务器" in text
    browser.get_log("browser")  # the refused connection is logged by Chromium itself; nothing else may be


def test_excel_2016_api_level_still_works(server, browser, recalculated_cases):
    """ExcelApi 1.1 only (Excel 2016 without updates): no workbook name, no valuesOnly, no column
    widths, no date categories — the marks are the same."""
    path = recalculated_cases["t3_01_received"][1]
    open_page(browser, f"{server}/addin/taskpane.html", model(path, excel_api="1.1"))
    kind, text = press(browser, "check")
    assert kind == "status done" and text.startswith("发现 2 个错误")
    errors, _ = expected_marks(govreport_xl.validate(path))
    assert {c for c, col in fills_of_report(dump(browser)).items() if col == MARK_ERROR} == errors
    [results] = [s for s in dump(browser)["sheets"] if s["name"] == RESULTS_SHEET]
    assert results["widths"] == {}
    no_script_errors(browser)


def test_the_ribbon_command_checks_and_shows_the_line_in_a_dialog(server, browser, recalculated_cases):
    path = recalculated_cases["t3_01_received"][1]
    open_page(browser, f"{server}/addin/commands.html", model(path))
    assert browser.execute_script("return Object.keys(OfficeStub.associated).sort()") == ["govreportClear", "govreportValidate"]
    browser.execute_script("window.__completed = 0; OfficeStub.associated.govreportValidate({completed: () => window.__completed++});")
    url = wait(browser, "return OfficeStub.dialogs.length && OfficeStub.dialogs[0].url")
    assert url.startswith(f"{server}/addin/dialog.html?m=") and unquote(url.split("?m=")[1]).startswith("发现 2 个错误")
    assert RESULTS_SHEET in [s["name"] for s in dump(browser)["sheets"]]
    assert browser.execute_script("return window.__completed") == 0  # the command waits for the dialog
    browser.execute_script("OfficeStub.dialogs[0].message('ok');")
    assert browser.execute_script("return [window.__completed, OfficeStub.dialogs[0].closed]") == [1, True]
    no_script_errors(browser)

    browser.get(url)  # the dialog itself: the line, shown as text, and its button answers the command
    wait(browser, "return document.body.getAttribute('data-ready') === 'true'")
    assert browser.find_element("id", "message").text.startswith("发现 2 个错误")
    browser.find_element("id", "ok").click()
    assert browser.execute_script("return OfficeStub.messages") == ["ok"]
    no_script_errors(browser)


def test_text_from_the_workbook_is_never_markup(server, browser, tmp_path):
    browser.get(f"{server}/addin/dialog.html?m=" + "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    wait(browser, "return document.body.getAttribute('data-ready') === 'true'")
    assert browser.find_element("id", "message").text == "<img src=x onerror=alert(1)>"
    assert browser.find_elements("css selector", "#message img") == []


def test_the_client_parses_name_addresses_as_excel_writes_them(server, browser):
    browser.get(f"{server}/addin/taskpane.html")
    wait(browser, "return document.body.getAttribute('data-ready') === 'true'")
    parse = lambda text: browser.execute_script("return govreport.parseReference(arguments[0])", text)  # noqa: E731
    assert parse("'三、依申请公开'!$C$5") == {"sheet": "三、依申请公开", "address": "C5"}
    assert parse("=封面!$B$3") == {"sheet": "封面", "address": "B3"}
    assert parse("'It''s'!A1:B2") == {"sheet": "It's", "address": "A1:B2"}
    assert parse("=SUM(A1:A3)") is None and parse("#REF!") is None and parse(42) is None
    assert browser.execute_script("return [govreport.rangeAddress(0,0,1,1), govreport.rangeAddress(4,25,2,3)]") == ["A1", "Z5:AB6"]
