"""A round's downloads, made with the command line's own writers: the summary workbook
(`validate --summary`), the exports (`export`), the consolidated report (`consolidate`) and a zip
of the marked copies of the reports that fail. The stored files are read again by the same API,
with last year's round as `--previous`; each download runs in a worker process.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import api
from ..bulk.consolidate import Member, consolidate, write_consolidation
from ..bulk.history import History
from ..bulk.inputs import Input
from ..bulk.summary import SummaryWriter
from ..formats.export import writer

KINDS = {  # what -> (file name suffix, media type, title)
    "summary.xlsx": ("汇总表.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "汇总工作簿"),
    "export.xlsx": ("导出.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "导出（xlsx）"),
    "export.csv": ("导出.csv", "text/csv; charset=utf-8", "导出（CSV）"),
    "export.jsonl": ("导出.jsonl", "application/jsonl; charset=utf-8", "导出（JSON Lines）"),
    "consolidated.xlsx": ("汇总报告.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "汇总报告（逐格相加）"),
    "marked.zip": ("未通过报告的标记副本.zip", "application/zip", "未通过报告的标记副本（zip）"),
}


@dataclass(frozen=True)
class Item:
    """One body's latest upload as a download reads it."""

    path: str  # the stored file
    name: str  # 机关名称/文件名, as the downloads show it
    returned: str | None = None  # the office's note, where it returned the report
    state: str = ""  # the body's state (records.STATES)
    zip_name: str = ""  # its marked copy's name in the zip of the failures


def _results(items: list[Item], previous: History | None):
    results = api.validate_many([Path(i.path) for i in items], jobs=1, previous=previous)
    for item, result in zip(items, results):
        result.source = item.name
        yield item, result


def make(kind: str, items: list[Item], out: str, *, previous: History | None, missing: list[str], title: str,
         year: int, region: str) -> str:
    """Write one download to `out` (runs in a worker process)."""
    if kind == "summary.xlsx":
        summary = SummaryWriter(out)
        for _, result in _results(items, previous):
            summary.add(result)
        summary.save([f"未提交（{len(missing)} 个机关）：{'、'.join(missing)}"] if missing else [])
    elif kind.startswith("export."):
        with writer(out, "zh") as w:
            for _, result in _results(items, previous):
                w.add(result)
    elif kind == "consolidated.xlsx":
        read = list(_results(items, previous))
        done = consolidate((r for i, r in read if i.returned is None), title, year, region or None)
        for item, result in read:
            if item.returned is not None:
                meta = result.figures.meta if result.figures is not None else None
                done.left_out.append(Member(item.name, (meta and meta.name) or "", (meta and meta.uscc) or "",
                                            meta and meta.year, f"已被退回：{item.returned}"))
        write_consolidation(done, out)
    elif kind == "marked.zip":
        _marked_zip(items, out, previous)
    else:
        raise ValueError(kind)
    return out


def _marked_zip(items: list[Item], out: str, previous: History | None) -> None:
    """The marked copies of the reports that fail (`validate --marked`), zipped under the bodies'
    names; the copies are written under numbers, never under a name from a list or an upload."""
    failing = [i for i in items if i.state == "failing"]
    folder = Path(out).parent / "marked"
    inputs = [Input(Path(item.path), Path(f"{n:05d}.xlsx")) for n, item in enumerate(failing)]
    for _ in api.validate_many(inputs, jobs=1, previous=previous, marked=folder):
        pass
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, item in enumerate(failing):
            if (copy := folder / f"{n:05d}.xlsx").exists():
                z.write(copy, item.zip_name)


_UNSAFE = str.maketrans({c: "_" for c in '<>:"/\\|?*\0'})


def safe_name(text: str) -> str:
    """A name for a file inside a zip the office unpacks on Windows: no folders, no reserved characters."""
    cleaned = "".join(ch for ch in text if ch.isprintable()).translate(_UNSAFE).strip(" .")
    return cleaned[:80] or "报告"

