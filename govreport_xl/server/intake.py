"""What comes in over HTTP, read with the command line's rules: a workbook by its content (a zip
package), a report JSON within a size bound; stored under names the server makes, never the
sender's.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

WORKBOOK_MAGIC = b"PK\x03\x04"
MAX_JSON_BYTES = 2 * 1024 * 1024  # a report JSON is ~4 KB


class Refused(Exception):
    """An upload refused before it is read: `reason` holds zh and en text, `status` the HTTP code."""

    def __init__(self, reason: dict[str, str], status: int = 415):
        super().__init__(reason["en"])
        self.reason, self.status = reason, status


NOT_A_REPORT = {"zh": "不是 .xlsx 工作簿，也不是报告 JSON：请上传用本模板填写的 .xlsx 文件",
                "en": "neither an .xlsx workbook nor a report JSON: upload the filled .xlsx template"}
EMPTY = {"zh": "没有收到文件内容", "en": "the upload is empty"}
BAD_JSON = {"zh": "JSON 无法解析：{why}", "en": "the JSON cannot be parsed: {why}"}
TOO_DEEP = {"zh": "JSON 无法解析：嵌套过深", "en": "the JSON cannot be parsed: nested too deep"}
JSON_TOO_LARGE = {"zh": "报告 JSON 过大（上限 2 MB）", "en": "the report JSON is too large (2 MB at most)"}
OLD_FORMAT = {"zh": "是旧的 .xls/.et 格式，请在 Excel 或 WPS 中另存为 .xlsx 后再上传",
              "en": "old .xls/.et format: save it as .xlsx and upload it again"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def kind_of(head: bytes) -> str:
    """'workbook' or 'json' by the content's first bytes (a name or a content type can lie)."""
    if not head:
        raise Refused(EMPTY, 400)
    if head.startswith(WORKBOOK_MAGIC):
        return "workbook"
    if head.startswith(OLE_MAGIC):
        raise Refused(OLD_FORMAT)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "json"
    raise Refused(NOT_A_REPORT)


def report_json(data: bytes) -> dict:
    if len(data) > MAX_JSON_BYTES:
        raise Refused(JSON_TOO_LARGE, 413)
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Refused({k: v.format(why=exc) for k, v in BAD_JSON.items()}, 400) from None
    except RecursionError:  # Python's parser gives up past ~1000 levels, and not with a ValueError
        raise Refused(TOO_DEEP, 400) from None
    if not isinstance(value, dict):
        raise Refused(NOT_A_REPORT)
    return value


def spool(data_dir: Path, chunks) -> tuple[Path, int]:
    """Write the chunks to a new file under data_dir/tmp (named by the server); (path, size)."""
    folder = data_dir / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="upload-", suffix=".xlsx", dir=folder)
    size = 0
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
                size += len(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), size


def display_name(filename: str | None, fallback: str = "workbook.xlsx") -> str:
    """The sender's file name as text to show (never a path): its last part, control characters out."""
    if not filename:
        return fallback
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())[:200].strip()
    return name or fallback
