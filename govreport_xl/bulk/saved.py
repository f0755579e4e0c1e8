"""When a submission was last saved, to choose between two reports of one body for one year as an
office would: the later saved wins. A workbook says it itself (docProps/core.xml, dcterms:modified,
written by Excel, WPS and LibreOffice on every save); otherwise the file's modification time."""

from __future__ import annotations

import datetime as _dt
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import defusedxml.ElementTree as ET

CORE = "docProps/core.xml"
CORE_LIMIT = 1 << 20  # a core properties part is a few hundred bytes
_MODIFIED = "{http://purl.org/dc/terms/}modified"


@dataclass(frozen=True)
class Saved:
    when: _dt.datetime | None
    inside: bool  # told by the workbook itself, else by the file system

    def shown(self, lang: str = "zh") -> str:
        if self.when is None:
            return SAVED["unknown"][lang]
        return SAVED["inside" if self.inside else "file"][lang].format(time=self.when.strftime("%Y-%m-%d %H:%M"))


SAVED = {
    "unknown": {"zh": "保存时间不明", "en": "saved at an unknown time"},
    "inside": {"zh": "工作簿记录的保存时间 {time}", "en": "workbook saved {time}"},
    "file": {"zh": "文件修改时间 {time}", "en": "file modified {time}"},
    "later": {"zh": "保存时间最晚", "en": "saved last"},
    "tie": {"zh": "保存时间相同或不明，按文件路径取排在后面的", "en": "saved at the same or an unknown time: the later path"},
}


def _in_workbook(path: Path) -> _dt.datetime | None:
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo(CORE)
            if info.file_size > CORE_LIMIT or info.compress_size > CORE_LIMIT:
                return None
            root = ET.fromstring(z.read(info))
    except Exception:  # noqa: BLE001 - no part, not a zip, a DTD: the file's time tells instead
        return None
    node = root.find(_MODIFIED)
    if node is None or not (node.text or "").strip():
        return None
    try:
        when = _dt.datetime.fromisoformat(node.text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(_dt.timezone.utc).replace(tzinfo=None) if when.tzinfo else when


def saved(source: str) -> Saved:
    """When the file a result came from (`path` or `path#N`) was last saved."""
    path = Path(source.split("#")[0])
    if (when := _in_workbook(path)) is not None:
        return Saved(when, True)
    try:
        return Saved(_dt.datetime.utcfromtimestamp(os.stat(path).st_mtime), False)
    except (OSError, ValueError, OverflowError):
        return Saved(None, False)


def latest(sources: list[str]) -> tuple[str, dict[str, Saved], dict[str, str]]:
    """The source saved last among `sources`, each one's time, and why that one in zh and en
    (where the times are equal or unknown, the later path: said so)."""
    times = {s: saved(s) for s in sources}
    order = sorted(sources, key=lambda s: (times[s].when is not None, times[s].when or _dt.datetime.min, s))
    chosen, runner_up = order[-1], order[-2]
    if times[chosen].when is not None and times[chosen].when != times[runner_up].when:
        return chosen, times, SAVED["later"]
    return chosen, times, SAVED["tie"]
