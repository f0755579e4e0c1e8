"""Web pages read as a tree: reports as CMS sites publish them (the article inside layout tables,
with navigation, breadcrumbs and an index block around it), nested tables, rowspan and colspan."""

from __future__ import annotations

import pytest

import cms
import govreport_xl
from govreport_xl.importing.html import html_lines
from govreport_xl.importing.importer import import_report
from govreport_xl.render import render
from helpers import ROOT, example_report

SEED_NARRATIVE = ROOT / "examples" / "shizuishan_2022.txt"  # its sections 一、五、六 become the narrative


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    path = render(govreport_xl.validate(example_report()), tmp_path_factory.mktemp("html") / "report.html", SEED_NARRATIVE)
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("variant", ["zoom", "br", "xhtml"])
def test_a_cms_page_gives_title_narrative_and_tables(rendered, variant, tmp_path):
    """The page's own <title> names the site, not the report: the title, the narrative's figures
    (for N-01) and every cell come from the article inside the layout tables."""
    path = tmp_path / f"{variant}.html"
    text = cms.page(rendered, variant)
    if variant == "br":  # saved as the site serves it
        path.write_bytes(text.replace('charset="utf-8"', 'charset="gb2312"').encode("gb18030"))
    else:
        path.write_text(text, encoding="utf-8")
    report = example_report()
    got = import_report(path)
    assert got.kind == "html" and got.layout == "rows"
    assert {t: r.status for t, r in got.tables.items()} == {"T2": "complete", "T3": "complete", "T4": "complete"}, got.notes
    assert got.report.to_json_dict()["cells"] == report.to_json_dict()["cells"]
    assert (got.report.meta.name, got.report.meta.year) == (report.meta.name, report.meta.year)
    assert {(f.subject_en, f.stated) for f in got.narrative} >= {("applications received", 203), ("administrative reconsiderations", 5)}
    audit = govreport_xl.audit(path)
    assert not [f.rule for f in audit.findings if f.rule.startswith(("M-", "N-"))]
    assert "N-01" not in {u.rule for u in audit.unchecked}


def test_rowspan_and_colspan_on_the_grid():
    """A merged cell's text in its first row and column, the places it covers empty; nested
    layout tables read as text around the data table."""
    page = """<table><tr><td><p>标题</p><p>第一段文字。</p>
      <table>
        <tr><th rowspan="2" colspan="2">项目</th><th colspan="2">数量</th></tr>
        <tr><th>甲</th><th>乙</th></tr>
        <tr><td rowspan="2">一</td><td>子1</td><td>1</td><td>2</td></tr>
        <tr><td>子2</td><td>3</td><td rowspan="0">4</td></tr>
        <tr><td colspan="3">合计</td></tr>
      </table><p>第二段</p></td><td>右栏</td></tr></table>"""
    assert html_lines(page) == ["标题", "第一段文字。", "项目\t\t数量\t", "\t\t甲\t乙", "一\t子1\t1\t2", "\t子2\t3\t4",
                                "合计\t\t\t", "第二段", "右栏"]


def test_text_order_scripts_and_blocks():
    page = ("<html><head><title>T</title><script>if (a<b) document.write('<p>x</p>')</script></head><body>"
            "<div>一<span>二</span><br>三<!-- 注释 --></div>四<p>五&nbsp;六</p><noscript>七</noscript>"
            "<ul><li>八</li><li>九</li></ul></body></html>")
    assert html_lines(page) == ["T", "一二", "三", "四", "五 六", "八", "九"]
