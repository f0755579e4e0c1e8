"""The office server attacked as a reviewer would (everything against the app in this process, or a
server on 127.0.0.1): hostile JSON on the add-in's endpoints and POST /api/validate, every form
without its CSRF field, a viewer on every admin action, names that try to become headers, formulas
or markup, one body's link on another's uploads, and requests that dribble."""

from __future__ import annotations

import json
import re

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
