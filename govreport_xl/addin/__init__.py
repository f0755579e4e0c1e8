"""The Python side of the Excel add-in (the 校验 button): validate, clear, export_json.

Each ribbon click starts Python and imports this module, so it imports nothing at load: the
engine is loaded by the action that needs it. Every function takes an xlwings Book (default: the
workbook the button was clicked in) and never raises: a problem is told in an alert.
"""

_ACTIONS = ("validate", "clear", "export_json")
__all__ = list(_ACTIONS)


def __getattr__(name):
    if name in _ACTIONS:
        from . import actions

        return getattr(actions, name)
    raise AttributeError(f"module 'govreport_xl.addin' has no attribute {name!r}")
