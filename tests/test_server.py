"""The office server's routes over real HTTP handling (Starlette's TestClient), on a real SQLite
database and, where one is reachable, a fresh PostgreSQL database: the body's flow through its
private link, the office's dashboard, review, downloads, staff, tokens, the audit log, and the
guards (CSRF, rate limits, links that do not open, escaping)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile

import openpyxl
import pytest

pytest.importorskip("fastapi", reason="the [server] extra is not installed")
from fastapi.testclient import TestClient  # noqa: E402

from govreport_xl import api  # noqa: E402
from govreport_xl.bulk.consolidate import ACCOUNT_SHEET  # noqa: E402
from govreport_xl.core.uscc import check_character  # noqa: E402
from govreport_xl.excel.filler import fill_workbook  # noqa: E402
from govreport_xl.excel.marks import RESULTS_SHEET  # noqa: E402
from govreport_xl.server.db import AuditEntry, Body, Upload  # noqa: E402
from cases import build  # noqa: E402
from helpers import EXAMPLE_XLSX, example_report  # noqa: E402
from hostile import zip_bomb  # noqa: E402
from server_support import PASSWORD, Office, database, make_app  # noqa: E402

pytestmark = pytest.mark.slow  # a server, its database and worker processes

USCC = "11640200MB1234567" + check_character("11640200MB1234567")
BODIES = [("石嘴山市人民政府", USCC, "640200", "设区的市级人民政府", "张三 0952-1234567"),
          ("大武口区人民政府", "", "640202", "县级人民政府", "李四"),
          ("惠农区人民政府", "", "640205", "县级人民政府", "王五")]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def office(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"office-{request.param}")
    with database(request.param, folder) as url:
        app = make_app(folder / "data", url, max_upload_bytes=2 * 1024 * 1024)
        with TestClient(app) as client:
            o = Office(client, app)
            o.setup_admin()
            o.folder = folder
            yield o


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbooks")
    return {name: build(folder, name) for name in ("example", "many", "t3_01_received")}


def a_round(office: Office, region: str, year: int = 2022, deadline: str = "2099-01-31", bodies=BODIES):
    url = office.new_round(year, region, deadline=deadline)
    r = office.import_list(url, bodies)
    assert r.status_code == 303, r.text
    return url, office.links(url)


def verdict(html: str) -> str:
    return re.search(r'id="verdict">([^<]*)<', html).group(1)


def audit_actions(office: Office) -> list[str]:
    with office.app.state.db.read() as s:
        return [e.action for e in s.query(AuditEntry).order_by(AuditEntry.id)]


# --- the body's flow ------------------------------------------------------------------------------

def test_the_body_uploads_a_broken_workbook_then_the_fixed_one(office, files):
    round_url, links = a_round(office, "640201")
    link = links["石嘴山市人民政府"]
    page = office.client.get(link)
    assert page.status_code == 200 and "未提交" in page.text and "上传并校验" in page.text

    r = office.upload(link, files["t3_01_received"])
    assert r.status_code == 303
    page = office.client.get(r.headers["location"])
    assert "不通过" in verdict(page.text) and "T3-01" in page.text and "三、依申请公开!D6" in page.text
    record = api.validate(files["t3_01_received"]).record("zh")
    for f in record["findings"]:  # the same findings as the command line, by rule and message
        assert f["rule"] in page.text and f["message"].split("：")[0] in page.text
    marked_url = re.search(r'href="([^"]+/marked\.xlsx)"', page.text).group(1)
    marked = office.client.get(marked_url)
    assert marked.status_code == 200 and marked.headers["content-type"].startswith("application/vnd.openxml")
    wb = openpyxl.load_workbook(io.BytesIO(marked.content))
    assert RESULTS_SHEET in wb.sheetnames and any("T3-01" in str(c.value) for row in wb[RESULTS_SHEET].iter_rows() for c in row)

    r = office.upload(link, files["example"], filename="改好的.xlsx")
    page = office.client.get(r.headers["location"])
    assert verdict(page.text).startswith("通过") and 'id="state">通过<' in page.text
    assert page.text.count("<tr><td class=\"num\">") >= 2  # both uploads in the history
    earliest = min(int(x) for x in re.findall(r"upload=(\d+)", page.text))
    old = office.client.get(f"{link}?upload={earliest}")  # an earlier upload can be looked at again
    assert "不通过" in verdict(old.text)


def test_a_body_sees_only_its_own(office, files):
    _, links = a_round(office, "640202")
    r = office.upload(links["大武口区人民政府"], files["many"])
    upload_id = int(r.headers["location"].rsplit("=", 1)[1])
    other = links["惠农区人民政府"]
    assert office.client.get(f"{other}/uploads/{upload_id}/marked.xlsx").status_code == 404
    assert office.client.get(f"{other}/uploads/{upload_id}/file.xlsx").status_code == 404
    assert "不通过" not in office.client.get(f"{other}?upload={upload_id}").text
    own = office.client.get(f"{links['大武口区人民政府']}/uploads/{upload_id}/file.xlsx")
    assert own.content == files["many"].read_bytes()


def test_the_template_download_is_the_blank_template(office, tmp_path):
    _, links = a_round(office, "640203")
    r = office.client.get(f"{links['惠农区人民政府']}/template.xlsx")
    assert r.status_code == 200 and "filename*=UTF-8''" in r.headers["content-disposition"]
    path = tmp_path / "t.xlsx"
    path.write_bytes(r.content)
    result = api.validate(path)
    assert result.report is not None and any(f.rule == "M-01" for f in result.findings)


@pytest.mark.parametrize("data, status, says", [
    (b"just text", 415, "请上传用本模板填写的 .xlsx 文件"),
    (b'{"meta": {}}', 415, "请上传用本模板填写的 .xlsx 文件"),
    (b"\xd0\xcf\x11\xe0" + bytes(64), 415, "另存为 .xlsx"),
    (b"PK\x03\x04" + bytes(3 * 1024 * 1024), 413, "文件太大"),
])
def test_what_a_body_should_not_upload_is_refused_in_words(office, data, status, says):
    _, links = a_round(office, f"64{len(data) % 10000:04d}")
    r = office.upload(links["惠农区人民政府"], data=data)
    assert r.status_code == status and says in r.text


def test_a_damaged_workbook_is_kept_and_said_unreadable(office):
    _, links = a_round(office, "640204")
    link = links["惠农区人民政府"]
    r = office.upload(link, data=b"PK\x03\x04" + bytes(500))
    page = office.client.get(r.headers["location"])
    assert "无法读取" in verdict(page.text)
    with office.app.state.db.read() as s:
        upload = s.get(Upload, int(r.headers["location"].rsplit("=", 1)[1]))
    assert office.app.state.store.path(upload.blob_sha256).read_bytes() == b"PK\x03\x04" + bytes(500)


def test_the_same_file_is_stored_once(office, files):
    _, links = a_round(office, "640206")
    store = office.app.state.store
    before = sum(1 for _ in store.root.rglob("*.xlsx"))
    for name in ("石嘴山市人民政府", "大武口区人民政府"):
        office.upload(links[name], files["example"])
    uploaded = sum(1 for _ in store.root.rglob("*.xlsx")) - before
    assert uploaded <= 1  # both uploads kept as records, the bytes once (none new if stored before)


# --- links ----------------------------------------------------------------------------------------

def test_links_that_do_not_open(office):
    round_url, links = a_round(office, "640207")
    link = links["惠农区人民政府"]
    assert office.client.get(link[:-1] + ("A" if link[-1] != "A" else "B")).status_code == 404
    assert office.client.get("/b/short").status_code == 404
    assert office.client.get("/b/" + "x" * 36).status_code == 404


def test_reissue_and_revoke(office):
    round_url, links = a_round(office, "640208")
    page = office.client.get(round_url)
    body_url = re.search(r'href="(/office/rounds/\d+/bodies/\d+)">惠农区', page.text).group(1)
    old = links["惠农区人民政府"]
    assert office.post(f"{body_url}/link", {"action": "reissue"}).status_code == 303
    new = office.links(round_url)["惠农区人民政府"]
    assert new != old and office.client.get(old).status_code == 404 and office.client.get(new).status_code == 200
    assert new.split("/b/")[1] in office.client.get(body_url).text  # the admin sees the link again
    assert office.post(f"{body_url}/link", {"action": "revoke"}).status_code == 303
    assert office.client.get(new).status_code == 404
    assert office.links(round_url)["惠农区人民政府"] == "（已收回）"
    assert {"link_reissue", "link_revoke"} <= set(audit_actions(office))


def test_guessing_links_is_rate_limited(office):
    codes = [office.client.get("/b/" + "y" * 36).status_code for _ in range(35)]
    assert codes[0] == 404 and codes[-1] == 429
    office.app.state.limits["link_miss"]._events.clear()


# --- the office -----------------------------------------------------------------------------------

def test_the_dashboard_states_filters_and_overdue(office, files):
    round_url, links = a_round(office, "640209", deadline="2020-01-31")
    office.upload(links["石嘴山市人民政府"], files["example"])
    office.upload(links["大武口区人民政府"], files["many"])
    page = office.client.get(round_url).text
    assert "逾期 2 个" in page  # 不通过 and 未提交 are overdue; 通过 is not
    for state, label, shown, hidden in [("passing", "通过", "石嘴山市", "大武口区"), ("failing", "不通过", "大武口区", "惠农区"),
                                        ("missing", "未提交", "惠农区", "石嘴山市")]:
        table = office.client.get(f"{round_url}?state={state}").text.split('id="bodies"')[1]
        assert f">{shown}" in table and f">{hidden}" not in table, state  # the names as the rows' links
    table = office.client.get(f"{round_url}?region=640205").text.split('id="bodies"')[1]
    assert ">惠农区" in table and ">石嘴山市" not in table
    table = office.client.get(f"{round_url}?overdue=1").text.split('id="bodies"')[1]
    assert ">石嘴山市" not in table and ">惠农区" in table


def test_return_with_a_note_then_confirm(office, files):
    round_url, links = a_round(office, "640210")
    link = links["石嘴山市人民政府"]
    upload_id = office.upload(link, files["example"]).headers["location"].rsplit("=", 1)[1]
    body_url = re.search(r'href="(/office/rounds/\d+/bodies/\d+)">石嘴山市', office.client.get(round_url).text).group(1)
    assert office.post(f"{body_url}/review", {"action": "return", "upload_id": upload_id, "note": ""}).status_code == 400
    r = office.post(f"{body_url}/review", {"action": "return", "upload_id": upload_id, "note": "请补充 <第五部分>"})
    assert r.status_code == 303
    body_page = office.client.get(link).text
    assert "已退回" in body_page and "请补充 &lt;第五部分&gt;" in body_page
    assert office.post(f"{body_url}/review", {"action": "confirm", "upload_id": "999999"}).status_code == 409
    second = office.upload(link, files["example"]).headers["location"].rsplit("=", 1)[1]
    assert 'id="state">通过<' in office.client.get(link).text  # a new upload after a return is judged afresh
    assert office.post(f"{body_url}/review", {"action": "confirm", "upload_id": second}).status_code == 303
    assert 'id="state">已确认<' in office.client.get(link).text
    failing = office.upload(links["大武口区人民政府"], files["many"]).headers["location"].rsplit("=", 1)[1]
    other = re.search(r'href="(/office/rounds/\d+/bodies/\d+)">大武口区', office.client.get(round_url).text).group(1)
    assert office.post(f"{other}/review", {"action": "confirm", "upload_id": failing}).status_code == 400
    detail = office.client.get(other).text
    assert "T3-01" in detail or "不通过" in detail
    assert office.client.get(f"/office/uploads/{failing}/file.xlsx").content == files["many"].read_bytes()
    assert office.client.get(f"/office/uploads/{failing}/marked.xlsx").status_code == 200


def test_the_round_downloads(office, files):
    round_url, links = a_round(office, "640211")
    office.upload(links["石嘴山市人民政府"], files["example"])
    office.upload(links["大武口区人民政府"], files["many"])
    r = office.client.get(f"{round_url}/download/summary.xlsx")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content))["报告"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    file, status = rows[0].index("文件"), rows[0].index("结果")
    statuses = {row[file].split("/")[0]: row[status] for row in rows[1:] if row[file]}
    assert statuses == {"石嘴山市人民政府": "通过", "大武口区人民政府": "不通过"}
    assert any("未提交" in str(row[0]) and "惠农区人民政府" in str(row[0]) for row in rows)

    jsonl = office.client.get(f"{round_url}/download/export.jsonl").text.splitlines()
    assert [json.loads(line)["status"] for line in jsonl] == ["valid", "invalid"]
    table = list(csv.DictReader(io.StringIO(office.client.get(f"{round_url}/download/export.csv").content.decode("utf-8-sig"))))
    assert {row["file"].split("/")[0] for row in table} == {"石嘴山市人民政府", "大武口区人民政府"}
    export = openpyxl.load_workbook(io.BytesIO(office.client.get(f"{round_url}/download/export.xlsx").content))
    assert export["报告"].max_row == 4  # two headings and two reports

    consolidated = openpyxl.load_workbook(io.BytesIO(office.client.get(f"{round_url}/download/consolidated.xlsx").content))
    account = [[c.value for c in row] for row in consolidated[ACCOUNT_SHEET].iter_rows()]
    assert "计入 1 份，未计入 1 份" in account[0][0]

    archive = zipfile.ZipFile(io.BytesIO(office.client.get(f"{round_url}/download/marked.zip").content))
    assert [n.split("_")[1] for n in archive.namelist()] == ["大武口区人民政府"]
    assert RESULTS_SHEET in openpyxl.load_workbook(io.BytesIO(archive.read(archive.namelist()[0]))).sheetnames
    assert office.client.get(f"{round_url}/download/nothing.exe").status_code == 404


def test_last_years_round_is_the_previous_without_asking(office, tmp_path):
    last = example_report().with_values({})
    last = last.model_copy(update={"meta": last.meta.model_copy(update={"year": 2021})})
    last_path = fill_workbook(last, tmp_path / "2021.xlsx")
    _, links_2022 = a_round(office, "640212", year=2022)
    without = office.upload(links_2022["石嘴山市人民政府"], EXAMPLE_XLSX).headers["location"].rsplit("=", 1)[1]
    _, links_2021 = a_round(office, "640212", year=2021)
    office.upload(links_2021["石嘴山市人民政府"], last_path)
    with_previous = office.upload(links_2022["石嘴山市人民政府"], EXAMPLE_XLSX).headers["location"].rsplit("=", 1)[1]
    records = {}
    with office.app.state.db.read() as s:
        for key, uid in (("without", without), ("with", with_previous)):
            records[key] = json.loads(s.get(Upload, int(uid)).record)
    assert "X-01" in records["without"]["rules"]["skipped"]  # no round last year: said, not passed
    assert "X-01" in records["with"]["rules"]["checked"]
    cli = api.validate(EXAMPLE_XLSX, previous=[last_path]).record("zh")
    assert [f["rule"] for f in records["with"]["findings"]] == [f["rule"] for f in cli["findings"]]


def test_importing_a_list(office, tmp_path):
    url = office.new_round(2022, "640213")
    bad = office.import_list(url, [("", "", "", "", ""), ("某局", "123", "64", "处级", ""), ("某局", "", "", "", ""),
                                   ("", "", "640213", "", "")])
    assert bad.status_code == 400
    for said in ("第 3 行：统一社会信用代码「123」有误", "第 3 行：行政区划代码「64」", "第 3 行：机关层级「处级」", "第 4 行：「某局」与第 3 行重复", "第 5 行：没有机关名称"):
        assert said in bad.text
    wb = openpyxl.Workbook()
    wb.active.append(["机关名称", "统一社会信用代码", "行政区划代码", "机关层级", "联系人"])
    wb.active.append(["=HYPERLINK(\"http://x\",\"点我\")局", USCC, 640213, "政府部门", "@赵六"])
    wb.active["A2"].data_type = "s"  # text that looks like a formula, as a list may hold
    wb.active.append(["<script>alert(1)</script>局", "", "640213", "", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert office.import_list(url, [], filename="名单.xlsx", data=buffer.getvalue()).status_code == 303
    gbk = ("机关名称,行政区划代码\n某某县人民政府,640213\n").encode("gb18030")
    assert office.import_list(url, [], data=gbk).status_code == 303
    again = office.import_list(url, [], data=gbk)
    assert "1 个已在名单中" in office.client.get(again.headers["location"]).text
    page = office.client.get(url).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;局" in page
    table = office.client.get(f"{url}/links.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in table and "'@赵六" in table  # a formula in a name stays text in Excel


def test_a_hostile_list_is_read_within_the_bounds(office, tmp_path):
    url = office.new_round(2022, "640219")
    r = office.import_list(url, [], filename="名单.xlsx", data=zip_bomb(tmp_path).read_bytes())
    assert r.status_code == 400 and "无法读取" in r.text
    assert office.client.get(url).status_code == 200  # the server carries on


def test_text_from_an_upload_is_escaped_in_pages(office, tmp_path):
    report = example_report()
    report = report.model_copy(update={"meta": report.meta.model_copy(update={"name": "<img src=x onerror=alert(1)>"})})
    path = fill_workbook(report, tmp_path / "x.xlsx")
    _, links = a_round(office, "640214")
    r = office.upload(links["惠农区人民政府"], path, filename="<b>报告<b>.xlsx")
    page = office.client.get(r.headers["location"]).text
    assert "<img src=x" not in page and "<b>报告" not in page and "&lt;b&gt;报告&lt;b&gt;.xlsx" in page
    assert office.upload(links["惠农区人民政府"], path, filename="C:\\报送\\..\\报告.xlsx").status_code == 303
    assert "（报告.xlsx，" in office.client.get(links["惠农区人民政府"]).text  # a sender's path is never more than a name


# --- what a clerk and the office read ------------------------------------------------------------

def test_a_report_of_another_year_does_not_pass_and_cannot_be_confirmed(office, files):
    """Last year's file sent again passes every check of its own: it used to show 通过 and could be
    confirmed, while the consolidated report left it out for its year."""
    round_url, links = a_round(office, "640220", year=2023)
    r = office.upload(links["石嘴山市人民政府"], files["example"])  # a 2022 report
    page = office.client.get(r.headers["location"]).text
    assert 'id="state">不通过<' in page and verdict(page).startswith("不通过（年度不符）")
    assert "这是 2022 年度的报告，本轮收集的是 2023 年度的报告" in page
    dashboard = office.client.get(round_url).text.split('id="bodies"')[1]
    assert "年度不符" in dashboard
    body_url = re.search(r'href="(/office/rounds/\d+/bodies/\d+)">石嘴山市人民政府', dashboard).group(1)
    upload_id = r.headers["location"].rsplit("=", 1)[1]
    refused = office.post(f"{body_url}/review", {"action": "confirm", "upload_id": upload_id})
    assert refused.status_code == 400 and "不能确认" in refused.text
    assert "这是 2022 年度的报告" in office.client.get(body_url).text


def test_a_report_naming_another_body_is_pointed_out(office, files):
    _, links = a_round(office, "640221")
    page = office.client.get(office.upload(links["大武口区人民政府"], files["example"]).headers["location"]).text
    assert "报告封面上的机关是「石嘴山市人民政府」，不是「大武口区人民政府」" in page
    assert 'id="state">通过<' in page  # said, not failed: lists and covers name bodies differently at times
    own = office.client.get(office.upload(links["石嘴山市人民政府"], files["example"]).headers["location"]).text
    assert "报告封面上的机关" not in own


def test_a_foreign_workbook_is_said_not_to_be_the_template(office, tmp_path):
    """Said in one sentence, as the add-in says it, not as 447 cells it lacks."""
    wb = openpyxl.Workbook()
    wb.active.title = "工资表"
    wb.active["A1"] = "姓名"
    path = tmp_path / "工资表.xlsx"
    wb.save(path)
    _, links = a_round(office, "640222")
    page = office.client.get(office.upload(links["惠农区人民政府"], path).headers["location"]).text
    assert "不是用本模板填写的报告" in verdict(page) and "请下载报告模板" in verdict(page)
    assert page.count("<tr class=") < 10 and "没有模板的名称和版本标记" in page  # the engine's one finding for it


def test_the_body_page_names_the_region_not_a_sender_and_refuses_in_a_clerks_words(office):
    _, links = a_round(office, "640223")
    page = office.client.get(links["惠农区人民政府"]).text
    assert "汇总地区：石嘴山市" in page and "报送单位：" not in page
    refused = office.upload(links["惠农区人民政府"], data=b"%PDF-1.4 a scanned report")
    assert refused.status_code == 415 and "不是 .xlsx 工作簿" in refused.text and "JSON" not in refused.text
    big = office.upload(links["惠农区人民政府"], data=b"PK\x03\x04" + bytes(3 * 1024 * 1024))
    assert big.status_code == 413 and f'href="{links["惠农区人民政府"]}"' in big.text  # a way back to the page


def test_links_built_on_a_loopback_address_are_said_to_open_nowhere_else(office):
    round_url, _ = a_round(office, "640224")
    assert office.app.state.settings.public_url.startswith("http://127.0.0.1")
    assert 'id="local-links"' in office.client.get(round_url).text
    from govreport_xl.server.pages_office import loopback
    assert loopback("http://localhost:8000") and loopback("http://[::1]:8000") and not loopback("https://nianbao.example.gov.cn")


def test_the_year_offered_for_a_new_round_is_the_one_being_collected():
    from govreport_xl.server.pages_office import collecting_year
    assert [collecting_year(dt.date(2027, m, 1)) for m in (1, 6, 7, 12)] == [2026, 2026, 2027, 2027]


def test_a_link_cannot_make_an_office_page_say_anything(office):
    round_url, _ = a_round(office, "640225")
    spoof = office.client.get(f"{round_url}?message=您的密码已过期，请把密码发给 evil@example.com").text
    assert "evil@example.com" not in spoof
    said = office.client.get(f"{round_url}?done=imported&added=3&skipped=1").text
    assert "已导入 3 个机关（1 个已在名单中，未重复导入）" in said


def test_a_wrong_level_is_answered_with_the_levels_in_their_order(office):
    from govreport_xl.core.standard import Level
    url = office.new_round(2022, "640226")
    bad = office.import_list(url, [("某局", "", "640226", "处级", "")])
    assert "应为其中之一：" + "、".join(level.value for level in Level) in bad.text


# --- staff, login, tokens, audit ------------------------------------------------------------------

def test_login_logout_and_the_guards(office):
    anonymous = TestClient(office.app)
    r = anonymous.get("/office", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    visitor = Office(anonymous, office.app)
    assert visitor.login("admin", "wrong password").status_code == 401
    assert visitor.login("nobody", "wrong password").status_code == 401
    assert "login_failed" in audit_actions(office)
    no_csrf = anonymous.post("/login", data={"username": "admin", "password": PASSWORD})
    assert no_csrf.status_code == 403
    assert visitor.login("admin").status_code == 303
    assert anonymous.get("/office").status_code == 200
    assert anonymous.post("/office/rounds", data={"year": "2030"}, follow_redirects=False).status_code == 403  # no csrf
    assert visitor.post("/logout").status_code == 303
    assert anonymous.get("/office", follow_redirects=False).status_code == 303
    assert anonymous.get(f"/setup?token={office.app.state.setup_token}").status_code == 404  # set up once only


def test_logins_are_rate_limited(office):
    office.app.state.limits["login"]._events.clear()
    visitor = Office(TestClient(office.app), office.app)
    codes = [visitor.login("admin", f"guess {i}").status_code for i in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429
    office.app.state.limits["login"]._events.clear()


def test_a_viewer_looks_but_does_not_change(office):
    office.app.state.limits["login"]._events.clear()
    assert office.post("/office/staff", {"username": "viewer1", "password": "short", "role": "viewer"}).status_code == 400
    assert office.post("/office/staff", {"username": "viewer1", "password": PASSWORD, "role": "viewer"}).status_code == 303
    viewer = Office(TestClient(office.app), office.app)
    assert viewer.login("viewer1").status_code == 303
    round_url, _ = a_round(office, "640215")
    assert viewer.client.get(round_url).status_code == 200
    assert viewer.client.get(f"{round_url}/download/summary.xlsx").status_code == 200
    assert viewer.post("/office/rounds", {"year": "2023", "title": "x", "region_code": "640215", "deadline": "2099-01-01"}).status_code == 403
    assert viewer.client.get(f"{round_url}/links.csv").status_code == 403
    assert viewer.client.get("/office/staff").status_code == 403
    page = office.client.get("/office/staff").text
    staff_id = re.search(r'/office/staff/(\d+)/disable', page).group(1)
    assert office.post(f"/office/staff/{staff_id}/disable").status_code == 303
    assert viewer.client.get(round_url, follow_redirects=False).status_code == 303  # the session ended with it


def test_rounds(office):
    assert office.post("/office/rounds", {"year": "x", "title": "t", "region_code": "640200", "deadline": "2099-01-01"}).status_code == 400
    assert office.post("/office/rounds", {"year": "2022", "title": "t", "region_code": "64", "deadline": "2099-01-01"}).status_code == 400
    url = office.new_round(2022, "640216", title="平罗县")
    assert office.post("/office/rounds", {"year": "2022", "title": "平罗县", "region_code": "640216", "deadline": "2099-01-01"}).status_code == 409
    assert "平罗县" in office.client.get("/office").text
    assert office.client.get("/office/rounds/999999").status_code == 404
    assert office.client.get(url + "/bodies/999999").status_code == 404


def test_api_tokens_read_the_rounds(office, files):
    round_url, links = a_round(office, "640217")
    office.upload(links["石嘴山市人民政府"], files["example"])
    page = office.post("/office/tokens", {"label": "OA 系统"}).text
    token = re.search(r'id="token">([^<]+)<', page).group(1)
    api_client = office.app and TestClient(office.app)
    assert api_client.get("/api/rounds").status_code == 401
    assert api_client.get("/api/rounds", headers={"Authorization": "Bearer " + token[:-1] + "x"}).status_code == 401
    auth = {"Authorization": f"Bearer {token}"}
    rounds = api_client.get("/api/rounds", headers=auth).json()
    round_id = int(round_url.rsplit("/", 1)[1])
    assert round_id in [r["id"] for r in rounds]
    bodies = api_client.get(f"/api/rounds/{round_id}/bodies", headers=auth).json()["bodies"]
    assert {b["name"]: b["state"] for b in bodies} == {"石嘴山市人民政府": "passing", "大武口区人民政府": "missing", "惠农区人民政府": "missing"}
    lines = api_client.get(f"/api/rounds/{round_id}/records", headers=auth).text.splitlines()
    record = json.loads(lines[0])
    assert len(lines) == 1 and record["record"]["status"] == "valid" and record["record"]["report"]["meta"]["year"] == 2022
    one = api_client.get(f"/api/uploads/{record['upload_id']}", headers=auth).json()
    assert one["record"] == record["record"]
    token_id = re.search(r'/office/tokens/(\d+)/revoke', office.client.get("/office/staff").text).group(1)
    assert office.post(f"/office/tokens/{token_id}/revoke").status_code == 303
    assert api_client.get("/api/rounds", headers=auth).status_code == 401


def test_the_audit_log(office, files):
    _, links = a_round(office, "640218")
    office.upload(links["惠农区人民政府"], files["example"])
    page = office.client.get("/office/audit").text
    for action in ("setup_admin", "round_create", "bodies_import", "upload", "links_download"):
        assert action in page
    with office.app.state.db.read() as s:
        upload = s.query(AuditEntry).filter(AuditEntry.action == "upload").order_by(AuditEntry.id.desc()).first()
    assert upload.actor.startswith("body:") and "valid" in upload.detail


def test_pages_carry_security_headers(office):
    from govreport_xl.server.app import DOCS_POLICY, SECURITY_HEADERS

    r = office.client.get("/login")
    assert r.headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in r.headers["content-security-policy"]
    refused = office.post("/login", {"csrf": "wrong"})  # an error page, a refusal and the others too
    for response in (refused, office.client.get("/office", follow_redirects=False), office.client.get("/nowhere"),
                     office.client.post("/api/validate", content=b"x" * (3 * 1024 * 1024))):
        assert {k.lower(): v for k, v in SECURITY_HEADERS.items()}.items() <= dict(response.headers).items(), response.status_code
    assert office.client.get("/docs").headers["content-security-policy"] == DOCS_POLICY
    assert office.client.get("/static/app.css").status_code == 200
    assert office.client.get("/nowhere").status_code == 404 and "没有这个页面" in office.client.get("/nowhere").text


def test_the_small_routes(office):
    assert office.client.get("/", follow_redirects=False).headers["location"] == "/office"
    assert office.client.get("/healthz").json()["ok"] is True
    assert office.client.get("/setup?token=wrong").status_code == 404
    newest = re.findall(r"\?before=(\d+)", office.client.get("/office/audit").text)
    older = office.client.get(f"/office/audit?before={newest[0] if newest else 2}")
    assert older.status_code == 200 and "操作记录" in older.text
    assert office.client.get("/login").status_code == 200


def test_the_latest_upload_is_the_last_one_received_when_two_commit_out_of_order(office, files, monkeypatch):
    """Two uploads of one body in flight: the one whose row came first commits last. Its commit
    used to make it the body's latest upload (PostgreSQL hands out ids before commits), so the
    newer file stopped counting."""
    import threading

    from govreport_xl.server import submissions

    _, links = a_round(office, "640227")
    link = links["石嘴山市人民政府"]
    first = office.upload(link, files["many"]).headers["location"].rsplit("=", 1)[1]
    with office.app.state.db.read() as s:
        upload = s.get(Upload, int(first))
    other = threading.Thread(target=submissions._record, args=(office.app, upload.body_id, upload.blob_sha256, 1, "后到的.xlsx",
                                                               _checked(upload), ""))
    original, calls = submissions.audit, []

    def audit_then_let_the_other_commit(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # inside the first transaction, its upload row written, not committed
            other.start()
            other.join(5)  # done at once where nothing holds it back; else it waits for this commit
        return original(*args, **kwargs)

    monkeypatch.setattr(submissions, "audit", audit_then_let_the_other_commit)
    submissions._record(office.app, upload.body_id, upload.blob_sha256, 1, "先到的.xlsx", _checked(upload), "")
    other.join(60)
    with office.app.state.db.read() as s:
        body = s.get(Body, upload.body_id)
        newest = max(u.id for u in s.query(Upload).filter(Upload.body_id == body.id))
    assert body.latest_upload_id == newest


def _checked(upload):
    from govreport_xl.server.checking import Checked
    return Checked(json.loads(upload.record), upload.status, upload.errors, upload.warnings, view=json.loads(upload.view))


def test_uploads_of_one_body_at_the_same_moment_are_all_kept_and_the_newest_counts(office, files, monkeypatch):
    """A clerk double-clicks 上传 and a colleague sends another file at the same moment: three
    uploads of one body over HTTP at once. The colleague's record is written first and its
    transaction held open for a few seconds after the double-click's two have been let in, long
    enough for them to commit theirs if nothing made them wait for it (without the body's row
    locked, PostgreSQL then made the colleague's older upload the current one). Every upload is
    acknowledged and kept, exactly one is the body's current upload (the newest), the page and
    the dashboard show that one, the same bytes are stored once, and the audit log has one line
    per upload."""
    import threading
    import time

    from govreport_xl.server import submissions

    round_url, links = a_round(office, "640228")
    link = links["大武口区人民政府"]
    holder = "同事的.xlsx"
    sent = [("第一次.xlsx", files["many"]), ("双击的.xlsx", files["many"]), (holder, files["example"])]
    holding, committed = threading.Event(), threading.Semaphore(0)
    original_record, original_audit = submissions._record, submissions.audit

    def record(app, body_id, sha, size, filename, *rest):
        if filename == holder:
            return original_record(app, body_id, sha, size, filename, *rest)
        assert holding.wait(120), "the colleague's upload never reached the database"
        upload_id = original_record(app, body_id, sha, size, filename, *rest)  # let in while it is being written
        committed.release()
        return upload_id

    def audit(*args, detail="", **kwargs):  # inside the writing transaction, its upload row flushed
        if detail.startswith(holder):
            holding.set()
            until = time.monotonic() + 5  # the others commit now, unless the body's row is held
            for _ in sent[1:]:
                committed.acquire(timeout=max(0.0, until - time.monotonic()))
        return original_audit(*args, detail=detail, **kwargs)

    monkeypatch.setattr(submissions, "_record", record)
    monkeypatch.setattr(submissions, "audit", audit)
    start, answers = threading.Barrier(len(sent)), {}

    def send(name, path):
        start.wait(30)
        answers[name] = office.upload(link, path, filename=name)

    threads = [threading.Thread(target=send, args=item) for item in sent]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert {name: r.status_code for name, r in answers.items()} == {name: 303 for name, _ in sent}
    acked = {name: int(r.headers["location"].rsplit("=", 1)[1]) for name, r in answers.items()}

    with office.app.state.db.read() as s:
        body = s.get(Body, s.get(Upload, acked["第一次.xlsx"]).body_id)
        uploads = {u.id: u for u in s.query(Upload).filter(Upload.body_id == body.id)}
        lines = s.query(AuditEntry).filter(AuditEntry.body_id == body.id, AuditEntry.action == "upload").all()
    assert sorted(uploads) == sorted(acked.values())  # none lost, none extra
    newest = uploads[max(uploads)]
    assert body.latest_upload_id == newest.id  # exactly one counts: the newest
    assert {uploads[i].filename for i in acked.values()} == {name for name, _ in sent}
    assert uploads[acked["第一次.xlsx"]].blob_sha256 == uploads[acked["双击的.xlsx"]].blob_sha256  # stored once
    assert sorted(line.detail.split(" → ")[0] for line in lines) == sorted(name for name, _ in sent)
    for line in lines:
        assert uploads[acked[line.detail.split(" → ")[0]]].blob_sha256[:12] in line.detail

    page = office.client.get(link).text  # the body's page: the current one, and all three in the history
    assert verdict(page).startswith("通过") == (newest.status == "valid")
    assert all(f"upload={i}" in page for i in uploads)
    state = "passing" if newest.status == "valid" else "failing"
    assert ">大武口区" in office.client.get(f"{round_url}?state={state}").text.split('id="bodies"')[1]
