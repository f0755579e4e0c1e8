"""The list of bodies a round collects from, as the office keeps it: an .xlsx or .csv with a header
row (机关名称, 统一社会信用代码, 行政区划代码, 机关层级, 联系人). Every row with a problem is named
by its row number; nothing is imported until the whole list reads cleanly.
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass

from ..core.findings import Reason
from ..core.standard import Level
from ..core.uscc import problem as uscc_problem

MAX_ROWS = 20_000
COLUMNS = {  # field -> headings it is known by
    "name": ("机关名称", "单位名称", "名称", "name"),
    "uscc": ("统一社会信用代码", "信用代码", "uscc"),
    "region_code": ("行政区划代码", "区划代码", "region", "region_code"),
    "level": ("机关层级", "层级", "level"),
    "contact": ("联系人", "联系方式", "联系人及电话", "contact"),
}
LEVELS = {level.value for level in Level}


@dataclass(frozen=True)
class BodyRow:
    name: str
    uscc: str = ""
    region_code: str = ""
    level: str = ""
    contact: str = ""


class ListError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows_of_xlsx(data: bytes) -> list[list[str]]:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # a damaged or foreign file: say so, never a traceback
            raise ListError([f"无法读取该 .xlsx 文件（{type(exc).__name__}）"]) from None
    try:
        rows = []
        for row in wb.worksheets[0].iter_rows(values_only=True):
            rows.append([_text(v) for v in row[:20]])
            if len(rows) > MAX_ROWS + 1:
                raise ListError([f"名单超过 {MAX_ROWS} 行"])
        return rows
    except ListError:
        raise
    except Exception as exc:  # a damaged sheet (openpyxl's own checks): said, never a traceback
        raise ListError([f"无法读取该 .xlsx 文件（{type(exc).__name__}）"]) from None
    finally:
        wb.close()


def _rows_of_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in Chinese saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ListError(["CSV 文件的编码无法识别（请另存为 UTF-8）"])
    rows = [[_text(v) for v in row[:20]] for row in csv.reader(io.StringIO(text))]
    if len(rows) > MAX_ROWS + 1:
        raise ListError([f"名单超过 {MAX_ROWS} 行"])
    return rows


def read_list(data: bytes) -> list[BodyRow]:
    """The bodies of a list file (xlsx by its content, else CSV). Raises ListError naming each
    row that is wrong."""
    numbered = [(n, r) for n, r in enumerate(_rows_of_xlsx(data) if data.startswith(b"PK\x03\x04") else _rows_of_csv(data), start=1)
                if any(r)]  # the file's own row numbers, blank rows passed over
    if not numbered:
        raise ListError(["名单是空的"])
    header = [h.strip().lower() for h in numbered[0][1]]
    where = {}
    for field, names in COLUMNS.items():
        found = [i for i, h in enumerate(header) if h in {n.lower() for n in names}]
        if found:
            where[field] = found[0]
    if "name" not in where:
        raise ListError([f"第 {numbered[0][0]} 行应为表头，且含「机关名称」列（可有：{'、'.join(n[0] for n in COLUMNS.values())}）"])
    bodies, problems, seen = [], [], {}
    for n, row in numbered[1:]:
        get = lambda f: row[where[f]] if f in where and where[f] < len(row) else ""  # noqa: E731
        body = BodyRow(get("name"), get("uscc").upper(), get("region_code"), get("level"), get("contact"))
        if not body.name:
            problems.append(f"第 {n} 行：没有机关名称")
            continue
        if len(body.name) > 200 or len(body.contact) > 200:
            problems.append(f"第 {n} 行：机关名称或联系人过长")
        if body.name in seen:
            problems.append(f"第 {n} 行：「{body.name}」与第 {seen[body.name]} 行重复")
        seen.setdefault(body.name, n)
        if body.uscc and (why := uscc_problem(body.uscc)):
            problems.append(f"第 {n} 行：统一社会信用代码「{body.uscc}」有误（{Reason(*why).render('zh')}）")
        if body.region_code and not (body.region_code.isdigit() and len(body.region_code) in (6, 9, 12)):
            problems.append(f"第 {n} 行：行政区划代码「{body.region_code}」应为 6、9 或 12 位数字")
        if body.level and body.level not in LEVELS:
            problems.append(f"第 {n} 行：机关层级「{body.level}」应为其中之一：{'、'.join(level.value for level in Level)}")
        bodies.append(body)
    if problems:
        raise ListError(problems)
    return bodies

