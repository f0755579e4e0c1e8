"""PDFs written by hand, object by object, for tests: well-formed files whose values and
structures are whatever a test needs (hostile ones included)."""

from __future__ import annotations

import zlib
from pathlib import Path

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def flate(data: bytes) -> bytes:
    return zlib.compress(data, 9)


def write(path: Path, objects: list[bytes]) -> Path:
    """A PDF of `objects` (numbered from 1; object 1 is the catalog) with a correct xref table."""
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(pdf))
    return path


def pages(path: Path, contents: list[bytes], resources: bytes = b"<< /Font << /F1 5 0 R >> >>", extra: list[bytes] = ()) -> Path:
    """A PDF of one page per content stream (each given whole, entries and all: see `stream`).
    Objects: 1 catalog, 2 page tree, 3 unused, 4 unused, 5 the font, 6… `extra`, then pages and contents."""
    first = 6 + len(extra)
    kids = [first + 2 * i for i in range(len(contents))]
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)),
               b"<< >>", b"<< >>", FONT, *extra]
    for kid, content in zip(kids, contents):
        objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>" % (resources, kid + 1),
                    content]
    return write(path, objects)


def text(lines: list[tuple[float, float, str]], size: float = 10) -> bytes:
    """A content stream drawing each (x, y, ASCII text) in Helvetica."""
    ops = [b"BT /F1 %g Tf %g %g Td (%s) Tj ET" % (size, x, y, t.encode("latin-1")) for x, y, t in lines]
    return b"\n".join(ops)


def lzw_run(byte: int, cycles: int) -> bytes:
    """LZW codes (PDF's, early change) for a run of one byte: each code repeats the previous
    string one byte longer, so one table's worth (about 3,800 codes, 5.7 KB) decodes to 7 MB."""
    out, acc, nacc = bytearray(), 0, 0

    def emit(code: int, bits: int):
        nonlocal acc, nacc
        acc, nacc = (acc << bits) | code, nacc + bits
        while nacc >= 8:
            nacc -= 8
            out.append((acc >> nacc) & 0xFF)
            acc &= (1 << nacc) - 1

    bits = 9  # the code width the decoder expects
    for _ in range(cycles):
        emit(256, bits)  # clear the table
        emit(byte, 9)
        size, bits = 258, 9  # the table's next entry
        while size < 4000:
            emit(size, bits)
            size += 1
            if size + 1 >= 1 << bits and bits < 12:
                bits += 1
    emit(257, bits)
    if nacc:
        out.append((acc << (8 - nacc)) & 0xFF)
    return bytes(out)


def _tounicode(chars: list[str]) -> bytes:
    """A ToUnicode CMap for two-byte codes that are the characters' own code points."""
    entries = [b"<%04X> <%04X>" % (ord(c), ord(c)) for c in chars]
    blocks = b"".join(b"%d beginbfchar\n" % len(entries[i:i + 100]) + b"\n".join(entries[i:i + 100]) + b"\nendbfchar\n"
                      for i in range(0, len(entries), 100))
    return (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n" + blocks + b"endcmap CMapName currentdict /CMap defineresource pop end end")


def words(path: Path, page: list[dict], size: float = 9, widths: tuple[float, ...] = (1.0, 5 / 9)) -> Path:
    """A one-page PDF drawing each word (text, x0, x1, top: as pdfplumber gives them back) in a
    CJK font (Identity-H, unembedded, with a ToUnicode map, as Word's PDFs are): a word whose
    characters are `widths[k]` of the font size wide each is drawn in font k."""
    chars = sorted({c for w in page for c in w["text"]} - {" "}) or ["0"]
    height = max([w["top"] for w in page] + [0]) + 4 * size + 20
    ops = []
    for w in page:
        step = (w["x1"] - w["x0"]) / max(len(w["text"]), 1) / size
        font = min(range(len(widths)), key=lambda k: abs(widths[k] - step))
        y = height - w["top"] - size  # the glyph box's top is the word's top (descent 0)
        ops.append(b"BT /F%d %g Tf %.2f %.2f Td <%s> Tj ET" % (font + 1, size, w["x0"], y, "".join("%04X" % ord(c) for c in w["text"]).encode()))
    cmap = 6 + len(widths)  # object numbers: 1 catalog, 2 pages, 3 page, 4 contents, 5 descriptor, 6… fonts, the map, descendants
    fonts = [b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>"
             % (cmap + 1 + k, cmap) for k in range(len(widths))]
    descendants = [b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
                   b"/Supplement 0 >> /FontDescriptor 5 0 R /DW %d /CIDToGIDMap /Identity >>" % round(1000 * wk) for wk in widths]
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << %s >> >> /Contents 4 0 R >>"
               % (max([w["x1"] for w in page] + [0]) + 60, height, b" ".join(b"/F%d %d 0 R" % (k + 1, 6 + k) for k in range(len(widths)))),
               stream(flate("\n".join(o.decode() for o in ops).encode()), b"/Filter /FlateDecode"),
               b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 1000 /Descent 0 "
               b"/CapHeight 1000 /StemV 80 >>",
               *fonts, stream(_tounicode(chars)), *descendants]
    return write(path, objects)
