"""govreport-xl: templates, validation and export for 政府信息公开工作年度报告 (2021 format).

The public API (imported on first use, so that `import govreport_xl.addin` stays quick):
validate, validate_many, read, audit, fill, template, and the Result they return.
"""

__version__ = "0.2.0"

_API = ("validate", "validate_many", "read", "audit", "fill", "template")
__all__ = [*_API, "Result", "Report", "SourceError", "__version__"]


def __getattr__(name):
    if name in _API:
        from . import api

        return getattr(api, name)
    if name == "Result":
        from .core.result import Result

        return Result
    if name == "Report":
        from .core.model import Report

        return Report
    if name == "SourceError":
        from .core.source import SourceError

        return SourceError
    raise AttributeError(f"module 'govreport_xl' has no attribute {name!r}")
