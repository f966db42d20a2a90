"""Start-up helpers: every page runs under app.py's navigation, and the chart code loads early."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import streamlit as st

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator


def ensure_app_navigation() -> None:
    """Streamlit starts in its legacy `pages/`-folder mode until st.navigation is first called, so a
    deep link (e.g. /timeline) opened on a fresh server runs the page script alone, without app.py's
    layout and sidebar. Leave that mode and rerun: the rerun goes through app.py and st.navigation.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the legacy mode
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


PRELOAD_KEY = "_chart_code_preloaded"
# Held by app.py around its heavy imports, and here around the preload figure. Sessions run app.py in
# parallel threads, and Plotly's figure code looks pandas up in sys.modules without importing it: on a
# fresh server it could find the half-initialised module another session is still importing.
IMPORT_LOCK = threading.Lock()
# An empty, see-through figure: it draws nothing, but rendering it makes the browser fetch Plotly.js.
_BLANK = {"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "paper_bgcolor": "rgba(0,0,0,0)"}


def preload_chart_code(chart_paths: Iterable[str]) -> DeltaGenerator:
    """On a session's first run of a page with a chart (`chart_paths`: their URL paths, "" for home),
    draw a blank figure at the top of the sidebar, before the app imports its modules and loads data.

    The browser loads Plotly.js (4.7 MB, about a second to fetch and compile on these machines) only
    when a chart arrives; this way it starts while the server is still busy, not after. Returns the
    sidebar slot: the caller empties it before writing anything else there, so nothing moves.
    """
    slot = st.sidebar.empty()
    if PRELOAD_KEY in st.session_state:
        return slot
    st.session_state[PRELOAD_KEY] = True
    try:
        path = urlsplit(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
    except (AttributeError, ValueError):
        return slot
    if path in set(chart_paths):
        import plotly.graph_objects as go

        with IMPORT_LOCK:
            slot.plotly_chart(go.Figure(layout=_BLANK), theme=None, config={"staticPlot": True})
    return slot
