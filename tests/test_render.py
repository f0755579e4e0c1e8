"""From checked figures to the published report: Word and web pages, read back to the same data."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

import govreport_xl
from govreport_xl.core.standard import TABLES
from govreport_xl.importing.importer import import_report
from govreport_xl.render import render
from helpers import EXAMPLE_XLSX, ROOT, example_report
from published import made_up_report

pytestmark = pytest.mark.slow  # the command line in subprocesses, LibreOffice

NARRATIVE = """# 一、总体情况
本年度，本机关认真贯彻《条例》，全年收到申请 203 件。

## 二、主动公开政府信息情况
（这一节是表格，这里的文字不会用上）

# 五、存在的主要问题及改进情况
一是公开的及时性还需提高。

# 六、其他需要报告的事项
无。
"""


def run(*args):
    proc = subprocess.run([sys.executable, "-m", "govreport_xl", *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _same_figures(path, report):
    got = import_report(path)
    assert {t: r.status for t, r in got.tables.items()} == {"T2": "complete", "T3": "complete", "T4": "complete"}
    assert got.report.to_json_dict()["cells"] == report.to_json_dict()["cells"]
    assert (got.report.meta.name, got.report.meta.year) == (report.meta.name, report.meta.year)


@pytest.mark.parametrize("suffix", [".docx", ".html"])
@pytest.mark.parametrize("seed", [None, 1, 2, 5])
def test_rendered_reports_read_back_exactly(tmp_path, suffix, seed):
    report = example_report() if seed is None else made_up_report(seed).model_copy(
        update={"meta": made_up_report(seed).meta.model_copy(update={"year": 2022})})
    result = govreport_xl.validate(report)
    assert result.valid
    path = render(result, tmp_path / f"r{suffix}")
    _same_figures(path, report)


def test_narrative_around_the_tables(tmp_path):
    (tmp_path / "n.md").write_text(NARRATIVE, encoding="utf-8")
    result = govreport_xl.validate(EXAMPLE_XLSX)
    page = render(result, tmp_path / "r.html", tmp_path / "n.md").read_text(encoding="utf-8")
    order = [page.index(h) for h in ("一、总体情况", *(t.heading for t in TABLES), "五、存在的主要问题及改进情况", "六、其他需要报告的事项")]
    assert order == sorted(order) and "全年收到申请 203 件" in page and "这里的文字不会用上" not in page
    assert "<script" not in page and 'rowspan="22"' in page and 'colspan="7"' in page  # 三、本年度办理结果; 申请人情况
    doc = render(result, tmp_path / "r.docx", tmp_path / "n.md")
    _same_figures(doc, example_report())
    with zipfile.ZipFile(doc) as z:
        xml = z.read("word/document.xml").decode()
    assert xml.count("<w:tblHeader") >= 3 + 3 + 2 and "<w:cantSplit" in xml  # headers repeat, rows never break
    assert 'w:orient="landscape"' in xml and 'w:eastAsia="宋体"' in xml
    assert xml.index("全年收到申请") < xml.index("主动公开政府信息情况") < xml.index("一是公开的及时性")


def test_wrong_figures_are_not_published_unless_forced(tmp_path):
    broken = example_report().with_values({"T3.R01.C1": 200})
    (tmp_path / "bad.json").write_text(json.dumps(broken.to_json_dict(), ensure_ascii=False), encoding="utf-8")
    proc = run("render", tmp_path / "bad.json", "-o", tmp_path / "bad.docx")
    assert proc.returncode == 1 and "不生成发布文件" in proc.stdout and not (tmp_path / "bad.docx").exists()
    assert "T3-01" in proc.stdout
    proc = run("render", tmp_path / "bad.json", "-o", tmp_path / "bad.html", "--force")
    assert proc.returncode == 1 and (tmp_path / "bad.html").exists()
    assert "未通过校验，不能发布" in (tmp_path / "bad.html").read_text(encoding="utf-8")


def test_many_reports_into_a_folder(tmp_path):
    for seed in (1, 2):
        report = made_up_report(seed)
        report = report.model_copy(update={"meta": report.meta.model_copy(update={"year": 2022})})
        (tmp_path / f"{seed}.json").write_text(json.dumps(report.to_json_dict(), ensure_ascii=False), encoding="utf-8")
    proc = run("render", tmp_path / "1.json", tmp_path / "2.json", EXAMPLE_XLSX, "-o", tmp_path / "out", "--format", ".html")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        ["测试市第1区人民政府_2022.html", "测试市第2区人民政府_2022.html", "石嘴山市人民政府_2022.html"])


def test_word_prints_on_a4_with_table_4_landscape(tmp_path):
    from libreoffice import convert

    doc = render(govreport_xl.validate(EXAMPLE_XLSX), tmp_path / "r.docx")
    [pdf] = convert([doc], tmp_path / "pdf", "pdf")
    data = pdf.read_bytes()
    boxes = [tuple(round(float(x)) for x in m.split()) for m in __import__("re").findall(rb"/MediaBox\s*\[([^\]]+)\]", data)]
    assert (0, 0, 595, 842) in boxes and (0, 0, 842, 595) in boxes  # A4 portrait, then landscape for table 4
