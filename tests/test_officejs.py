"""The Office.js add-in's server side over HTTP: the payload its page sends (the shape of xlwings'
Office.js client, tests/officejs_payload.py) is posted for the example, broken copies and a
foreign workbook, and the actions that come back are checked against the engine's own findings —
and against the VBA add-in's actions on the same file (one plan of marks)."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from urllib.parse import urlparse

import openpyxl
import pytest
from fastapi.testclient import TestClient
from lxml import etree

import govreport_xl
from govreport_xl.core.standard import CELLS, META_FIELDS
from govreport_xl.excel.layout import SHEET_CHECKS, SHEET_OF_TABLE, address
from govreport_xl.excel.marks import (APP_TITLE, MARK_ERROR, MARK_WARNING, RESULTS_HEADER, RESULTS_SHEET,
                                      TEMPLATE_INPUT, TEMPLATE_TOTAL)
from govreport_xl.server import officejs
from govreport_xl.server.app import create_app
from govreport_xl.server.settings import Settings
from helpers import ROOT
from officejs_payload import payload
from test_addin import colours, expected_marks, run, written_rows
from xlwings_payload import payload as office_scripts_payload

pytestmark = pytest.mark.slow  # a server and its worker processes


PUBLIC = "https://report.example.gov.cn"
SCHEMA = ROOT / "tests" / "office_manifest_schema" / "OfficeAppManifestV1_1.xsd"


def make_app(data_dir, public_url: str = PUBLIC, **extra):
    """The office server as `govreport-xl serve` builds it (its lifespan, and so its worker
    processes, is not started: the add-in's routes do not use them)."""
    return create_app(Settings(data_dir=data_dir, public_url=public_url, extra=extra))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return TestClient(make_app(tmp_path_factory.mktemp("data")))


def click(client, pay: dict, action: str = "check") -> dict:
    response = client.post(f"/addin/api/{action}", json=pay)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()


@pytest.mark.parametrize("name", ["example", "t3_01_received", "v_01_text", "v_03_blanks", "p_01_in_force", "many"])
def test_a_click_marks_exactly_the_failing_cells(client, recalculated_cases, name):
    path = recalculated_cases[name][1]
    pay = payload(path)
    out = click(client, pay)
    painted = colours(pay, out["actions"])
    errors, warnings = expected_marks(govreport_xl.validate(path))
    assert {c for c, col in painted.items() if col == MARK_ERROR} == errors
    assert {c for c, col in painted.items() if col == MARK_WARNING} == warnings
    assert set(painted) == {address(c) for c in CELLS} | {address(f.name) for f in META_FIELDS}
    for code, cell in CELLS.items():
        if address(code) not in errors | warnings:
            assert painted[address(code)] == (TEMPLATE_TOTAL if cell.is_total else TEMPLATE_INPUT)
    alert = out["actions"][-1]
    assert alert["func"] == "alert" and alert["args"][:2] == [out["message"], APP_TITLE]
    assert out["message"].startswith("校验通过" if not errors | warnings else "发现 ")
    # the VBA add-in, given the same workbook, asks Excel for the very same marks and rows
    _, (vba_alert, _), vba_actions = run(office_scripts_payload(path))
    assert colours(pay, out["actions"]) == colours(office_scripts_payload(path), vba_actions)
    assert written_rows(out["actions"])[3:] == written_rows(vba_actions)[3:] and vba_alert == out["message"]


def test_only_the_report_sheets_are_sent(recalculated_cases):
    pay = payload(recalculated_cases["many"][1])
    sent = {s["name"] for s in pay["sheets"] if s["values"] != [[]]}
    assert sent == {"封面", *SHEET_OF_TABLE.values()}
    assert next(s for s in pay["sheets"] if s["name"] == SHEET_CHECKS)["values"] == [[]]
    assert len(json.dumps(pay, ensure_ascii=False).encode()) < 64 * 1024


def test_the_results_sheet_lists_every_finding_with_a_link(client, recalculated_cases):
    path = recalculated_cases["many"][1]
    pay = payload(path)
    out = click(client, pay)
    engine = govreport_xl.validate(path)
    added = [a for a in out["actions"] if a["func"] == "addSheet"]
    assert [a["args"] for a in added] == [[len(pay["sheets"]), RESULTS_SHEET]]
    rows = written_rows(out["actions"])
    assert rows[2][0] == f"结果：{out['message']}" and rows[3] == list(RESULTS_HEADER)
    body = [r for r in rows[4:] if r[0] != ""]
    assert [r[1] for r in body] == [f.rule for f in engine.findings]  # an overwritten total's S-01 too
    for row, finding in zip(body, engine.findings):
        sheet, cell = finding.cells[0].split("!")
        assert row[4].startswith(f"=HYPERLINK(\"#'{sheet}'!{cell}\",")
    activated = [a for a in out["actions"] if a["func"] == "activateSheet"]
    assert [a["args"] for a in activated] == [[len(pay["sheets"])]]
    widths = [a["args"][0] for a in out["actions"] if a["func"] == "setColumnWidth"]
    assert len(widths) == len(RESULTS_HEADER)


def test_a_second_click_refreshes_the_results_sheet_and_clear_removes_it(client, recalculated_cases):
    pay = payload(recalculated_cases["many"][1])
    first = click(client, pay)
    second_pay = json.loads(json.dumps(pay))  # the client does not send the results sheet's values
    second_pay["sheets"].append({"name": RESULTS_SHEET, "values": [[]], "pictures": [], "tables": []})
    second = click(client, second_pay)
    funcs = [a["func"] for a in second["actions"]]
    assert "addSheet" not in funcs and funcs.count("sheetClear") == 1
    assert written_rows(first["actions"])[2:] == written_rows(second["actions"])[2:]
    cleared = click(client, second_pay, "clear")
    assert set(colours(second_pay, cleared["actions"]).values()) == {TEMPLATE_INPUT, TEMPLATE_TOTAL}
    assert [a["sheet_position"] for a in cleared["actions"] if a["func"] == "sheetDelete"] == [len(pay["sheets"])]
    assert cleared["message"] == "已清除校验标记和「校验结果」表"


def test_export_gives_the_json_the_cli_exports(client, recalculated_cases, tmp_path):
    path = recalculated_cases["many"][1]
    out = click(client, payload(path), "export")
    assert out["export"]["filename"] == path.stem + ".json"
    assert out["message"].startswith(f"已生成 {path.stem}.json") and out["message"].endswith("（5 个错误，请先改正）")
    [record] = json.loads(out["export"]["text"])
    cli = tmp_path / "cli.json"
    subprocess.run([sys.executable, "-m", "govreport_xl", "export", str(path), "-o", str(cli)], cwd=ROOT, check=False)
    [expected] = json.loads(cli.read_text(encoding="utf-8"))
    assert record["report"] == expected["report"] and record["valid"] == expected["valid"] is False
    assert [a["func"] for a in out["actions"]] == ["alert"]  # nothing written into the workbook


def test_a_foreign_workbook_gets_a_clear_alert_and_is_not_sent(client, tmp_path):
    path = tmp_path / "预算表.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active.append(["科目", "金额"])
    wb.active.append(["办公费", 1200])
    wb.save(path)
    pay = payload(path)
    assert [s["values"] for s in pay["sheets"]] == [[[]]]  # none of its values leave the PC
    for action in ("check", "clear", "export"):
        out = click(client, pay, action)
        assert [a["func"] for a in out["actions"]] == ["alert"] and "export" not in out
        assert "不是可以校验的政务公开年报模板" in out["message"] and "没有模板的名称和版本标记" in out["message"]


def test_the_vba_client_posts_the_same_payload(client, recalculated_cases):
    """Item 4: xlwings' VBA RunServerPython sends this shape with client "VBA"; xlwings insists
    that its version is the server's."""
    pay = {**payload(recalculated_cases["t3_01_received"][1]), "client": "VBA"}
    assert click(client, pay)["message"].startswith("发现 2 个错误")
    response = client.post("/addin/api/check", json={**pay, "version": "0.30.0"})
    assert response.status_code == 400 and "0.30.0" in response.json()["detail"]


@pytest.mark.parametrize("change, status, words", [
    (lambda p: "不是 JSON", 400, "不是 JSON"),
    (lambda p: json.dumps(p)[:-1] + ', "x": NaN}', 400, "不是 JSON"),
    (lambda p: {k: v for k, v in p.items() if k != "sheets"}, 400, "sheets"),
    (lambda p: {**p, "client": "Google Apps Script"}, 400, "client"),
    (lambda p: {**p, "sheets": [{"name": "封面", "values": [[{"x": 1}]]}]}, 400, "sheets.0.values.0.0"),
    (lambda p: {**p, "sheets": [{"name": "封面", "values": [["x" * 40_000]]}]}, 400, "超过 Excel 的上限"),
    (lambda p: {**p, "sheets": [{"name": "封面", "values": [[1] * 1000] * 250}]}, 413, "单元格太多"),
    (lambda p: {**p, "sheets": [{"name": "封面", "values": [["x" * 30_000] * 200]}]}, 413, "数据太大"),
    (lambda p: {**p, "names": [{"name": "T3_R01_C1", "sheet_index": 9, "address": "C5"}]}, 400, "不存在的工作表"),
])
def test_a_request_that_is_not_a_click_gets_a_sentence(client, recalculated_cases, change, status, words):
    body = change(payload(recalculated_cases["example"][1]))
    response = client.post("/addin/api/check", content=body.encode() if isinstance(body, str) else json.dumps(body))
    assert response.status_code == status and words in response.json()["detail"]
    assert "Traceback" not in response.text


def test_without_the_engines_licence_key_it_says_what_to_set(recalculated_cases, tmp_path):
    """xlwings remembers a key once it has seen one: a fresh process, as a server started without it."""
    body = tmp_path / "click.json"
    body.write_text(json.dumps(payload(recalculated_cases["example"][1]), ensure_ascii=False), encoding="utf-8")
    code = ("import sys, json; from fastapi.testclient import TestClient; "
            "from govreport_xl.server.app import create_app; from govreport_xl.server.settings import Settings; "
            "r = TestClient(create_app(Settings(data_dir=sys.argv[2]))).post('/addin/api/check', content=open(sys.argv[1], 'rb').read()); "
            "print(json.dumps([r.status_code, r.json()]))")
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    proc = subprocess.run([sys.executable, "-c", code, str(body), str(tmp_path / "data")], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    status, answer = json.loads(proc.stdout.strip().splitlines()[-1])
    assert status == 503 and "XLWINGS_LICENSE_KEY=noncommercial" in answer["detail"]


# --- the manifest and the pages ------------------------------------------------------------------------

def _urls(manifest: str) -> set[str]:
    root = etree.fromstring(manifest.encode())
    return {e.get("DefaultValue") for e in root.iter() if (e.get("DefaultValue") or "").startswith("http")}


def test_the_manifest_is_valid_against_microsofts_schema_and_points_at_this_server(client):
    response = client.get("/addin/manifest.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(response.content)
    assert schema.validate(document), schema.error_log
    urls = _urls(response.text)
    assert urls and all(u.startswith(PUBLIC + "/addin/") for u in urls)
    for url in urls:  # every page, command file and icon the manifest names is served
        parts = urlparse(url)
        served = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert served.status_code == 200, url
        if url.endswith(".png"):
            assert served.content[:8] == b"\x89PNG\r\n\x1a\n"
            size = int(url.rsplit("-", 1)[1].removesuffix(".png"))
            assert struct.unpack(">II", served.content[16:24]) == (size, size)
    ns = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
          "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0"}
    labels = [e.get("DefaultValue") for e in document.iterfind(".//bt:String", ns) if e.get("id").endswith(".Label")]
    assert labels == [APP_TITLE, "年度报告统计表", "校验", "清除标记", "导出JSON"]
    download = client.get("/addin/manifest.xml?download=1")
    assert "attachment" in download.headers["content-disposition"]


def test_the_manifest_id_is_stable_per_deployment(tmp_path):
    def id_of(app):
        text = TestClient(app).get("/addin/manifest.xml").text
        return etree.fromstring(text.encode()).findtext("{http://schemas.microsoft.com/office/appforoffice/1.1}Id")

    here = id_of(make_app(tmp_path))
    assert here == id_of(make_app(tmp_path, PUBLIC + "/"))  # the same deployment, restarted
    assert here != id_of(make_app(tmp_path, "https://other.example.gov.cn"))
    chosen = "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert id_of(make_app(tmp_path, addin_id=chosen)) == chosen


def test_the_addin_settings_come_from_the_environment_where_serve_has_no_option():
    settings = Settings(public_url=PUBLIC)
    env = {"GOVREPORT_ADDIN_ID": "0f8fad5b-d9cb-469f-a165-70867728950e", "GOVREPORT_OFFICE_JS_URL": "https://intranet.local/office.js"}
    assert officejs.AddinSettings.of(settings, env) == officejs.AddinSettings(PUBLIC, *env.values())
    assert officejs.AddinSettings.of(settings, {}) == officejs.AddinSettings(PUBLIC, None, officejs.OFFICE_JS)


def test_the_task_pane_has_the_three_buttons_and_loads_office_js_from_the_setting(tmp_path):
    app = TestClient(make_app(tmp_path, office_js_url="https://intranet.local/office.js"))
    page = app.get("/addin/taskpane.html")
    assert page.headers["content-type"].startswith("text/html") and page.headers["cache-control"] == "no-cache"
    # Excel on the web shows the pane in a frame; the server's own pages stay unframeable
    policy = page.headers["content-security-policy"]
    assert "script-src 'self' https://appsforoffice.microsoft.com https://intranet.local;" in policy
    assert "frame-ancestors 'self' https:" in policy and "x-frame-options" not in page.headers
    assert app.get("/healthz").headers["x-frame-options"] == "DENY"
    html = etree.HTML(page.text)
    assert [b.text for b in html.iterfind(".//button")] == ["校验", "清除标记", "导出JSON"]
    assert [b.get("data-action") for b in html.iterfind(".//button")] == ["check", "clear", "export"]
    assert [s.get("src") for s in html.iterfind(".//script") if s.get("src")] == ["https://intranet.local/office.js", "addin.js"]
    config = json.loads(html.find(".//script[@id='govreport-config']").text)
    assert config["sheets"] == ["封面", *SHEET_OF_TABLE.values()] and "T3_R01_C1" in config["names"]


def test_clicks_are_rate_limited_per_address_like_the_validate_api(tmp_path, recalculated_cases):
    app = make_app(tmp_path)
    client = TestClient(app)
    limiter = app.state.limits["validate"]
    for _ in range(limiter.limit):
        assert limiter.allow("testclient")
    response = client.post("/addin/api/check", json=payload(recalculated_cases["example"][1]))
    assert response.status_code == 429 and "请求太频繁" in response.json()["detail"]
