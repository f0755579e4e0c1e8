"""The office server attacked as a reviewer would (everything against the app in this process, or a
server on 127.0.0.1): hostile JSON on the add-in's endpoints and POST /api/validate, every form
without its CSRF field, a viewer on every admin action, names that try to become headers, formulas
or markup, one body's link on another's uploads, and requests that dribble."""

from __future__ import annotations

import json
import re
import time

import pytest

pytest.importorskip("fastapi", reason="the [server] extra is not installed")
from fastapi.testclient import TestClient  # noqa: E402

from govreport_xl.server import officejs  # noqa: E402
from helpers import EXAMPLE_XLSX  # noqa: E402
from officejs_payload import payload  # noqa: E402
from server_support import Office, make_app  # noqa: E402

pytestmark = pytest.mark.slow  # a server and its worker processes


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    app = make_app(folder / "data", None, max_upload_bytes=2 * 1024 * 1024)
    with TestClient(app) as client:
        o = Office(client, app)
        o.setup_admin()
        yield o


@pytest.fixture(scope="module")
def click():
    return payload(EXAMPLE_XLSX)


def nested(depth: int, inner: str = "") -> str:
    return "[" * depth + inner + "]" * depth


# --- hostile JSON --------------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_refused_in_words_on_every_json_endpoint(office, click, depth):
    """Python's parser gives up past ~1000 levels with RecursionError, which is not a ValueError:
    it used to escape as a 500 and a traceback."""
    body = json.dumps(click)[:-1] + f', "x": {nested(depth)}}}'
    for path, field in (("/addin/api/check", "detail"), ("/api/validate", "error")):
        r = office.client.post(path, content=body.encode(), headers={"Content-Type": "application/json"})
        assert r.status_code == 400, (path, r.status_code, r.text[:200])
        assert "嵌套" in r.json()[field] and "Traceback" not in r.text
    report = '{"format": ' + nested(depth) + "}"
    r = office.client.post("/api/validate", content=report.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "嵌套" in r.json()["error"]


@pytest.mark.parametrize("change", [
    lambda p: {k: v for k, v in p.items() if k != "names"},  # names are optional in the shape
    lambda p: {**p, "names": [{k: v for k, v in n.items() if k not in ("book_scope", "scope_sheet_index", "scope_sheet_name")}
                              for n in p["names"]]},
    lambda p: {**p, "book": {"name": "报告.xlsx"}},  # no active_sheet_index, no selection
    lambda p: {**p, "sheets": [{k: v for k, v in s.items() if k not in ("pictures", "tables")} for s in p["sheets"]]},
], ids=["no names", "names without scope", "book without index", "sheets without pictures"])
def test_a_click_missing_optional_keys_is_read_with_their_defaults(office, click, change):
    """What the shape makes optional is filled in before the engine sees it: a missing key used to
    be an internal error (KeyError) told to the clerk."""
    r = office.client.post("/addin/api/check", json=change(click))
    assert r.status_code == 200, r.text
    assert r.json()["actions"] and "内部错误" not in r.json()["message"]


@pytest.mark.parametrize("change, words", [
    (lambda p: {**p, "book": {**p["book"], "active_sheet_index": 10 ** 30}}, "活动工作表"),
    (lambda p: {**p, "book": {**p["book"], "active_sheet_index": -1}}, "活动工作表"),
    (lambda p: {**p, "sheets": [{"name": "封面", "values": [[] for _ in range(300_000)]}]}, "单元格太多"),
    (lambda p: {**p, "names": [{"name": "x", "sheet_index": 0, "address": "A1", "book_scope": "yes"}]}, "book_scope"),
], ids=["index past the sheets", "negative index", "a million empty rows", "a string for a bool"])
def test_values_of_the_wrong_size_or_type_are_refused(office, click, change, words):
    r = office.client.post("/addin/api/check", json=change(click))
    assert r.status_code in (400, 413) and words in r.json()["detail"], r.text[:300]


def test_a_click_is_parsed_and_checked_off_the_event_loop(office, click, monkeypatch):
    """Reading a 4 MB click takes seconds: done on the event loop it stalled every other request.
    Here the check of the shape waits until the server has answered another request meanwhile."""
    import threading

    started, answered, seen = threading.Event(), threading.Event(), []
    original = officejs.check_payload

    def waiting(data):
        started.set()
        seen.append(answered.wait(30))  # False: nothing else was answered while this ran
        return original(data)

    monkeypatch.setattr(officejs, "check_payload", waiting)
    t = threading.Thread(target=lambda: office.client.post("/addin/api/check", json=click))
    t.start()
    assert started.wait(60)
    assert office.client.get("/healthz").status_code == 200
    answered.set()
    t.join(60)
    assert seen == [True]


# --- names that try to be formulas, markup or headers ---------------------------------------------

FORMULA = '=HYPERLINK("http://x.example/","y")'


def _cells_with(workbook_bytes: bytes, needle: str):
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    return [(ws.title, c.coordinate, c.data_type, c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and needle in c.value]


def test_a_body_name_like_a_formula_is_text_in_every_download(office, tmp_path):
    """The list's name and the report's cover name are both =HYPERLINK(…): every workbook has it as a
    string cell (never a formula), every CSV with the apostrophe, the zip names it harmlessly."""
    import csv
    import io
    import zipfile

    from cases import build
    from govreport_xl.excel.filler import fill_workbook
    from helpers import example_report

    report = example_report()
    report = report.model_copy(update={"meta": report.meta.model_copy(update={"name": FORMULA})})
    passing = fill_workbook(report, tmp_path / "ok.xlsx")
    failing = build(tmp_path, "many")
    url = office.new_round(2022, "650100")
    quoted = '"' + FORMULA.replace('"', '""') + '"'
    assert office.import_list(url, [(quoted, "", "650100", "", ""), ("@乙局", "", "", "", "")]).status_code == 303
    rows = list(csv.reader(io.StringIO(office.client.get(f"{url}/links.csv").content.decode("utf-8-sig"))))
    assert rows[1][0] == "'" + FORMULA and rows[2][0] == "'@乙局"
    link = {row[0]: "/b/" + row[-1].split("/b/", 1)[1] for row in rows[1:]}
    assert office.upload(link["'" + FORMULA], passing).status_code == 303
    assert office.upload(link["'@乙局"], failing).status_code == 303
    for kind in ("summary.xlsx", "export.xlsx", "consolidated.xlsx"):
        data = office.client.get(f"{url}/download/{kind}").content
        found = _cells_with(data, "x.example")
        assert found and all(t == "s" for _, _, t, _ in found), (kind, found)
    text = office.client.get(f"{url}/download/export.csv").content.decode("utf-8-sig")
    fields = [f for row in csv.reader(io.StringIO(text)) for f in row if "x.example" in f]
    assert fields and all(f.startswith("'") for f in fields)
    archive = zipfile.ZipFile(io.BytesIO(office.client.get(f"{url}/download/marked.zip").content))
    assert all("/" not in n and not n.startswith(("=", "@", "'")) for n in archive.namelist())
    for n in archive.namelist():
        assert all(t == "s" for _, _, t, _ in _cells_with(archive.read(n), "x.example"))
    page = office.client.get(url).text
    assert FORMULA.replace('"', "&#34;") in page or FORMULA.replace('"', "&quot;") in page


def test_a_name_cannot_add_a_header_or_a_folder_to_a_download(office, tmp_path):
    url = office.new_round(2022, "650200")
    name = '甲局"; filename=evil.exe\r\nX-Injected: 1/../..'
    data = ("机关名称\n" + '"' + name.replace('"', '""') + '"\n').encode()
    assert office.import_list(url, [], data=data).status_code == 303
    page = office.client.get(url).text
    body_url = re.search(r'href="(/office/rounds/\d+/bodies/\d+)"', page).group(1)
    detail = office.client.get(body_url).text
    token_link = re.search(r'<code class="link">[^<]*(/b/[^<]+)</code>', detail).group(1)
    r = office.client.get(f"{token_link}/template.xlsx")
    disposition = r.headers["content-disposition"]
    assert "x-injected" not in {k.lower() for k in r.headers} and "\r" not in disposition and "\n" not in disposition
    assert disposition.count("filename=") == 1 and "%2F" in disposition and "/" not in disposition.split("''", 1)[1]


# --- who may do what, on every route ---------------------------------------------------------------

def _a_round_with_a_body(office):
    url = office.new_round(2022, f"66{len(office.client.cookies) % 10}{int(time.time() * 1000) % 1000:03d}")
    assert office.import_list(url, [("甲局", "", "", "", "")]).status_code == 303
    page = office.client.get(url).text
    body_url = re.search(r'href="(/office/rounds/\d+/bodies/\d+)"', page).group(1)
    link = re.search(r'<code class="link">[^<]*(/b/[^<]+)</code>', office.client.get(body_url).text).group(1)
    return url, body_url, link


def _form_routes(app):
    """Every POST route of a page form (the API's JSON routes are not forms), from the routers the
    app includes (app._routers(): a new module's routes are covered as they come)."""
    from govreport_xl.server.app import _routers

    paths = {r.path for router in _routers() for r in router.routes if "POST" in (getattr(r, "methods", None) or ())}
    return sorted(p for p in paths if not p.startswith(("/api/", "/addin/api/")))


def _fill(path: str, ids: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)


def test_every_form_refuses_a_post_without_its_csrf_field(office):
    url, body_url, link = _a_round_with_a_body(office)
    round_id, body_id = re.search(r"/rounds/(\d+)/bodies/(\d+)", body_url).groups()
    ids = {"round_id": round_id, "body_id": body_id, "staff_id": 1, "token_id": 1, "token": link.split("/b/")[1]}
    routes = _form_routes(office.app)
    assert len(routes) >= 12  # login, logout, setup, rounds, bodies, review, link, staff, disable, tokens, revoke, upload
    for path in routes:
        target = _fill(path, ids)
        forged = office.client.post(target, data={"csrf": "forged", "action": "revoke"}, files={"file": ("x.xlsx", b"PK\x03\x04")},
                                    follow_redirects=False)
        assert forged.status_code in (403, 404), (path, forged.status_code)  # 404: setup, once an admin exists
        bare = TestClient(office.app).post(target, data={"action": "revoke"}, follow_redirects=False)
        assert bare.status_code in (303, 403, 404), (path, bare.status_code)  # 303: to the login page
        assert bare.status_code != 303 or bare.headers["location"].startswith("/login")
    assert office.client.get(link).status_code == 200  # nothing above revoked the link


def test_a_viewer_is_refused_every_admin_action(office):
    from server_support import PASSWORD

    url, body_url, link = _a_round_with_a_body(office)
    name = f"viewer{int(time.time() * 1000) % 100000}"
    assert office.post("/office/staff", {"username": name, "password": PASSWORD, "role": "viewer"}).status_code == 303
    viewer = Office(TestClient(office.app), office.app)
    office.app.state.limits["login"]._events.clear()
    assert viewer.login(name).status_code == 303
    round_id, body_id = re.search(r"/rounds/(\d+)/bodies/(\d+)", body_url).groups()
    ids = {"round_id": round_id, "body_id": body_id, "staff_id": 1, "token_id": 1, "token": link.split("/b/")[1]}
    for path in _form_routes(office.app):
        if path in ("/login", "/logout", "/setup") or path.startswith("/b/"):
            continue  # not admin actions
        r = viewer.post(_fill(path, ids), {"action": "revoke", "year": "2030", "title": "x", "region_code": "660000",
                                           "deadline": "2099-01-01", "username": "x", "password": PASSWORD, "role": "admin",
                                           "label": "x", "note": "x", "upload_id": "1"}, files={"file": ("x.csv", b"\xe6\x9c\xba\xe5\x85\xb3\xe5\x90\x8d\xe7\xa7\xb0\nx\n")})
        assert r.status_code == 403, (path, r.status_code)
    for page in (f"{url}/links.csv", "/office/staff", "/office/audit"):
        assert viewer.client.get(page, follow_redirects=False).status_code == 403, page
    assert link.split("/b/")[1] not in viewer.client.get(body_url).text  # a viewer does not see the link
    assert office.client.get(link).status_code == 200


def test_tokens_of_one_kind_open_nothing_of_another(office):
    url, body_url, link = _a_round_with_a_body(office)
    api_token = re.search(r'id="token">([^<]+)<', office.post("/office/tokens", {"label": "OA"}).text).group(1)
    session = office.client.cookies.get("gx_session")
    stranger = TestClient(office.app)
    for token in (api_token, session, api_token[:36], session[:36]):
        assert stranger.get(f"/b/{token}").status_code == 404
    body_token = link.split("/b/")[1]
    assert stranger.get("/api/rounds", headers={"Authorization": f"Bearer {body_token}"}).status_code == 401
    stranger.cookies.set("gx_session", body_token)
    assert stranger.get("/office", follow_redirects=False).status_code == 303  # to the login page
    office.app.state.limits["link_miss"]._events.clear()


def test_a_revoked_link_uploads_nothing(office):
    url, body_url, link = _a_round_with_a_body(office)
    assert office.post(f"{body_url}/link", {"action": "revoke"}).status_code == 303
    r = office.upload(link, EXAMPLE_XLSX)
    assert r.status_code == 404 and "已被收回" in r.text
    assert "还没有上传" in office.client.get(body_url).text
    office.app.state.limits["link_miss"]._events.clear()


@pytest.mark.parametrize("path", ["/office/rounds/1/download/..%2F..%2Fsecret.key", "/office/rounds/1/download/../../secret.key",
                                  "/static/..%2F..%2Fdata%2Fsecret.key", "/static/../app.py", "/addin/icon-..%2F.png",
                                  "/b/..%2F..%2Fsecret.key/template.xlsx", "/office/uploads/1%2F..%2F2/file.xlsx",
                                  "/docs-static/..%2F..%2Fsecret.key"])
def test_no_parameter_reaches_a_file_outside_the_store(office, path):
    key = (office.app.state.settings.data_dir / "secret.key").read_bytes()
    r = office.client.get(path)
    assert r.status_code in (404, 422) and key not in r.content and b"import " not in r.content, (path, r.status_code)
    office.app.state.limits["link_miss"]._events.clear()


# --- requests that dribble -------------------------------------------------------------------------

def test_an_upload_that_stops_arriving_is_dropped(tmp_path):
    """A client that sends the start of a body and then nothing held the request (its memory, its
    temporary file) for ever; now it is answered 408 once nothing came for idle_seconds."""
    import socket
    import threading

    import uvicorn

    from govreport_xl.server.app import create_app
    from govreport_xl.server.settings import Settings
    from server_process import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(data_dir=tmp_path / "data", check_workers=1, idle_seconds=1)),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.1)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(b"POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
            answer = b""
            while chunk := s.recv(4096):  # the server closes the connection after its answer
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 408") and "很长时间没有收到数据".encode() in answer
    finally:
        server.should_exit = True
        thread.join(30)
