"""The Office.js add-in, served by the office server: its manifest, its task pane and ribbon pages,
and the endpoint its buttons post the workbook's values to.

The Python side is the VBA add-in's own (`addin.actions` on xlwings' remote engine, as xlwings
Server runs it): the workbook's values come in as the JSON an xlwings client sends, the actions
come back as `book.json()`, and the page applies them. One plan of marks for every door. The
workbook's file never leaves the clerk's PC; only the values of the sheets the checks read do.
"""

from __future__ import annotations

import json
import os
import struct
import threading
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Union
from xml.sax.saxutils import quoteattr

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr, ValidationError

from .. import __version__
from ..addin import actions
from ..excel.layout import VERSION_NAME, defined_name, positions, sheets
from ..excel.marks import APP_TITLE
from .api_routes import TOO_MANY
from .web import client_ip

PREFIX = "/addin"
PAGES = Path(__file__).with_name("officejs_pages")
OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"
MAX_BODY = 4 * 1024 * 1024  # a filled report's four sheets are ~30 KB of JSON
MAX_CELLS = 200_000  # over every sheet sent
MAX_TEXT = 32_767  # Excel's own limit for one cell
ICON_SIZES = (16, 32, 64, 80)
ACTIONS = {"check": "校验", "clear": "清除标记", "export": "导出JSON"}
LICENCE_MISSING = ("服务器没有启用 xlwings 远程引擎：请信息中心在启动 govreport-xl serve 前设置环境变量 "
                   "XLWINGS_LICENSE_KEY=noncommercial（PolyForm Noncommercial 许可，政府机关的非商业使用免费）。")


@dataclass(frozen=True)
class AddinSettings:
    public_url: str  # https://… as Excel on the clerk's PC reaches the server (the server's public_url)
    addin_id: str | None = None  # the manifest's <Id>; None: derived from public_url, stable per deployment
    office_js_url: str = OFFICE_JS  # a copy on the intranet where the clerks' PCs cannot reach Microsoft's CDN

    @classmethod
    def of(cls, settings, env=os.environ) -> "AddinSettings":
        """From the server's Settings: its public_url, and addin_id / office_js_url from its
        `extra`, else from GOVREPORT_ADDIN_ID / GOVREPORT_OFFICE_JS_URL in the environment."""
        extra = getattr(settings, "extra", None) or {}
        return cls(settings.public_url, extra.get("addin_id") or env.get("GOVREPORT_ADDIN_ID") or None,
                   extra.get("office_js_url") or env.get("GOVREPORT_OFFICE_JS_URL") or OFFICE_JS)


def addin_id(base_url: str, settings: AddinSettings) -> str:
    """The same id for the same deployment (so Office sees one add-in across restarts and
    updates), a different one for a server at another address."""
    return settings.addin_id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"govreport-xl/addin {base_url}"))


def _manifest_version() -> str:
    parts = [p for p in __version__.split(".") if p.isdigit()][:4]
    return ".".join(parts + ["0"] * (4 - len(parts)))


def manifest(settings: AddinSettings) -> str:
    """The add-in-only XML manifest (what shared-folder catalogs and the admin center take)."""
    base = settings.public_url.rstrip("/")
    url = lambda path: quoteattr(f"{base}{PREFIX}/{path}")  # noqa: E731
    ids = {"check": "govreportValidate", "clear": "govreportClear"}
    buttons = "".join(f"""
                <Control xsi:type="Button" id="{ids[a]}Button">
                  <Label resid="{a}.Label"/>
                  <Supertip><Title resid="{a}.Label"/><Description resid="{a}.Tip"/></Supertip>
                  <Icon><bt:Image size="16" resid="Icon.16"/><bt:Image size="32" resid="Icon.32"/><bt:Image size="80" resid="Icon.80"/></Icon>
                  <Action xsi:type="ExecuteFunction"><FunctionName>{ids[a]}</FunctionName></Action>
                </Control>""" for a in ids)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- govreport-xl {__version__}: the 政务公开年报 add-in of the office server at {base} (generated) -->
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"
  xmlns:ov="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="TaskPaneApp">
  <Id>{addin_id(base, settings)}</Id>
  <Version>{_manifest_version()}</Version>
  <ProviderName>govreport-xl</ProviderName>
  <DefaultLocale>zh-CN</DefaultLocale>
  <DisplayName DefaultValue="{APP_TITLE} 校验"/>
  <Description DefaultValue="检查政府信息公开工作年度报告的三张统计表：在表中标出问题单元格，并在「校验结果」表中逐条列出。只把统计表的数值发给单位的校验服务器，不上传文件。"/>
  <IconUrl DefaultValue={url("icon-32.png")}/>
  <HighResolutionIconUrl DefaultValue={url("icon-64.png")}/>
  <SupportUrl DefaultValue={url("taskpane.html")}/>
  <Hosts>
    <Host Name="Workbook"/>
  </Hosts>
  <Requirements>
    <Sets DefaultMinVersion="1.1">
      <Set Name="ExcelApi" MinVersion="1.1"/>
    </Sets>
  </Requirements>
  <DefaultSettings>
    <SourceLocation DefaultValue={url("taskpane.html")}/>
  </DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Hosts>
      <Host xsi:type="Workbook">
        <DesktopFormFactor>
          <FunctionFile resid="Commands.Url"/>
          <ExtensionPoint xsi:type="PrimaryCommandSurface">
            <CustomTab id="govreportTab">
              <Group id="govreportGroup">
                <Label resid="Group.Label"/>
                <Icon><bt:Image size="16" resid="Icon.16"/><bt:Image size="32" resid="Icon.32"/><bt:Image size="80" resid="Icon.80"/></Icon>{buttons}
                <Control xsi:type="Button" id="govreportExportButton">
                  <Label resid="export.Label"/>
                  <Supertip><Title resid="export.Label"/><Description resid="export.Tip"/></Supertip>
                  <Icon><bt:Image size="16" resid="Icon.16"/><bt:Image size="32" resid="Icon.32"/><bt:Image size="80" resid="Icon.80"/></Icon>
                  <Action xsi:type="ShowTaskpane"><TaskpaneId>govreportPane</TaskpaneId><SourceLocation resid="Export.Url"/></Action>
                </Control>
              </Group>
              <Label resid="Tab.Label"/>
            </CustomTab>
          </ExtensionPoint>
        </DesktopFormFactor>
      </Host>
    </Hosts>
    <Resources>
      <bt:Images>
        <bt:Image id="Icon.16" DefaultValue={url("icon-16.png")}/>
        <bt:Image id="Icon.32" DefaultValue={url("icon-32.png")}/>
        <bt:Image id="Icon.80" DefaultValue={url("icon-80.png")}/>
      </bt:Images>
      <bt:Urls>
        <bt:Url id="Commands.Url" DefaultValue={url("commands.html")}/>
        <bt:Url id="Export.Url" DefaultValue={url("taskpane.html?run=export")}/>
      </bt:Urls>
      <bt:ShortStrings>
        <bt:String id="Tab.Label" DefaultValue="{APP_TITLE}"/>
        <bt:String id="Group.Label" DefaultValue="年度报告统计表"/>
        <bt:String id="check.Label" DefaultValue="{ACTIONS['check']}"/>
        <bt:String id="clear.Label" DefaultValue="{ACTIONS['clear']}"/>
        <bt:String id="export.Label" DefaultValue="{ACTIONS['export']}"/>
      </bt:ShortStrings>
      <bt:LongStrings>
        <bt:String id="check.Tip" DefaultValue="检查三张统计表的全部勾稽关系，在表中标出问题单元格，并在「校验结果」表中逐条列出。"/>
        <bt:String id="clear.Tip" DefaultValue="去掉上次校验的标记，删除「校验结果」表。"/>
        <bt:String id="export.Tip" DefaultValue="打开任务窗格，把报告数据和校验结果导出为 JSON 文件。"/>
      </bt:LongStrings>
    </Resources>
  </VersionOverrides>
</OfficeApp>
"""


def client_config() -> dict:
    """What the page needs to send only what the checks read: the template's data sheets, and the
    defined names whose sheets are read too (a name may have followed a cell elsewhere)."""
    ours = sorted({defined_name(code) for code in positions()} | {VERSION_NAME})
    import xlwings

    return {"api": "api/", "sheets": [s.name for s in sheets()], "names": ours,
            "xlwingsVersion": xlwings.__version__, "title": APP_TITLE, "actions": ACTIONS,
            "maxCells": MAX_CELLS}


# --- the payload an xlwings client sends (shape: see tests/officejs_payload.py) ---------------------

Scalar = Union[StrictStr, StrictBool, StrictInt, StrictFloat, None]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Sheet(_Open):
    name: Annotated[str, Field(min_length=1, max_length=31)]
    values: list[list[Scalar]]
    pictures: list = []
    tables: list = []


class _Name(_Open):
    name: Annotated[str, Field(max_length=255)]
    sheet_index: int | None = None
    address: Annotated[str, Field(max_length=64)] | None = None
    scope_sheet_name: Annotated[str, Field(max_length=31)] | None = None
    scope_sheet_index: int | None = None
    book_scope: StrictBool = True


class _Book(_Open):
    name: Annotated[str, Field(max_length=255)]
    active_sheet_index: int = 0
    selection: Annotated[str, Field(max_length=255)] | None = None


class Payload(_Open):
    client: Literal["Office.js", "VBA"]
    version: Annotated[str, Field(max_length=32)]
    book: _Book
    names: Annotated[list[_Name], Field(max_length=20_000)] = []
    sheets: Annotated[list[_Sheet], Field(min_length=1, max_length=1_000)]


class PayloadError(ValueError):
    """The request is not what the add-in sends; the text says what is wrong, in Chinese."""

    status = 400


class TooLarge(PayloadError):
    status = 413


def check_payload(data: object) -> dict:
    """The click as the engine reads it, with the defaults of what the shape makes optional (a
    missing key is not an internal error), or PayloadError saying what is wrong."""
    try:
        payload = Payload.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PayloadError(f"请求的内容不是本插件发送的工作簿数据（{where}：{first['msg']}）") from None
    cells = 0
    for sheet in payload.sheets:
        cells += sum(max(1, len(row)) for row in sheet.values)  # an empty row costs the engine too
        if cells > MAX_CELLS:
            raise TooLarge(f"发送的单元格太多（超过 {MAX_CELLS} 个），工作表「{sheet.name}」的已用区域过大")
        if any(isinstance(v, str) and len(v) > MAX_TEXT for row in sheet.values for v in row):
            raise PayloadError(f"工作表「{sheet.name}」有单元格的文字超过 Excel 的上限 {MAX_TEXT} 个字符")
    count = len(payload.sheets)
    if not 0 <= payload.book.active_sheet_index < count:
        raise PayloadError("活动工作表的序号不在发送的工作表之内")
    if any(i is not None and not 0 <= i < count for n in payload.names for i in (n.sheet_index, n.scope_sheet_index)):
        raise PayloadError("名称指向不存在的工作表")
    return payload.model_dump()


def read_click(body: bytes) -> dict:
    """The posted bytes as a checked click (run off the event loop: 4 MB take a while)."""
    try:
        data = json.loads(body, parse_constant=_not_json)
    except RecursionError:  # Python's parser gives up past ~1000 levels, and not with a ValueError
        raise PayloadError("请求的 JSON 嵌套过深") from None
    except ValueError:
        raise PayloadError("请求的内容不是 JSON") from None
    return check_payload(data)


_ENGINE = threading.Lock()  # xlwings keeps its books in process-wide state


def run_action(action: str, data: dict) -> dict:
    """Open the payload as an xlwings Book, run the add-in's action on it, return the actions for
    the client (and, for export, the JSON the clerk saves)."""
    import xlwings as xw

    exported: dict = {}

    def deliver(name: str, text: str) -> str:
        exported.update(filename=name, text=text)
        return f"已生成 {name}，请在任务窗格中点「保存 JSON 文件」"

    with _ENGINE:
        book = xw.Book(json=data)
        try:
            if action == "check":
                message = actions.validate(book)
            elif action == "clear":
                message = actions.clear(book)
            else:
                message = actions.export_json(book, deliver=deliver)
            out = {"actions": book.json()["actions"], "message": message}
        finally:
            book.close()
    if exported:
        out["export"] = exported
    return out


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise TooLarge(f"发送的数据太大（上限 {MAX_BODY // (1024 * 1024)} MB）")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge(f"发送的数据太大（上限 {MAX_BODY // (1024 * 1024)} MB）")
        chunks.append(chunk)
    return b"".join(chunks)


def _not_json(constant: str):
    raise ValueError(f"{constant} is not JSON")  # NaN and Infinity: Python reads them, JSON has none


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers={"Cache-Control": "no-store"})


# --- the icon: a white tick on the green of a passed check, drawn here rather than kept as binaries

def icon_png(size: int) -> bytes:
    ink = lambda x, y: _tick(x / size, y / size)  # noqa: E731
    rows = []
    for y in range(size):
        row = bytearray(b"\0")  # PNG filter: none
        for x in range(size):
            samples = [ink(x + (i + 0.5) / 4, y + (j + 0.5) / 4) for i in range(4) for j in range(4)]
            alpha = sum(a for a, _ in samples) / 16
            white = sum(w for _, w in samples) / 16
            rgb = [round(c + (255 - c) * white / max(alpha, 1e-9)) for c in (0x1F, 0x7A, 0x4D)]
            row += bytes([*rgb, round(255 * alpha)])
        rows.append(bytes(row))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))  # noqa: E731
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def _tick(x: float, y: float) -> tuple[float, float]:
    """(inside the rounded square, on the tick) at a point of the unit square."""
    r = 0.2
    cx, cy = min(max(x, r), 1 - r), min(max(y, r), 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return 0.0, 0.0
    return 1.0, float(min(_segment(x, y, (0.24, 0.52), (0.43, 0.71)), _segment(x, y, (0.43, 0.71), (0.78, 0.31))) < 0.075)


def _segment(x, y, a, b) -> float:
    (ax, ay), (bx, by) = a, b
    t = max(0.0, min(1.0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)))
    return ((x - ax - t * (bx - ax)) ** 2 + (y - ay - t * (by - ay)) ** 2) ** 0.5


# --- the routes ------------------------------------------------------------------------------------

_PAGE_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


def page_policy(settings: AddinSettings) -> str:
    """The add-in pages' Content-Security-Policy: office.js from Microsoft's CDN (or the intranet
    copy), and framing by Office — Excel on the web shows the task pane in a frame of an office.com
    page, so these pages, unlike the server's own, may be framed (by HTTPS pages only)."""
    office_js = settings.office_js_url if "://" in settings.office_js_url else ""
    origin = "/".join(office_js.split("/")[:3]) if office_js else ""
    return ("default-src 'self'; "
            f"script-src 'self' https://appsforoffice.microsoft.com {origin}".rstrip() + "; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self' https:; "
            "frame-src 'self' https:; frame-ancestors 'self' https:")


def _settings(request: Request) -> AddinSettings:
    return AddinSettings.of(request.app.state.settings)


def page(name: str, settings: AddinSettings) -> str:
    """A page of the add-in with its configuration filled in (JSON inside <script> made inert)."""
    config = json.dumps(client_config(), ensure_ascii=False).replace("<", "\\u003c")
    text = (PAGES / name).read_text(encoding="utf-8")
    return text.replace("{{office_js}}", settings.office_js_url.replace('"', "%22")).replace("{{config}}", config)


router = APIRouter(prefix=PREFIX, tags=["Office.js add-in"])


@router.get("/manifest.xml", summary="The add-in's manifest, for the shared-folder catalog or the admin center")
def get_manifest(request: Request, download: bool = False) -> Response:
    headers = {"Cache-Control": "no-cache"}
    if download:
        headers["Content-Disposition"] = 'attachment; filename="govreport-xl-addin.xml"'
    return Response(manifest(_settings(request)), media_type="application/xml", headers=headers)


def _page_route(name: str):
    def get_page(request: Request) -> Response:
        settings = _settings(request)
        headers = {**_PAGE_HEADERS, "Content-Security-Policy": page_policy(settings)}
        return Response(page(name, settings), media_type="text/html; charset=utf-8", headers=headers)

    return get_page


def _file_route(name: str, kind: str):
    def get_file() -> Response:
        return Response((PAGES / name).read_bytes(), media_type=kind, headers=_PAGE_HEADERS)

    return get_file


for _name in ("taskpane.html", "commands.html", "dialog.html"):
    router.add_api_route(f"/{_name}", _page_route(_name), methods=["GET"], include_in_schema=False)
for _name, _kind in (("addin.js", "text/javascript; charset=utf-8"), ("addin.css", "text/css; charset=utf-8")):
    router.add_api_route(f"/{_name}", _file_route(_name, _kind), methods=["GET"], include_in_schema=False)


@router.get("/icon-{size}.png", include_in_schema=False)
def get_icon(size: int) -> Response:
    if size not in ICON_SIZES:
        return Response(status_code=404)
    return Response(icon_png(size), media_type="image/png", headers={"Cache-Control": "max-age=86400"})


@router.post("/api/{action}", summary="A click of the add-in: the workbook's values in, the actions to apply out")
async def post_action(action: Literal["check", "clear", "export"], request: Request) -> JSONResponse:
    limits = getattr(request.app.state, "limits", {})
    if "validate" in limits and not limits["validate"].allow(client_ip(request)):  # as POST /api/validate
        return _error(429, TOO_MANY["zh"])
    try:
        data = await run_in_threadpool(read_click, await _body(request))
    except PayloadError as exc:
        return _error(exc.status, str(exc))
    try:
        out = await run_in_threadpool(run_action, action, data)
    except Exception as exc:  # noqa: BLE001 — the clerk gets a sentence, IT gets the class
        import xlwings as xw

        if isinstance(exc, xw.LicenseError):
            return _error(503, LICENCE_MISSING)
        if isinstance(exc, xw.XlwingsError):
            return _error(400, f"无法打开发送来的工作簿数据：{exc}")
        return _error(500, f"{actions.INTERNAL}{exc!r}")
    return JSONResponse(out, headers={"Cache-Control": "no-store"})
