"""Optional dependencies, installed as extras: a clerk's PC needs the engine, openpyxl and
xlwings, not PDF reading or Word writing (and the offline kit stays small). A command that needs
one names the extra to install instead of failing on an import."""

from __future__ import annotations

import importlib
from types import ModuleType

from .core.source import SourceError, refuse

# module -> (extra, what it is needed for: zh, en); setup.cfg's extras hold the same names
OPTIONAL = {
    "pdfplumber": ("pdf", "读取 PDF", "reading a PDF"),
    "docx": ("render", "生成 Word 文档", "writing a Word document"),
    "opencc": ("import", "导入已发布的报告", "importing a published report"),
    "lxml": ("import", "导入已发布的报告", "importing a published report"),
}


def require(module: str, path) -> ModuleType:
    """The module, or a SourceError for `path` saying which extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise missing(module, path) from None


def missing(module: str, path) -> SourceError:
    extra, zh, en = OPTIONAL[module]
    return refuse(path, f'{zh}需要安装可选组件：pip install "govreport-xl[{extra}]"（或 [all]）',
                  f'{en} needs an optional part: pip install "govreport-xl[{extra}]" (or [all])')
