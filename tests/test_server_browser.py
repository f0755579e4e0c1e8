"""The office server in a real browser: Debian's Chromium, headless, driven by selenium through
Debian's chromedriver (nothing downloaded). The body's flow (a broken workbook, its findings, the
fixed one, 通过) and the office's (log in, the round, the summary downloaded). With
GOVREPORT_SCREENSHOTS=docs the pages are also saved there as the README's screenshots."""

from __future__ import annotations

import base64
import os
import shutil
import time
import re
from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("fastapi", reason="the [server] extra is not installed")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from cases import build  # noqa: E402
from govreport_xl.excel.layout import address  # noqa: E402
from helpers import example_report  # noqa: E402
from govreport_xl.excel.filler import fill_workbook  # noqa: E402
from server_process import Browser, Server  # noqa: E402

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
PASSWORD = "correct horse battery"

pytestmark = [pytest.mark.slow,  # a server and a real browser
              pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()) and not os.environ.get("GOVREPORT_REQUIRE_CHROMIUM"),
                                 reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)")]


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    profile, downloads = tmp_path_factory.mktemp("profile"), tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                 "--window-size=1280,1000", "--lang=zh-CN", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A running server with a round of five bodies in every state but the ones the browser makes."""
    folder = tmp_path_factory.mktemp("site")
    server = Server(folder / "data", extra=("--public-url", "http://10.12.1.8:8000")).start()  # links as an intranet would have them
    office = Browser(server)
    office.setup()
    bodies = [("石嘴山市人民政府", "", "640200", "设区的市级人民政府", "办公室 张三"),
              ("大武口区人民政府", "", "640202", "县级人民政府", "李四"), ("惠农区人民政府", "", "640205", "县级人民政府", "王五"),
              ("平罗县人民政府", "", "640221", "县级人民政府", "赵六"), ("石嘴山市教育局", "", "640200", "政府部门", "孙七"),
              ("石嘴山市财政局", "", "640200", "政府部门", "周八")]
    round_url, links = office.round_with_bodies(2022, "640200", bodies)
    books = {name: build(folder, name) for name in ("example", "many", "t3_01_received", "v_03_blanks")}
    # what a clerk uploads, named as a clerk names it: a typo in one input cell (198 typed as 200),
    # then the corrected file (the screenshots in docs/ show these)
    clerk = folder / "clerk"
    clerk.mkdir()
    books["draft"] = fill_workbook(example_report().with_values({"T3.R01.C1": 200, "T3.R01.C7": 200}),
                                   clerk / "石嘴山市人民政府2022年度报告（初稿）.xlsx")
    books["final"] = clerk / "石嘴山市人民政府2022年度报告.xlsx"
    shutil.copyfile(books["example"], books["final"])

    def upload(name, book):
        data = as_body(books[book], name, folder / f"{name}.xlsx").read_bytes()  # the cover names the body that sends it
        r = office.post(f"{links[name]}/upload", files={"file": (f"{name}2022年度报告.xlsx", data, "application/octet-stream")})
        return r.headers["location"].rsplit("=", 1)[1]

    upload("大武口区人民政府", "many")
    returned = upload("惠农区人民政府", "example")
    confirmed = upload("平罗县人民政府", "v_03_blanks")
    page = office.http.get(round_url).text
    for name, upload_id, action, note in (("惠农区人民政府", returned, "return", "第五部分“存在的主要问题及改进情况”未填写，请补充后重新报送"),
                                          ("平罗县人民政府", confirmed, "confirm", "")):
        body_url = re.search(rf'href="(/office/rounds/\d+/bodies/\d+)">{name}', page).group(1)
        assert office.post(f"{body_url}/review", {"action": action, "upload_id": upload_id, "note": note}).status_code == 303
    yield server, round_url, links, books
    server.stop()


def as_body(path: Path, name: str, out: Path) -> Path:
    """A copy of a workbook whose cover names another body."""
    wb = openpyxl.load_workbook(path)
    sheet, ref = address("META_NAME").split("!")
    wb[sheet][ref] = name
    wb.save(out)
    return out


def shoot(driver, name: str, tmp_path: Path) -> Path:
    """A PNG of the page (in docs/ as well when GOVREPORT_SCREENSHOTS names that folder)."""
    height = driver.execute_script("return Math.max(document.documentElement.scrollHeight, 600)")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": min(height, 2400),
                                                                  "deviceScaleFactor": 1, "mobile": False})
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    path = tmp_path / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if folder := os.environ.get("GOVREPORT_SCREENSHOTS"):
        shutil.copyfile(path, Path(folder) / f"server-{name}.png")
    return path


def wait_text(driver, css: str, text: str, seconds: float = 90):
    WebDriverWait(driver, seconds).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))


def no_script_errors(driver) -> None:
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] if hasattr(driver, "get_log") else []
    assert not errors, errors


def test_the_body_fixes_its_report_in_the_browser(chromium, site, tmp_path):
    server, _, links, books = site
    chromium.get(server.url + links["石嘴山市人民政府"])
    assert "石嘴山市人民政府" in chromium.title and chromium.find_element(By.ID, "state").text == "未提交"
    shoot(chromium, "body-empty", tmp_path)

    chromium.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(books["draft"]))
    chromium.find_element(By.CSS_SELECTOR, "form[data-busy] button[type=submit]").click()
    wait_text(chromium, "#verdict", "不通过")
    rows = chromium.find_elements(By.CSS_SELECTOR, "table.findings tbody tr")
    assert any("T3-01" in r.text and "三、依申请公开!D6" in r.text for r in rows)
    assert chromium.find_element(By.LINK_TEXT, "下载标记了问题的副本").is_displayed()
    shoot(chromium, "body-findings", tmp_path)

    chromium.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(books["final"]))
    chromium.find_element(By.CSS_SELECTOR, "form[data-busy] button[type=submit]").click()
    wait_text(chromium, "#verdict", "通过：校验通过")
    assert chromium.find_element(By.ID, "state").text == "通过"
    assert len(chromium.find_elements(By.XPATH, "//h2[contains(., '上传记录')]/following-sibling::table//tbody/tr")) == 2
    shoot(chromium, "body-passed", tmp_path)
    no_script_errors(chromium)


def test_the_office_logs_in_sees_the_round_and_downloads_the_summary(chromium, site, tmp_path):
    server, round_url, links, _ = site
    chromium.get(server.url + "/office")
    assert "/login" in chromium.current_url
    shoot(chromium, "login", tmp_path)
    chromium.find_element(By.NAME, "username").send_keys("admin")
    chromium.find_element(By.NAME, "password").send_keys(PASSWORD)
    chromium.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(chromium, 30).until(EC.presence_of_element_located((By.LINK_TEXT, "打开")))
    chromium.find_element(By.LINK_TEXT, "打开").click()
    WebDriverWait(chromium, 30).until(EC.presence_of_element_located((By.ID, "bodies")))
    states = {row.find_elements(By.TAG_NAME, "td")[1].text: row.find_elements(By.TAG_NAME, "td")[4].text
              for row in chromium.find_elements(By.CSS_SELECTOR, "#bodies tbody tr")}
    assert states["大武口区人民政府"] == "不通过" and states["惠农区人民政府"] == "已退回" and states["平罗县人民政府"] == "已确认"
    assert states["石嘴山市财政局"] == "未提交"
    shoot(chromium, "dashboard", tmp_path)

    chromium.find_element(By.LINK_TEXT, "汇总工作簿").click()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(chromium.downloads.glob("*.xlsx")):
        time.sleep(0.3)
    [summary] = list(chromium.downloads.glob("*.xlsx"))
    assert summary.name == "测试市2022年度_汇总表.xlsx"
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(summary)["报告"].iter_rows()]
    file = rows[0].index("文件")
    assert {str(r[file]).split("/")[0] for r in rows[1:] if r[file]} >= {"大武口区人民政府", "惠农区人民政府", "平罗县人民政府"}

    select = chromium.find_element(By.NAME, "state")  # the filter applies as soon as it changes (app.js)
    webdriver.support.select.Select(select).select_by_value("failing")
    WebDriverWait(chromium, 30).until(EC.url_contains("state=failing"))
    chromium.find_element(By.LINK_TEXT, "大武口区人民政府").click()
    wait_text(chromium, "#verdict", "不通过")
    shoot(chromium, "office-body", tmp_path)
    no_script_errors(chromium)


def test_the_api_docs_render_in_an_intranet(chromium, site, tmp_path):
    """Swagger UI from the package's own files: it renders with nothing fetched from outside
    127.0.0.1 (the page's scripts came from a public CDN, blank in an intranet)."""
    server, *_ = site
    chromium.get(server.url + "/docs")
    WebDriverWait(chromium, 60).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".swagger-ui .opblock")))
    assert "/api/validate" in chromium.find_element(By.CSS_SELECTOR, ".swagger-ui").text
    fetched = chromium.execute_script("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    assert fetched and all(url.startswith(server.url) or url.startswith("blob:") or url.startswith("data:") for url in fetched), fetched
    no_script_errors(chromium)
