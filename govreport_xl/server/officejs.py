"""Reserved for the Office.js add-in (issue 23): its manifest, task pane and the xlwings remote
engine's endpoint. `app.py` includes `router`; add the routes here (and their templates or static
files beside them), and read settings from `request.app.state.settings`.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
