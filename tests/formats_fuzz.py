"""Well-formed published files with hostile values and structures, for the readers' bounds:
the cases of issue 18 by name, and a seeded generator of web pages, Word files and PDFs whose
structure (nesting, fan-out, spans, filter chains, counts) and values (sizes, spans, numbers,
code ranges) are drawn from a seed. Every file is valid for its format: what it tests is the
reader's bounds, not its handling of broken bytes (tests/test_hostile.py flips bytes)."""

from __future__ import annotations

import base64
import random
import zipfile
from pathlib import Path

import pdfgen

LABELS = ["一、本年新收政府信息公开申请数量", "三、本年度办理结果", "（一）予以公开", "行政许可", "结果维持", "总计",
          "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]


# ---- the cases of issue 18, by name --------------------------------------------------------------

def html_unclosed_anchors(path: Path, n: int = 25_000) -> Path:
    path.write_text("<html><body><p>三、收到和处理政府信息公开申请情况</p>" + "<a " * n + "x</body></html>", encoding="utf-8")
    return path


def html_deep(path: Path, n: int = 200_000) -> Path:
    path.write_text("<html><body>" + "<div>" * n + "二、主动公开政府信息情况" + "</div>" * n + "</body></html>", encoding="utf-8")
    return path


def _docx(path: Path, body: str) -> Path:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:  # stored: no ratio to refuse it on
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>')
    return path


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def docx_nested_tables(path: Path, n: int = 3000) -> Path:
    return _docx(path, _p("石嘴山市人民政府2022年度政府信息公开工作年度报告") + "<w:tbl><w:tr><w:tc>" * n + _p("1")
                 + "</w:tc></w:tr></w:tbl>" * n)


def docx_nested_sdt(path: Path, n: int = 5000) -> Path:
    return _docx(path, "<w:sdt><w:sdtContent>" * n + _p("二、主动公开政府信息情况") + "</w:sdtContent></w:sdt>" * n)


def _forms(path: Path, depth: int, fanout: int, leaf: bytes = b"BT /F1 1 Tf (A) Tj ET") -> Path:
    """Form XObjects each drawing the next `fanout` times, `depth` deep: fanout**depth draws."""
    extra = []
    for i in range(depth):
        if i < depth - 1:
            body = b" ".join([b"/X Do"] * fanout)
            res = b"<< /XObject << /X %d 0 R >> /Font << /F1 5 0 R >> >>" % (7 + i)
        else:
            body, res = leaf, b"<< /Font << /F1 5 0 R >> >>"
        extra.append(pdfgen.stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources " + res))
    return pdfgen.pages(path, [pdfgen.stream(b"/X Do")], resources=b"<< /XObject << /X 6 0 R >> >>", extra=extra)


def pdf_forms_2_30(path: Path) -> Path:
    return _forms(path, 30, 2)


def pdf_forms_wide(path: Path) -> Path:
    """Shallow enough for any nesting bound (12), wide enough to draw 8**11 times."""
    return _forms(path, 12, 8)


def pdf_flate_lzw(path: Path) -> Path:
    """28 KB whose one stream, Flate then LZW, decodes to 2.3 GB."""
    return pdfgen.pages(path, [pdfgen.stream(pdfgen.flate(pdfgen.lzw_run(32, 330)), b"/Filter [/FlateDecode /LZWDecode]")])


def pdf_runlength(path: Path) -> Path:
    return pdfgen.pages(path, [pdfgen.stream(pdfgen.flate(b"\x81 " * 2_000_000), b"/Filter [/FlateDecode /RunLengthDecode]")])


def pdf_glyphs(path: Path, n: int = 400_000) -> Path:
    """400,000 glyphs in a few KB."""
    body = b"BT /F1 1 Tf [(" + b"A" * n + b")] TJ ET"
    return pdfgen.pages(path, [pdfgen.stream(pdfgen.flate(body), b"/Filter /FlateDecode")])


def pdf_cmap_range(path: Path) -> Path:
    """A ToUnicode map of one range over every 4-byte code: four billion entries."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <00000000> <FFFFFFFF> "
            b"endcodespacerange 1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange endcmap end end")
    return pdfgen.write(path, [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
                               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
                               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
                               pdfgen.stream(b"BT /F1 10 Tf 50 50 Td (A) Tj ET"), pdfgen.stream(cmap)])


def pdf_many_pages(path: Path, n: int = 20_000) -> Path:
    return pdfgen.pages(path, [pdfgen.stream(b"")] * n)


NAMED = {  # name: (writer, suffix, what the refusal says, or None where the file is read)
    "html_unclosed_anchors": (html_unclosed_anchors, ".html", None),
    "html_deep": (html_deep, ".html", "嵌套超过"),
    "docx_nested_tables": (docx_nested_tables, ".docx", None),
    "docx_nested_sdt": (docx_nested_sdt, ".docx", None),
    "pdf_forms_2_30": (pdf_forms_2_30, ".pdf", "嵌套超过"),
    "pdf_forms_wide": (pdf_forms_wide, ".pdf", "绘制指令超过"),
    "pdf_flate_lzw": (pdf_flate_lzw, ".pdf", "压缩炸弹"),
    "pdf_runlength": (pdf_runlength, ".pdf", "压缩炸弹"),
    "pdf_glyphs": (pdf_glyphs, ".pdf", "个字符"),
    "pdf_cmap_range": (pdf_cmap_range, ".pdf", "字符映射表"),
    "pdf_many_pages": (pdf_many_pages, ".pdf", "页，不像"),
}


# ---- the seeded generator ------------------------------------------------------------------------

def _size(rng: random.Random, top: int) -> int:
    """A count drawn log-uniformly from 1 to `top`: small and huge values alike."""
    return int(10 ** rng.uniform(0, len(str(top)) - 1))


def _value(rng: random.Random) -> str:
    return rng.choice(["0", "1", "-1", "1e9", "99999999999", "abc", "", " 3 ", "2.5", "０", str(_size(rng, 10 ** 6)),
                       "9" * rng.randint(1, 400), "NaN", "&#x0;", "&#99999999;"])


def html_page(rng: random.Random) -> str:
    """A page of nested tables, blocks, unclosed tags, hostile spans and report labels."""
    out: list[str] = ["<html><head><title>", rng.choice(LABELS), "</title></head><body>"]
    budget = _size(rng, 200_000)
    open_tags: list[str] = []
    for _ in range(budget):
        r = rng.random()
        if r < 0.25 and len(open_tags) < 300:
            tag = rng.choice(["table", "tr", "td", "th", "div", "p", "a", "span", "tbody", "ul", "li", "font", "h2"])
            attrs = "".join(f' {a}="{_value(rng)}"' for a in rng.sample(["colspan", "rowspan", "width", "href"], rng.randint(0, 2)))
            out.append(f"<{tag}{attrs}>")
            open_tags.append(tag)
        elif r < 0.4 and open_tags:
            out.append(f"</{open_tags.pop()}>" if rng.random() < 0.8 else "</td>")
        elif r < 0.55:
            out.append(rng.choice(LABELS))
        elif r < 0.7:
            out.append(rng.choice(["<br>", "<td>", "<tr>", "<a ", "<!-- ", " -->", "&nbsp;", "&#65533;", "<script>", "</script>", "<![CDATA[", "\x0b", "\u3000"]))
        else:
            out.append(" ".join(_value(rng) for _ in range(rng.randint(1, 8))))
    if rng.random() < 0.5:
        out.extend(f"</{t}>" for t in reversed(open_tags))
    return "".join(out) + "</body></html>"


def html_file(rng: random.Random, path: Path) -> Path:
    path.write_text(html_page(rng), encoding="utf-8")
    return path


def docx_file(rng: random.Random, path: Path) -> Path:
    """A Word body of nested tables, content controls, text boxes, spans and report labels."""
    out: list[str] = []
    stack: list[str] = []
    openers = {"tbl": "<w:tbl>", "tr": "<w:tr>", "tc": "<w:tc><w:tcPr><w:gridSpan w:val=\"%s\"/></w:tcPr>",
               "sdt": "<w:sdt><w:sdtContent>", "p": "<w:p>", "txbx": "<w:r><w:pict><w:txbxContent>"}
    closers = {"tbl": "</w:tbl>", "tr": "</w:tr>", "tc": "</w:tc>", "sdt": "</w:sdtContent></w:sdt>", "p": "</w:p>",
               "txbx": "</w:txbxContent></w:pict></w:r>"}
    for _ in range(_size(rng, 100_000)):
        r = rng.random()
        if r < 0.35 and len(stack) < 20_000:
            kind = rng.choice(list(openers))
            opener = openers[kind]
            out.append(opener % _value(rng).replace("&", "") if "%s" in opener else opener)
            stack.append(kind)
        elif r < 0.6 and stack:
            out.append(closers[stack.pop()])
        else:
            text = rng.choice(LABELS) if rng.random() < 0.5 else " ".join(_value(rng).replace("&", "") for _ in range(4))
            out.append(f"<w:r><w:t>{text}</w:t></w:r>" if stack and stack[-1] == "p" else _p(text))
    out.extend(closers[k] for k in reversed(stack))
    return _docx(path, "".join(out))


def _encode(rng: random.Random, data: bytes) -> tuple[bytes, bytes]:
    """`data` through a random chain of filters: (encoded, the /Filter entry)."""
    names: list[bytes] = []
    for _ in range(rng.randint(0, 3)):
        name = rng.choice([b"/FlateDecode", b"/ASCIIHexDecode", b"/ASCII85Decode", b"/RunLengthDecode"])
        if name == b"/FlateDecode":
            data = pdfgen.flate(data)
        elif name == b"/ASCIIHexDecode":
            data = data.hex().encode() + b">"
        elif name == b"/ASCII85Decode":
            data = base64.a85encode(data) + b"~>"
        else:
            data = b"".join(bytes([len(data[i:i + 128]) - 1]) + data[i:i + 128] for i in range(0, len(data), 128)) + b"\x80"
        names.insert(0, name)
    return data, (b"/Filter [" + b" ".join(names) + b"]") if names else b""


def _content(rng: random.Random) -> bytes:
    """A content stream: text, paths, odd operators and values, nesting."""
    ops: list[bytes] = []
    for _ in range(_size(rng, 2000)):
        r = rng.random()
        n = _size(rng, 100_000)
        if r < 0.2:
            size = rng.choice([b"10", b"0", b"-5", b"1e30", b"0.0001", b"99999999999999999999"])
            ops.append(b"BT /F1 %s Tf %d %d Td [(%s)] TJ ET" % (size, rng.randint(-10**6, 10**6), rng.randint(0, 842), b"7" * n))
        elif r < 0.3:
            ops.append(b"0 0 1 1 re f " * min(n, 3000))
        elif r < 0.4:
            ops.append(b"[" * n + b"]" * n + b" pop")
        elif r < 0.5:
            ops.append(b"q " * min(n, 20000) + b"Q " * rng.randint(0, 10))
        elif r < 0.6:
            ops.append(b"%s %s %s %s %s %s cm" % tuple(rng.choice([b"0", b"1e300", b"-1e300", b"1", b"NaN"]) for _ in range(6)))
        elif r < 0.7:
            ops.append(b"BI /W %d /H %d /BPC 8 /CS /G ID " % (n, n) + b"\x00" * rng.randint(0, 100) + b" EI")
        elif r < 0.8:
            ops.append(b"(" + b"\\(" * min(n, 50000) + b") Tj /Unknown%d gs xyz" % n)
        else:
            ops.append(b"BT /F1 12 Tf 72 %d Td (%s) Tj ET" % (rng.randint(0, 842), rng.choice(["1 2 3 4 5 6 7", "0 0 0", "199 0 0 0 0 0 199"]).encode()))
    return b"\n".join(ops)


def pdf_file(rng: random.Random, path: Path) -> Path:
    """Pages with filtered content streams, forms nested and fanned out, odd fonts, bombs."""
    kind = rng.random()
    if kind < 0.2:
        return _forms(path, rng.randint(1, 40), rng.randint(1, 9), leaf=_content(rng))
    if kind < 0.3:
        payload = pdfgen.lzw_run(rng.randint(0, 255), rng.randint(1, 60))
        return pdfgen.pages(path, [pdfgen.stream(pdfgen.flate(payload), b"/Filter [/FlateDecode /LZWDecode]")])
    if kind < 0.4:
        n = rng.randint(1, 40)
        entries = b"".join(b"<%08X> <%08X> <%04X>\n" % (s, s + _size(rng, 10 ** 9), rng.randint(0, 0xFFFF))
                           for s in (rng.randint(0, 2 ** 31) for _ in range(n)))
        cmap = (b"begincmap 1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange %d beginbfrange\n" % n + entries
                + b"endbfrange endcmap")
        data, filters = _encode(rng, cmap)
        return pdfgen.write(path, [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
                                   b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
                                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
                                   pdfgen.stream(b"BT /F1 10 Tf 50 50 Td (AB) Tj ET"), pdfgen.stream(data, filters)])
    contents = []
    for _ in range(rng.randint(1, 4)):
        data, filters = _encode(rng, _content(rng))
        contents.append(pdfgen.stream(data, filters))
    return pdfgen.pages(path, contents)


GENERATORS = {
    "html": (".html", html_file),
    "docx": (".docx", docx_file),
    "pdf": (".pdf", pdf_file),
}


def generated(kind: str, seed: int, folder: Path) -> Path:
    suffix, make = GENERATORS[kind]
    return make(random.Random(f"{kind}-{seed}"), folder / f"{kind}_{seed}{suffix}")
