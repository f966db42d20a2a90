"""Start-up helpers: every page runs under app.py's navigation, and the chart code loads early."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

import streamlit as st


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


CHART_CODE = "usjp_chart_code"  # the sidebar's hidden box with the blank chart (hidden by ui/a11y.py's CSS)
CHART_CODE_FIGURE = f"{CHART_CODE}_figure"  # the blank chart's key: not one of the page's charts
# Held by app.py around its heavy imports, and here around the blank figure. Sessions run app.py in
# parallel threads, and Plotly's figure code looks pandas up in sys.modules without importing it: on a
# fresh server it could find the half-initialised module another session is still importing.
IMPORT_LOCK = threading.Lock()
# An empty, see-through figure: it draws nothing, but rendering it makes the browser fetch Plotly.js.
_BLANK = {"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "paper_bgcolor": "rgba(0,0,0,0)"}


@functools.cache
def _blank_figure():  # built once (under IMPORT_LOCK), the same element every run
    import plotly.graph_objects as go

    return go.Figure(layout=_BLANK)


def load_chart_code(chart_paths: Iterable[str]) -> None:
    """On every run of a page with a chart (`chart_paths`: their URL paths, "" for home), a blank figure in
    a hidden box at the top of the sidebar, drawn before the app imports its modules and loads data.

    The browser loads Plotly.js (4.7 MB, about a second to fetch and compile on these machines) only
    when an st.plotly_chart arrives; this way it starts while the server is still busy, not after. It
    is also where the timeline's chart gets Plotly.js: that chart is drawn by a component of ours with
    the `window.Plotly` plotly.js's bundle sets (ui/chart.show_scales), so the blank figure stays on
    every chart page (the same element every run: the browser draws it once, hidden, and nothing moves).
    """
    try:
        path = urlsplit(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
    except (AttributeError, ValueError):
        return
    if path not in set(chart_paths):
        return
    with IMPORT_LOCK:  # the box is hidden by usjp/ui/a11y.py's CSS
        st.sidebar.container(key=CHART_CODE).plotly_chart(
            _blank_figure(), theme=None, config={"staticPlot": True}, key=CHART_CODE_FIGURE
        )
