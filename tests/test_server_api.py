"""POST /api/validate and the OpenAPI docs, over real HTTP requests to the app (no state kept)."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi", reason="the [server] extra is not installed")
from fastapi.testclient import TestClient  # noqa: E402

from govreport_xl.cli.main import main  # noqa: E402
from govreport_xl.server.app import create_app  # noqa: E402
from govreport_xl.server.db import Blob, Upload  # noqa: E402
from govreport_xl.server.settings import Settings  # noqa: E402
from cases import build  # noqa: E402
from helpers import EXAMPLE_JSON, EXAMPLE_XLSX  # noqa: E402
from hostile import entities, zip_bomb  # noqa: E402

pytestmark = pytest.mark.slow  # a server and its worker processes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    with TestClient(create_app(Settings(data_dir=data, max_upload_bytes=2 * 1024 * 1024, check_workers=1))) as c:
        c.data_dir = data
        yield c


def cli_record(path, capsys, *args) -> dict:
    main(["validate", "--json", *args, str(path)])
    [record] = json.loads(capsys.readouterr().out)
    return record


def without_file(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "file"}


@pytest.mark.parametrize("case", ["example", "many", "v_01_text", "m_01_blank_cover"])
def test_a_workbook_gets_the_record_validate_json_prints(client, tmp_path, capsys, case):
    path = build(tmp_path, case)
    r = client.post("/api/validate", files={"file": (f"{case}.xlsx", path.read_bytes(), XLSX)})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["file"] == f"{case}.xlsx"  # the sender's name, not where the server put it
    assert without_file(got) == without_file(cli_record(path, capsys))
    assert (got["status"] == "valid") == (case == "example")


def test_raw_body_and_english(client, capsys):
    r = client.post("/api/validate?lang=en", content=EXAMPLE_XLSX.read_bytes(),
                    headers={"content-type": XLSX, "x-filename": quote("C:\\报送\\石嘴山.xlsx")})
    assert r.status_code == 200, r.text
    assert r.json()["file"] == "石嘴山.xlsx"
    assert without_file(r.json()) == without_file(cli_record(EXAMPLE_XLSX, capsys, "--lang", "en"))


def test_report_json_in(client, capsys):
    r = client.post("/api/validate", content=EXAMPLE_JSON.read_bytes(), headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    assert without_file(r.json()) == without_file(cli_record(EXAMPLE_JSON, capsys))


def test_nothing_is_kept(client):
    client.post("/api/validate", files={"file": ("a.xlsx", EXAMPLE_XLSX.read_bytes(), XLSX)})
    assert not [p for folder in ("files", "tmp") for p in (client.data_dir / folder).rglob("*") if p.is_file()]
    with client.app.state.db.read() as s:
        assert not s.query(Upload).count() and not s.query(Blob).count()


@pytest.mark.parametrize("body, status, says", [
    (b"hello, not a report", 415, "不是 .xlsx 工作簿"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), 415, "另存为 .xlsx"),
    (b"", 400, "没有收到文件内容"),
    (b"{not json", 400, "JSON 无法解析"),
])
def test_what_is_not_a_report_is_refused_in_words(client, body, status, says):
    r = client.post("/api/validate", files={"file": ("x.xlsx", body, XLSX)})
    assert r.status_code == status
    assert says in r.json()["error"]


def test_a_broken_zip_is_a_record_that_says_unreadable(client):
    r = client.post("/api/validate", files={"file": ("x.xlsx", b"PK\x03\x04" + bytes(200), XLSX)})
    assert r.status_code == 200
    assert r.json()["status"] == "unreadable" and r.json()["error"]


@pytest.mark.parametrize("make", [lambda d: zip_bomb(d), lambda d: entities(d, "laughs", "strings")], ids=["zip_bomb", "entities"])
def test_hostile_workbooks_are_read_with_the_cli_rules(client, tmp_path, capsys, make):
    path = make(tmp_path)
    r = client.post("/api/validate", files={"file": ("bomb.xlsx", path.read_bytes(), XLSX)})
    assert r.status_code == 200 and r.json()["status"] == "unreadable"
    assert without_file(r.json()) == without_file(cli_record(path, capsys))


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client):
    r = client.post("/api/validate", files={"file": ("big.xlsx", b"PK\x03\x04" + bytes(2200 * 1024), XLSX)})
    assert r.status_code == 413


def test_openapi_docs(client):
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/validate"]["post"]
    assert {"multipart/form-data", XLSX, "application/json"} <= set(op["requestBody"]["content"])
    for page in ("/docs",):  # served from the package: an intranet reaches no CDN
        html = client.get(page)
        assert html.status_code == 200 and "cdn." not in html.text and "unpkg" not in html.text and "fonts.googleapis" not in html.text
        for src in re.findall(r'(?:src|href)="(/[^"]+)"', html.text):
            assert client.get(src).status_code == 200, src
