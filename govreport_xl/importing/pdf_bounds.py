"""Bounds on the work pdfminer.six does for one PDF, so that no small file can hang or exhaust
the reader: bytes decoded (every filter, and chains of them), content-stream tokens interpreted
(Form XObjects drawing each other count every time they are drawn), glyphs and drawings per page
and per file, font character-map entries, Form XObject nesting, and a time budget.

pdfminer decodes through functions it looks up in its own modules (`pdftypes.zlib`,
`pdftypes.lzwdecode`, …) and has no limits of its own. `reading()` installs bounded versions
once for the process (under a lock, never undone); each charges the `Budget` of the document
read in the current thread or task (a ContextVar), and outside a `reading()` it is pdfminer's
own function. So reads in several threads never share or unset each other's budget.
"""

from __future__ import annotations

import threading
import time
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from io import BytesIO

MB = 1024 * 1024
# A real report's PDF: a few KB of content a page, under 5,000 tokens and 1,000 glyphs a page,
# fonts of a few MB; each bound below is tens of times that, and what it costs at most is in
# SECURITY.md (measured by tests/test_formats_hostile.py).
LIMITS = {
    "stream": 32 * MB,     # bytes out of one filter of one stream
    "decoded": 128 * MB,   # bytes out of every filter of the file
    "tokens": 500_000,     # content-stream tokens interpreted in the file (forms each time drawn)
    "page_tokens": 100_000,
    "glyphs": 100_000,     # glyphs drawn in the file
    "page_glyphs": 20_000,
    "drawings": 50_000,    # paths and images drawn in the file
    "page_drawings": 5_000,
    "map": 500_000,        # entries of the fonts' character maps (ToUnicode, embedded CMaps)
    "depth": 16,           # Form XObjects drawn inside each other
    "nesting": 64,         # arrays and dictionaries inside each other in a content stream
    "seconds": 60,
}
_PER_PAGE = {"page_tokens", "page_glyphs", "page_drawings"}


class OverBudget(Exception):
    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


class Budget:
    """What one document has used of LIMITS; `over` is the first bound it went past (kept even
    where pdfminer swallows the exception, so the reader can refuse the file all the same)."""

    def __init__(self, limits: dict | None = None):
        self.limits = {**LIMITS, **(limits or {})}
        self.used = dict.fromkeys(self.limits, 0)
        self.over: str | None = None
        self.deadline = time.monotonic() + self.limits["seconds"]

    def new_page(self) -> None:
        for what in _PER_PAGE:
            self.used[what] = 0

    def fail(self, what: str):
        self.over = self.over or what
        raise OverBudget(what)

    def charge(self, what: str, n: int = 1, page: str | None = None) -> None:
        if self.over:
            raise OverBudget(self.over)
        used = self.used[what] = self.used[what] + n
        if used > self.limits[what]:
            self.fail(what)
        if page:
            self.charge(page, n)

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            self.fail("seconds")


_current: ContextVar[Budget | None] = ContextVar("govreport_pdf_budget", default=None)


@contextmanager
def reading(limits: dict | None = None):
    """The budget of one document, for pdfminer's work in this thread while the block runs."""
    _install()
    budget = Budget(limits)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


# ---- decoding: every filter's output charged, and cut off at the bound -----------------------

def _charge_output(budget: Budget, n: int) -> None:
    if n > budget.limits["stream"]:
        budget.fail("stream")
    budget.charge("decoded", n)


def _inflate(data: bytes, budget: Budget) -> bytes:
    """Flate, never past the stream bound: the output is asked for at most one byte past it."""
    inflater, limit = zlib.decompressobj(), budget.limits["stream"]
    out = inflater.decompress(data, limit + 1)
    if not inflater.unconsumed_tail and len(out) <= limit:
        out += inflater.decompress(b"", limit + 1 - len(out))  # output still pending inside
    if inflater.unconsumed_tail or len(out) > limit:
        budget.fail("stream")
    _charge_output(budget, len(out))
    return out


class _Zlib:
    """`zlib` as pdfminer's pdftypes sees it: bounded while a document is read."""

    error = zlib.error

    @staticmethod
    def decompress(data, *args, **kwargs):
        budget = _current.get()
        if budget is None:
            return zlib.decompress(data, *args, **kwargs)
        budget.tick()
        try:
            return _inflate(data, budget)
        except OverBudget:
            raise zlib.error("stream past the bound") from None  # pdfminer then tries the damaged-stream path: bounded too

    def __getattr__(self, name):
        return getattr(zlib, name)


def _decompress_corrupted(data: bytes) -> bytes:
    """A Flate stream with a damaged end, read up to the damage. pdfminer feeds it a byte at a
    time and concatenates (quadratic); this feeds blocks and retries only the failing block
    byte by byte, from a copy of the inflater taken before it."""
    budget = _current.get()
    if budget is None:
        return _ORIGINAL["decompress_corrupted"](data)
    if budget.over:
        raise zlib.error("the document is already past its bounds")
    inflater, out, size, limit = zlib.decompressobj(), [], 0, budget.limits["stream"]
    for start in range(0, len(data), 65536):
        block, saved = data[start:start + 65536], inflater.copy()
        try:
            piece = inflater.decompress(block, limit + 1 - size)
        except zlib.error:
            inflater, piece = saved, b""
            for i in range(len(block)):
                try:
                    piece += inflater.decompress(block[i:i + 1], limit + 1 - size - len(piece))
                except zlib.error:
                    if start + i < len(data) - 3:  # as pdfminer: only a damaged checksum is forgiven
                        raise
                    break
            out.append(piece)
            size += len(piece)
            break
        out.append(piece)
        size += len(piece)
        if size > limit or inflater.unconsumed_tail:
            budget.fail("stream")
    _charge_output(budget, size)
    return b"".join(out)


def _lzwdecode(data: bytes) -> bytes:
    budget = _current.get()
    if budget is None:
        return _ORIGINAL["lzwdecode"](data)
    from pdfminer.lzw import LZWDecoder

    out, size = [], 0
    for n, piece in enumerate(LZWDecoder(BytesIO(data)).run()):
        out.append(piece)
        size += len(piece)
        if size > budget.limits["stream"]:
            budget.fail("stream")
        if not n % 4096:
            budget.tick()
    _charge_output(budget, size)
    return b"".join(out)


def _rldecode(data: bytes) -> bytes:
    """RunLength (PDF 1.7 §7.4.5): up to 64:1, so bounded as it goes."""
    budget = _current.get()
    if budget is None:
        return _ORIGINAL["rldecode"](data)
    out, i, limit = bytearray(), 0, budget.limits["stream"]
    while i < len(data) and data[i] != 128:
        length = data[i]
        if length < 128:
            out += data[i + 1:i + 2 + length]
            i += 2 + length
        else:
            out += data[i + 1:i + 2] * (257 - length)
            i += 2
        if len(out) > limit:
            budget.fail("stream")
        if not i % 65536:
            budget.tick()
    _charge_output(budget, len(out))
    return bytes(out)


def _bounded(name: str):
    """A filter whose output is at most a few times its input (ASCII85, ASCIIHex): charged."""

    def decode(data: bytes, *args) -> bytes:
        budget = _current.get()
        if budget is None:
            return _ORIGINAL[name](data, *args)
        budget.tick()
        if len(data) > budget.limits["stream"]:
            budget.fail("stream")
        out = _ORIGINAL[name](data, *args)
        _charge_output(budget, len(out))
        return out

    return decode


def _ccittfaxdecode(data: bytes, params) -> bytes:
    """A fax image (pure Python in pdfminer): its declared size is charged before decoding."""
    budget = _current.get()
    if budget is None:
        return _ORIGINAL["ccittfaxdecode"](data, params)
    budget.tick()
    from pdfminer.pdftypes import int_value

    columns = int_value(params.get("Columns", 1728)) if params else 1728
    rows = int_value(params.get("Rows", 0)) if params else 0
    if not 0 < columns <= 100_000 or not 0 <= rows <= 100_000 or len(data) > MB:
        budget.fail("stream")
    _charge_output(budget, max(columns * max(rows, 1) // 8, len(data) * 8))
    return _ORIGINAL["ccittfaxdecode"](data, params)


# ---- interpretation: tokens, font maps ---------------------------------------------------------

_ORIGINAL: dict = {}
_lock = threading.Lock()


def _install() -> None:
    if _ORIGINAL:
        return
    with _lock:
        if _ORIGINAL:
            return
        from pdfminer import cmapdb, pdfinterp, pdftypes

        base_parser = pdfinterp.PDFContentParser

        class BoundedContentParser(base_parser):
            def nexttoken(self):
                budget = _current.get()
                if budget is not None:
                    budget.charge("tokens", page="page_tokens")
                    if not budget.used["tokens"] % 1024:
                        budget.tick()
                return super().nexttoken()

            def start_type(self, *args):
                budget = _current.get()
                if budget is not None and len(self.context) >= budget.limits["nesting"]:
                    budget.fail("nesting")  # operands nested deeper than any drawing needs
                return super().start_type(*args)

        def counted(method):
            def add(self, *args):
                budget = _current.get()
                if budget is not None:
                    budget.charge("map")
                return method(self, *args)

            return add

        originals = {
            "decompress_corrupted": pdftypes.decompress_corrupted, "lzwdecode": pdftypes.lzwdecode,
            "rldecode": pdftypes.rldecode, "ascii85decode": pdftypes.ascii85decode,
            "asciihexdecode": pdftypes.asciihexdecode, "ccittfaxdecode": pdftypes.ccittfaxdecode,
        }
        pdftypes.zlib = _Zlib()
        pdftypes.decompress_corrupted = _decompress_corrupted
        pdftypes.lzwdecode = _lzwdecode
        pdftypes.rldecode = _rldecode
        pdftypes.ascii85decode = _bounded("ascii85decode")
        pdftypes.asciihexdecode = _bounded("asciihexdecode")
        pdftypes.ccittfaxdecode = _ccittfaxdecode
        pdfinterp.PDFContentParser = BoundedContentParser
        for cls, name in ((cmapdb.FileUnicodeMap, "add_cid2unichr"), (cmapdb.FileCMap, "add_code2cid")):
            setattr(cls, name, counted(getattr(cls, name)))
        _ORIGINAL.update(originals)


# ---- drawing: glyphs, paths and images, Form XObject nesting -----------------------------------

def page_layout(page, budget: Budget):
    """The page's layout as pdfplumber would make it, drawn through a bounded device; given to
    the page so that pdfplumber's own properties (chars, rects, …) use it."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    class BoundedDevice(PDFPageAggregatorWithMarkedContent):
        depth = 0

        def render_char(self, *args, **kwargs):
            budget.charge("glyphs", page="page_glyphs")
            return super().render_char(*args, **kwargs)

        def paint_path(self, *args, **kwargs):
            budget.charge("drawings", page="page_drawings")
            return super().paint_path(*args, **kwargs)

        def render_image(self, *args, **kwargs):
            budget.charge("drawings", page="page_drawings")
            return super().render_image(*args, **kwargs)

        def begin_figure(self, *args, **kwargs):
            self.depth += 1
            if self.depth > budget.limits["depth"]:
                budget.fail("depth")
            return super().begin_figure(*args, **kwargs)

        def end_figure(self, *args, **kwargs):
            self.depth -= 1
            return super().end_figure(*args, **kwargs)

    budget.new_page()
    budget.tick()
    device = BoundedDevice(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()  # pdfplumber's Page.layout caches here
    return page._layout
