"""Every chart of every page is shown by `show`: the figure in the reader's theme (the light figure, or
a dark version built for it), its text alternative, and a "Show the data" table that a keyboard reaches.

The figures themselves are built light (exports, handouts and embeds stay light); the dark version is
made here, once per figure object, and shared by every session that shows the same figure.
"""

from __future__ import annotations

import threading
import weakref

import plotly.graph_objects as go
import streamlit as st

from usjp.figures import chart_data
from usjp.figures.theme import themed
from usjp.ui.markdown import md_escape
from usjp.ui.theme import reader_theme

_DARK: dict[int, tuple[weakref.ref, go.Figure]] = {}
_DARK_LOCK = threading.Lock()


def in_theme(fig: go.Figure, theme: str) -> go.Figure:
    """`fig` for a light page; for a dark page its dark version, made once per figure object (the figures
    are shared between sessions and never modified, so their dark versions can be shared too)."""
    if theme != "dark":
        return fig
    with _DARK_LOCK:
        hit = _DARK.get(id(fig))
        if hit is not None and hit[0]() is fig:
            return hit[1]
    dark = themed(fig, "dark")
    ident = id(fig)
    with _DARK_LOCK:
        _DARK[ident] = (weakref.ref(fig, lambda _ref: _DARK.pop(ident, None)), dark)
    return dark


def show(
    fig: go.Figure,
    *,
    key: str,
    alt: str,
    config: dict,
    select: bool = False,
    data: bool = True,
    where=None,
) -> None:
    """The chart in the reader's theme, named by `alt` for screen readers; `select`: a click on a marker
    reruns the page with the selection; `data`: a "Show the data" expander under it (the timeline has
    its own, with the levels behind an indexed chart)."""
    where = where if where is not None else st
    options = {"on_select": "rerun", "selection_mode": "points"} if select else {}
    where.plotly_chart(in_theme(fig, reader_theme()), key=key, theme=None, config=config, alt=alt, **options)
    if data:
        render_data(fig, key, where)


def render_data(fig: go.Figure, key: str, where) -> None:
    """The "Show the data" expander: the values the chart draws, as tables (filled only when opened: a closed expander
    costs the page nothing)."""
    panel = where.expander("Show the data", expanded=False, key=f"{key}__data", on_change="rerun")
    with panel:
        if not panel.open:
            return
        for table in chart_data.figure_tables(fig):
            if table.caption:
                st.caption(md_escape(table.caption))
            st.dataframe(table.frame, hide_index=True, width="stretch", placeholder="–")
