"""Web pages as government CMS sites publish a report: the whole article inside layout tables,
with the site's banner, navigation, breadcrumbs, an index block (索引号, 发布机构…), a footer
and scripts around it, and the report's own tables nested inside. Built from the report
rendered as HTML by `govreport-xl render`, so the truth is the report rendered."""

from __future__ import annotations

import copy

import lxml.html

BANNER = """<table width="1000" border="0" cellspacing="0" cellpadding="0" class="top"><tr>
<td width="300"><img src="logo.png" alt="石嘴山市人民政府"></td>
<td><a href="/">首页</a> | <a href="/zwgk">政务公开</a> | <a href="/zwfw">政务服务</a> | <a href="/hdjl">互动交流</a></td>
</tr></table>"""
LEFT_NAV = """<table width="100%" class="leftnav"><tr><td><a href="#">政府信息公开指南</a></td></tr>
<tr><td><a href="#">政府信息公开制度</a></td></tr><tr><td><a href="#">法定主动公开内容</a></td></tr>
<tr><td><a href="#">政府信息公开年报</a></td></tr></table>"""
INDEX = """<table width="100%" class="xxgk_table"><tr><td>索引号：640200000/2023-00012</td><td>发布机构：市政府办公室</td></tr>
<tr><td>发布日期：2023-01-20</td><td>主题分类：政务公开</td></tr></table>"""
FOOTER = """<table width="1000" class="footer"><tr><td>主办单位：石嘴山市人民政府办公室　网站标识码：6402000001<br>
宁ICP备05001234号　宁公网安备 64020202000123号</td></tr></table>
<script>var _hmt = _hmt || []; document.write("<div>统计</div>");</script>"""
SCRIPT = "<script>function share(){ if (a < b && c > d) { return '<table><tr><td>x</td></tr></table>'; } }</script>"


def _parts(rendered: str):
    """(title, the article's elements after the title) of a page written by `render`."""
    root = lxml.html.document_fromstring(rendered.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    body = root.find("body")
    title = body.find("h1").text_content()
    elements = [el for el in body if el.tag != "h1"]
    return title, elements


def _word_cells(table) -> None:
    """Cells as Word's "save as web page" writes them: th made td, each text in a paragraph and a span."""
    for cell in table.iter("td", "th"):
        text = cell.text_content()
        cell.tag = "td"
        for child in list(cell):
            cell.remove(child)
        cell.text = None
        cell.set("width", "64")
        cell.set("valign", "top")
        p = lxml.html.fromstring(f"<p class=MsoNormal align=center><span style='font-size:10.5pt;font-family:仿宋'>{text}</span></p>")
        cell.append(p)


def _html(el) -> str:
    return lxml.html.tostring(el, encoding="unicode")


def page(rendered: str, variant: str) -> str:
    """The rendered report as a CMS page. Variants:
    - "zoom": title in a layout cell (no h1), the article in `div#zoom`, paragraphs as <p>;
    - "br": the article as one layout cell of text lines separated by <br>, no <p>, the
      tables' cells as Word's web export writes them (th made td, text in p/span), the
      headings in <strong>;
    - "xhtml": an XHTML page with an XML declaration, tbody-less tables, nested one more level."""
    title, elements = _parts(rendered)
    if variant == "zoom":
        article = "".join(_html(el) for el in elements)
        content = (f'<tr><td class="title" align="center" style="font-size:22px;font-weight:bold">{title}</td></tr>'
                   f'<tr><td><div id="zoom">{article}</div></td></tr>')
    elif variant == "br":
        pieces = []
        for el in elements:
            if el.tag == "table":
                el = copy.deepcopy(el)
                _word_cells(el)
                pieces.append(_html(el))
            elif el.tag in ("h2", "h3"):
                pieces.append(f"<strong>{el.text_content()}</strong><br>")
            else:
                pieces.append(f"&nbsp;&nbsp;&nbsp;&nbsp;{el.text_content()}<br>\n")
        content = (f'<tr><td align="center"><font size="5" color="#c00000"><b>{title}</b></font></td></tr>'
                   f'<tr><td class="bt_content" style="line-height:2">{"".join(pieces)}</td></tr>')
    elif variant == "xhtml":
        article = "".join(_html(el) for el in elements).replace("<tbody>", "").replace("</tbody>", "")
        content = (f'<tr><td><h2 class="title">{title}</h2></td></tr>'
                   f'<tr><td><table width="100%"><tr><td class="article">{article}</td></tr></table></td></tr>')
    else:
        raise ValueError(variant)
    body = (f"{BANNER}<table width=\"1000\" class=\"main\"><tr><td width=\"200\" valign=\"top\">{LEFT_NAV}</td>"
            f"<td valign=\"top\"><table width=\"100%\"><tr><td class=\"position\">当前位置：<a href=\"/\">首页</a> &gt; "
            f"<a href=\"/zwgk\">政务公开</a> &gt; <a href=\"/zwgk/nb\">政府信息公开年报</a></td></tr>"
            f"<tr><td>{INDEX}</td></tr>{content}<tr><td align=\"right\"><a href=\"javascript:window.print()\">【打印本页】</a>"
            f"<a href=\"javascript:window.close()\">【关闭窗口】</a></td></tr></table></td></tr></table>{FOOTER}")
    head = f"<head><meta charset=\"utf-8\"><title>政府信息公开年报-石嘴山市人民政府门户网站</title>{SCRIPT}<style>td{{font-size:14px}}</style></head>"
    if variant == "xhtml":
        return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
                '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
                f'<html xmlns="http://www.w3.org/1999/xhtml">{head}<body>{body}</body></html>')
    return f"<!DOCTYPE html>\n<html>{head}<body>{body}</body></html>"
